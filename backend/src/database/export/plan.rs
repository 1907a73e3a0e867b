//! What an export reads: its columns (the `fields` asked for, else the fields its view
//! shows in the view's order, else the table's) and its listing query (the view's filters
//! and sorts, with the request's filters on top and its `order_by` instead of the sorts).

use super::{ExportError, ExportParams, exporter::Column};
use crate::{
    database::{
        fields::{Field, registry::field_types},
        filters::FilterGroup,
        rows::{ListQuery, RowKeys},
        tables::Table,
        views::{self, View, listing, types},
    },
    platform::validation::ValidationError,
};
use serde_json::Value;
use sqlx::{PgConnection, Postgres, QueryBuilder};

pub struct Plan {
    pub columns: Vec<Column>,
    pub query: ListQuery,
}

/// Checks the request against the table as it is now and works out what to read. `fields`
/// are the table's live fields.
pub async fn build(
    conn: &mut PgConnection,
    table: &Table,
    fields: &[Field],
    params: &ExportParams,
) -> Result<Plan, ExportError> {
    let view = match params.view {
        Some(id) => Some(export_view(conn, table, id).await?),
        None => None,
    };
    let mut query = ListQuery {
        filter: parse_filters(params.filters.as_ref())?,
        order_by: params.order_by.clone(),
        keys: RowKeys::Ids,
        with_count: false,
        ..ListQuery::default()
    };
    let chosen = match (&params.fields, &view) {
        (Some(ids), _) => requested_fields(fields, ids)?,
        (None, Some(view)) => visible_fields(conn, view, fields).await?,
        (None, None) => fields.to_vec(),
    };
    if let Some(view) = &view {
        listing::apply(conn, view, &mut query, listing::Adhoc::And).await?;
    }
    // Building the SQL once checks every filter and sort against the fields now.
    let mut probe = QueryBuilder::<Postgres>::new("");
    crate::database::rows::query::push_all_rows(&mut probe, table.id, fields, &chosen, &query)?;
    let columns = chosen
        .into_iter()
        .filter_map(|field| {
            let field_type = field_types().get(&field.kind)?;
            Some(Column { field, field_type })
        })
        .collect();
    Ok(Plan { columns, query })
}

async fn export_view(
    conn: &mut PgConnection,
    table: &Table,
    view_id: i64,
) -> Result<View, ExportError> {
    let view = views::repo::get(&mut *conn, view_id)
        .await?
        .ok_or(ExportError::ViewNotFound)?;
    if view.table_id != table.id {
        return Err(ExportError::ViewNotInTable(view_id));
    }
    if !types::by_name(&view.kind).is_some_and(|t| t.lists_rows()) {
        return Err(ExportError::ViewUnsupported);
    }
    Ok(view)
}

/// `filters` as an object, or as the JSON text the row listing takes.
fn parse_filters(filters: Option<&Value>) -> Result<Option<FilterGroup>, ExportError> {
    match filters {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(FilterGroup::from_json(text)?)),
        Some(other) => Ok(Some(FilterGroup::from_json(&other.to_string())?)),
    }
}

/// The fields named in `fields`, in that order; each must be one of the table's.
fn requested_fields(fields: &[Field], ids: &[i64]) -> Result<Vec<Field>, ExportError> {
    let mut chosen: Vec<Field> = Vec::new();
    for id in ids {
        let field = fields.iter().find(|f| f.id == *id).ok_or_else(|| {
            ValidationError::single(
                "fields",
                "invalid",
                format!("The field {id} is not a field of the table."),
            )
        })?;
        if !chosen.iter().any(|f| f.id == *id) {
            chosen.push(field.clone());
        }
    }
    Ok(chosen)
}

/// The fields the view shows, in the view's column order (ties in the table's order).
async fn visible_fields(
    conn: &mut PgConnection,
    view: &View,
    fields: &[Field],
) -> Result<Vec<Field>, ExportError> {
    let options = views::options_of(conn, view).await?;
    let mut shown: Vec<(i64, usize, &Field)> = fields
        .iter()
        .enumerate()
        .filter_map(|(position, field)| {
            let option = options.get(&field.id.to_string())?;
            let hidden = option
                .get("hidden")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let order = option
                .get("order")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            (!hidden).then_some((order, position, field))
        })
        .collect();
    shown.sort_by_key(|(order, position, _)| (*order, *position));
    Ok(shown.into_iter().map(|(_, _, f)| f.clone()).collect())
}
