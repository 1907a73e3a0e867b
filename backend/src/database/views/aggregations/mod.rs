//! Footer aggregations of grid views: per field, a raw aggregation over every row the view
//! shows (its filters, or the request's own, and the search), with the row total on request.
//! One query computes all of a view's aggregations.

mod types;

pub use types::{AggregationType, DISTRIBUTION_SIZE, by_name};

use super::{
    View, ViewError,
    listing::{self, Adhoc},
    parts::options_of,
    public,
    service::accessible,
};
use crate::{
    context::AppContext,
    database::{
        fields::{self, Field},
        rows::{ListQuery, query},
    },
    platform::auth::Actor,
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

/// The aggregation type a grid view's options set for a field, when it can read the field.
fn configured(options: &Map<String, Value>, field: &Field) -> Option<&'static AggregationType> {
    let raw = options
        .get(&field.id.to_string())?
        .get("aggregation_raw_type")?
        .as_str()?;
    by_name(raw).filter(|a| a.supports_field(field))
}

/// Runs `items` over the rows `q` matches; keys are `field_{id}`, plus `total` if asked.
async fn run(
    conn: &mut PgConnection,
    view: &View,
    fields: &[Field],
    q: &ListQuery,
    items: &[(&Field, &'static AggregationType)],
    with_total: bool,
) -> Result<Map<String, Value>, ViewError> {
    let values = query::aggregate(conn, view.table_id, fields, q, |sql| {
        sql.push("to_jsonb(count(*))");
        for (field, aggregation) in items {
            sql.push(", ");
            aggregation.push_field_sql(sql, field);
        }
    })
    .await?;
    let mut values = values.into_iter();
    let total = values.next().unwrap_or(Value::Null);
    let mut result: Map<String, Value> = items
        .iter()
        .zip(values)
        .map(|((field, _), value)| (field.column(), value))
        .collect();
    for (field, _) in items.iter().filter(|(_, a)| a.is_distribution()) {
        let value_sql = AggregationType::distribution_value_sql(field);
        let pairs = query::distribution(
            conn,
            view.table_id,
            fields,
            q,
            &value_sql,
            DISTRIBUTION_SIZE,
        )
        .await?;
        result.insert(field.column(), Value::Array(pairs));
    }
    if with_total {
        result.insert("total".into(), total);
    }
    Ok(result)
}

async fn grid_view(
    conn: &mut PgConnection,
    actor: &Actor,
    view_id: i64,
) -> Result<View, ViewError> {
    let (view, _, _) = accessible(conn, actor, view_id).await?;
    if view.kind != "grid" {
        return Err(ViewError::NotFound);
    }
    Ok(view)
}

/// `GET /views/grid/{id}/field-aggregations/`: every aggregation the view's field options
/// set, as `{"field_{id}": value, …}`.
pub async fn of_view(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    mut q: ListQuery,
    with_total: bool,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = grid_view(&mut conn, actor, view_id).await?;
    listing::apply(&mut conn, &view, &mut q, Adhoc::Replace).await?;
    let options = options_of(&mut conn, &view).await?;
    let fields = fields::repo::list(&mut conn, view.table_id).await?;
    let items: Vec<_> = fields
        .iter()
        .filter_map(|f| configured(&options, f).map(|a| (f, a)))
        .collect();
    run(&mut conn, &view, &fields, &q, &items, with_total).await
}

/// `GET /views/grid/{id}/field-aggregation/{field_id}/?type=…`: `{"value", "total"?}`.
pub async fn of_field(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    field_id: i64,
    raw_type: &str,
    mut q: ListQuery,
    with_total: bool,
) -> Result<Value, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = grid_view(&mut conn, actor, view_id).await?;
    let fields = fields::repo::list(&mut conn, view.table_id).await?;
    let field = fields
        .iter()
        .find(|f| f.id == field_id)
        .ok_or(ViewError::FieldNotInTable)?;
    let aggregation =
        by_name(raw_type).ok_or_else(|| ViewError::AggregationTypeDoesNotExist(raw_type.into()))?;
    if !aggregation.supports_field(field) {
        return Err(ViewError::AggregationNotSupported(
            raw_type.into(),
            field.kind.clone(),
        ));
    }
    listing::apply(&mut conn, &view, &mut q, Adhoc::Replace).await?;
    let mut result = run(
        &mut conn,
        &view,
        &fields,
        &q,
        &[(field, aggregation)],
        with_total,
    )
    .await?;
    let value = result.remove(&field.column()).unwrap_or(Value::Null);
    Ok(match result.remove("total") {
        Some(total) => json!({ "value": value, "total": total }),
        None => json!({ "value": value }),
    })
}

/// Aggregations of a shared grid view: only its visible fields, its filters and the
/// request's on top, as its shared rows are listed.
pub async fn of_public_view(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    mut q: ListQuery,
    with_total: bool,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, visible) = public::open_for_rows(ctx, &mut conn, slug, token, &mut q).await?;
    if view.kind != "grid" {
        return Err(ViewError::NotFound);
    }
    let options = options_of(&mut conn, &view).await?;
    let fields = fields::repo::list(&mut conn, view.table_id).await?;
    let items: Vec<_> = visible
        .iter()
        .filter_map(|f| configured(&options, f).map(|a| (f, a)))
        .collect();
    run(&mut conn, &view, &fields, &q, &items, with_total).await
}
