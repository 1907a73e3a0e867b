//! Row history: entries written with every change someone makes to a row, listed newest
//! first with Baserow's shape and paging, sent live to the row's page, kept through the
//! trash and deleted after the retention.

use crate::{
    helpers::{TableFixture, TestApp, assert_error, patch_row},
    realtime::{client, maybe_of, next_of},
};
use futures::SinkExt;
use serde_json::{Value, json};
use std::time::Duration;
use tessera::platform::jobs::LowJob;
use tokio_tungstenite::tungstenite::Message;

fn history_path(table: i64, row: i64) -> String {
    format!("/api/database/rows/table/{table}/{row}/history/")
}

async fn history(app: &TestApp, fx: &TableFixture, row: i64, query: &str) -> Value {
    let r = app
        .get(
            &format!("{}{query}", history_path(fx.table, row)),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// The fixture's fields as `field_<id>` keys: Name (text), Notes (long text), Active.
async fn keys(app: &TestApp, fx: &TableFixture) -> (String, String, String) {
    let key = |id: i64| format!("field_{id}");
    (
        key(app.field_id(&fx.user, fx.table, "Name").await),
        key(app.field_id(&fx.user, fx.table, "Notes").await),
        key(app.field_id(&fx.user, fx.table, "Active").await),
    )
}

async fn new_row(app: &TestApp, fx: &TableFixture, values: Value) -> i64 {
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
            values,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

/// `(action_type, action_command_type)` of a page's entries, newest first.
fn actions(page: &Value) -> Vec<(&str, &str)> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action_type"].as_str().unwrap(),
                e["action_command_type"].as_str().unwrap(),
            )
        })
        .collect()
}

async fn patch(app: &TestApp, fx: &TableFixture, row: i64, values: Value) {
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
            values,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn two_changes_give_two_entries_newest_first_with_only_the_changed_fields() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, notes, active) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a", &notes: "n" })).await;
    // Its creation is the first entry (its own test is below).
    assert_eq!(history(&app, &fx, row, "").await["count"], 1);

    // Notes is sent with its current value: it is no change.
    patch(&app, &fx, row, json!({ &name: "b", &notes: "n" })).await;
    patch(&app, &fx, row, json!({ &name: "c", &active: true })).await;

    let page = history(&app, &fx, row, "").await;
    assert_eq!(page["count"], 3);
    assert_eq!(page["next"], Value::Null);
    assert_eq!(page["previous"], Value::Null);
    let newest = &page["results"][0];
    assert_eq!(newest["action_type"], "update_rows");
    assert_eq!(newest["action_command_type"], "DO");
    assert_eq!(newest["user"], json!({"id": fx.user.id, "name": "Ann"}));
    assert_eq!(newest["before"], json!({ &name: "b", &active: false }));
    assert_eq!(newest["after"], json!({ &name: "c", &active: true }));
    let id_of = |key: &str| key["field_".len()..].parse::<i64>().unwrap();
    assert_eq!(
        newest["fields_metadata"],
        json!({ &name: {"id": id_of(&name), "type": "text"},
                &active: {"id": id_of(&active), "type": "boolean"} })
    );
    let oldest = &page["results"][1];
    assert_eq!(oldest["before"], json!({ &name: "a" }));
    assert_eq!(oldest["after"], json!({ &name: "b" }));
    assert!(oldest["id"].as_i64().unwrap() < newest["id"].as_i64().unwrap());
    assert!(oldest["timestamp"].as_str().unwrap().ends_with('Z'));
    let keys: Vec<&str> = newest
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "action_command_type",
            "action_type",
            "after",
            "before",
            "fields_metadata",
            "id",
            "timestamp",
            "user"
        ]
    );
}

