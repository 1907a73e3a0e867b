//! The parts of a view: filters, filter groups, sorts, group-bys and field options. Each
//! change checks the view's type and the field's table, and is logged as a table event.

use super::{
    ViewError, ViewFilter, ViewFilterGroup, ViewSort, repo,
    service::{accessible, table_fields},
    types,
};
use crate::{
    context::AppContext,
    database::{
        events::{TableEvent, ViewPart},
        fields::origin,
        filters::FilterError,
        filters::registry::filter_types,
        filters::tree::{MAX_DEPTH, MAX_FILTERS},
        tx::Tx,
    },
    platform::{auth::Actor, validation::ValidationError},
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

/// Checks that rows of this view can be filtered/sorted/grouped and the field is of its table.
async fn check_field(
    conn: &mut PgConnection,
    table_id: i64,
    field_id: i64,
) -> Result<crate::database::fields::Field, ViewError> {
    table_fields(conn, table_id)
        .await?
        .into_iter()
        .find(|f| f.id == field_id)
        .ok_or(ViewError::FieldNotInTable)
}

fn lists_rows(kind: &str, what: &'static str) -> Result<(), ViewError> {
    match types::by_name(kind) {
        Some(t) if t.lists_rows() => Ok(()),
        _ => Err(ViewError::NotSupported(what)),
    }
}

fn text(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ValidationError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.contains('\0') => Err(ValidationError::single(
            key,
            "invalid",
            "Null characters are not allowed.",
        )),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ValidationError::single(
            key,
            "invalid",
            "Not a valid string.",
        )),
    }
}

fn id(body: &Map<String, Value>, key: &str) -> Result<Option<Option<i64>>, ValidationError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => v
            .as_i64()
            .map(|i| Some(Some(i)))
            .ok_or_else(|| ValidationError::single(key, "invalid", "A valid integer is required.")),
    }
}

/// A filter type that exists.
pub(super) fn check_filter_type_name(kind: &str) -> Result<(), ViewError> {
    filter_types()
        .get(kind)
        .map(|_| ())
        .ok_or_else(|| FilterError::TypeDoesNotExist(kind.replace('\0', "")).into())
}

/// A filter type that exists and works on the field's type.
pub(super) fn check_filter_type(
    kind: &str,
    field: &crate::database::fields::Field,
) -> Result<(), ViewError> {
    let filter = filter_types()
        .get(kind)
        .ok_or_else(|| FilterError::TypeDoesNotExist(kind.replace('\0', "")))?;
    if !crate::database::filters::applies(filter, field) {
        return Err(FilterError::UnsupportedField(kind.to_owned(), field.kind.clone()).into());
    }
    Ok(())
}

/// A filter group of this view, for `group`/`parent_group` references.
async fn check_group(
    conn: &mut PgConnection,
    view_id: i64,
    group: Option<i64>,
) -> Result<(), ViewError> {
    if let Some(group) = group {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM database_view_filter_groups WHERE id = $1 AND view_id = $2)",
        )
        .bind(group)
        .bind(view_id)
        .fetch_one(conn)
        .await?;
        if !found {
            return Err(ViewError::FilterGroupNotFound);
        }
    }
    Ok(())
}

