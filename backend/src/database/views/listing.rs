//! Rows through a view: its saved filters (with their groups) and sorts applied to a
//! listing. Filters and sorts on fields in the trash are skipped; group-bys sort first.

use super::{View, ViewError, parts::options_of, repo, service::accessible, types};
use crate::{
    context::AppContext,
    database::{
        filters::{
            FilterError, FilterGroup, FilterLeaf,
            tree::{FieldRef, MAX_DEPTH},
        },
        indexes,
        rows::{self, ListQuery, Page},
    },
    platform::auth::Actor,
};
use serde_json::{Map, Value};
use sqlx::PgConnection;

/// How a request's own `filters` combine with the view's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adhoc {
    /// The view's listing endpoint: the request's filters replace the view's.
    Replace,
    /// `view_id` on the rows endpoint: both apply.
    And,
}

/// The view's saved filter tree, or `None` when it has no (live) filters or they are off.
pub async fn saved_filter(
    conn: &mut PgConnection,
    view: &View,
) -> Result<Option<FilterGroup>, ViewError> {
    if view.filters_disabled {
        return Ok(None);
    }
    let live = repo::live_field_ids(&mut *conn, view.table_id).await?;
    let filters: Vec<_> = repo::filters(&mut *conn, view.id)
        .await?
        .into_iter()
        .filter(|f| live.contains(&f.field_id))
        .collect();
    let groups = repo::filter_groups(&mut *conn, view.id).await?;
    /// The tree below `group`, at `depth`. Deeper than the cap (saved before groups were
    /// capped) the view answers an error rather than recurse without end or drop filters:
    /// a dropped filter would show rows the view hides.
    fn build(
        group: Option<i64>,
        or: bool,
        depth: usize,
        filters: &[super::ViewFilter],
        groups: &[super::ViewFilterGroup],
    ) -> Result<FilterGroup, FilterError> {
        if depth > MAX_DEPTH {
            return Err(FilterError::InvalidFilters(format!(
                "the view's filter groups nest deeper than {MAX_DEPTH}; remove some"
            )));
        }
        Ok(FilterGroup {
            or,
            filters: filters
                .iter()
                .filter(|f| f.group_id == group)
                .map(|f| FilterLeaf {
                    field: FieldRef::Id(f.field_id),
                    kind: f.kind.clone(),
                    value: f.value.clone(),
                    saved: true,
                })
                .collect(),
            groups: groups
                .iter()
                .filter(|g| g.parent_group_id == group)
                .map(|g| {
                    build(
                        Some(g.id),
                        g.filter_type == "OR",
                        depth + 1,
                        filters,
                        groups,
                    )
                })
                .collect::<Result<_, _>>()?,
        })
    }
    let tree = build(None, view.filter_type == "OR", 0, &filters, &groups)?;
    Ok((!filters.is_empty()).then_some(tree))
}

/// `order_by` text for the view's group-bys then sorts.
pub async fn saved_order_by(
    conn: &mut PgConnection,
    view: &View,
) -> Result<Option<String>, ViewError> {
    let mut keys = Vec::new();
    let live = repo::live_field_ids(&mut *conn, view.table_id).await?;
    let can_group = types::by_name(&view.kind).is_some_and(|t| t.can_group_by());
    let group_bys = if can_group {
        repo::group_bys(&mut *conn, view.id).await?
    } else {
        Vec::new()
    };
    let sorts = repo::sorts(&mut *conn, view.id).await?;
    let live_sorts = group_bys
        .iter()
        .chain(sorts.iter())
        .filter(|s| live.contains(&s.field_id));
    for sort in live_sorts {
        let key = format!(
            "{}field_{}",
            if sort.order == "DESC" { "-" } else { "" },
            sort.field_id
        );
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok((!keys.is_empty()).then(|| keys.join(",")))
}

/// Asks for the indexes the view needs — for its saved order, and for its filtered rows on
/// a large table — so they are being built before the view is read at scale (reading it
/// asks too).
pub async fn request_indexes(ctx: &AppContext, view: &View) {
    request_sort_index(ctx, view).await;
    super::index::request(ctx, view).await;
}

/// Asks for the index of the view's saved order. Failures only cost speed: logged.
async fn request_sort_index(ctx: &AppContext, view: &View) {
    let result: Result<(), ViewError> = async {
        let mut conn = ctx.db.acquire().await?;
        let Some(order_by) = saved_order_by(&mut conn, view).await? else {
            return Ok(());
        };
        let fields = crate::database::fields::repo::list(&mut conn, view.table_id).await?;
        drop(conn);
        let q = ListQuery {
            order_by: Some(order_by),
            ..ListQuery::default()
        };
        let sort_fields = rows::query::indexable_sort_fields(&fields, &q);
        indexes::request_sort_index(ctx, view.table_id, &sort_fields).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, view_id = view.id, "could not ask for the view's sort index");
    }
}

