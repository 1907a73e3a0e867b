//! `view`: a shared view's live rows for anyone with its link (and its password's token).
//! Every payload carries only the fields the view shows and only rows its filter matches.

use super::id_param;
use crate::{
    context::AppContext,
    database::events::TableEvent,
    database::views::{
        ViewError,
        live::{LiveView, matching},
        public,
    },
    platform::auth::Actor,
    realtime::{
        page::PageKey,
        page_type::{After, PageType, Projected, Subscription},
    },
};
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

/// Longer slugs or tokens are not ours; they are refused before any query.
const MAX_PARAM_LEN: usize = 512;

pub struct PublicViewPageType;

impl PageType for PublicViewPageType {
    fn name(&self) -> &'static str {
        "view"
    }

    fn identity(&self) -> &'static [&'static str] {
        &["slug"]
    }

    fn open<'a>(
        &'a self,
        ctx: &'a AppContext,
        _user: Option<&'a Actor>,
        message: &'a Value,
    ) -> BoxFuture<'a, sqlx::Result<Option<Subscription>>> {
        Box::pin(async move {
            let text = |key: &str| {
                message
                    .get(key)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty() && s.len() <= MAX_PARAM_LEN && !s.contains('\0'))
            };
            let Some(slug) = text("slug") else {
                return Ok(None);
            };
            let token = text("token");
            let view = match public::open_shared(ctx, slug, token).await {
                Ok(view) => view,
                Err(ViewError::Database(e)) => return Err(e),
                Err(_) => return Ok(None),
            };
            let mut parameters = json!({ "slug": slug });
            if let Some(token) = token {
                parameters["token"] = json!(token);
            }
            Ok(Some(Subscription {
                key: PageKey::View {
                    table_id: view.table_id,
                    view_id: view.id,
                },
                parameters,
            }))
        })
    }
}

/// The view an event of the view family is about.
fn view_of(event: &TableEvent) -> Option<i64> {
    let of_part = |part: &Value| part.get("view").and_then(Value::as_i64);
    match event {
        TableEvent::ViewCreated { view } => view.get("id").and_then(Value::as_i64),
        TableEvent::ViewUpdated { view_id, .. }
        | TableEvent::ViewDeleted { view_id, .. }
        | TableEvent::ViewFieldOptionsUpdated { view_id, .. }
        | TableEvent::ViewFilterDeleted { view_id, .. }
        | TableEvent::ViewFilterGroupDeleted { view_id, .. }
        | TableEvent::ViewSortDeleted { view_id, .. }
        | TableEvent::ViewGroupByDeleted { view_id, .. }
        | TableEvent::ViewDecorationDeleted { view_id, .. } => Some(*view_id),
        TableEvent::ViewFilterCreated { view_filter: part }
        | TableEvent::ViewFilterUpdated {
            view_filter: part, ..
        }
        | TableEvent::ViewFilterGroupCreated {
            view_filter_group: part,
        }
        | TableEvent::ViewFilterGroupUpdated {
            view_filter_group: part,
            ..
        }
        | TableEvent::ViewSortCreated { view_sort: part }
        | TableEvent::ViewSortUpdated {
            view_sort: part, ..
        }
        | TableEvent::ViewGroupByCreated {
            view_group_by: part,
        }
        | TableEvent::ViewGroupByUpdated {
            view_group_by: part,
            ..
        }
        | TableEvent::ViewDecorationCreated {
            view_decoration: part,
        }
        | TableEvent::ViewDecorationUpdated {
            view_decoration: part,
            ..
        } => of_part(part),
        _ => None,
    }
}

fn ids_of(rows: &[Value]) -> Vec<i64> {
    rows.iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect()
}

fn refresh(kind: &str, live: &LiveView) -> String {
    json!({ "type": kind, "view_id": live.view.slug }).to_string()
}

/// Tells the page's clients to reload the rows: what it missed is not worth filtering.
pub fn rows_refresh(slug: &str) -> String {
    json!({ "type": "force_view_rows_refresh", "view_id": slug }).to_string()
}

/// A message of `kind` with the table id and the given keys.
fn message(kind: &str, table_id: i64, keys: Value) -> String {
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    out.insert("table_id".into(), json!(table_id));
    if let Value::Object(keys) = keys {
        out.extend(keys);
    }
    Value::Object(out).to_string()
}