/// Refuses a new filter, or a new group under `parent` (`None`: at the top), beyond the
/// caps of the `filters` parameter: every listing of the view rebuilds and walks its saved
/// tree, so an unbounded one would cost every reader (anonymous ones of a shared view too).
/// Locks the view first, so two additions at once cannot both pass the count.
async fn check_room(
    conn: &mut PgConnection,
    view_id: i64,
    new_group: Option<Option<i64>>,
) -> Result<(), ViewError> {
    repo::lock(&mut *conn, view_id).await?;
    let parts: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM database_view_filters WHERE view_id = $1) \
              + (SELECT count(*) FROM database_view_filter_groups WHERE view_id = $1)",
    )
    .bind(view_id)
    .fetch_one(&mut *conn)
    .await?;
    if parts >= MAX_FILTERS as i64 {
        return Err(ValidationError::single(
            "non_field_errors",
            "max_count",
            format!("A view has at most {MAX_FILTERS} filters and filter groups together."),
        )
        .into());
    }
    if let Some(Some(parent)) = new_group {
        // The parent's depth: the groups from it up to the top. The walk stops past the
        // cap, whatever was saved before there was one.
        let depth: i64 = sqlx::query_scalar(
            "WITH RECURSIVE up (parent, depth) AS ( \
                 SELECT parent_group_id, 1 FROM database_view_filter_groups WHERE id = $1 \
                 UNION ALL \
                 SELECT g.parent_group_id, up.depth + 1 FROM database_view_filter_groups g \
                 JOIN up ON g.id = up.parent WHERE up.depth <= $2) \
             SELECT COALESCE(max(depth), 0)::bigint FROM up",
        )
        .bind(parent)
        .bind(MAX_DEPTH as i32)
        .fetch_one(&mut *conn)
        .await?;
        if depth >= MAX_DEPTH as i64 {
            return Err(ValidationError::single(
                "parent_group",
                "max_depth",
                format!("Filter groups nest at most {MAX_DEPTH} deep."),
            )
            .into());
        }
    }
    Ok(())
}

/// The view a filter, group or sort belongs to, when the caller can reach it; otherwise the
/// part itself "does not exist", so ids of other workspaces' parts reveal nothing.
async fn view_of_part(
    conn: &mut PgConnection,
    actor: &Actor,
    view_id: i64,
    missing: ViewError,
) -> Result<super::View, ViewError> {
    match accessible(conn, actor, view_id).await {
        Ok((view, _, _)) => Ok(view),
        Err(ViewError::NotFound) => Err(missing),
        Err(other) => Err(other),
    }
}

/// Emits a change to a view's filters, filter groups, sorts or group-bys as `event`,
/// commits it, then asks for the indexes the view's listing needs now: they are built in
/// the background, on what was committed.
async fn commit_change(
    ctx: &AppContext,
    mut tx: Tx,
    view: &super::View,
    event: TableEvent,
) -> Result<(), ViewError> {
    tx.emit(view.table_id, event);
    tx.commit().await?;
    super::listing::request_indexes(ctx, view).await;
    Ok(())
}

/// Deletes the part `id` of `view` from `table` and emits `{part}_deleted`, as
/// [`commit_change`].
async fn delete_part(
    ctx: &AppContext,
    mut tx: Tx,
    view: &super::View,
    table: &'static str,
    part: ViewPart,
    id: i64,
) -> Result<(), ViewError> {
    let removed = removed_with(&mut tx, part, id).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    commit_change(ctx, tx, view, part.deleted(view.id, id, removed)).await
}

/// The part `id` and, for a filter group, the groups and filters under it (which its
/// deletion cascades to), parents first: what undoing the deletion puts back.
async fn removed_with(
    conn: &mut PgConnection,
    part: ViewPart,
    id: i64,
) -> sqlx::Result<Vec<(ViewPart, Value)>> {
    match part {
        // A decoration's deletion records the decoration itself (`DeleteDecoration`).
        ViewPart::Decoration => Ok(Vec::new()),
        ViewPart::Filter => {
            let filter: Option<ViewFilter> = sqlx::query_as(
                "SELECT id, view_id, field_id, type, value, group_id FROM database_view_filters WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            Ok(filter.map(|f| (part, f.to_json())).into_iter().collect())
        }
        ViewPart::FilterGroup => {
            let groups: Vec<ViewFilterGroup> = sqlx::query_as(
                "WITH RECURSIVE down (id, depth) AS ( \
                     SELECT id, 0 FROM database_view_filter_groups WHERE id = $1 \
                     UNION ALL \
                     SELECT g.id, down.depth + 1 FROM database_view_filter_groups g \
                     JOIN down ON g.parent_group_id = down.id) \
                 SELECT g.id, g.view_id, g.filter_type, g.parent_group_id \
                 FROM database_view_filter_groups g JOIN down USING (id) ORDER BY down.depth, g.id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
            let filters: Vec<ViewFilter> = sqlx::query_as(
                "SELECT id, view_id, field_id, type, value, group_id FROM database_view_filters \
                 WHERE group_id = ANY($1) ORDER BY id",
            )
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
            let groups = groups.iter().map(|g| (ViewPart::FilterGroup, g.to_json()));
            let filters = filters.iter().map(|f| (ViewPart::Filter, f.to_json()));
            Ok(groups.chain(filters).collect())
        }
        ViewPart::Sort | ViewPart::GroupBy => {
            let what = Ordering::of(part);
            let sort: Option<ViewSort> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM {} WHERE id = $1",
                what.columns(),
                what.table()
            )))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            Ok(sort.map(|s| (part, s.to_json())).into_iter().collect())
        }
    }
}

