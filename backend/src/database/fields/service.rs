//! Field use cases: list, create, get, update (including type conversion), delete.

use super::{
    Field, FieldError, FieldType, constraints, ddl,
    field_type::parse_select_options,
    registry::field_types,
    repo::{self, NewField},
};
use crate::{
    context::AppContext,
    database::{
        access::{self, TableScope},
        actions::backup,
        collaborators::MULTIPLE_COLLABORATORS,
        computed,
        events::{EventOrigin, FieldBefore, TableEvent},
        links,
        rows::read::column_expr,
        tokens::{self, Operation},
        tx::Tx,
    },
    platform::{auth::Actor, trash, validation::ValidationError},
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

/// `id` and `order` name system columns in Baserow's API.
const RESERVED_NAMES: &[&str] = &["id", "order"];
pub const MAX_NAME_LENGTH: usize = 255;

/// The field as the API shows it, with the type's own properties.
pub fn field_json(field: &Field, scope: &TableScope) -> Value {
    let ft = field_types().get(&field.kind);
    let (db_index, field_constraints) = constraints::api_props(field);
    let mut obj = json!({
        "id": field.id,
        "table_id": field.table_id,
        "name": field.name,
        "order": field.order,
        "type": field.kind,
        "primary": field.primary,
        "read_only": ft.is_some_and(|t| t.is_read_only()),
        "immutable_type": false,
        "immutable_properties": false,
        "description": field.description,
        "database_id": scope.database_id,
        "workspace_id": scope.workspace_id,
        "db_index": db_index,
        "field_constraints": field_constraints,
    });
    if let (Some(map), Some(props)) = (obj.as_object_mut(), field.options.as_object()) {
        // Keys starting with `_` are kept for the server's own use.
        for (k, v) in props.iter().filter(|(k, _)| !k.starts_with('_')) {
            map.insert(k.clone(), v.clone());
        }
        if field.kind == links::LINK_ROW {
            link_props(map, field, scope);
        }
        if field.kind == MULTIPLE_COLLABORATORS {
            map.insert(
                "available_collaborators".into(),
                serde_json::to_value(&field.collaborators).unwrap_or_default(),
            );
        }
        if ft.is_some_and(|t| t.has_select_options()) {
            map.insert(
                "select_options".into(),
                serde_json::to_value(&field.select_options).unwrap_or_default(),
            );
        }
    }
    obj
}

/// The field as a shared view shows it to anyone with the link: without the workspace's
/// member list.
pub fn public_field_json(field: &Field, scope: &TableScope) -> Value {
    let mut json = field_json(field, scope);
    if let Some(map) = json.as_object_mut() {
        map.remove("available_collaborators");
    }
    json
}

/// A link field's derived properties: Baserow's older names and the linked table's
/// primary field. The relation's id is ours alone and stays inside.
fn link_props(map: &mut Map<String, Value>, field: &Field, scope: &TableScope) {
    map.remove("link_row_relation_id");
    map.insert(
        "link_row_table".into(),
        field.opt("link_row_table_id").clone(),
    );
    map.insert(
        "link_row_related_field".into(),
        field.opt("link_row_related_field_id").clone(),
    );
    map.insert(
        "link_row_table_primary_field".into(),
        field
            .linked_primary
            .as_deref()
            .map(|p| field_json(p, scope))
            .unwrap_or(Value::Null),
    );
}

/// A changed field, its table's scope and the fields changed with it in other tables
/// (a link's related field), as the API shows them.
pub struct FieldChange {
    pub field: Field,
    pub scope: TableScope,
    pub related_fields: Vec<Value>,
}

/// Resolves a table the caller may use, or the right error.
pub async fn table_scope(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
) -> Result<TableScope, FieldError> {
    table_scope_for(conn, actor, table_id, None).await
}

/// Like [`table_scope`], for the operations database tokens may perform: a token must be
/// of the table's workspace and hold the right for `op` (`None`: tokens are refused).
/// The membership check runs first, so a token whose owner left the workspace stops working.
pub async fn table_scope_for(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
    op: Option<Operation>,
) -> Result<TableScope, FieldError> {
    let scope = access::scope(conn, table_id)
        .await?
        .ok_or(FieldError::TableNotFound)?;
    access::require_table_member(conn, actor.id(), &scope).await?;
    check_token(actor, &scope, op)?;
    Ok(scope)
}

/// A database token must belong to the table's workspace and grant `op` on the table.
pub fn check_token(
    actor: &Actor,
    scope: &TableScope,
    op: Option<Operation>,
) -> Result<(), FieldError> {
    if actor.token.is_some() {
        let allowed = tokens::grant_of(actor).zip(op).is_some_and(|(grant, op)| {
            grant.workspace_id == scope.workspace_id && grant.permissions.allows(op, scope)
        });
        if !allowed {
            return Err(FieldError::NoPermissionToTable);
        }
    }
    Ok(())
}

/// A live field the caller may use, with its table's scope.
pub async fn accessible(
    conn: &mut PgConnection,
    actor: &Actor,
    field_id: i64,
) -> Result<(Field, TableScope), FieldError> {
    let field = repo::get(conn, field_id)
        .await?
        .ok_or(FieldError::NotFound)?;
    let scope = access::scope(conn, field.table_id)
        .await?
        .ok_or(FieldError::NotFound)?;
    access::require_table_member(conn, actor.id(), &scope).await?;
    if actor.token.is_some() {
        return Err(FieldError::NoPermissionToTable);
    }
    Ok((field, scope))
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
) -> Result<(Vec<Field>, TableScope), FieldError> {
    let mut conn = ctx.db.acquire().await?;
    let scope = table_scope_for(&mut conn, actor, table_id, Some(Operation::Read)).await?;
    Ok((repo::list(&mut conn, table_id).await?, scope))
}

pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
) -> Result<(Field, TableScope), FieldError> {
    let mut conn = ctx.db.acquire().await?;
    accessible(&mut conn, actor, field_id).await
}