#[tokio::test]
async fn a_batch_writes_one_entry_per_changed_row_and_none_for_unchanged_values_or_moves() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, notes, _) = keys(&app, &fx).await;
    let a = new_row(&app, &fx, json!({ &name: "a" })).await;
    let b = new_row(&app, &fx, json!({ &name: "b" })).await;
    let c = new_row(&app, &fx, json!({ &name: "c" })).await;
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({"items": [{"id": a, &name: "a2"}, {"id": b, &notes: "bn"}, {"id": c, &name: "c"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Each row also has the entry of its creation.
    let of_a = history(&app, &fx, a, "").await;
    assert_eq!(of_a["count"], 2);
    assert_eq!(of_a["results"][0]["after"], json!({ &name: "a2" }));
    let of_b = history(&app, &fx, b, "").await;
    assert_eq!(of_b["count"], 2);
    assert_eq!(of_b["results"][0]["before"], json!({ &notes: null }));
    assert_eq!(of_b["results"][0]["after"], json!({ &notes: "bn" }));
    assert_eq!(
        of_b["results"][0]["fields_metadata"][&notes],
        json!({"id": notes["field_".len()..].parse::<i64>().unwrap(), "type": "long_text",
               "long_text_enable_rich_text": false})
    );
    // c kept its value; the same value again and a move change nothing either.
    assert_eq!(history(&app, &fx, c, "").await["count"], 1);
    patch(&app, &fx, a, json!({ &name: "a2" })).await;
    let r = app
        .patch(
            &format!(
                "/api/database/rows/table/{}/{a}/move/?before_id={b}",
                fx.table
            ),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(history(&app, &fx, a, "").await["count"], 2);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM database_row_history WHERE action_type = 'update_rows'",
    )
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn a_thousand_row_batch_writes_a_thousand_entries_and_logs_one_history_event_per_change() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({ &name: format!("r{i}") }))
        .collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let changed: Vec<Value> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| json!({"id": row["id"], &name: format!("{}!", row[&name].as_str().unwrap())}))
        .collect();
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({ "items": changed }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT action_type, count(*) FROM database_row_history GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [
            ("create_rows".to_owned(), 1000),
            ("update_rows".to_owned(), 1000)
        ]
    );
    let events = app.events(fx.table).await;
    let logged: Vec<&Value> = events
        .iter()
        .filter(|e| e.1 == "row_history_updated")
        .map(|e| &e.2)
        .collect();
    // One for the creation, one for the update.
    assert_eq!(logged.len(), 2);
    for event in logged {
        assert_eq!(event["entries"].as_array().unwrap().len(), 1000);
    }
    let last = changed[999]["id"].as_i64().unwrap();
    let entry = &history(&app, &fx, last, "").await["results"][0];
    assert_eq!(entry["before"], json!({ &name: "r999" }));
    assert_eq!(entry["after"], json!({ &name: "r999!" }));
}

#[tokio::test]
async fn select_options_and_links_are_kept_by_id_with_their_texts_and_both_sides_get_entries() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let other = app.table_fixture_in(&fx).await;
    let (name, _, _) = keys(&app, &fx).await;
    let select = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "S", "type": "single_select",
                   "select_options": [{"value": "Red", "color": "red"}]}),
        )
        .await;
    let link = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "L", "type": "link_row", "link_row_table_id": other, "has_related_field": true}),
        )
        .await;
    let option = crate::helpers::field_of(&app, &fx.user, select).await["select_options"][0]["id"]
        .as_i64()
        .unwrap();
    let other_name = app.field_id(&fx.user, other, "Name").await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{other}/"),
            Some(&fx.user.access),
            json!({ format!("field_{other_name}"): "Target" }),
        )
        .await;
    let target = r.body["id"].as_i64().unwrap();
    let row = new_row(&app, &fx, json!({ &name: "Src" })).await;
    patch(
        &app,
        &fx,
        row,
        json!({ format!("field_{select}"): option, format!("field_{link}"): [target] }),
    )
    .await;

    let entry = &history(&app, &fx, row, "").await["results"][0];
    let (s, l) = (format!("field_{select}"), format!("field_{link}"));
    assert_eq!(entry["before"], json!({ &s: null, &l: [] }));
    assert_eq!(entry["after"], json!({ &s: option, &l: [target] }));
    assert_eq!(
        entry["fields_metadata"][&s]["select_options"],
        json!({ option.to_string(): {"id": option, "value": "Red", "color": "red"} })
    );
    let meta = &entry["fields_metadata"][&l];
    assert_eq!(meta["type"], "link_row");
    assert_eq!(
        meta["linked_rows"],
        json!({ target.to_string(): {"value": "Target"} })
    );
    assert_eq!(meta["linked_table_id"], other);
    assert_eq!(meta["primary_value"], "Src");

    // The linked row's side changed too, and says so in its own history.
    let r = app
        .get(&history_path(other, target), Some(&fx.user.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 2, "{:?}", r.body);
    let back = &r.body["results"][0];
    assert_eq!(back["action_type"], "update_rows");
    let related = back["after"].as_object().unwrap();
    assert_eq!(related.len(), 1, "{back}");
    assert_eq!(related.values().next().unwrap(), &json!([row]));
}