/// Puts a part back as its API shape shows it, under its id: inserted when it is gone,
/// overwritten when it is there, and announced as either. Undo and redo use it; the
/// field and group it names must still exist.
pub async fn put_part_in(
    tx: &mut Tx,
    actor: &Actor,
    part: ViewPart,
    value: &Value,
) -> Result<(), ViewError> {
    let int = |key: &str| value.get(key).and_then(Value::as_i64);
    let string = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default();
    let (Some(id), Some(view_id)) = (int("id"), int("view")) else {
        return Err(ViewError::NotFound);
    };
    let (view, _, _) = accessible(tx, actor, view_id).await?;
    let table = match part {
        ViewPart::Filter => "database_view_filters",
        ViewPart::FilterGroup => "database_view_filter_groups",
        ViewPart::Sort | ViewPart::GroupBy => Ordering::of(part).table(),
        // Decorations are put back through their own service (`decorations::create_in`),
        // which checks their configuration again.
        ViewPart::Decoration => return Err(ViewError::NotFound),
    };
    let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1 AND view_id = $2)"
    )))
    .bind(id)
    .bind(view_id)
    .fetch_one(&mut **tx)
    .await?;
    let shown = match part {
        ViewPart::Decoration => return Err(ViewError::NotFound),
        ViewPart::Filter => {
            let filter: ViewFilter = sqlx::query_as(
                "INSERT INTO database_view_filters (id, view_id, field_id, type, value, group_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET \
                 field_id = EXCLUDED.field_id, type = EXCLUDED.type, value = EXCLUDED.value, \
                 group_id = EXCLUDED.group_id \
                 RETURNING id, view_id, field_id, type, value, group_id",
            )
            .bind(id)
            .bind(view_id)
            .bind(int("field"))
            .bind(string("type"))
            .bind(string("value"))
            .bind(int("group"))
            .fetch_one(&mut **tx)
            .await?;
            filter.to_json()
        }
        ViewPart::FilterGroup => {
            let group: ViewFilterGroup = sqlx::query_as(
                "INSERT INTO database_view_filter_groups (id, view_id, filter_type, parent_group_id) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
                 filter_type = EXCLUDED.filter_type, parent_group_id = EXCLUDED.parent_group_id \
                 RETURNING id, view_id, filter_type, parent_group_id",
            )
            .bind(id)
            .bind(view_id)
            .bind(string("filter_type"))
            .bind(int("parent_group"))
            .fetch_one(&mut **tx)
            .await?;
            group.to_json()
        }
        ViewPart::Sort | ViewPart::GroupBy => {
            let what = Ordering::of(part);
            // Only group-bys have a width.
            let (width, width_value, width_set) = match what {
                Ordering::GroupBy => (", width", ", $6", ", width = EXCLUDED.width"),
                Ordering::Sort => ("", "", ""),
            };
            let sort: ViewSort = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {} (id, view_id, field_id, \"order\", type{width}) \
                 VALUES ($1, $2, $3, $4, $5{width_value}) ON CONFLICT (id) DO UPDATE SET \
                 field_id = EXCLUDED.field_id, \"order\" = EXCLUDED.\"order\", \
                 type = EXCLUDED.type{width_set} RETURNING {}",
                what.table(),
                what.columns()
            )))
            .bind(id)
            .bind(view_id)
            .bind(int("field"))
            .bind(string("order"))
            .bind(string("type"))
            .bind(int("width").unwrap_or(200) as i32)
            .fetch_one(&mut **tx)
            .await?;
            sort.to_json()
        }
    };
    let event = if exists {
        part.updated(id, shown, None)
    } else {
        part.created(shown)
    };
    tx.emit(view.table_id, event);
    Ok(())
}