/// Checks a field name against Baserow's rules.
pub fn check_name(name: &str) -> Result<String, FieldError> {
    if name.contains('\0') {
        return Err(
            ValidationError::single("name", "invalid", "Null characters are not allowed.").into(),
        );
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::InvalidName);
    }
    if name.chars().count() > MAX_NAME_LENGTH {
        return Err(FieldError::NameTooLong);
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(FieldError::ReservedName(name.to_owned()));
    }
    Ok(name.to_owned())
}

fn field_type_of(kind: &str) -> Result<&'static dyn FieldType, FieldError> {
    field_types().get(kind).ok_or_else(|| {
        ValidationError::single(
            "type",
            "invalid_choice",
            format!("\"{}\" is not a valid choice.", kind.replace('\0', "")),
        )
        .into()
    })
}

fn description_of(
    body: &Map<String, Value>,
    current: Option<&str>,
) -> Result<Option<String>, FieldError> {
    match body.get("description") {
        None => Ok(current.map(str::to_owned)),
        Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.contains('\0') && s.chars().count() <= 10_000 => {
            Ok(Some(s.clone()))
        }
        Some(_) => Err(ValidationError::single(
            "description",
            "invalid",
            "Must be a text without null characters.",
        )
        .into()),
    }
}

/// What a field creation needs inside a caller's transaction (also used when creating tables).
pub struct FieldSpec<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub primary: bool,
    pub body: &'a Map<String, Value>,
}