#[tokio::test]
async fn history_pages_with_limit_and_offset_as_drf_does() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "v0" })).await;
    for i in 1..=5 {
        patch(&app, &fx, row, json!({ &name: format!("v{i}") })).await;
    }
    let base = format!("{}{}", app.url, history_path(fx.table, row));
    // Five updates and the creation.
    let first = history(&app, &fx, row, "?limit=2").await;
    assert_eq!(first["count"], 6);
    assert_eq!(first["results"].as_array().unwrap().len(), 2);
    assert_eq!(first["results"][0]["after"][&name], "v5");
    assert_eq!(first["results"][1]["after"][&name], "v4");
    assert_eq!(first["next"], format!("{base}?limit=2&offset=2"));
    assert_eq!(first["previous"], Value::Null);
    let second = history(&app, &fx, row, "?limit=2&offset=2").await;
    assert_eq!(second["results"][0]["after"][&name], "v3");
    assert_eq!(second["previous"], format!("{base}?limit=2"));
    assert_eq!(second["next"], format!("{base}?limit=2&offset=4"));
    let last = history(&app, &fx, row, "?limit=2&offset=4").await;
    assert_eq!(last["results"].as_array().unwrap().len(), 2);
    assert_eq!(last["results"][0]["before"][&name], "v0");
    assert_eq!(last["results"][1]["action_type"], "create_row");
    assert_eq!(last["next"], Value::Null);
    assert_eq!(last["previous"], format!("{base}?limit=2&offset=2"));
    // Bad values fall back to DRF's defaults rather than failing.
    let lenient = history(&app, &fx, row, "?limit=abc&offset=-1").await;
    assert_eq!(lenient["results"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn only_members_read_a_rows_history_with_a_jwt_and_unknown_rows_are_404() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    patch(&app, &fx, row, json!({ &name: "b" })).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .get(&history_path(fx.table, row), Some(&bob.access))
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app.get(&history_path(fx.table, row), None).await;
    assert_eq!(r.status, 401, "{:?}", r.body);
    let r = app
        .get(&history_path(fx.table, row + 100), Some(&fx.user.access))
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    let r = app
        .get(&history_path(fx.table + 100, row), Some(&fx.user.access))
        .await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");
    // Database tokens cannot read history (as in Baserow, JWT only).
    let token = app
        .post(
            "/api/database/tokens/",
            Some(&fx.user.access),
            json!({"name": "t", "workspace": fx.workspace_id(&app).await}),
        )
        .await;
    assert_eq!(token.status, 200, "{:?}", token.body);
    let r = app
        .raw(
            app.client()
                .get(format!("{}{}", app.url, history_path(fx.table, row)))
                .header(
                    "Authorization",
                    format!("Token {}", token.body["key"].as_str().unwrap()),
                ),
        )
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);
}