/// Deletes a part (a filter group with what is under it) and announces it, for undo
/// and redo; a part already gone is left so.
pub async fn remove_part_in(
    tx: &mut Tx,
    actor: &Actor,
    part: ViewPart,
    view_id: i64,
    id: i64,
) -> Result<(), ViewError> {
    let (view, _, _) = accessible(tx, actor, view_id).await?;
    let table = match part {
        ViewPart::Filter => "database_view_filters",
        ViewPart::FilterGroup => "database_view_filter_groups",
        ViewPart::Sort | ViewPart::GroupBy => Ordering::of(part).table(),
        ViewPart::Decoration => "database_view_decorations",
    };
    let gone = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE id = $1 AND view_id = $2"
    )))
    .bind(id)
    .bind(view_id)
    .execute(&mut **tx)
    .await?;
    if gone.rows_affected() > 0 {
        tx.emit(view.table_id, part.deleted(view_id, id, Vec::new()));
    }
    Ok(())
}

pub async fn list_filters(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<Vec<ViewFilter>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    accessible(&mut conn, actor, view_id).await?;
    Ok(repo::filters(&mut *conn, view_id).await?)
}

/// `{field, type, value?, group?}`.
pub async fn create_filter(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewFilter, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, _, _) = accessible(&mut tx, actor, view_id).await?;
    lists_rows(&view.kind, "filters")?;
    let field_id = id_field(body)?
        .ok_or_else(|| ValidationError::single("field", "required", "This field is required."))?;
    let kind = text(body, "type")?
        .ok_or_else(|| ValidationError::single("type", "required", "This field is required."))?;
    let value = text(body, "value")?.unwrap_or_default();
    let group = id(body, "group")?.flatten();
    let field = check_field(&mut tx, view.table_id, field_id).await?;
    check_filter_type(&kind, &field)?;
    check_group(&mut tx, view_id, group).await?;
    check_room(&mut tx, view_id, None).await?;
    let filter: ViewFilter = sqlx::query_as(
        "INSERT INTO database_view_filters (view_id, field_id, type, value, group_id) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, view_id, field_id, type, value, group_id",
    )
    .bind(view_id)
    .bind(field_id)
    .bind(&kind)
    .bind(&value)
    .bind(group)
    .fetch_one(&mut *tx)
    .await?;
    commit_change(ctx, tx, &view, ViewPart::Filter.created(filter.to_json())).await?;
    Ok(filter)
}

async fn filter_of(
    conn: &mut PgConnection,
    actor: &Actor,
    filter_id: i64,
) -> Result<(ViewFilter, super::View), ViewError> {
    let filter: ViewFilter = sqlx::query_as(
        "SELECT id, view_id, field_id, type, value, group_id FROM database_view_filters WHERE id = $1",
    )
    .bind(filter_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(ViewError::FilterNotFound)?;
    let view = view_of_part(conn, actor, filter.view_id, ViewError::FilterNotFound).await?;
    Ok((filter, view))
}

pub async fn get_filter(
    ctx: &AppContext,
    actor: &Actor,
    filter_id: i64,
) -> Result<ViewFilter, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(filter_of(&mut conn, actor, filter_id).await?.0)
}

