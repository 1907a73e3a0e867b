//! Keeping views valid when a field changes type, in the conversion's transaction: filters
//! the new type does not support are deleted (as Baserow does), sorts and group-bys go when
//! it cannot be ordered, footer aggregations it cannot compute are cleared, and kanban and
//! calendar views built on it lose the reference. Every change is an event, so open grids
//! and webhooks follow.

use super::{ViewSort, aggregations, repo, service::full};
use crate::database::{
    events::{TableEvent, ViewPart},
    fields::{Field, registry::field_types},
    filters::{applies, filter_type::DATES, registry::filter_types},
    tables,
    tx::Tx,
};
use serde_json::{Value, json};

/// The view settings that name a field, with the field types each accepts.
fn accepts(prop: &str, kind: &str) -> bool {
    match prop {
        "single_select_field" => kind == "single_select",
        "date_field" => DATES.contains(&kind),
        _ => true,
    }
}

pub async fn field_converted(tx: &mut Tx, field: &Field) -> sqlx::Result<()> {
    let table_id = field.table_id;
    let can_order = field_types()
        .get(&field.kind)
        .is_some_and(|ft| ft.can_order_by());
    for view in repo::list(&mut **tx, table_id).await? {
        for filter in repo::filters(&mut **tx, view.id).await? {
            let supported = filter_types()
                .get(&filter.kind)
                .is_some_and(|f| applies(f, field));
            if filter.field_id == field.id && !supported {
                sqlx::query("DELETE FROM database_view_filters WHERE id = $1")
                    .bind(filter.id)
                    .execute(&mut **tx)
                    .await?;
                let removed = vec![(ViewPart::Filter, filter.to_json())];
                tx.emit(
                    table_id,
                    ViewPart::Filter.deleted(view.id, filter.id, removed),
                );
            }
        }
        if !can_order {
            for (table, part, width) in [
                ("database_view_sorts", ViewPart::Sort, "NULL::int AS width"),
                ("database_view_group_bys", ViewPart::GroupBy, "width"),
            ] {
                let gone: Vec<ViewSort> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE view_id = $1 AND field_id = $2 \
                     RETURNING id, view_id, field_id, \"order\", type, {width}"
                )))
                .bind(view.id)
                .bind(field.id)
                .fetch_all(&mut **tx)
                .await?;
                for sort in gone {
                    let removed = vec![(part, sort.to_json())];
                    tx.emit(table_id, part.deleted(view.id, sort.id, removed));
                }
            }
        }
        let options = repo::field_options(&mut **tx, view.id).await?;
        let raw = options
            .iter()
            .find(|(id, _)| *id == field.id)
            .and_then(|(_, o)| o.0.get("aggregation_raw_type").and_then(Value::as_str))
            .filter(|raw| !raw.is_empty());
        if let Some(raw) = raw
            && !aggregations::by_name(raw).is_some_and(|a| a.supports_field(field))
        {
            let kept = options
                .iter()
                .find(|(id, _)| *id == field.id)
                .and_then(|(_, o)| o.0.get("aggregation_type").cloned())
                .unwrap_or_else(|| json!(""));
            let before = json!({ field.id.to_string():
                {"aggregation_type": kept, "aggregation_raw_type": raw} });
            let cleared = json!({"aggregation_type": "", "aggregation_raw_type": ""});
            let cleared = cleared.as_object().cloned().unwrap_or_default();
            repo::merge_field_options(&mut **tx, view.id, field.id, &cleared).await?;
            tx.emit(
                table_id,
                TableEvent::ViewFieldOptionsUpdated {
                    view_id: view.id,
                    field_options: json!({ field.id.to_string(): cleared }),
                    before: Some(Box::new(before)),
                },
            );
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
                .execute(&mut **tx)
                .await?;
            let (Some(view), Some(table)) = (
                repo::get(&mut **tx, view.id).await?,
                tables::repo::get(&mut **tx, table_id).await?,
            ) else {
                continue;
            };
            let view_id = view.id;
            let shown = full(tx, view, table).await?;
            let view = shown.to_json();
            tx.emit(
                table_id,
                TableEvent::ViewUpdated {
                    view_id,
                    view,
                    before: None,
                },
            );
        }
    }
    Ok(())
}