#[tokio::test]
async fn entries_older_than_the_retention_are_deleted_by_the_cleanup() {
    let app = TestApp::spawn_with(|s| {
        s.row_history_retention = Duration::from_secs(10 * 24 * 3600);
    })
    .await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    patch(&app, &fx, row, json!({ &name: "b" })).await;
    patch(&app, &fx, row, json!({ &name: "c" })).await;
    // The first update and the creation are made old: both go.
    let page = history(&app, &fx, row, "").await;
    let oldest: Vec<i64> = page["results"].as_array().unwrap()[1..]
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(oldest.len(), 2);
    sqlx::query(
        "UPDATE database_row_history SET \"timestamp\" = now() - interval '11 days' \
         WHERE id = ANY($1)",
    )
    .bind(&oldest)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    LowJob::PruneRowHistory.run(&app.ctx).await.unwrap();
    let page = history(&app, &fx, row, "").await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["results"][0]["after"], json!({ &name: "c" }));
}

#[tokio::test]
async fn row_history_updated_reaches_the_rows_page_even_from_its_own_tab() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    let other = new_row(&app, &fx, json!({ &name: "o" })).await;
    let mut on_row = client(&app.url, &fx.user.access).await;
    let page = json!({"page": "row", "table_id": fx.table, "row_id": row});
    on_row
        .socket
        .send(Message::Text(page.to_string().into()))
        .await
        .unwrap();
    next_of(&mut on_row.socket, "page_add").await;
    let mut on_table = client(&app.url, &fx.user.access).await;
    crate::realtime::subscribe(&mut on_table, fx.table, None).await;

    // Changed from the row page's own tab: the rows_updated echo is skipped, the history
    // entry is not (the tab shows it from the event, as Baserow's does).
    let r = app
        .raw(
            app.client()
                .patch(format!(
                    "{}/api/database/rows/table/{}/batch/",
                    app.url, fx.table
                ))
                .header("Authorization", format!("JWT {}", fx.user.access))
                .header("WebSocketId", on_row.id.as_str())
                .json(&json!({"items": [{"id": other, &name: "o2"}, {"id": row, &name: "b"}]})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = maybe_of(
        &mut on_row.socket,
        &["rows_updated", "row_history_updated"],
        Duration::from_secs(10),
    )
    .await
    .expect("a history message");
    assert_eq!(m["type"], "row_history_updated", "{m}");
    assert_eq!(m["table_id"], fx.table);
    assert_eq!(m["row_id"], row);
    let listed = history(&app, &fx, row, "").await;
    assert_eq!(m["row_history_entry"], listed["results"][0]);
    assert_eq!(m["row_history_entry"]["after"], json!({ &name: "b" }));

    // The table page gets every event of the table, so its sequence has no gaps: the
    // history comes as one message for all the rows, without a `row_id` (Baserow's client
    // passes it over).
    let m = maybe_of(
        &mut on_table.socket,
        &["row_history_updated"],
        Duration::from_secs(10),
    )
    .await
    .expect("the table's history message");
    assert_eq!(m.get("row_id"), None, "{m}");
    let rows: Vec<i64> = m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row_id"].as_i64().unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.contains(&row) && rows.contains(&other));
}

#[tokio::test]
async fn history_survives_trash_and_restore_and_a_deleted_fields_values_stay_readable() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, notes, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    patch(&app, &fx, row, json!({ &notes: "written" })).await;

    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .get(&history_path(fx.table, row), Some(&fx.user.access))
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&fx.user.access),
            json!({"trash_item_type": "row", "trash_item_id": row, "parent_trash_item_id": fx.table}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    let page = history(&app, &fx, row, "").await;
    assert_eq!(
        actions(&page),
        [
            ("restore_from_trash", "DO"),
            ("delete_row", "DO"),
            ("update_rows", "DO"),
            ("create_row", "DO")
        ]
    );
    assert_eq!(page["results"][2]["after"], json!({ &notes: "written" }));
    assert_eq!(page["results"][3]["after"], json!({ &name: "a" }));

    let notes_id: i64 = notes["field_".len()..].parse().unwrap();
    let r = app
        .delete(
            &format!("/api/database/fields/{notes_id}/"),
            Some(&fx.user.access),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    let page = history(&app, &fx, row, "").await;
    assert_eq!(page["results"][2]["before"], json!({ &notes: null }));
    assert_eq!(page["results"][2]["after"], json!({ &notes: "written" }));
    assert_eq!(
        page["results"][2]["fields_metadata"][&notes]["type"],
        "long_text"
    );
}

#[tokio::test]
async fn changes_through_the_helpers_with_field_names_are_recorded_by_field_id() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    patch_row(&app, &fx.user, fx.table, row, json!({"Name": "b"})).await;
    let entry = &history(&app, &fx, row, "").await["results"][0];
    assert_eq!(entry["after"], json!({ &name: "b" }));
}