/// Puts the view's filters and sorts into `q`.
pub async fn apply(
    conn: &mut PgConnection,
    view: &View,
    q: &mut ListQuery,
    adhoc: Adhoc,
) -> Result<(), ViewError> {
    let saved = saved_filter(conn, view).await?;
    q.filter = match (q.filter.take(), saved, adhoc) {
        (Some(own), _, Adhoc::Replace) => Some(own),
        (Some(own), Some(saved), Adhoc::And) => Some(FilterGroup {
            or: false,
            filters: Vec::new(),
            groups: vec![saved, own],
        }),
        (own, saved, _) => own.or(saved),
    };
    if q.order_by.is_none() {
        q.order_by = saved_order_by(conn, view).await?;
    }
    Ok(())
}

/// Rows of a view that lists rows (not forms), with its field options when asked.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    mut q: ListQuery,
    with_field_options: bool,
) -> Result<(Page, Option<Map<String, Value>>), ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    if !types::by_name(&view.kind).is_some_and(|t| t.lists_rows()) {
        return Err(ViewError::NotFound);
    }
    apply(&mut conn, &view, &mut q, Adhoc::Replace).await?;
    let options = if with_field_options {
        Some(options_of(&mut conn, &view).await?)
    } else {
        None
    };
    drop(conn);
    let page = rows::list(ctx, actor, view.table_id, &q).await?;
    super::index::request(ctx, &view).await;
    Ok((page, options))
}

/// The most rows one [`rows_by_id`] call returns: the row page limit.
pub const MAX_ROWS_BY_ID: usize = rows::query::MAX_PAGE_SIZE;

/// Rows of a grid view's table by id, in the table's order, for a client refreshing rows
/// it shows (Baserow's `POST views/grid/{id}/`): every field, or only `field_ids`; the
/// view's filters do not apply. Ids of missing rows are left out.
pub async fn rows_by_id(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    row_ids: Vec<i64>,
    field_ids: Option<Vec<i64>>,
) -> Result<Vec<Map<String, Value>>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = match accessible(&mut conn, actor, view_id).await {
        Ok((view, _, _)) if view.kind == "grid" => view,
        Ok(_) | Err(ViewError::NotFound) => return Err(ViewError::GridNotFound),
        Err(e) => return Err(e),
    };
    drop(conn);
    let q = ListQuery {
        paging: rows::Paging::Offset {
            limit: row_ids.len(),
            offset: 0,
        },
        ids: Some(row_ids),
        include: field_ids.map(|ids| ids.iter().map(|id| format!("field_{id}")).collect()),
        with_count: false,
        ..ListQuery::default()
    };
    Ok(rows::list(ctx, actor, view.table_id, &q).await?.results)
}

/// How many rows the view shows (`count=true`): exact, through its filters and the
/// request's.
pub async fn count(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    mut q: ListQuery,
) -> Result<i64, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    if !types::by_name(&view.kind).is_some_and(|t| t.lists_rows()) {
        return Err(ViewError::NotFound);
    }
    apply(&mut conn, &view, &mut q, Adhoc::Replace).await?;
    drop(conn);
    let count = rows::count(ctx, actor, view.table_id, &q).await?;
    super::index::request(ctx, &view).await;
    Ok(count)
}