pub async fn update_filter(
    ctx: &AppContext,
    actor: &Actor,
    filter_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewFilter, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (current, view) = filter_of(&mut tx, actor, filter_id).await?;
    let field_id = id(body, "field")?.flatten().unwrap_or(current.field_id);
    let kind = text(body, "type")?.unwrap_or(current.kind.clone());
    let value = text(body, "value")?.unwrap_or(current.value.clone());
    let group = id(body, "group")?.unwrap_or(current.group_id);
    let field = check_field(&mut tx, view.table_id, field_id).await?;
    check_filter_type(&kind, &field)?;
    check_group(&mut tx, view.id, group).await?;
    let filter: ViewFilter = sqlx::query_as(
        "UPDATE database_view_filters SET field_id = $2, type = $3, value = $4, group_id = $5 WHERE id = $1 \
         RETURNING id, view_id, field_id, type, value, group_id",
    )
    .bind(filter_id)
    .bind(field_id)
    .bind(&kind)
    .bind(&value)
    .bind(group)
    .fetch_one(&mut *tx)
    .await?;
    let event = ViewPart::Filter.updated(filter_id, filter.to_json(), Some(current.to_json()));
    commit_change(ctx, tx, &view, event).await?;
    Ok(filter)
}

pub async fn delete_filter(
    ctx: &AppContext,
    actor: &Actor,
    filter_id: i64,
) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (_, view) = filter_of(&mut tx, actor, filter_id).await?;
    delete_part(
        ctx,
        tx,
        &view,
        "database_view_filters",
        ViewPart::Filter,
        filter_id,
    )
    .await
}

/// How a filter group combines its filters: `AND` or `OR`.
fn check_group_filter_type(filter_type: &str) -> Result<(), ValidationError> {
    match filter_type {
        "AND" | "OR" => Ok(()),
        _ => Err(ValidationError::single(
            "filter_type",
            "invalid_choice",
            "Must be AND or OR.",
        )),
    }
}

/// `{filter_type?, parent_group?}`.
pub async fn create_filter_group(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewFilterGroup, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, _, _) = accessible(&mut tx, actor, view_id).await?;
    lists_rows(&view.kind, "filters")?;
    let filter_type = text(body, "filter_type")?.unwrap_or_else(|| "AND".into());
    check_group_filter_type(&filter_type)?;
    let parent = id(body, "parent_group")?.flatten();
    check_group(&mut tx, view_id, parent).await?;
    check_room(&mut tx, view_id, Some(parent)).await?;
    let group: ViewFilterGroup = sqlx::query_as(
        "INSERT INTO database_view_filter_groups (view_id, filter_type, parent_group_id) VALUES ($1, $2, $3) \
         RETURNING id, view_id, filter_type, parent_group_id",
    )
    .bind(view_id)
    .bind(&filter_type)
    .bind(parent)
    .fetch_one(&mut *tx)
    .await?;
    let event = ViewPart::FilterGroup.created(group.to_json());
    commit_change(ctx, tx, &view, event).await?;
    Ok(group)
}

async fn group_of(
    conn: &mut PgConnection,
    actor: &Actor,
    group_id: i64,
) -> Result<(ViewFilterGroup, super::View), ViewError> {
    let group: ViewFilterGroup = sqlx::query_as(
        "SELECT id, view_id, filter_type, parent_group_id FROM database_view_filter_groups WHERE id = $1",
    )
    .bind(group_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(ViewError::FilterGroupNotFound)?;
    let view = view_of_part(conn, actor, group.view_id, ViewError::FilterGroupNotFound).await?;
    Ok((group, view))
}

pub async fn get_filter_group(
    ctx: &AppContext,
    actor: &Actor,
    group_id: i64,
) -> Result<ViewFilterGroup, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(group_of(&mut conn, actor, group_id).await?.0)
}