/// Creates a field and its column inside `conn`'s transaction; no event, no permission check.
pub async fn create_in_tx(
    ctx: &AppContext,
    conn: &mut PgConnection,
    table_id: i64,
    spec: FieldSpec<'_>,
) -> Result<Field, FieldError> {
    let name = check_name(spec.name)?;
    let ft = field_type_of(spec.kind)?;
    if spec.primary && !ft.can_be_primary() {
        return Err(FieldError::IncompatiblePrimaryType(spec.kind.to_owned()));
    }
    let options = ft.parse_options(spec.body, None)?;
    let options = if computed::is_computed(spec.kind) {
        computed::options_in_table(conn, table_id, None, spec.kind, &options).await?
    } else {
        options
    };
    let description = description_of(spec.body, None)?;
    let mut errors = ValidationError::default();
    let select_options = if ft.has_select_options() {
        parse_select_options(spec.body, &mut errors)
    } else {
        None
    };
    errors.into_result()?;
    let wanted = constraints::parse(spec.body, None)?;
    constraints::check(spec.kind, &options, &wanted)?;
    if repo::count_live(&mut *conn, table_id).await? >= ctx.settings.max_fields_per_table as i64 {
        return Err(FieldError::MaxFieldCount(ctx.settings.max_fields_per_table));
    }
    if repo::name_taken(&mut *conn, table_id, &name, None).await? {
        return Err(FieldError::NameNotUnique);
    }
    let new = NewField {
        table_id,
        name: &name,
        kind: spec.kind,
        primary: spec.primary,
        description: description.as_deref(),
        options: &options,
    };
    let id = repo::insert(&mut *conn, &new).await?;
    if let Some(select_options) = select_options {
        repo::replace_select_options(conn, id, &select_options).await?;
    }
    repo::set_index_and_constraints(&mut *conn, id, wanted.db_index, &wanted.constraints).await?;
    let field = repo::get(conn, id).await?.ok_or(FieldError::NotFound)?;
    ddl::add_column(conn, &field, ft).await?;
    constraints::apply_unique(conn, &field, !field.constraints.is_empty()).await?;
    if field.db_index {
        constraints::request_db_index(conn, table_id, id).await?;
    }
    Ok(field)
}

/// Reads `name` and `type` from a create body.
fn name_and_type(body: &Map<String, Value>) -> Result<(String, String), FieldError> {
    let mut errors = ValidationError::default();
    let name = match body.get("name") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.add("name", "invalid", "Not a valid string.");
            String::new()
        }
        None => {
            errors.add("name", "required", "This field is required.");
            String::new()
        }
    };
    let kind = match body.get("type") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            errors.add("type", "required", "This field is required.");
            String::new()
        }
    };
    errors.into_result()?;
    Ok((name, kind))
}

#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    body: &Map<String, Value>,
) -> Result<FieldChange, FieldError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let change = create_in(ctx, &mut tx, actor, table_id, body).await?;
    tx.commit().await?;
    Ok(change)
}

/// [`create`] inside the caller's transaction (a field's duplication creates its copy so).
pub async fn create_in(
    ctx: &AppContext,
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    body: &Map<String, Value>,
) -> Result<FieldChange, FieldError> {
    let (name, kind) = name_and_type(body)?;
    let scope = table_scope(tx, actor, table_id).await?;
    let field = create_in_tx(
        ctx,
        tx,
        table_id,
        FieldSpec {
            name: &name,
            kind: &kind,
            primary: false,
            body,
        },
    )
    .await?;
    let (field, related) = if field.kind == links::LINK_ROW {
        let with_related = links::schema::check(tx, &field, &scope, body).await?;
        links::schema::set_up(tx, &field, with_related).await?
    } else {
        (field, None)
    };
    computed::refresh::field_created(tx, table_id, field.id).await?;
    if let Some(related) = &related {
        computed::refresh::field_created(tx, related.table_id, related.id).await?;
    }
    let field = repo::get(tx, field.id).await?.ok_or(FieldError::NotFound)?;
    let json = field_json(&field, &scope);
    let related_fields: Vec<Value> = related.iter().map(|r| field_json(r, &scope)).collect();
    if let Some(related) = &related {
        tx.emit(
            related.table_id,
            TableEvent::FieldCreated {
                field: field_json(related, &scope),
                related_fields: vec![json.clone()],
            },
        );
    }
    tx.emit(
        table_id,
        TableEvent::FieldCreated {
            field: json,
            related_fields: related_fields.clone(),
        },
    );
    Ok(FieldChange {
        field,
        scope,
        related_fields,
    })
}

/// Renames, re-describes and re-configures a field; a new `type` converts its values.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), field_id))]
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
    body: &Map<String, Value>,
) -> Result<FieldChange, FieldError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let change = update_in(&mut tx, actor, field_id, body).await?;
    tx.commit().await?;
    Ok(change)
}