/// `view_id` on the rows endpoint: the view must belong to the table.
pub async fn apply_to_table_listing(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    view_id: i64,
    q: &mut ListQuery,
) -> Result<(), ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    if view.table_id != table_id {
        return Err(ViewError::NotFound);
    }
    apply(&mut conn, &view, q, Adhoc::And).await
}

/// Paging of one kanban column: `select_option=<id or null>,<limit>,<offset>`.
pub struct ColumnPage {
    pub option: String,
    pub limit: usize,
    pub offset: usize,
}

/// Cards per column a kanban listing returns unless told otherwise (Baserow: 40).
pub const KANBAN_DEFAULT_LIMIT: usize = 40;

/// Who reads a view's rows: a user, with their rights on the table checked again, or a
/// visitor of a shared view (already let in by its link and password).
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    User(&'a Actor),
    Visitor,
}

impl Reader<'_> {
    async fn list(self, ctx: &AppContext, table_id: i64, q: &ListQuery) -> Result<Page, ViewError> {
        Ok(match self {
            Reader::User(actor) => rows::list(ctx, actor, table_id, q).await?,
            Reader::Visitor => rows::list_shared(ctx, table_id, q).await?,
        })
    }
}

/// Rows of a kanban view per option of its single select field, plus `"null"` for rows
/// without one: `{"<option id>": {"count", "results"}, …}`. With `columns` given, only
/// those columns, each with its own limit and offset.
pub async fn kanban(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    q: ListQuery,
    columns: Vec<ColumnPage>,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    drop(conn);
    kanban_columns(ctx, &view, q, columns, Adhoc::Replace, Reader::User(actor)).await
}

/// The columns of a kanban view already opened by its reader; the request's filters
/// combine with the view's as `adhoc` says.
pub async fn kanban_columns(
    ctx: &AppContext,
    view: &View,
    mut q: ListQuery,
    columns: Vec<ColumnPage>,
    adhoc: Adhoc,
    reader: Reader<'_>,
) -> Result<Map<String, Value>, ViewError> {
    if view.kind != "kanban" {
        return Err(ViewError::NotFound);
    }
    let field_id = view
        .options
        .0
        .get("single_select_field")
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            crate::platform::validation::ValidationError::single(
                "single_select_field",
                "required",
                "The kanban view has no single select field yet.",
            )
        })?;
    let mut conn = ctx.db.acquire().await?;
    apply(&mut conn, view, &mut q, adhoc).await?;
    let options: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM database_select_options WHERE field_id = $1 ORDER BY \"order\", id",
    )
    .bind(field_id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let columns = if columns.is_empty() {
        std::iter::once("null".to_owned())
            .chain(options.iter().map(i64::to_string))
            .map(|option| ColumnPage {
                option,
                limit: KANBAN_DEFAULT_LIMIT,
                offset: 0,
            })
            .collect()
    } else {
        columns
    };
    let mut result = Map::new();
    for column in columns {
        let leaf = match column.option.as_str() {
            "null" => FilterLeaf {
                field: FieldRef::Id(field_id),
                kind: "empty".into(),
                value: String::new(),
                saved: false,
            },
            id if options.iter().any(|o| o.to_string() == id) => FilterLeaf {
                field: FieldRef::Id(field_id),
                kind: "single_select_equal".into(),
                value: id.to_owned(),
                saved: false,
            },
            _ => continue,
        };
        let mut column_q = q.clone();
        column_q.filter = Some(FilterGroup {
            or: false,
            filters: vec![leaf],
            groups: q.filter.clone().into_iter().collect(),
        });
        column_q.paging = rows::Paging::Offset {
            limit: column.limit.min(200),
            offset: column.offset,
        };
        column_q.with_count = true;
        let page = reader.list(ctx, view.table_id, &column_q).await?;
        result.insert(
            column.option,
            serde_json::json!({ "count": page.count.unwrap_or(0), "results": page.results }),
        );
    }
    Ok(result)
}