pub async fn update_filter_group(
    ctx: &AppContext,
    actor: &Actor,
    group_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewFilterGroup, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (current, view) = group_of(&mut tx, actor, group_id).await?;
    let filter_type = text(body, "filter_type")?.unwrap_or(current.filter_type.clone());
    check_group_filter_type(&filter_type)?;
    let group: ViewFilterGroup = sqlx::query_as(
        "UPDATE database_view_filter_groups SET filter_type = $2 WHERE id = $1 \
         RETURNING id, view_id, filter_type, parent_group_id",
    )
    .bind(group_id)
    .bind(&filter_type)
    .fetch_one(&mut *tx)
    .await?;
    let before = Some(current.to_json());
    let event = ViewPart::FilterGroup.updated(group_id, group.to_json(), before);
    commit_change(ctx, tx, &view, event).await?;
    Ok(group)
}

/// Deletes a group with its filters and sub-groups.
pub async fn delete_filter_group(
    ctx: &AppContext,
    actor: &Actor,
    group_id: i64,
) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (_, view) = group_of(&mut tx, actor, group_id).await?;
    // The foreign keys of its filters and sub-groups cascade the delete to them.
    delete_part(
        ctx,
        tx,
        &view,
        "database_view_filter_groups",
        ViewPart::FilterGroup,
        group_id,
    )
    .await
}

/// Sorts (`database_view_sorts`) and group-bys (`database_view_group_bys`) behave alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    Sort,
    GroupBy,
}

impl Ordering {
    fn of(part: ViewPart) -> Self {
        match part {
            ViewPart::GroupBy => Ordering::GroupBy,
            _ => Ordering::Sort,
        }
    }
    fn table(self) -> &'static str {
        match self {
            Ordering::Sort => "database_view_sorts",
            Ordering::GroupBy => "database_view_group_bys",
        }
    }
    fn columns(self) -> &'static str {
        match self {
            Ordering::Sort => "id, view_id, field_id, \"order\", type, NULL::int AS width",
            Ordering::GroupBy => "id, view_id, field_id, \"order\", type, width",
        }
    }
    /// The part's events and its name in errors.
    fn event(self) -> (ViewPart, &'static str) {
        match self {
            Ordering::Sort => (ViewPart::Sort, "sorts"),
            Ordering::GroupBy => (ViewPart::GroupBy, "group bys"),
        }
    }
    fn not_found(self) -> ViewError {
        match self {
            Ordering::Sort => ViewError::SortNotFound,
            Ordering::GroupBy => ViewError::GroupByNotFound,
        }
    }
    /// A view sorts (or groups) by a field once.
    fn field_taken(self) -> ViewError {
        match self {
            Ordering::Sort => ViewError::SortFieldAlreadyExists,
            Ordering::GroupBy => ViewError::GroupByFieldAlreadyExists,
        }
    }
}

pub async fn list_orderings(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    what: Ordering,
) -> Result<Vec<ViewSort>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    accessible(&mut conn, actor, view_id).await?;
    Ok(match what {
        Ordering::Sort => repo::sorts(&mut *conn, view_id).await?,
        Ordering::GroupBy => repo::group_bys(&mut *conn, view_id).await?,
    })
}

struct OrderingValues {
    order: String,
    kind: String,
    width: i32,
}

fn ordering_values(
    body: &Map<String, Value>,
    current: Option<&ViewSort>,
) -> Result<OrderingValues, ViewError> {
    let order =
        text(body, "order")?.unwrap_or_else(|| current.map_or("ASC".into(), |c| c.order.clone()));
    if order != "ASC" && order != "DESC" {
        return Err(
            ValidationError::single("order", "invalid_choice", "Must be ASC or DESC.").into(),
        );
    }
    let kind =
        text(body, "type")?.unwrap_or_else(|| current.map_or("default".into(), |c| c.kind.clone()));
    if kind != "default" && kind != "order" {
        return Err(
            ValidationError::single("type", "invalid_choice", "Must be default or order.").into(),
        );
    }
    let width = match body.get("width") {
        None => current.and_then(|c| c.width).unwrap_or(200),
        Some(v) => v
            .as_i64()
            .filter(|w| (1..=10_000).contains(w))
            .map(|w| w as i32)
            .ok_or_else(|| ValidationError::single("width", "invalid", "A width of 1 to 10000."))?,
    };
    Ok(OrderingValues { order, kind, width })
}