/// A request with the `ClientSessionId` of a tab, so that it can be undone.
async fn from_tab(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    fx: &TableFixture,
    body: Option<Value>,
) -> crate::helpers::Resp {
    let mut req = app
        .client()
        .request(method, format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {}", fx.user.access))
        .header("ClientSessionId", "tab-1");
    if let Some(body) = body {
        req = req.json(&body);
    }
    app.raw(req).await
}

/// Undoes (or redoes) the tab's newest change in the fixture's table.
async fn replay(app: &TestApp, fx: &TableFixture, what: &str) {
    let r = from_tab(
        app,
        reqwest::Method::PATCH,
        &format!("/api/user/{what}/"),
        fx,
        Some(json!({"scopes": {"root": true, "table": fx.table}})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
}

/// Whether the entry says only what happened, with no values.
fn without_values(entry: &Value) -> bool {
    entry["before"] == json!({})
        && entry["after"] == json!({})
        && entry["fields_metadata"] == json!({})
}

#[tokio::test]
async fn a_created_row_has_a_create_row_entry_with_its_values_and_a_batch_create_rows_entries() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, notes, active) = keys(&app, &fx).await;
    let id_of = |key: &str| key["field_".len()..].parse::<i64>().unwrap();
    // Empty values (Notes, and `false`) are nothing to show, as in Baserow.
    let row = new_row(
        &app,
        &fx,
        json!({ &name: "Ann", &notes: "", &active: true }),
    )
    .await;
    let page = history(&app, &fx, row, "").await;
    assert_eq!(page["count"], 1);
    let entry = &page["results"][0];
    assert_eq!(entry["action_type"], "create_row");
    assert_eq!(entry["action_command_type"], "DO");
    assert_eq!(entry["user"], json!({"id": fx.user.id, "name": "Ann"}));
    assert_eq!(entry["before"], json!({ &name: null, &active: null }));
    assert_eq!(entry["after"], json!({ &name: "Ann", &active: true }));
    assert_eq!(
        entry["fields_metadata"],
        json!({ &name: {"id": id_of(&name), "type": "text"},
                &active: {"id": id_of(&active), "type": "boolean"} })
    );
    // A row created empty still has its entry, with nothing in it.
    let blank = new_row(&app, &fx, json!({ &active: false })).await;
    let page = history(&app, &fx, blank, "").await;
    assert_eq!(actions(&page), [("create_row", "DO")]);
    assert!(without_values(&page["results"][0]), "{page}");

    // The batch endpoint's rows are `create_rows`, even one alone.
    for items in [
        json!([{ &name: "b1" }, { &name: "b2", &notes: "x" }]),
        json!([{ &name: "c1" }]),
    ] {
        let r = app
            .post(
                &format!("/api/database/rows/table/{}/batch/", fx.table),
                Some(&fx.user.access),
                json!({ "items": items }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        for (created, sent) in r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(items.as_array().unwrap())
        {
            let page = history(&app, &fx, created["id"].as_i64().unwrap(), "").await;
            assert_eq!(actions(&page), [("create_rows", "DO")]);
            assert_eq!(&page["results"][0]["after"], sent);
        }
    }
}

#[tokio::test]
async fn a_new_row_linking_to_another_gives_the_linked_row_an_update_entry() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let other = app.table_fixture_in(&fx).await;
    let (name, _, _) = keys(&app, &fx).await;
    let link = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "L", "type": "link_row", "link_row_table_id": other, "has_related_field": true}),
        )
        .await;
    let other_name = app.field_id(&fx.user, other, "Name").await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{other}/"),
            Some(&fx.user.access),
            json!({ format!("field_{other_name}"): "Target" }),
        )
        .await;
    let target = r.body["id"].as_i64().unwrap();
    let l = format!("field_{link}");
    let row = new_row(&app, &fx, json!({ &name: "Src", &l: [target] })).await;
    let entry = &history(&app, &fx, row, "").await["results"][0];
    assert_eq!(entry["after"], json!({ &name: "Src", &l: [target] }));
    assert_eq!(
        entry["fields_metadata"][&l]["linked_rows"],
        json!({ target.to_string(): {"value": "Target"} })
    );
    let r = app
        .get(&history_path(other, target), Some(&fx.user.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        actions(&r.body),
        [("update_rows", "DO"), ("create_row", "DO")]
    );
    let back = r.body["results"][0]["after"].as_object().unwrap();
    assert_eq!(back.values().collect::<Vec<_>>(), [&json!([row])]);
}