/// `metadata` of the kept rows only.
fn metadata_of(metadata: &Value, ids: &[i64]) -> Value {
    let kept = metadata
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.parse::<i64>().is_ok_and(|id| ids.contains(&id)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>()
        })
        .unwrap_or_default();
    Value::Object(kept)
}

/// What the view's subscribers get of a table event. `live` is the view as it is now,
/// `None` when it is no longer shared: then every subscriber re-checks and is discarded.
/// Runs once per event and view, whatever the number of subscribers.
pub async fn project(
    conn: &mut PgConnection,
    live: Option<&LiveView>,
    event: Option<&TableEvent>,
) -> Result<Projected, ViewError> {
    let Some(live) = live else {
        return Ok(Projected {
            messages: Vec::new(),
            then: After::Recheck,
        });
    };
    let Some(event) = event else {
        return Ok(Projected::default());
    };
    let table_id = live.view.table_id;
    let projected = match event {
        TableEvent::RowsCreated {
            rows,
            metadata,
            before_row_id,
            ..
        } => {
            let found = matching(conn, live, rows, None).await?;
            let kept: Vec<&Value> = rows
                .iter()
                .filter(|r| {
                    r.get("id")
                        .and_then(Value::as_i64)
                        .is_some_and(|id| found.now.contains(&id))
                })
                .collect();
            if kept.is_empty() {
                return Ok(Projected::default());
            }
            let ids = ids_of(&kept.iter().map(|r| (*r).clone()).collect::<Vec<_>>());
            Projected::send(vec![message(
                "rows_created",
                table_id,
                json!({
                    "rows": kept.iter().map(|r| live.cut_row(r)).collect::<Vec<_>>(),
                    "metadata": metadata_of(metadata, &ids),
                    "before_row_id": before_row_id,
                }),
            )])
        }
        TableEvent::RowsUpdated {
            rows,
            rows_before_update,
            updated_field_ids,
            metadata,
            ..
        } => {
            rows_updated(
                conn,
                live,
                rows,
                rows_before_update,
                updated_field_ids,
                metadata,
            )
            .await?
        }
        TableEvent::RowsDeleted { rows, .. } => {
            let found = matching(conn, live, rows, None).await?;
            let kept: Vec<Value> = rows
                .iter()
                .filter(|r| {
                    r.get("id")
                        .and_then(Value::as_i64)
                        .is_some_and(|id| found.now.contains(&id))
                })
                .map(|r| live.cut_row(r))
                .collect();
            if kept.is_empty() {
                return Ok(Projected::default());
            }
            Projected::send(vec![message(
                "rows_deleted",
                table_id,
                json!({ "row_ids": ids_of(&kept), "rows": kept }),
            )])
        }
        TableEvent::FieldCreated {
            field,
            related_fields,
        }
        | TableEvent::FieldUpdated {
            field,
            related_fields,
            ..
        } => {
            let Some(field_id) = id_param(field, "id") else {
                return Ok(Projected::default());
            };
            if !live.shows(field_id) {
                return Ok(Projected::default());
            }
            let updated = matches!(event, TableEvent::FieldUpdated { .. });
            let mut keys = json!({
                "field": field,
                "related_fields": related_shown(live, related_fields),
            });
            if updated {
                keys["field_id"] = json!(field_id);
            }
            let mut messages = vec![message(event.name(), table_id, keys)];
            // A changed type or option can change which rows the filter lets through.
            if updated && live.filters_on(field_id) {
                messages.push(refresh("force_view_rows_refresh", live));
            }
            Projected::send(messages)
        }
        TableEvent::FieldDeleted {
            field_id,
            related_fields,
            ..
        } => {
            if !live.shows(*field_id) {
                return Ok(Projected::default());
            }
            Projected::send(vec![message(
                event.name(),
                table_id,
                json!({ "field_id": field_id, "related_fields": related_shown(live, related_fields) }),
            )])
        }
        TableEvent::TableDeleted { .. } => Projected {
            messages: Vec::new(),
            then: After::Discard,
        },
        _ if view_of(event) == Some(live.view.id) => view_change(event, live),
        _ => Projected::default(),
    };
    Ok(projected)
}

/// `related_fields` of a field event, kept only when this view shows them.
fn related_shown(live: &LiveView, related: &[Value]) -> Value {
    Value::Array(
        related
            .iter()
            .filter(|f| {
                f.get("table_id").and_then(Value::as_i64) == Some(live.view.table_id)
                    && f.get("id")
                        .and_then(Value::as_i64)
                        .is_some_and(|id| live.shows(id))
            })
            .cloned()
            .collect(),
    )
}