/// `{field, order?, type?, width? (group-bys)}`; one per field.
pub async fn create_ordering(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    what: Ordering,
    body: &Map<String, Value>,
) -> Result<ViewSort, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (view, _, _) = accessible(&mut tx, actor, view_id).await?;
    let (event, what_name) = what.event();
    lists_rows(&view.kind, what_name)?;
    if what == Ordering::GroupBy && !types::by_name(&view.kind).is_some_and(|t| t.can_group_by()) {
        return Err(ViewError::NotSupported("group bys"));
    }
    let field_id = id_field(body)?
        .ok_or_else(|| ValidationError::single("field", "required", "This field is required."))?;
    check_field(&mut tx, view.table_id, field_id).await?;
    let values = ordering_values(body, None)?;
    let inserted: Option<ViewSort> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {} (view_id, field_id, \"order\", type{}) VALUES ($1, $2, $3, $4{}) \
         ON CONFLICT (view_id, field_id) DO NOTHING RETURNING {}",
        what.table(),
        if what == Ordering::GroupBy {
            ", width"
        } else {
            ""
        },
        if what == Ordering::GroupBy {
            ", $5"
        } else {
            ""
        },
        what.columns()
    )))
    .bind(view_id)
    .bind(field_id)
    .bind(&values.order)
    .bind(&values.kind)
    .bind(values.width)
    .fetch_optional(&mut *tx)
    .await?;
    let sort = inserted.ok_or_else(|| what.field_taken())?;
    commit_change(ctx, tx, &view, event.created(sort.to_json())).await?;
    Ok(sort)
}

async fn ordering_of(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    what: Ordering,
) -> Result<(ViewSort, super::View), ViewError> {
    let sort: ViewSort = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM {} WHERE id = $1",
        what.columns(),
        what.table()
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| what.not_found())?;
    let view = view_of_part(conn, actor, sort.view_id, what.not_found()).await?;
    Ok((sort, view))
}

pub async fn get_ordering(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    what: Ordering,
) -> Result<ViewSort, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(ordering_of(&mut conn, actor, id, what).await?.0)
}

pub async fn update_ordering(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    what: Ordering,
    body: &Map<String, Value>,
) -> Result<ViewSort, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (current, view) = ordering_of(&mut tx, actor, id, what).await?;
    let values = ordering_values(body, Some(&current))?;
    let field_id = match id_field(body)? {
        Some(field_id) => {
            check_field(&mut tx, view.table_id, field_id).await?;
            field_id
        }
        None => current.field_id,
    };
    let updated: Option<ViewSort> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET field_id = $2, \"order\" = $3, type = $4{} WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM {} o WHERE o.view_id = $6 AND o.field_id = $2 AND o.id <> $1) RETURNING {}",
        what.table(),
        if what == Ordering::GroupBy { ", width = $5" } else { "" },
        what.table(),
        what.columns()
    )))
    .bind(id)
    .bind(field_id)
    .bind(&values.order)
    .bind(&values.kind)
    .bind(values.width)
    .bind(view.id)
    .fetch_optional(&mut *tx)
    .await?;
    let sort = updated.ok_or_else(|| what.field_taken())?;
    let (event, _) = what.event();
    let before = Some(current.to_json());
    commit_change(ctx, tx, &view, event.updated(id, sort.to_json(), before)).await?;
    Ok(sort)
}

fn id_field(body: &Map<String, Value>) -> Result<Option<i64>, ValidationError> {
    Ok(id(body, "field")?.flatten())
}

pub async fn delete_ordering(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    what: Ordering,
) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (_, view) = ordering_of(&mut tx, actor, id, what).await?;
    delete_part(ctx, tx, &view, what.table(), what.event().0, id).await
}

/// Every live field's options in this view: the type's defaults overlaid with what was set.
pub async fn field_options(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    options_of(&mut conn, &view).await
}