#[tokio::test]
async fn trashing_rows_one_or_a_batch_and_restoring_them_are_entries_without_values() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let a = new_row(&app, &fx, json!({ &name: "a" })).await;
    let b = new_row(&app, &fx, json!({ &name: "b" })).await;
    let c = new_row(&app, &fx, json!({ &name: "c" })).await;
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{a}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch-delete/", fx.table),
            Some(&fx.user.access),
            json!({"items": [b, c]}),
        )
        .await;
    assert_eq!(r.status, 204);
    // Written with the deletion, though unlisted while the rows are in the trash.
    let written: Vec<(i64, String)> = sqlx::query_as(
        "SELECT row_id, action_type FROM database_row_history \
         WHERE table_id = $1 AND action_type LIKE 'delete%' ORDER BY row_id",
    )
    .bind(fx.table)
    .fetch_all(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(
        written,
        [
            (a, "delete_row".to_owned()),
            (b, "delete_rows".to_owned()),
            (c, "delete_rows".to_owned())
        ]
    );

    let workspace = fx.workspace_id(&app).await;
    let trash = app
        .get(
            &format!(
                "/api/trash/workspace/{workspace}/?application_id={}",
                fx.database
            ),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(trash.status, 200, "{:?}", trash.body);
    let batch = trash.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["trash_item_type"] == "rows")
        .expect("the batch in the trash")["trash_item_id"]
        .clone();
    for body in [
        json!({"trash_item_type": "row", "trash_item_id": a, "parent_trash_item_id": fx.table}),
        json!({"trash_item_type": "rows", "trash_item_id": batch, "parent_trash_item_id": fx.table}),
    ] {
        let r = app
            .patch("/api/trash/restore/", Some(&fx.user.access), body)
            .await;
        assert!(r.status < 300, "{:?}", r.body);
    }
    let page = history(&app, &fx, a, "").await;
    assert_eq!(
        actions(&page),
        [
            ("restore_from_trash", "DO"),
            ("delete_row", "DO"),
            ("create_row", "DO")
        ]
    );
    assert!(without_values(&page["results"][0]), "{page}");
    assert!(without_values(&page["results"][1]), "{page}");
    assert_eq!(page["results"][1]["user"]["name"], "Ann");
    for row in [b, c] {
        let page = history(&app, &fx, row, "").await;
        assert_eq!(
            actions(&page),
            [
                ("restore_from_trash", "DO"),
                ("delete_rows", "DO"),
                ("create_row", "DO")
            ]
        );
        assert!(without_values(&page["results"][0]), "{page}");
    }
}

