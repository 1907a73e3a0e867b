//! What the table page needs on its first load, read through the same services and
//! serialised as the API does: the table, its views, its fields, the selected view with
//! its filters and sorts, the view's field options and first rows, and the table's event
//! sequence number those rows are at (the browser's realtime subscription starts there).

use super::{Include, ViewError, listing, service, types};
use crate::{
    context::AppContext,
    database::{
        computed::is_computed,
        fields::{self, registry::field_types},
        filters::{computed::applies_to_formula, registry::filter_types},
        formula::types::{FormulaType, TypeKind},
        rows::{ListQuery, Paging},
    },
    platform::auth::Actor,
};
use serde_json::{Map, Value, json};

/// Rows in the first response: two of the grid's 40-row blocks, as Baserow loads.
pub const FIRST_ROWS: usize = 80;

pub struct FirstLoad {
    pub database_id: i64,
    pub table: Value,
    /// Every view of the table, in order (with filters and sorts).
    pub views: Vec<Value>,
    /// The view shown.
    pub view: Value,
    pub view_id: i64,
    pub view_kind: String,
    /// Whether the view's type lists rows (grid, gallery; not forms, kanban, calendars).
    pub lists_rows: bool,
    /// Every field of the table, primary first.
    pub fields: Vec<Value>,
    /// The view's options per field id (`hidden`, `width`, `order`, …).
    pub field_options: Map<String, Value>,
    /// The first rows through the view (empty for views that do not list rows).
    pub rows: Vec<Map<String, Value>>,
    pub count: i64,
    /// The table's event sequence number, read before the rows: events after it may or
    /// may not be in `rows`, and replaying them is harmless.
    pub seq: i64,
}

impl FirstLoad {
    /// The field types and, per field type, the filter types that apply (for the page's
    /// field and filter editors).
    pub fn catalog() -> Value {
        let names: Vec<&str> = field_types().names().collect();
        let filters: Map<String, Value> = names
            .iter()
            .map(|t| {
                let computed = is_computed(t);
                let kinds: Vec<&str> = filter_types()
                    .iter()
                    .filter(|f| f.supports(t) || (computed && f.accepts_any_computed()))
                    .map(|f| f.name())
                    .collect();
                ((*t).to_owned(), json!(kinds))
            })
            .collect();
        // Computed fields take filters by their formula type (`array:<element type>` for
        // arrays), which the page prefers to the field type's list.
        let formula_filters: Map<String, Value> = formula_types()
            .into_iter()
            .map(|ty| {
                let key = match &ty.kind {
                    TypeKind::Array(inner) => format!("array:{}", inner.name()),
                    _ => ty.name().to_owned(),
                };
                let kinds: Vec<&str> = filter_types()
                    .iter()
                    .filter(|f| applies_to_formula(*f, &ty))
                    .map(|f| f.name())
                    .collect();
                (key, json!(kinds))
            })
            .collect();
        json!({
            "field_types": names,
            "filter_types": filters,
            "formula_filter_types": formula_filters,
        })
    }
}

/// One formula type of each kind a computed field can store, arrays of each element.
fn formula_types() -> Vec<FormulaType> {
    let plain = [
        TypeKind::Text,
        TypeKind::Char,
        TypeKind::Url,
        TypeKind::Number { decimal_places: 0 },
        TypeKind::Boolean,
        TypeKind::Date {
            include_time: false,
        },
        TypeKind::Duration,
        TypeKind::SingleSelect,
        TypeKind::MultipleSelect,
        TypeKind::Link,
        TypeKind::Button,
    ];
    let arrays = plain
        .iter()
        .map(|k| TypeKind::Array(Box::new(FormulaType::new(k.clone()))));
    plain
        .iter()
        .cloned()
        .chain(arrays)
        .map(FormulaType::new)
        .collect()
}

/// Loads a table's page. `view_id` `None` picks the table's first view. The table must
/// belong to `database_id` and the view to the table, else `NotFound`.
pub async fn load(
    ctx: &AppContext,
    actor: &Actor,
    database_id: i64,
    table_id: i64,
    view_id: Option<i64>,
) -> Result<FirstLoad, ViewError> {
    let include = Include {
        filters: true,
        sortings: true,
        decorations: true,
        group_bys: false,
    };
    let table = crate::database::tables::get(ctx, actor, table_id).await?;
    if table.database_id != database_id {
        return Err(ViewError::NotFound);
    }
    let views = service::list(ctx, actor, table_id, include, None).await?;
    let chosen = match view_id {
        Some(id) => views.iter().find(|v| v.view.id == id),
        None => views.first(),
    }
    .ok_or(ViewError::NotFound)?;
    let (field_list, scope) = fields::list(ctx, actor, table_id).await?;
    let fields = field_list
        .iter()
        .map(|f| fields::field_json(f, &scope))
        .collect();
    let mut conn = ctx.db.acquire().await?;
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
            .bind(table_id)
            .fetch_optional(&mut *conn)
            .await?;
    let lists_rows = types::by_name(&chosen.view.kind).is_some_and(|t| t.lists_rows());
    let (rows, count, field_options) = if lists_rows {
        drop(conn);
        let q = ListQuery {
            paging: Paging::Offset {
                limit: FIRST_ROWS,
                offset: 0,
            },
            ..ListQuery::default()
        };
        let (page, options) = listing::list(ctx, actor, chosen.view.id, q, true).await?;
        (
            page.results,
            page.count.unwrap_or_default(),
            options.unwrap_or_default(),
        )
    } else {
        let options = super::options_of(&mut conn, &chosen.view).await?;
        (Vec::new(), 0, options)
    };
    Ok(FirstLoad {
        database_id,
        table: table.to_json(),
        views: views.iter().map(|v| v.to_json()).collect(),
        view: chosen.to_json(),
        view_id: chosen.view.id,
        view_kind: chosen.view.kind.clone(),
        lists_rows,
        fields,
        field_options,
        rows,
        count,
        seq: seq.unwrap_or(0),
    })
}
