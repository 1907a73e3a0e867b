//! View use cases: list, create, get, update (settings, sharing, password), delete, order,
//! duplicate, rotate the public slug. Every change is logged as a table event.

use super::{View, ViewError, ViewParts, form, repo, types};
use crate::{
    context::AppContext,
    database::{
        access::TableScope,
        events::TableEvent,
        fields::{self, origin},
        tables::{self, Table},
        tx::Tx,
    },
    platform::{
        actions::Params,
        auth::{Actor, password},
        trash,
        validation::{self, ValidationError},
    },
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

const MAX_NAME_LENGTH: usize = 255;

/// Which parts `include=` asked for.
#[derive(Debug, Default, Clone, Copy)]
pub struct Include {
    pub filters: bool,
    pub sortings: bool,
    pub decorations: bool,
    pub group_bys: bool,
}

impl Include {
    /// Parses `filters,sortings,decorations,group_bys`.
    pub fn parse(raw: Option<&str>) -> Self {
        let mut include = Self::default();
        for part in raw.unwrap_or_default().split(',').map(str::trim) {
            match part {
                "filters" => include.filters = true,
                "sortings" => include.sortings = true,
                "decorations" => include.decorations = true,
                "group_bys" => include.group_bys = true,
                _ => {}
            }
        }
        include
    }
}

/// A view with its table and the parts asked for, ready to serialise.
pub struct ViewWithParts {
    pub view: View,
    pub table: Table,
    pub parts: ViewParts,
}

impl ViewWithParts {
    pub fn to_json(&self) -> Value {
        self.view.to_json(&self.table, &self.parts)
    }
}

pub(super) async fn parts(
    conn: &mut PgConnection,
    view: &View,
    include: Include,
) -> sqlx::Result<ViewParts> {
    Ok(ViewParts {
        filters: if include.filters {
            Some(repo::filters(&mut *conn, view.id).await?)
        } else {
            None
        },
        filter_groups: if include.filters {
            Some(repo::filter_groups(&mut *conn, view.id).await?)
        } else {
            None
        },
        sortings: if include.sortings {
            Some(repo::sorts(&mut *conn, view.id).await?)
        } else {
            None
        },
        group_bys: if include.group_bys {
            Some(repo::group_bys(&mut *conn, view.id).await?)
        } else {
            None
        },
        decorations: if include.decorations {
            Some(super::decorations::of_view(&mut *conn, view.id).await?)
        } else {
            None
        },
    })
}

/// A live view the caller can reach, with its table's scope.
pub async fn accessible(
    conn: &mut PgConnection,
    actor: &Actor,
    view_id: i64,
) -> Result<(View, Table, TableScope), ViewError> {
    let view = repo::get(&mut *conn, view_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let (table, scope) = tables::accessible(conn, actor, view.table_id)
        .await
        .map_err(|e| match e {
            tables::TableError::NotFound => ViewError::NotFound,
            other => other.into(),
        })?;
    Ok((view, table, scope))
}

/// The full JSON of a view after a change: what events and responses carry.
pub(super) async fn full(
    conn: &mut PgConnection,
    view: View,
    table: Table,
) -> sqlx::Result<ViewWithParts> {
    let all = Include {
        filters: true,
        sortings: true,
        decorations: true,
        group_bys: true,
    };
    let parts = parts(conn, &view, all).await?;
    Ok(ViewWithParts { view, table, parts })
}

/// A live view of a live table as events carry it (for changes made outside this module,
/// such as a restore from the trash); `None` when either is gone or trashed.
pub async fn event_json(conn: &mut PgConnection, view_id: i64) -> sqlx::Result<Option<Value>> {
    let Some(view) = repo::get(&mut *conn, view_id).await? else {
        return Ok(None);
    };
    let Some(table) = tables::repo::get(&mut *conn, view.table_id).await? else {
        return Ok(None);
    };
    Ok(Some(full(conn, view, table).await?.to_json()))
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    include: Include,
    kind: Option<&str>,
) -> Result<Vec<ViewWithParts>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (table, _) = tables::accessible(&mut conn, actor, table_id).await?;
    let mut result = Vec::new();
    for view in repo::list(&mut *conn, table_id).await? {
        if kind.is_some_and(|k| k != view.kind) {
            continue;
        }
        let parts = parts(&mut conn, &view, include).await?;
        result.push(ViewWithParts {
            view,
            table: table.clone(),
            parts,
        });
    }
    Ok(result)
}

pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    include: Include,
) -> Result<ViewWithParts, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, table, _) = accessible(&mut conn, actor, view_id).await?;
    let parts = parts(&mut conn, &view, include).await?;
    Ok(ViewWithParts { view, table, parts })
}

