//! Keeping views valid when a field changes type, in the conversion's transaction: filters
//! the new type does not support are deleted (as Baserow does), sorts and group-bys go when
//! it cannot be ordered, footer aggregations it cannot compute are cleared, and kanban and
//! calendar views built on it lose the reference. Every change is an event, so open grids
//! and webhooks follow.

use super::{aggregations, repo, service::full};
use crate::database::{
    events::{self, EventOrigin},
    fields::{Field, registry::field_types},
    filters::{filter_type::DATES, registry::filter_types},
    tables,
};
use serde_json::{Value, json};
use sqlx::PgConnection;

/// The view settings that name a field, with the field types each accepts.
fn accepts(prop: &str, kind: &str) -> bool {
    match prop {
        "single_select_field" => kind == "single_select",
        "date_field" => DATES.contains(&kind),
        _ => true,
    }
}

pub async fn field_converted(
    conn: &mut PgConnection,
    field: &Field,
    origin: &EventOrigin,
) -> sqlx::Result<()> {
    let table_id = field.table_id;
    let can_order = field_types()
        .get(&field.kind)
        .is_some_and(|ft| ft.can_order_by());
    for view in repo::list(&mut *conn, table_id).await? {
        for filter in repo::filters(&mut *conn, view.id).await? {
            let supported = filter_types()
                .get(&filter.kind)
                .is_some_and(|f| f.supports(&field.kind));
            if filter.field_id == field.id && !supported {
                sqlx::query("DELETE FROM database_view_filters WHERE id = $1")
                    .bind(filter.id)
                    .execute(&mut *conn)
                    .await?;
                let payload = json!({ "view_id": view.id, "view_filter_id": filter.id });
                events::append(conn, table_id, "view_filter_deleted", &payload, origin).await?;
            }
        }
        if !can_order {
            for (table, event) in [
                ("database_view_sorts", "view_sort"),
                ("database_view_group_bys", "view_group_by"),
            ] {
                let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE view_id = $1 AND field_id = $2 RETURNING id"
                )))
                .bind(view.id)
                .bind(field.id)
                .fetch_all(&mut *conn)
                .await?;
                for id in ids {
                    let payload = json!({ "view_id": view.id, format!("{event}_id"): id });
                    events::append(
                        conn,
                        table_id,
                        &format!("{event}_deleted"),
                        &payload,
                        origin,
                    )
                    .await?;
                }
            }
        }
        let options = repo::field_options(&mut *conn, view.id).await?;
        let raw = options
            .iter()
            .find(|(id, _)| *id == field.id)
            .and_then(|(_, o)| o.0.get("aggregation_raw_type").and_then(Value::as_str))
            .filter(|raw| !raw.is_empty());
        if let Some(raw) = raw
            && !aggregations::by_name(raw).is_some_and(|a| a.supports(&field.kind))
        {
            let cleared = json!({"aggregation_type": "", "aggregation_raw_type": ""});
            let cleared = cleared.as_object().cloned().unwrap_or_default();
            repo::merge_field_options(&mut *conn, view.id, field.id, &cleared).await?;
            let payload = json!({
                "view_id": view.id,
                "field_options": { field.id.to_string(): cleared },
            });
            events::append(
                conn,
                table_id,
                "view_field_options_updated",
                &payload,
                origin,
            )
            .await?;
        }
        let mut props = view.options.0.clone();
        let mut changed = false;
        for (key, value) in props.iter_mut() {
            if value.as_i64() == Some(field.id) && !accepts(key, &field.kind) {
                *value = Value::Null;
                changed = true;
            }
        }
        if changed {
            sqlx::query("UPDATE database_views SET options = $2 WHERE id = $1")
                .bind(view.id)
                .bind(sqlx::types::Json(&props))
                .execute(&mut *conn)
                .await?;
            let (Some(view), Some(table)) = (
                repo::get(&mut *conn, view.id).await?,
                tables::repo::get(&mut *conn, table_id).await?,
            ) else {
                continue;
            };
            let view_id = view.id;
            let shown = full(conn, view, table).await?;
            let payload = json!({ "view_id": view_id, "view": shown.to_json() });
            events::append(conn, table_id, "view_updated", &payload, origin).await?;
        }
    }
    Ok(())
}