/// [`update`] inside the caller's transaction (undo changes a field back this way).
pub async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    field_id: i64,
    body: &Map<String, Value>,
) -> Result<FieldChange, FieldError> {
    let (old, scope) = accessible(tx, actor, field_id).await?;
    let name = match body.get("name") {
        Some(Value::String(s)) => check_name(s)?,
        Some(_) => {
            return Err(ValidationError::single("name", "invalid", "Not a valid string.").into());
        }
        None => old.name.clone(),
    };
    let kind = match body.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ValidationError::single("type", "invalid", "Not a valid string.").into());
        }
        None => old.kind.clone(),
    };
    let old_ft = field_type_of(&old.kind)?;
    let new_ft = field_type_of(&kind)?;
    if old.primary && !new_ft.can_be_primary() {
        return Err(FieldError::IncompatiblePrimaryType(kind));
    }
    let same_type = kind == old.kind;
    let options = new_ft.parse_options(body, same_type.then_some(&old.options))?;
    let options = if computed::is_computed(&kind) {
        computed::options_in_table(tx, old.table_id, Some(field_id), &kind, &options).await?
    } else {
        options
    };
    let description = description_of(body, old.description.as_deref())?;
    let mut errors = ValidationError::default();
    let select_options = if new_ft.has_select_options() {
        parse_select_options(body, &mut errors)
    } else {
        None
    };
    errors.into_result()?;
    // Left out of the body, both stay, and must then suit a new type too (as in Baserow).
    let wanted = constraints::parse(body, Some(&old))?;
    constraints::check(&kind, &options, &wanted)?;
    if name != old.name && repo::name_taken(&mut **tx, old.table_id, &name, Some(old.id)).await? {
        return Err(FieldError::NameNotUnique);
    }
    repo::update(
        &mut **tx,
        field_id,
        &name,
        &kind,
        description.as_deref(),
        &options,
    )
    .await?;
    if let Some(select_options) = &select_options {
        repo::replace_select_options(tx, field_id, select_options).await?;
    }
    repo::set_index_and_constraints(&mut **tx, field_id, wanted.db_index, &wanted.constraints)
        .await?;
    let new = repo::get(tx, field_id).await?.ok_or(FieldError::NotFound)?;
    let relink = link_change(&old, &new);
    let mut gone_related = None;
    let mut made_related = None;
    if relink.tears_down {
        gone_related = repo::get(tx, links::schema::related_id(&old).unwrap_or(0)).await?;
        if relink.sets_up {
            links::schema::tear_down(tx, &old).await?;
        }
    }
    let new = if relink.sets_up {
        let with_related = links::schema::check(tx, &new, &scope, body).await?;
        let (new, related) = links::schema::set_up(tx, &new, with_related).await?;
        if !old_is_link(&old) {
            let text = old_ft.text_sql(&old, &column_expr(&old, old_ft));
            links::schema::fill_from_text(tx, &new, &text).await?;
        }
        made_related = related;
        new
    } else {
        new
    };
    // A type change may lose data; with an undo stack to go back to, the column is kept.
    let backup = if !same_type && tx.origin().session.is_some() {
        backup::save(tx, &old).await?
    } else {
        None
    };
    ddl::convert_column(tx, &old, old_ft, &new, new_ft).await?;
    if relink.tears_down && !relink.sets_up {
        // The links were read into the new column above; now they go.
        links::schema::tear_down(tx, &old).await?;
    }
    if old_ft.has_select_options() && !new_ft.has_select_options() {
        repo::delete_select_options(&mut **tx, field_id).await?;
    }
    computed::refresh::field_changed(tx, old.table_id, field_id, Some((&old.name, &name))).await?;
    for other in gone_related.iter().chain(made_related.iter()) {
        computed::refresh::field_changed(tx, other.table_id, other.id, None).await?;
    }
    let field = repo::get(tx, field_id).await?.ok_or(FieldError::NotFound)?;
    // A converted column lost its indexes with the old one; changed constraints are redone.
    let replaced = !(same_type && old_ft.storage(&old) == new_ft.storage(&field));
    constraints::apply_unique(tx, &field, replaced || old.constraints != field.constraints).await?;
    if field.db_index != old.db_index || (field.db_index && replaced) {
        constraints::request_db_index(tx, field.table_id, field_id).await?;
    }
    // A computed field's formula type can change with its formula, like a field's type.
    if !same_type || computed::is_computed(&field.kind) {
        crate::database::views::field_changes::field_converted(tx, &field).await?;
    }
    let json = field_json(&field, &scope);
    if let Some(gone) = &gone_related {
        tx.emit(
            gone.table_id,
            TableEvent::FieldDeleted {
                table_id: gone.table_id,
                field_id: gone.id,
                related_fields: Vec::new(),
            },
        );
    }
    let mut related_fields = Vec::new();
    if let Some(made) = &made_related {
        let made_json = field_json(made, &scope);
        tx.emit(
            made.table_id,
            TableEvent::FieldCreated {
                field: made_json.clone(),
                related_fields: vec![json.clone()],
            },
        );
        related_fields.push(made_json);
    }
    tx.emit(
        field.table_id,
        TableEvent::FieldUpdated {
            field_id: field.id,
            field: json,
            related_fields: related_fields.clone(),
            before: Some(Box::new(FieldBefore {
                field: field_json(&old, &scope),
                backup,
            })),
        },
    );
    Ok(FieldChange {
        field,
        scope,
        related_fields,
    })
}