/// Checks the common settings in `body` over `current` (or the defaults).
async fn settings(
    conn: &mut PgConnection,
    table_id: i64,
    kind: &dyn types::ViewType,
    body: &Map<String, Value>,
    current: Option<&View>,
    actor_id: i64,
) -> Result<(String, String, bool, Map<String, Value>, String, bool), ViewError> {
    let mut errors = ValidationError::default();
    let name = match (body.get("name"), current) {
        (Some(Value::String(n)), _) => validation::text(&mut errors, "name", n, 1, MAX_NAME_LENGTH),
        (Some(_), _) => {
            errors.add("name", "invalid", "Not a valid string.");
            String::new()
        }
        (None, Some(c)) => c.name.clone(),
        (None, None) => {
            errors.add("name", "required", "This field is required.");
            String::new()
        }
    };
    let text =
        |key: &str, fallback: &str, errors: &mut ValidationError, allowed: &[&str]| match body
            .get(key)
        {
            Some(Value::String(v)) => {
                validation::choice(errors, key, v, allowed);
                v.clone()
            }
            Some(_) => {
                errors.add(key, "invalid", "Not a valid string.");
                fallback.to_owned()
            }
            None => fallback.to_owned(),
        };
    let filter_type = text(
        "filter_type",
        current.map_or("AND", |c| c.filter_type.as_str()),
        &mut errors,
        &["AND", "OR"],
    );
    let row_identifier_type = text(
        "row_identifier_type",
        current.map_or("id", |c| c.row_identifier_type.as_str()),
        &mut errors,
        &["id", "count"],
    );
    let flag = |key: &str, fallback: bool, errors: &mut ValidationError| match body.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add(key, "invalid", "Must be true or false.");
            fallback
        }
        None => fallback,
    };
    let filters_disabled = flag(
        "filters_disabled",
        current.is_some_and(|c| c.filters_disabled),
        &mut errors,
    );
    let public = flag("public", current.is_some_and(|c| c.public), &mut errors);
    let field_ids = repo::live_field_ids(&mut *conn, table_id).await?;
    let mut props = types::apply_props(
        kind,
        body,
        current.map(|c| &c.options.0),
        &field_ids,
        &mut errors,
    );
    if kind.name() == "form" {
        notify_list(&mut props, body, current, actor_id);
    }
    if kind.name() == "calendar" {
        super::ical::keep_slug(&mut props, current);
    }
    if let Some(Value::String(p)) = body.get("public_view_password")
        && !p.is_empty()
    {
        validation::password(&mut errors, "public_view_password", p);
    }
    errors.into_result()?;
    Ok((
        name,
        filter_type,
        filters_disabled,
        props,
        row_identifier_type,
        public,
    ))
}

/// `receive_notification_on_submit` is personal: setting it adds or removes the user who
/// sets it from the form's list of users emailed each answer; it reads true while anyone
/// is on the list.
fn notify_list(
    props: &mut Map<String, Value>,
    body: &Map<String, Value>,
    current: Option<&View>,
    actor_id: i64,
) {
    let mut ids: Vec<i64> = current
        .and_then(|c| c.options.0.get(form::NOTIFY_KEY))
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    match body.get("receive_notification_on_submit") {
        Some(Value::Bool(true)) if !ids.contains(&actor_id) => ids.push(actor_id),
        Some(Value::Bool(false)) => ids.retain(|id| *id != actor_id),
        _ => {}
    }
    props.insert(
        "receive_notification_on_submit".into(),
        Value::Bool(!ids.is_empty()),
    );
    props.insert(form::NOTIFY_KEY.into(), json!(ids));
}