/// A change to the view itself, as Baserow tells shared-view clients.
fn view_change(event: &TableEvent, live: &LiveView) -> Projected {
    match event {
        TableEvent::ViewDeleted { .. } => Projected {
            messages: Vec::new(),
            then: After::Discard,
        },
        // Settings, the password or the slug may have changed: subscribers re-check.
        TableEvent::ViewUpdated { .. } => Projected {
            messages: vec![refresh("force_view_refresh", live)],
            then: After::Recheck,
        },
        TableEvent::ViewFieldOptionsUpdated { .. } => {
            Projected::send(vec![refresh("force_view_refresh", live)])
        }
        TableEvent::ViewCreated { .. } => Projected::default(),
        // Decorations change how rows look, not which rows show.
        TableEvent::ViewDecorationCreated { .. }
        | TableEvent::ViewDecorationUpdated { .. }
        | TableEvent::ViewDecorationDeleted { .. } => {
            Projected::send(vec![refresh("force_view_refresh", live)])
        }
        // Filters, filter groups, sorts and group-bys change which rows show, and how.
        _ => Projected::send(vec![refresh("force_view_rows_refresh", live)]),
    }
}

/// An update as the view sees it: rows that start matching are created, rows that stop
/// matching are deleted, rows that keep matching are updated when a shown field changed.
async fn rows_updated(
    conn: &mut PgConnection,
    live: &LiveView,
    rows: &[Value],
    before_rows: &[Value],
    updated: &[i64],
    metadata: &Value,
) -> Result<Projected, ViewError> {
    let before: Map<String, Value> = before_rows
        .iter()
        .filter_map(|r| Some((r.get("id")?.as_i64()?.to_string(), r.clone())))
        .collect();
    let found = matching(conn, live, rows, Some(before_rows)).await?;
    let shown_updated: Vec<i64> = updated
        .iter()
        .copied()
        .filter(|id| live.shows(*id))
        .collect();
    // A move changes no field but the order, which the view shows.
    let visible_change = updated.is_empty() || !shown_updated.is_empty();
    let (mut created, mut changed, mut changed_before, mut gone) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let Some(id) = row.get("id").and_then(Value::as_i64) else {
            continue;
        };
        let old = before.get(&id.to_string()).map(|r| live.cut_row(r));
        match (found.before.contains(&id), found.now.contains(&id)) {
            (false, true) => created.push(live.cut_row(row)),
            (true, false) => gone.push(old.unwrap_or_else(|| json!({ "id": id }))),
            (true, true) if visible_change => {
                changed.push(live.cut_row(row));
                changed_before.push(old.unwrap_or_else(|| json!({ "id": id })));
            }
            _ => {}
        }
    }
    let mut messages = Vec::new();
    if !gone.is_empty() {
        messages.push(message(
            "rows_deleted",
            live.view.table_id,
            json!({ "row_ids": ids_of(&gone), "rows": gone }),
        ));
    }
    if !changed.is_empty() {
        let ids = ids_of(&changed);
        messages.push(message(
            "rows_updated",
            live.view.table_id,
            json!({
                "rows_before_update": changed_before,
                "rows": changed,
                "updated_field_ids": shown_updated,
                "metadata": metadata_of(metadata, &ids),
            }),
        ));
    }
    if !created.is_empty() {
        let ids = ids_of(&created);
        messages.push(message(
            "rows_created",
            live.view.table_id,
            json!({ "rows": created, "metadata": metadata_of(metadata, &ids), "before_row_id": null }),
        ));
    }
    Ok(Projected::send(messages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::events::ViewPart;

    #[test]
    fn view_events_are_recognised_by_their_view() {
        let options = TableEvent::ViewFieldOptionsUpdated {
            view_id: 4,
            field_options: json!({}),
            before: None,
        };
        assert_eq!(view_of(&options), Some(4));
        let created = TableEvent::ViewCreated {
            view: json!({"id": 5}),
        };
        assert_eq!(view_of(&created), Some(5));
        let filter = ViewPart::Filter.created(json!({"id": 1, "view": 6}));
        assert_eq!(view_of(&filter), Some(6));
        let reordered = TableEvent::ViewsReordered {
            table_id: 1,
            order: vec![],
            before: None,
        };
        assert_eq!(view_of(&reordered), None);
    }
}