pub async fn options_of(
    conn: &mut PgConnection,
    view: &super::View,
) -> Result<Map<String, Value>, ViewError> {
    let kind =
        types::by_name(&view.kind).ok_or_else(|| ViewError::TypeDoesNotExist(view.kind.clone()))?;
    let stored = repo::field_options(&mut *conn, view.id).await?;
    let mut result = Map::new();
    for field in table_fields(conn, view.table_id).await? {
        let mut options = kind.field_option_defaults();
        if let (Some(map), Some((_, set))) = (
            options.as_object_mut(),
            stored.iter().find(|(id, _)| *id == field.id),
        ) {
            for (k, v) in set.0.iter() {
                map.insert(k.clone(), v.clone());
            }
        }
        result.insert(field.id.to_string(), options);
    }
    Ok(result)
}

/// `{"field_options": {"<field id>": {option: value}}}`: only the type's option keys, with
/// the types of their defaults.
pub async fn update_field_options(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<Map<String, Value>, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let options = update_field_options_in(&mut tx, actor, view_id, body).await?;
    tx.commit().await?;
    Ok(options)
}

/// [`update_field_options`] in the caller's transaction.
pub async fn update_field_options_in(
    tx: &mut Tx,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<Map<String, Value>, ViewError> {
    let (view, _, _) = accessible(tx, actor, view_id).await?;
    let kind =
        types::by_name(&view.kind).ok_or_else(|| ViewError::TypeDoesNotExist(view.kind.clone()))?;
    let defaults = kind.field_option_defaults();
    let Some(Value::Object(changes)) = body.get("field_options") else {
        return Err(ValidationError::single(
            "field_options",
            "required",
            "An object of field ids and options is required.",
        )
        .into());
    };
    let fields = table_fields(tx, view.table_id).await?;
    let mut before = options_of(tx, &view).await?;
    before.retain(|field, _| changes.contains_key(field));
    let mut errors = ValidationError::default();
    for (field, options) in changes {
        let Some(field) = field
            .parse::<i64>()
            .ok()
            .and_then(|id| fields.iter().find(|f| f.id == id))
        else {
            return Err(ViewError::FieldNotInTable);
        };
        let field_id = field.id;
        let Some(options) = options.as_object() else {
            errors.add("field_options", "invalid", "Options must be objects.");
            continue;
        };
        let mut checked = Map::new();
        for (key, value) in options {
            let Some(default) = defaults.get(key) else {
                continue;
            };
            if let Some(outcome) = kind.check_field_option(key, value, field, &fields) {
                match outcome {
                    Ok(value) => {
                        checked.insert(key.clone(), value);
                    }
                    Err(message) => errors.add("field_options", "invalid", message),
                }
                continue;
            }
            let same_kind = matches!(
                (default, value),
                (Value::Bool(_), Value::Bool(_))
                    | (Value::Number(_), Value::Number(_))
                    | (Value::String(_), Value::String(_))
            );
            if !same_kind || value.as_str().is_some_and(|s| s.contains('\0')) {
                errors.add(
                    "field_options",
                    "invalid",
                    format!("{key} has the wrong type."),
                );
                continue;
            }
            if key == "aggregation_raw_type"
                && let Some(raw) = value.as_str().filter(|r| !r.is_empty())
            {
                let aggregation = super::aggregations::by_name(raw)
                    .ok_or_else(|| ViewError::AggregationTypeDoesNotExist(raw.into()))?;
                if !aggregation.supports_field(field) {
                    return Err(ViewError::AggregationNotSupported(
                        raw.into(),
                        field.kind.clone(),
                    ));
                }
            }
            checked.insert(key.clone(), value.clone());
        }
        repo::merge_field_options(&mut **tx, view_id, field_id, &checked).await?;
    }
    errors.into_result()?;
    let options = options_of(tx, &view).await?;
    tx.emit(
        view.table_id,
        TableEvent::ViewFieldOptionsUpdated {
            view_id,
            field_options: json!(options),
            before: Some(Box::new(Value::Object(before))),
        },
    );
    Ok(options)
}