/// `public_view_password`: a string of 8–256 characters sets it, `""` removes it.
async fn apply_password(
    conn: &mut PgConnection,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<(), ViewError> {
    match body.get("public_view_password") {
        Some(Value::String(p)) if p.is_empty() => {
            repo::set_password(&mut *conn, view_id, None).await?
        }
        Some(Value::String(p)) => {
            let hash = password::hash(p)
                .await
                .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
            repo::set_password(&mut *conn, view_id, Some(&hash)).await?;
        }
        Some(Value::Null) => repo::set_password(&mut *conn, view_id, None).await?,
        Some(_) => {
            return Err(ValidationError::single(
                "public_view_password",
                "invalid",
                "Not a valid string.",
            )
            .into());
        }
        None => {}
    }
    Ok(())
}

/// Creates a view of any registered type; new views come last.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewWithParts, ViewError> {
    let kind_name = match body.get("type") {
        Some(Value::String(t)) => t.clone(),
        _ => {
            return Err(
                ValidationError::single("type", "required", "This field is required.").into(),
            );
        }
    };
    let kind = types::by_name(&kind_name)
        .ok_or_else(|| ViewError::TypeDoesNotExist(kind_name.replace('\0', "")))?;
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (table, _) = tables::accessible(&mut tx, actor, table_id).await?;
    let (name, filter_type, filters_disabled, props, row_identifier_type, public) =
        settings(&mut tx, table_id, kind, body, None, actor.id()).await?;
    tables::repo::lock(&mut *tx, table_id).await?;
    let values = repo::ViewValues {
        name: &name,
        filter_type: &filter_type,
        filters_disabled,
        options: &props,
        row_identifier_type: &row_identifier_type,
        public,
    };
    let view = repo::insert(&mut tx, table_id, kind.name(), &values).await?;
    apply_password(&mut tx, view.id, body).await?;
    let view = repo::get(&mut *tx, view.id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let result = full(&mut tx, view, table).await?;
    tx.emit(
        table_id,
        TableEvent::ViewCreated {
            view: result.to_json(),
        },
    );
    tx.commit().await?;
    Ok(result)
}

pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewWithParts, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let result = update_in(&mut tx, actor, view_id, body).await?;
    tx.commit().await?;
    Ok(result)
}