#[tokio::test]
async fn undo_and_redo_are_entries_of_the_replayed_action_as_in_baserow() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let rows_path = format!("/api/database/rows/table/{}/", fx.table);
    let r = from_tab(
        &app,
        reqwest::Method::POST,
        &rows_path,
        &fx,
        Some(json!({ &name: "a" })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["id"].as_i64().unwrap();
    let row_path = format!("{rows_path}{row}/");
    let r = from_tab(
        &app,
        reqwest::Method::PATCH,
        &row_path,
        &fx,
        Some(json!({ &name: "b" })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Undoing the update is an `UNDO` of `update_rows`, from the value back.
    replay(&app, &fx, "undo").await;
    let page = history(&app, &fx, row, "").await;
    assert_eq!(page["results"][0]["action_type"], "update_rows");
    assert_eq!(page["results"][0]["action_command_type"], "UNDO");
    assert_eq!(page["results"][0]["before"], json!({ &name: "b" }));
    assert_eq!(page["results"][0]["after"], json!({ &name: "a" }));

    let r = from_tab(&app, reqwest::Method::DELETE, &row_path, &fx, None).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // Undoing the deletion restores the row: an `UNDO` of `delete_row`, not a restore.
    replay(&app, &fx, "undo").await;
    replay(&app, &fx, "redo").await;
    replay(&app, &fx, "undo").await;
    // Undoing the creation (the update is undone already) trashes the row; redoing it
    // brings it back.
    replay(&app, &fx, "undo").await;
    replay(&app, &fx, "redo").await;
    let page = history(&app, &fx, row, "").await;
    assert_eq!(
        actions(&page),
        [
            ("create_row", "REDO"),
            ("create_row", "UNDO"),
            ("delete_row", "UNDO"),
            ("delete_row", "REDO"),
            ("delete_row", "UNDO"),
            ("delete_row", "DO"),
            ("update_rows", "UNDO"),
            ("update_rows", "DO"),
            ("create_row", "DO")
        ]
    );
    let results = page["results"].as_array().unwrap();
    for entry in results
        .iter()
        .filter(|e| e["action_type"] != "update_rows" && e["action_command_type"] != "DO")
    {
        assert!(without_values(entry), "{entry}");
    }

    // A batch deletion undone: each row gets its `UNDO` of `delete_rows`.
    let b = new_row(&app, &fx, json!({ &name: "b" })).await;
    let r = from_tab(
        &app,
        reqwest::Method::POST,
        &format!("{rows_path}batch-delete/"),
        &fx,
        Some(json!({"items": [row, b]})),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    replay(&app, &fx, "undo").await;
    for id in [row, b] {
        let page = history(&app, &fx, id, "").await;
        assert_eq!(
            actions(&page)[..2],
            [("delete_rows", "UNDO"), ("delete_rows", "DO")]
        );
    }
}

#[tokio::test]
async fn a_deletion_and_a_restore_reach_the_rows_page_live() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let row = new_row(&app, &fx, json!({ &name: "a" })).await;
    let mut on_row = client(&app.url, &fx.user.access).await;
    let page = json!({"page": "row", "table_id": fx.table, "row_id": row});
    on_row
        .socket
        .send(Message::Text(page.to_string().into()))
        .await
        .unwrap();
    next_of(&mut on_row.socket, "page_add").await;
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204);
    let m = maybe_of(
        &mut on_row.socket,
        &["row_history_updated"],
        Duration::from_secs(10),
    )
    .await
    .expect("the deletion's entry");
    assert_eq!(m["row_id"], row);
    assert_eq!(m["row_history_entry"]["action_type"], "delete_row");
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&fx.user.access),
            json!({"trash_item_type": "row", "trash_item_id": row, "parent_trash_item_id": fx.table}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    let m = maybe_of(
        &mut on_row.socket,
        &["row_history_updated"],
        Duration::from_secs(10),
    )
    .await
    .expect("the restore's entry");
    assert_eq!(m["row_history_entry"]["action_type"], "restore_from_trash");
    let listed = history(&app, &fx, row, "").await;
    assert_eq!(m["row_history_entry"], listed["results"][0]);
}

#[tokio::test]
async fn rows_from_a_form_leave_no_creation_entry_as_in_baserow() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"name": "Sign-up", "type": "form", "public": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (form, slug) = (
        r.body["id"].as_i64().unwrap(),
        r.body["slug"].as_str().unwrap().to_owned(),
    );
    let r = app
        .patch(
            &format!("/api/database/views/{form}/field-options/"),
            Some(&fx.user.access),
            json!({"field_options": {name.to_string(): {"enabled": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/form/{slug}/submit/"),
            Some(&fx.user.access),
            json!({ format!("field_{name}"): "Kid" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["row_id"].as_i64().unwrap();
    assert_eq!(history(&app, &fx, row, "").await["count"], 0);
}

/// Waits for a job started from the tab to end, and returns it as last polled.
async fn job_ended(app: &TestApp, fx: &TableFixture, job: i64) -> Value {
    for _ in 0..300 {
        let j = app
            .get(&format!("/api/jobs/{job}/"), Some(&fx.user.access))
            .await
            .body;
        if j["state"] == "finished" || j["state"] == "failed" {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not end");
}

#[tokio::test]
async fn imported_rows_start_their_history_with_an_import_entry_and_its_undo_and_redo() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (name, _, _) = keys(&app, &fx).await;
    let earlier = new_row(&app, &fx, json!({ &name: "earlier" })).await;

    // Rows appended to the table by an import started from the tab.
    let upload = crate::imports::upload(&app, &fx.user, "more.csv", b"Name\nalpha\nbeta\n").await;
    let r = from_tab(
        &app,
        reqwest::Method::POST,
        "/api/jobs/",
        &fx,
        Some(
            json!({"type": "file_import", "upload_id": upload, "table_id": fx.table,
                    "first_row_header": true}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = job_ended(&app, &fx, r.body["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "finished", "{job}");
    let rows = app.rows(&fx.user, fx.table, "").await.body["results"]
        .as_array()
        .unwrap()
        .clone();
    let imported: Vec<i64> = rows
        .iter()
        .filter(|r| r[&name] == "alpha" || r[&name] == "beta")
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(imported.len(), 2, "{rows:?}");
    for &row in &imported {
        let page = history(&app, &fx, row, "").await;
        assert_eq!(actions(&page), [("import_rows", "DO")]);
        let entry = &page["results"][0];
        assert!(without_values(entry), "{entry}");
        assert_eq!(entry["user"], json!({"id": fx.user.id, "name": "Ann"}));
    }
    // The rows that were there already are left alone.
    assert_eq!(
        actions(&history(&app, &fx, earlier, "").await),
        [("create_row", "DO")]
    );

    // Undoing the import trashes its rows, redoing it brings them back: both are entries.
    replay(&app, &fx, "undo").await;
    let r = app
        .get(&history_path(fx.table, imported[0]), Some(&fx.user.access))
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    replay(&app, &fx, "redo").await;
    for &row in &imported {
        assert_eq!(
            actions(&history(&app, &fx, row, "").await),
            [
                ("import_rows", "REDO"),
                ("import_rows", "UNDO"),
                ("import_rows", "DO")
            ]
        );
    }

    // A table made from a file: each of its rows has its import entry too.
    let upload = crate::imports::upload(&app, &fx.user, "new.csv", b"Title\none\n").await;
    let r = app
        .post(
            "/api/jobs/",
            Some(&fx.user.access),
            json!({"type": "file_import", "upload_id": upload, "database_id": fx.database,
                   "name": "From a file", "first_row_header": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = job_ended(&app, &fx, r.body["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "finished", "{job}");
    let table = job["table_id"].as_i64().unwrap();
    let row = app.rows(&fx.user, table, "").await.body["results"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(&history_path(table, row), Some(&fx.user.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(actions(&r.body), [("import_rows", "DO")]);
}