fn old_is_link(field: &Field) -> bool {
    field.kind == links::LINK_ROW
}

/// What a field update does to links.
struct LinkChange {
    /// The old relation (and related field) goes.
    tears_down: bool,
    /// A new relation is made.
    sets_up: bool,
}

/// Converting to `link_row`, or pointing a link at another table, makes a new relation;
/// converting away from `link_row`, or re-pointing, removes the old one.
fn link_change(old: &Field, new: &Field) -> LinkChange {
    let old_link = old.kind == links::LINK_ROW;
    let new_link = new.kind == links::LINK_ROW;
    let retargeted =
        old_link && new_link && old.opt("link_row_table_id") != new.opt("link_row_table_id");
    LinkChange {
        tears_down: (old_link && !new_link) || retargeted,
        sets_up: (new_link && !old_link) || retargeted,
    }
}

/// Moves a field to the trash; its column stays until the trash is emptied.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), field_id))]
pub async fn delete(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
) -> Result<Vec<Value>, FieldError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let related = delete_in(&mut tx, actor, field_id).await?;
    tx.commit().await?;
    Ok(related)
}

/// [`delete`] inside the caller's transaction (undo trashes a created field this way).
pub async fn delete_in(
    tx: &mut Tx,
    actor: &Actor,
    field_id: i64,
) -> Result<Vec<Value>, FieldError> {
    let (field, scope) = accessible(tx, actor, field_id).await?;
    if field.primary {
        return Err(FieldError::CannotDeletePrimary);
    }
    repo::set_trashed(&mut **tx, field_id, true).await?;
    // A link's related field goes to the trash with it, under the same entry.
    let related = match links::schema::related_id(&field) {
        Some(id) => repo::get(tx, id).await?,
        None => None,
    };
    if let Some(related) = &related {
        repo::set_trashed(&mut **tx, related.id, true).await?;
        tx.emit(
            related.table_id,
            TableEvent::FieldDeleted {
                table_id: related.table_id,
                field_id: related.id,
                related_fields: Vec::new(),
            },
        );
    }
    computed::refresh::field_changed(tx, field.table_id, field_id, None).await?;
    if let Some(related) = &related {
        computed::refresh::field_changed(tx, related.table_id, related.id, None).await?;
    }
    let related_fields: Vec<Value> = related.iter().map(|r| field_json(r, &scope)).collect();
    let entry = trash::NewTrashEntry {
        item_type: "field",
        item_id: field_id,
        parent_item_id: None,
        workspace_id: scope.workspace_id,
        application_id: Some(scope.database_id),
        user_id: actor.id(),
        name: &field.name,
    };
    trash::record(&mut **tx, &entry).await?;
    tx.emit(
        field.table_id,
        TableEvent::FieldDeleted {
            table_id: field.table_id,
            field_id,
            related_fields: related_fields.clone(),
        },
    );
    Ok(related_fields)
}

pub fn origin(actor: &Actor) -> EventOrigin {
    EventOrigin::of(actor)
}