/// [`update`] inside the caller's transaction (undo changes a view back this way).
pub async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewWithParts, ViewError> {
    repo::lock(&mut **tx, view_id).await?;
    let (current, table, _) = accessible(tx, actor, view_id).await?;
    let before = full(tx, current.clone(), table.clone()).await?.to_json();
    let kind = types::by_name(&current.kind)
        .ok_or_else(|| ViewError::TypeDoesNotExist(current.kind.clone()))?;
    let (name, filter_type, filters_disabled, props, row_identifier_type, public) =
        settings(tx, current.table_id, kind, body, Some(&current), actor.id()).await?;
    let values = repo::ViewValues {
        name: &name,
        filter_type: &filter_type,
        filters_disabled,
        options: &props,
        row_identifier_type: &row_identifier_type,
        public,
    };
    repo::update(tx, view_id, &values).await?;
    apply_password(tx, view_id, body).await?;
    let view = repo::get(&mut **tx, view_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let result = full(tx, view, table).await?;
    tx.emit(
        current.table_id,
        TableEvent::ViewUpdated {
            view_id,
            view: result.to_json(),
            before: Some(Box::new(before)),
        },
    );
    Ok(result)
}

/// Moves a view to the trash.
pub async fn delete(ctx: &AppContext, actor: &Actor, view_id: i64) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    delete_in(&mut tx, actor, view_id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete`] inside the caller's transaction (undo trashes a created view this way).
pub async fn delete_in(tx: &mut Tx, actor: &Actor, view_id: i64) -> Result<(), ViewError> {
    let (view, _, scope) = accessible(tx, actor, view_id).await?;
    repo::set_trashed(&mut **tx, view_id).await?;
    let entry = trash::NewTrashEntry {
        item_type: "view",
        item_id: view_id,
        parent_item_id: None,
        workspace_id: scope.workspace_id,
        application_id: Some(scope.database_id),
        user_id: actor.id(),
        name: &view.name,
    };
    trash::record(&mut **tx, &entry).await?;
    tx.emit(
        view.table_id,
        TableEvent::ViewDeleted {
            table_id: view.table_id,
            view_id,
        },
    );
    Ok(())
}

/// Listed views take the given order; every id must be a view of the table.
pub async fn order(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    view_ids: &[i64],
) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    order_in(&mut tx, actor, table_id, view_ids).await?;
    tx.commit().await?;
    Ok(())
}

/// [`order`] in the caller's transaction.
pub async fn order_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    view_ids: &[i64],
) -> Result<(), ViewError> {
    tables::accessible(tx, actor, table_id).await?;
    let current: Vec<i64> = repo::list(&mut **tx, table_id)
        .await?
        .iter()
        .map(|v| v.id)
        .collect();
    if let Some(foreign) = view_ids.iter().find(|id| !current.contains(id)) {
        return Err(ViewError::NotInTable(*foreign));
    }
    let ordered = crate::platform::applications::merge_order(&current, view_ids);
    repo::set_order(&mut **tx, &ordered).await?;
    tx.emit(
        table_id,
        TableEvent::ViewsReordered {
            table_id,
            order: ordered,
            before: Some(current),
        },
    );
    Ok(())
}

/// Copies a view with its filters, sorts, group-bys, decorations and field options, placed last, named
/// "<name> 2" (or the next free number).
pub async fn duplicate(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<ViewWithParts, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, table, _) = accessible(&mut tx, actor, view_id).await?;
    tables::repo::lock(&mut *tx, view.table_id).await?;
    let names: Vec<String> = repo::list(&mut *tx, view.table_id)
        .await?
        .into_iter()
        .map(|v| v.name)
        .collect();
    let name = (2..)
        .map(|n| format!("{} {n}", view.name))
        .find(|candidate| !names.contains(candidate))
        .unwrap_or_else(|| view.name.clone());
    // A copy of a calendar gets a feed address of its own.
    let options = if view.options.0.contains_key(super::ical::SLUG_KEY) {
        super::ical::with_new_slug(&view)
    } else {
        view.options.0.clone()
    };
    let values = repo::ViewValues {
        name: &name,
        filter_type: &view.filter_type,
        filters_disabled: view.filters_disabled,
        options: &options,
        row_identifier_type: &view.row_identifier_type,
        public: false,
    };
    let copy = repo::insert(&mut tx, view.table_id, &view.kind, &values).await?;
    repo::copy_parts(&mut tx, view_id, copy.id).await?;
    tx.did(Params::DuplicateView {
        table_id: view.table_id,
        view_id: copy.id,
    });
    let result = full(&mut tx, copy, table).await?;
    tx.emit(
        view.table_id,
        TableEvent::ViewCreated {
            view: result.to_json(),
        },
    );
    tx.commit().await?;
    Ok(result)
}

/// A new slug for a calendar's iCal feed: the old feed address stops working.
pub async fn rotate_ical_slug(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<ViewWithParts, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, table, _) = accessible(&mut tx, actor, view_id).await?;
    if view.kind != "calendar" {
        return Err(ViewError::NotFound);
    }
    sqlx::query("UPDATE database_views SET options = $2 WHERE id = $1")
        .bind(view_id)
        .bind(sqlx::types::Json(super::ical::with_new_slug(&view)))
        .execute(&mut *tx)
        .await?;
    let view = repo::get(&mut *tx, view.id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let result = full(&mut tx, view, table).await?;
    tx.emit(
        result.view.table_id,
        TableEvent::ViewUpdated {
            view_id,
            view: result.to_json(),
            before: None,
        },
    );
    tx.commit().await?;
    Ok(result)
}

/// A new public slug: links with the old one stop working.
pub async fn rotate_slug(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<ViewWithParts, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, _, _) = accessible(&mut tx, actor, view_id).await?;
    repo::rotate_slug(&mut *tx, view_id).await?;
    let result = announce_slug(&mut tx, view_id).await?;
    tx.did(Params::RotateViewSlug {
        view_id,
        before: view.slug,
        after: result.view.slug.clone(),
    });
    tx.commit().await?;
    Ok(result)
}

/// Gives a view back a slug it had, for undo and redo of a rotation.
pub async fn set_slug_in(
    tx: &mut Tx,
    actor: &Actor,
    view_id: i64,
    slug: &str,
) -> Result<(), ViewError> {
    accessible(tx, actor, view_id).await?;
    sqlx::query("UPDATE database_views SET slug = $2 WHERE id = $1")
        .bind(view_id)
        .bind(slug)
        .execute(&mut **tx)
        .await?;
    announce_slug(tx, view_id).await?;
    Ok(())
}

/// Emits the view with its new slug.
async fn announce_slug(tx: &mut Tx, view_id: i64) -> Result<ViewWithParts, ViewError> {
    let view = repo::get(&mut **tx, view_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let table = tables::repo::get(&mut **tx, view.table_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let result = full(tx, view, table).await?;
    tx.emit(
        result.view.table_id,
        TableEvent::ViewUpdated {
            view_id,
            view: result.to_json(),
            before: None,
        },
    );
    Ok(result)
}

/// The live fields of a view's table, for checks of filters, sorts and options.
pub(super) async fn table_fields(
    conn: &mut PgConnection,
    table_id: i64,
) -> Result<Vec<fields::Field>, ViewError> {
    Ok(fields::repo::list(conn, table_id).await?)
}
