//! Undo and redo: actions recorded per tab (`ClientSessionId`), replayed through
//! `PATCH /api/user/undo/` and `/api/user/redo/`.

use crate::helpers::{Resp, Session, TableFixture, TestApp, assert_error};
use crate::realtime::{client, next_of, subscribe};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use tessera::test_support::HttpReceiver;

/// A request with the undo headers a tab sends.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &Session,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Resp {
    let mut req = app
        .client()
        .request(method, format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {}", user.access));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    app.raw(req).await
}

/// Undo (or redo) in the table's scope from `session`.
async fn replay(app: &TestApp, what: &str, user: &Session, session: &str, table: i64) -> Resp {
    send(
        app,
        Method::PATCH,
        &format!("/api/user/{what}/"),
        user,
        &[("ClientSessionId", session)],
        Some(json!({"scopes": {"root": true, "table": table}})),
    )
    .await
}

async fn undo_ok(app: &TestApp, user: &Session, session: &str, table: i64) -> Value {
    let r = replay(app, "undo", user, session, table).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    r.body
}

/// Changes a row's cells (`field_{id}` keys) from a tab.
async fn patch_from(app: &TestApp, fx: &TableFixture, session: &str, row: i64, body: Value) {
    let r = send(
        app,
        Method::PATCH,
        &format!("/api/database/rows/table/{}/{row}/", fx.table),
        &fx.user,
        &[("ClientSessionId", session)],
        Some(body),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn cell(app: &TestApp, fx: &TableFixture, row: i64, field: i64) -> Value {
    let r = app
        .get(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body[format!("field_{field}")].clone()
}

async fn new_row(app: &TestApp, fx: &TableFixture, name_field: i64, name: &str) -> i64 {
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({ format!("field_{name_field}"): name }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn row_count(app: &TestApp, fx: &TableFixture) -> i64 {
    let r = app.rows(&fx.user, fx.table, "size=1").await;
    r.body["count"].as_i64().unwrap()
}

#[tokio::test]
async fn spec_undo_redo_of_a_cell_follows_baserow() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let name = app.field_id(&fx.user, t, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "new" }),
    )
    .await;

    let r = replay(&app, "undo", &fx.user, "s1", t).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"actions": [{"action_type": "update_rows", "action_scope": format!("table{t}")}],
               "result_code": "SUCCESS"})
    );
    assert_eq!(cell(&app, &fx, row, name).await, "old");

    let r = replay(&app, "redo", &fx.user, "s1", t).await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(r.body["actions"][0]["action_type"], "update_rows");
    assert_eq!(cell(&app, &fx, row, name).await, "new");

    let r = replay(&app, "undo", &fx.user, "other", t).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"actions": [], "result_code": "NOTHING_TO_DO"})
    );
    assert_eq!(cell(&app, &fx, row, name).await, "new");

    let r = send(
        &app,
        Method::PATCH,
        "/api/user/undo/",
        &fx.user,
        &[],
        Some(json!({"scopes": {"root": true, "table": t}})),
    )
    .await;
    assert_error(&r, 400, "ERROR_CLIENT_SESSION_ID_HEADER_NOT_SET");
    let r = replay(&app, "undo", &fx.user, "bad id!", t).await;
    assert_error(&r, 400, "ERROR_INVALID_CLIENT_SESSION_ID");
    assert_eq!(cell(&app, &fx, row, name).await, "new");
}

#[tokio::test]
async fn bad_headers_and_bodies_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    let path = format!("/api/database/rows/table/{}/{row}/", fx.table);
    let body = json!({ format!("field_{name}"): "new" });
    let long = "a".repeat(257);
    for (headers, code) in [
        (
            vec![("ClientSessionId", "bad id!")],
            "ERROR_INVALID_CLIENT_SESSION_ID",
        ),
        (
            vec![("ClientSessionId", long.as_str())],
            "ERROR_INVALID_CLIENT_SESSION_ID",
        ),
        (
            vec![
                ("ClientSessionId", "s1"),
                ("ClientUndoRedoActionGroupId", "not-a-uuid"),
            ],
            "ERROR_INVALID_CLIENT_ACTION_GROUP",
        ),
        (
            // A valid UUID, but of version 1.
            vec![
                ("ClientSessionId", "s1"),
                (
                    "ClientUndoRedoActionGroupId",
                    "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                ),
            ],
            "ERROR_INVALID_CLIENT_ACTION_GROUP",
        ),
    ] {
        let r = send(
            &app,
            Method::PATCH,
            &path,
            &fx.user,
            &headers,
            Some(body.clone()),
        )
        .await;
        assert_error(&r, 400, code);
    }
    assert_eq!(cell(&app, &fx, row, name).await, "old");
    let max = "a".repeat(256);
    patch_from(&app, &fx, &max, row, body).await;
    for bad in [
        json!({"scopes": {"tables": fx.table}}),
        json!({"scopes": {"table": "x"}}),
        json!({"scope": {"table": fx.table}}),
    ] {
        let r = send(
            &app,
            Method::PATCH,
            "/api/user/undo/",
            &fx.user,
            &[("ClientSessionId", &max)],
            Some(bad),
        )
        .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    assert_eq!(cell(&app, &fx, row, name).await, "new");
    // Without the scope of the table, nothing is undone.
    let r = send(
        &app,
        Method::PATCH,
        "/api/user/undo/",
        &fx.user,
        &[("ClientSessionId", &max)],
        Some(json!({"scopes": {"root": true, "table": fx.table + 1000}})),
    )
    .await;
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO", "{:?}", r.body);
    undo_ok(&app, &fx.user, &max, fx.table).await;
    assert_eq!(cell(&app, &fx, row, name).await, "old");
}

#[tokio::test]
async fn two_tabs_of_one_user_each_undo_only_their_own() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let notes = app.field_id(&fx.user, fx.table, "Notes").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "tab-1",
        row,
        json!({ format!("field_{name}"): "one" }),
    )
    .await;
    patch_from(
        &app,
        &fx,
        "tab-2",
        row,
        json!({ format!("field_{notes}"): "two" }),
    )
    .await;

    undo_ok(&app, &fx.user, "tab-1", fx.table).await;
    assert_eq!(cell(&app, &fx, row, name).await, "old");
    assert_eq!(
        cell(&app, &fx, row, notes).await,
        "two",
        "tab 2's change stays"
    );
    let r = replay(&app, "undo", &fx.user, "tab-1", fx.table).await;
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO");

    undo_ok(&app, &fx.user, "tab-2", fx.table).await;
    assert_eq!(cell(&app, &fx, row, notes).await, Value::Null);
    assert_eq!(cell(&app, &fx, row, name).await, "old");
}

/// Baserow's behaviour: undo writes back the value from before the undoing user's
/// change, even when someone else changed the cell since.
#[tokio::test]
async fn undo_after_another_user_changed_the_cell_restores_the_value_from_before() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    sqlx::query(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions) VALUES ($1, $2, 'MEMBER')",
    )
    .bind(fx.workspace_id(&app).await)
    .bind(bob.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "ann",
        row,
        json!({ format!("field_{name}"): "ann" }),
    )
    .await;
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/rows/table/{}/{row}/", fx.table),
        &bob,
        &[("ClientSessionId", "bob")],
        Some(json!({ format!("field_{name}"): "bob" })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    undo_ok(&app, &fx.user, "ann", fx.table).await;
    assert_eq!(cell(&app, &fx, row, name).await, "old");
    // Bob's own undo brings back what he overwrote.
    undo_ok(&app, &bob, "bob", fx.table).await;
    assert_eq!(cell(&app, &fx, row, name).await, "ann");
}

#[tokio::test]
async fn a_batch_of_a_thousand_rows_is_undone_and_redone_in_one_step() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let name = app.field_id(&fx.user, t, "Name").await;
    let s = [("ClientSessionId", "s1")];
    // The new table's own rows.
    let base = row_count(&app, &fx).await;
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({ format!("field_{name}"): format!("r{i}") }))
        .collect();
    let r = send(
        &app,
        Method::POST,
        &format!("/api/database/rows/table/{t}/batch/"),
        &fx.user,
        &s,
        Some(json!({ "items": items })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ids: Vec<i64> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(row_count(&app, &fx).await, base + 1000);
    let r = undo_ok(&app, &fx.user, "s1", t).await;
    assert_eq!(r["actions"][0]["action_type"], "create_rows");
    assert_eq!(row_count(&app, &fx).await, base);
    let r = replay(&app, "redo", &fx.user, "s1", t).await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(row_count(&app, &fx).await, base + 1000);

    let updates: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, format!("field_{name}"): "changed"}))
        .collect();
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/rows/table/{t}/batch/"),
        &fx.user,
        &s,
        Some(json!({ "items": updates })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    undo_ok(&app, &fx.user, "s1", t).await;
    assert_eq!(cell(&app, &fx, ids[0], name).await, "r0");
    assert_eq!(cell(&app, &fx, ids[999], name).await, "r999");

    let r = send(
        &app,
        Method::POST,
        &format!("/api/database/rows/table/{t}/batch-delete/"),
        &fx.user,
        &s,
        Some(json!({ "items": ids })),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(row_count(&app, &fx).await, base);
    let r = undo_ok(&app, &fx.user, "s1", t).await;
    assert_eq!(r["actions"][0]["action_type"], "delete_rows");
    assert_eq!(row_count(&app, &fx).await, base + 1000);
    assert_eq!(cell(&app, &fx, ids[500], name).await, "r500");
}

#[tokio::test]
async fn five_hundred_changes_are_undone_one_by_one() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "start").await;
    for i in 0..500 {
        patch_from(
            &app,
            &fx,
            "s1",
            row,
            json!({ format!("field_{name}"): format!("v{i}") }),
        )
        .await;
    }
    for i in (0..500).rev() {
        if i % 50 == 0 {
            assert_eq!(cell(&app, &fx, row, name).await, format!("v{i}"));
        }
        undo_ok(&app, &fx.user, "s1", fx.table).await;
    }
    assert_eq!(cell(&app, &fx, row, name).await, "start");
    let r = replay(&app, "undo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO");
    // Redo walks forward again.
    for _ in 0..2 {
        let r = replay(&app, "redo", &fx.user, "s1", fx.table).await;
        assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    }
    assert_eq!(cell(&app, &fx, row, name).await, "v1");
}

#[tokio::test]
async fn redo_is_refused_after_a_new_action_in_the_same_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "a" }),
    )
    .await;
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "b" }),
    )
    .await;
    let r = replay(&app, "redo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO", "{:?}", r.body);
    assert_eq!(cell(&app, &fx, row, name).await, "b");
    // The new action itself is undone next.
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(cell(&app, &fx, row, name).await, "old");
}

#[tokio::test]
async fn an_action_group_is_undone_and_redone_in_one_step() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let a = new_row(&app, &fx, name, "a").await;
    let b = new_row(&app, &fx, name, "b").await;
    let group = uuid::Uuid::new_v4().to_string();
    patch_from(
        &app,
        &fx,
        "s1",
        a,
        json!({ format!("field_{name}"): "before" }),
    )
    .await;
    for row in [a, b] {
        let r = send(
            &app,
            Method::PATCH,
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            &fx.user,
            &[
                ("ClientSessionId", "s1"),
                ("ClientUndoRedoActionGroupId", &group),
            ],
            Some(json!({ format!("field_{name}"): "pasted" })),
        )
        .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(cell(&app, &fx, a, name).await, "before");
    assert_eq!(cell(&app, &fx, b, name).await, "b");
    let r = replay(&app, "redo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["actions"].as_array().unwrap().len(), 2);
    assert_eq!(cell(&app, &fx, a, name).await, "pasted");
    assert_eq!(cell(&app, &fx, b, name).await, "pasted");
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    // The action before the group comes next, alone.
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"].as_array().unwrap().len(), 1);
    assert_eq!(cell(&app, &fx, a, name).await, "a");
}

#[tokio::test]
async fn undoing_a_row_deletion_or_creation_goes_through_the_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let s = [("ClientSessionId", "s1")];
    let base = row_count(&app, &fx).await;
    let r = send(
        &app,
        Method::POST,
        &format!("/api/database/rows/table/{}/", fx.table),
        &fx.user,
        &s,
        Some(json!({ format!("field_{name}"): "kept" })),
    )
    .await;
    let row = r.body["id"].as_i64().unwrap();
    let r = send(
        &app,
        Method::DELETE,
        &format!("/api/database/rows/table/{}/{row}/", fx.table),
        &fx.user,
        &s,
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "delete_row");
    assert_eq!(cell(&app, &fx, row, name).await, "kept");
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "create_row");
    assert_eq!(row_count(&app, &fx).await, base);
    // The undone creation sits in the trash, like any deleted row.
    let trashed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM trash_entries WHERE trash_item_type = 'row' AND trash_item_id = $1",
    )
    .bind(row)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(trashed, 1);
}

#[tokio::test]
async fn a_field_type_change_is_undone_with_its_data() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let code = app
        .field(&fx.user, fx.table, json!({"name": "Code", "type": "text"}))
        .await;
    let a = new_row(&app, &fx, name, "a").await;
    let b = new_row(&app, &fx, name, "b").await;
    for (row, v) in [(a, "12"), (b, "abc")] {
        let r = app
            .patch(
                &format!("/api/database/rows/table/{}/{row}/", fx.table),
                Some(&fx.user.access),
                json!({ format!("field_{code}"): v }),
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/fields/{code}/"),
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"type": "number", "name": "Amount"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(cell(&app, &fx, b, code).await, Value::Null, "text is lost");
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "update_field");
    let field = crate::helpers::field_of(&app, &fx.user, code).await;
    assert_eq!(
        (field["type"].as_str(), field["name"].as_str()),
        (Some("text"), Some("Code"))
    );
    assert_eq!(cell(&app, &fx, a, code).await, "12");
    assert_eq!(cell(&app, &fx, b, code).await, "abc");
    // Redo converts again; undo brings the data back again.
    let r = replay(&app, "redo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(
        crate::helpers::field_of(&app, &fx.user, code).await["type"],
        "number"
    );
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(cell(&app, &fx, b, code).await, "abc");
}

#[tokio::test]
async fn a_single_select_converted_to_text_comes_back_with_its_options() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Size", "type": "single_select",
                   "select_options": [{"value": "S", "color": "blue"}, {"value": "L", "color": "red"}]}),
        )
        .await;
    let before = crate::helpers::field_of(&app, &fx.user, field).await;
    let large = before["select_options"][1]["id"].as_i64().unwrap();
    let row = new_row(&app, &fx, name, "a").await;
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
            json!({ format!("field_{field}"): large }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/fields/{field}/"),
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"type": "boolean"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    let after = crate::helpers::field_of(&app, &fx.user, field).await;
    assert_eq!(after["select_options"], before["select_options"]);
    assert_eq!(cell(&app, &fx, row, field).await["id"], large);
}

#[tokio::test]
async fn field_creation_and_deletion_are_undone_through_the_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let notes = app.field_id(&fx.user, fx.table, "Notes").await;
    let row = new_row(&app, &fx, name, "a").await;
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
            json!({ format!("field_{notes}"): "kept" }),
        )
        .await;
    assert_eq!(r.status, 200);
    let s = [("ClientSessionId", "s1")];
    let r = send(
        &app,
        Method::DELETE,
        &format!("/api/database/fields/{notes}/"),
        &fx.user,
        &s,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(cell(&app, &fx, row, notes).await, Value::Null);
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "delete_field");
    assert_eq!(cell(&app, &fx, row, notes).await, "kept");
    let r = replay(&app, "redo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["result_code"], "SUCCESS");
    let r = app
        .get(
            &format!("/api/database/fields/{notes}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 404);
    undo_ok(&app, &fx.user, "s1", fx.table).await;

    let r = send(
        &app,
        Method::POST,
        &format!("/api/database/fields/table/{}/", fx.table),
        &fx.user,
        &s,
        Some(json!({"name": "New", "type": "number"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let new = r.body["id"].as_i64().unwrap();
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "create_field");
    let r = app
        .get(
            &format!("/api/database/fields/{new}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 404);
    replay(&app, "redo", &fx.user, "s1", fx.table).await;
    crate::helpers::field_of(&app, &fx.user, new).await;
}

#[tokio::test]
async fn undo_is_sent_to_the_undoing_tab_too() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    let mut tab = client(&app.url, &fx.user.access).await;
    subscribe(&mut tab, fx.table, None).await;
    let headers = [("ClientSessionId", "s1"), ("WebSocketId", tab.id.as_str())];
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/rows/table/{}/{row}/", fx.table),
        &fx.user,
        &headers,
        Some(json!({ format!("field_{name}"): "new" })),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = send(
        &app,
        Method::PATCH,
        "/api/user/undo/",
        &fx.user,
        &headers,
        Some(json!({"scopes": {"table": fx.table}})),
    )
    .await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    // The tab's own change was not echoed to it; the undo is.
    let m = next_of(&mut tab.socket, "rows_updated").await;
    assert_eq!(m["rows"][0][format!("field_{name}")], "old", "{m}");
    assert_eq!(m["rows_before_update"][0][format!("field_{name}")], "new");
}

#[tokio::test]
async fn a_tab_already_undoing_gets_a_lock_conflict() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "new" }),
    )
    .await;
    let mut held = app.ctx.db.begin().await.unwrap();
    let _: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtext('tessera.undo'), hashtext($1::bigint::text || ':' || 's1'))",
    )
    .bind(fx.user.id)
    .fetch_one(&mut *held)
    .await
    .unwrap();
    let r = replay(&app, "undo", &fx.user, "s1", fx.table).await;
    assert_error(&r, 409, "ERROR_UNDO_REDO_LOCK_CONFLICT");
    assert_eq!(cell(&app, &fx, row, name).await, "new");
    held.rollback().await.unwrap();
    undo_ok(&app, &fx.user, "s1", fx.table).await;
}

#[tokio::test]
async fn an_action_that_cannot_be_undone_is_skipped_from_then_on() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "new" }),
    )
    .await;
    // Someone else deletes the row: its change cannot be written back.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = replay(&app, "undo", &fx.user, "s1", fx.table).await;
    assert_eq!(
        r.body["result_code"], "SKIPPED_DUE_TO_ERROR",
        "{:?}",
        r.body
    );
    assert_eq!(r.body["actions"][0]["action_type"], "update_rows");
    let r = replay(&app, "undo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO");
}

#[tokio::test]
async fn old_actions_beyond_the_newest_of_each_tab_are_forgotten_with_their_backups() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let code = app
        .field(&fx.user, fx.table, json!({"name": "Code", "type": "text"}))
        .await;
    let r = send(
        &app,
        Method::PATCH,
        &format!("/api/database/fields/{code}/"),
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"type": "number"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let backup: i64 =
        sqlx::query_scalar("SELECT (params->>'backup')::bigint FROM actions WHERE session = 's1'")
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    let backup_exists = || async {
        sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
            .bind(format!("database_field_backup_{backup}"))
            .fetch_one(&app.ctx.db)
            .await
            .unwrap()
    };
    assert!(backup_exists().await);
    // 600 more actions of another tab, the oldest 599 of them (and the field change) two
    // days old.
    sqlx::query(
        "INSERT INTO actions (user_id, session, action_type, scope, params, created_on) \
         SELECT $1, 's2', 'update_rows', 'table1', '{}', now() - interval '2 days' + i * interval '1 ms' \
         FROM generate_series(1, 599) i",
    )
    .bind(fx.user.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO actions (user_id, session, action_type, scope, params) \
         VALUES ($1, 's2', 'update_rows', 'table1', '{}')",
    )
    .bind(fx.user.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    sqlx::query("UPDATE actions SET created_on = now() - interval '3 days' WHERE session = 's1'")
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let settings = &app.ctx.settings;
    let removed = tessera::database::actions::cleanup::run(
        &app.ctx.db,
        settings.action_retention,
        settings.actions_per_session,
    )
    .await
    .unwrap();
    // Tab 2 keeps its newest 500; tab 1's only action is kept too (one of its newest 500).
    assert_eq!(removed, 100);
    let left: Vec<(String, i64)> =
        sqlx::query_as("SELECT session, count(*) FROM actions GROUP BY session ORDER BY session")
            .fetch_all(&app.ctx.db)
            .await
            .unwrap();
    assert_eq!(left, [("s1".to_owned(), 1), ("s2".to_owned(), 500)]);
    assert!(backup_exists().await);
    // With fewer kept per tab, tab 1's old change goes, and its backup with it.
    tessera::database::actions::cleanup::run(&app.ctx.db, settings.action_retention, 0)
        .await
        .unwrap();
    assert!(!backup_exists().await);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM actions")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(left, 1, "the recent action stays");
}

#[tokio::test]
async fn view_creation_and_deletion_are_undone_through_the_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let s = [("ClientSessionId", "s1")];
    let r = send(
        &app,
        Method::POST,
        &format!("/api/database/views/table/{}/", fx.table),
        &fx.user,
        &s,
        Some(json!({"name": "Mine", "type": "grid"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let view = r.body["id"].as_i64().unwrap();
    let path = format!("/api/database/views/{view}/");
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(
        r["actions"][0],
        json!({"action_type": "create_view", "action_scope": format!("table{}", fx.table)})
    );
    assert_eq!(app.get(&path, Some(&fx.user.access)).await.status, 404);
    replay(&app, "redo", &fx.user, "s1", fx.table).await;
    assert_eq!(app.get(&path, Some(&fx.user.access)).await.status, 200);

    let r = send(&app, Method::DELETE, &path, &fx.user, &s, None).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = undo_ok(&app, &fx.user, "s1", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "delete_view");
    let r = app.get(&path, Some(&fx.user.access)).await;
    assert_eq!(r.body["name"], "Mine", "{:?}", r.body);
}

#[tokio::test]
async fn undo_calls_webhooks_like_any_change() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let receiver = HttpReceiver::start().await;
    let r = app
        .post(
            &format!("/api/database/webhooks/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"name": "hook", "url": receiver.url()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let row = new_row(&app, &fx, name, "old").await;
    patch_from(
        &app,
        &fx,
        "s1",
        row,
        json!({ format!("field_{name}"): "new" }),
    )
    .await;
    undo_ok(&app, &fx.user, "s1", fx.table).await;
    let calls = receiver.wait_for(3, Duration::from_secs(20)).await;
    let kinds: Vec<Value> = calls
        .iter()
        .map(|c| c.json()["event_type"].clone())
        .collect();
    assert_eq!(kinds, ["rows.created", "rows.updated", "rows.updated"]);
    let undone = calls[2].json();
    assert_eq!(undone["items"][0]["Name"], "old", "{undone}");
    assert_eq!(undone["old_items"][0]["Name"], "new", "{undone}");
}

#[tokio::test]
async fn a_view_change_is_undone_in_the_views_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"name": "Mine", "type": "grid"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let view = r.body["id"].as_i64().unwrap();
    let path = format!("/api/database/views/{view}/");
    let r = send(
        &app,
        Method::PATCH,
        &path,
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"name": "Renamed", "filter_type": "OR"})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The table's scope alone does not reach it.
    let r = replay(&app, "undo", &fx.user, "s1", fx.table).await;
    assert_eq!(r.body["result_code"], "NOTHING_TO_DO", "{:?}", r.body);
    let r = send(
        &app,
        Method::PATCH,
        "/api/user/undo/",
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"scopes": {"table": fx.table, "view": view}})),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"actions": [{"action_type": "update_view", "action_scope": format!("view{view}")}],
               "result_code": "SUCCESS"})
    );
    let shown = app.get(&path, Some(&fx.user.access)).await.body;
    assert_eq!(
        (shown["name"].as_str(), shown["filter_type"].as_str()),
        (Some("Mine"), Some("AND"))
    );
    let r = send(
        &app,
        Method::PATCH,
        "/api/user/redo/",
        &fx.user,
        &[("ClientSessionId", "s1")],
        Some(json!({"scopes": {"view": view}})),
    )
    .await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(
        app.get(&path, Some(&fx.user.access)).await.body["name"],
        "Renamed"
    );
}

/// Undo (or redo) from `session` in the given scopes.
async fn replay_in(
    app: &TestApp,
    what: &str,
    user: &Session,
    session: &str,
    scopes: Value,
) -> Value {
    let r = send(
        app,
        Method::PATCH,
        &format!("/api/user/{what}/"),
        user,
        &[("ClientSessionId", session)],
        Some(json!({ "scopes": scopes })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// A request from tab `s1` that must succeed; answers its body.
async fn from_tab(
    app: &TestApp,
    user: &Session,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let r = send(app, method, path, user, &[("ClientSessionId", "s1")], body).await;
    assert!(
        [200, 202, 204].contains(&r.status),
        "{path}: {} {:?}",
        r.status,
        r.body
    );
    r.body
}

fn done(r: &Value) -> (String, String) {
    assert_eq!(r["result_code"], "SUCCESS", "{r}");
    (
        r["actions"][0]["action_type"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        r["actions"][0]["action_scope"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn table_ids(app: &TestApp, fx: &TableFixture) -> Vec<i64> {
    let r = app
        .get(
            &format!("/api/database/tables/database/{}/", fx.database),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn table_creation_rename_deletion_and_order_are_undone_in_the_databases_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let scope = json!({"root": true, "application": fx.database});
    let application = format!("application{}", fx.database);
    let created = from_tab(
        &app,
        user,
        Method::POST,
        &format!("/api/database/tables/database/{}/", fx.database),
        Some(json!({"name": "Second"})),
    )
    .await;
    let t2 = created["id"].as_i64().unwrap();
    let path = format!("/api/database/tables/{t2}/");
    // Neither the table's own scope nor another tab reaches it.
    let r = replay_in(&app, "undo", user, "s1", json!({"table": t2})).await;
    assert_eq!(r["result_code"], "NOTHING_TO_DO", "{r}");
    let r = replay_in(&app, "undo", user, "s2", scope.clone()).await;
    assert_eq!(r["result_code"], "NOTHING_TO_DO", "{r}");

    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("create_table".into(), application.clone()));
    assert_eq!(app.get(&path, Some(&user.access)).await.status, 404);
    let r = replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "create_table");
    let shown = app.get(&path, Some(&user.access)).await;
    assert_eq!(shown.body["name"], "Second", "{:?}", shown.body);
    // Its rows came back with it.
    assert_eq!(app.rows(user, t2, "size=1").await.body["count"], 2);

    from_tab(
        &app,
        user,
        Method::PATCH,
        &path,
        Some(json!({"name": "Renamed"})),
    )
    .await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("update_table".into(), application.clone()));
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Second"
    );
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Renamed"
    );

    assert_eq!(table_ids(&app, &fx).await, [fx.table, t2]);
    from_tab(
        &app,
        user,
        Method::POST,
        &format!("/api/database/tables/database/{}/order/", fx.database),
        Some(json!({"table_ids": [t2, fx.table]})),
    )
    .await;
    assert_eq!(table_ids(&app, &fx).await, [t2, fx.table]);
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("order_tables".into(), application.clone()));
    assert_eq!(table_ids(&app, &fx).await, [fx.table, t2]);
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(table_ids(&app, &fx).await, [t2, fx.table]);

    from_tab(&app, user, Method::DELETE, &path, None).await;
    assert_eq!(app.get(&path, Some(&user.access)).await.status, 404);
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("delete_table".into(), application));
    let shown = app.get(&path, Some(&user.access)).await;
    assert_eq!(shown.body["name"], "Renamed", "{:?}", shown.body);
    replay_in(&app, "redo", user, "s1", scope).await;
    assert_eq!(app.get(&path, Some(&user.access)).await.status, 404);
}

async fn new_view(app: &TestApp, fx: &TableFixture, name: &str) -> i64 {
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"name": name, "type": "grid"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn listed(app: &TestApp, fx: &TableFixture, path: &str) -> Vec<Value> {
    let r = app.get(path, Some(&fx.user.access)).await;
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    r.body.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn filters_filter_groups_sorts_and_group_bys_are_undone_in_the_views_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let name = app.field_id(user, fx.table, "Name").await;
    let view = new_view(&app, &fx, "Mine").await;
    let scope = json!({"table": fx.table, "view": view});
    let in_view = format!("view{view}");
    let filters = format!("/api/database/views/{view}/filters/");
    let mut tab = client(&app.url, &user.access).await;
    subscribe(&mut tab, fx.table, None).await;

    let filter = from_tab(
        &app,
        user,
        Method::POST,
        &filters,
        Some(json!({"field": name, "type": "contains", "value": "a"})),
    )
    .await;
    let id = filter["id"].as_i64().unwrap();
    let r = replay_in(&app, "undo", user, "s1", json!({"table": fx.table})).await;
    assert_eq!(r["result_code"], "NOTHING_TO_DO", "{r}");
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("create_view_filter".into(), in_view.clone()));
    assert!(listed(&app, &fx, &filters).await.is_empty());
    // Open pages learn of it as of any change.
    let m = next_of(&mut tab.socket, "view_filter_deleted").await;
    assert_eq!(m["view_filter_id"], id, "{m}");
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    let back = listed(&app, &fx, &filters).await;
    assert_eq!(
        (back.len(), &back[0]["id"], &back[0]["value"]),
        (1, &json!(id), &json!("a"))
    );

    let one = format!("/api/database/views/filter/{id}/");
    from_tab(&app, user, Method::PATCH, &one, Some(json!({"value": "b"}))).await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "update_view_filter");
    assert_eq!(app.get(&one, Some(&user.access)).await.body["value"], "a");
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(app.get(&one, Some(&user.access)).await.body["value"], "b");
    from_tab(&app, user, Method::DELETE, &one, None).await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "delete_view_filter");
    assert_eq!(app.get(&one, Some(&user.access)).await.body["value"], "b");

    // A group deleted with a sub-group and filters in both comes back whole.
    let groups = format!("/api/database/views/{view}/filter-groups/");
    let group = from_tab(
        &app,
        user,
        Method::POST,
        &groups,
        Some(json!({"filter_type": "OR"})),
    )
    .await;
    let group = group["id"].as_i64().unwrap();
    let sub = from_tab(
        &app,
        user,
        Method::POST,
        &groups,
        Some(json!({"parent_group": group})),
    )
    .await;
    let sub = sub["id"].as_i64().unwrap();
    for (g, v) in [(group, "x"), (sub, "y")] {
        let body = json!({"field": name, "type": "equal", "value": v, "group": g});
        from_tab(&app, user, Method::POST, &filters, Some(body)).await;
    }
    let group_path = format!("/api/database/views/filter-group/{group}/");
    from_tab(
        &app,
        user,
        Method::PATCH,
        &group_path,
        Some(json!({"filter_type": "AND"})),
    )
    .await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "update_view_filter_group");
    assert_eq!(
        app.get(&group_path, Some(&user.access)).await.body["filter_type"],
        "OR"
    );
    let before = listed(&app, &fx, &filters).await;
    from_tab(&app, user, Method::DELETE, &group_path, None).await;
    assert_eq!(listed(&app, &fx, &filters).await.len(), 1);
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "delete_view_filter_group");
    assert_eq!(listed(&app, &fx, &filters).await, before);
    let group_count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM database_view_filter_groups WHERE view_id = $1",
        )
        .bind(view)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
    };
    assert_eq!(group_count().await, 2);
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(listed(&app, &fx, &filters).await.len(), 1);
    assert_eq!(group_count().await, 0);

    let sortings = format!("/api/database/views/{view}/sortings/");
    let sort = from_tab(
        &app,
        user,
        Method::POST,
        &sortings,
        Some(json!({"field": name})),
    )
    .await;
    let sort_path = format!("/api/database/views/sort/{}/", sort["id"]);
    from_tab(
        &app,
        user,
        Method::PATCH,
        &sort_path,
        Some(json!({"order": "DESC"})),
    )
    .await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "update_view_sort");
    assert_eq!(
        app.get(&sort_path, Some(&user.access)).await.body["order"],
        "ASC"
    );
    from_tab(&app, user, Method::DELETE, &sort_path, None).await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "delete_view_sort");
    assert_eq!(
        app.get(&sort_path, Some(&user.access)).await.body["order"],
        "ASC"
    );
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "create_view_sort");
    assert!(listed(&app, &fx, &sortings).await.is_empty());

    let group_bys = format!("/api/database/views/{view}/group_bys/");
    let body = json!({"field": name, "width": 300});
    from_tab(&app, user, Method::POST, &group_bys, Some(body)).await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("create_view_group".into(), in_view));
    assert!(listed(&app, &fx, &group_bys).await.is_empty());
    replay_in(&app, "redo", user, "s1", scope).await;
    let back = listed(&app, &fx, &group_bys).await;
    assert_eq!(back[0]["width"], 300, "{back:?}");
}

#[tokio::test]
async fn field_options_are_undone_in_the_views_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let notes = app.field_id(user, fx.table, "Notes").await;
    let view = new_view(&app, &fx, "Mine").await;
    let path = format!("/api/database/views/{view}/field-options/");
    let shown = |body: &Value| {
        let o = &body["field_options"][notes.to_string()];
        (o["width"].clone(), o["hidden"].clone())
    };
    let before = shown(&app.get(&path, Some(&user.access)).await.body);
    let change = json!({"field_options": {notes.to_string(): {"width": 333, "hidden": true}}});
    from_tab(&app, user, Method::PATCH, &path, Some(change)).await;
    let r = replay_in(&app, "undo", user, "s1", json!({"view": view})).await;
    assert_eq!(
        done(&r),
        ("update_view_field_options".into(), format!("view{view}"))
    );
    assert_eq!(
        shown(&app.get(&path, Some(&user.access)).await.body),
        before
    );
    replay_in(&app, "redo", user, "s1", json!({"view": view})).await;
    assert_eq!(
        shown(&app.get(&path, Some(&user.access)).await.body),
        (json!(333), json!(true))
    );
}

#[tokio::test]
async fn view_order_and_row_moves_are_undone_in_the_tables_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let t = fx.table;
    let a = new_view(&app, &fx, "A").await;
    let b = new_view(&app, &fx, "B").await;
    let views = format!("/api/database/views/table/{t}/");
    let ids = |list: Vec<Value>| -> Vec<i64> {
        list.iter()
            .filter_map(|v| v["id"].as_i64())
            .filter(|id| [a, b].contains(id))
            .collect()
    };
    let order = format!("/api/database/views/table/{t}/order/");
    from_tab(
        &app,
        user,
        Method::POST,
        &order,
        Some(json!({"view_ids": [b, a]})),
    )
    .await;
    assert_eq!(ids(listed(&app, &fx, &views).await), [b, a]);
    let r = undo_ok(&app, user, "s1", t).await;
    assert_eq!(done(&r), ("order_views".into(), format!("table{t}")));
    assert_eq!(ids(listed(&app, &fx, &views).await), [a, b]);
    replay(&app, "redo", user, "s1", t).await;
    assert_eq!(ids(listed(&app, &fx, &views).await), [b, a]);

    let name = app.field_id(user, t, "Name").await;
    let first = new_row(&app, &fx, name, "first").await;
    let second = new_row(&app, &fx, name, "second").await;
    let names = |r: Resp| -> Vec<Value> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[format!("field_{name}")].clone())
            .filter(|v| !v.is_null())
            .collect()
    };
    let path = format!("/api/database/rows/table/{t}/{second}/move/?before_id={first}");
    from_tab(&app, user, Method::PATCH, &path, None).await;
    assert_eq!(names(app.rows(user, t, "").await), ["second", "first"]);
    let r = undo_ok(&app, user, "s1", t).await;
    assert_eq!(done(&r), ("move_row".into(), format!("table{t}")));
    assert_eq!(names(app.rows(user, t, "").await), ["first", "second"]);
    replay(&app, "redo", user, "s1", t).await;
    assert_eq!(names(app.rows(user, t, "").await), ["second", "first"]);
}

#[tokio::test]
async fn filters_a_type_change_deleted_come_back_when_it_is_undone() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let notes = app.field_id(user, fx.table, "Notes").await;
    let view = new_view(&app, &fx, "Mine").await;
    let filters = format!("/api/database/views/{view}/filters/");
    let body = json!({"field": notes, "type": "contains", "value": "x"});
    let filter = app.post(&filters, Some(&user.access), body).await;
    assert_eq!(filter.status, 200, "{:?}", filter.body);
    let field = format!("/api/database/fields/{notes}/");
    from_tab(
        &app,
        user,
        Method::PATCH,
        &field,
        Some(json!({"type": "boolean"})),
    )
    .await;
    assert!(listed(&app, &fx, &filters).await.is_empty());
    let r = undo_ok(&app, user, "s1", fx.table).await;
    assert_eq!(done(&r).0, "update_field");
    assert_eq!(listed(&app, &fx, &filters).await, [filter.body]);
}

async fn listed_ids(app: &TestApp, user: &Session, path: &str) -> Vec<i64> {
    let r = app.get(path, Some(&user.access)).await;
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn workspaces_are_undone_in_the_root_scope() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let first = app.workspace(&user, "First").await;
    let root = json!({"root": true});
    let created = from_tab(
        &app,
        &user,
        Method::POST,
        "/api/workspaces/",
        Some(json!({"name": "W2"})),
    )
    .await;
    let w2 = created["id"].as_i64().unwrap();
    let path = format!("/api/workspaces/{w2}/");
    let r = replay_in(&app, "undo", &user, "s1", json!({"workspace": w2})).await;
    assert_eq!(r["result_code"], "NOTHING_TO_DO", "{r}");
    let r = replay_in(&app, "undo", &user, "s1", root.clone()).await;
    assert_eq!(done(&r), ("create_group".into(), "root".into()));
    assert_eq!(listed_ids(&app, &user, "/api/workspaces/").await, [first]);
    replay_in(&app, "redo", &user, "s1", root.clone()).await;
    assert_eq!(
        listed_ids(&app, &user, "/api/workspaces/").await,
        [first, w2]
    );

    from_tab(
        &app,
        &user,
        Method::PATCH,
        &path,
        Some(json!({"name": "Renamed"})),
    )
    .await;
    let r = replay_in(&app, "undo", &user, "s1", root.clone()).await;
    assert_eq!(done(&r).0, "update_group");
    assert_eq!(app.get(&path, Some(&user.access)).await.body["name"], "W2");
    replay_in(&app, "redo", &user, "s1", root.clone()).await;
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Renamed"
    );

    let order = Some(json!({"workspaces": [w2, first]}));
    from_tab(&app, &user, Method::POST, "/api/workspaces/order/", order).await;
    assert_eq!(
        listed_ids(&app, &user, "/api/workspaces/").await,
        [w2, first]
    );
    let r = replay_in(&app, "undo", &user, "s1", root.clone()).await;
    assert_eq!(done(&r).0, "order_groups");
    assert_eq!(
        listed_ids(&app, &user, "/api/workspaces/").await,
        [first, w2]
    );
    replay_in(&app, "redo", &user, "s1", root.clone()).await;
    assert_eq!(
        listed_ids(&app, &user, "/api/workspaces/").await,
        [w2, first]
    );

    from_tab(&app, &user, Method::DELETE, &path, None).await;
    assert_eq!(listed_ids(&app, &user, "/api/workspaces/").await, [first]);
    let r = replay_in(&app, "undo", &user, "s1", root.clone()).await;
    assert_eq!(done(&r).0, "delete_group");
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Renamed"
    );
    replay_in(&app, "redo", &user, "s1", root).await;
    assert_eq!(listed_ids(&app, &user, "/api/workspaces/").await, [first]);
}

#[tokio::test]
async fn applications_are_undone_in_the_workspaces_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let workspace = fx.workspace_id(&app).await;
    let scope = json!({"workspace": workspace});
    let in_workspace = format!("workspace{workspace}");
    let listing = format!("/api/applications/workspace/{workspace}/");
    let created = from_tab(
        &app,
        user,
        Method::POST,
        &listing,
        Some(json!({"name": "Second", "type": "database"})),
    )
    .await;
    let db2 = created["id"].as_i64().unwrap();
    let path = format!("/api/applications/{db2}/");
    let r = replay_in(&app, "undo", user, "s1", json!({"root": true})).await;
    assert_eq!(r["result_code"], "NOTHING_TO_DO", "{r}");
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(
        done(&r),
        ("create_application".into(), in_workspace.clone())
    );
    assert_eq!(listed_ids(&app, user, &listing).await, [fx.database]);
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(listed_ids(&app, user, &listing).await, [fx.database, db2]);

    from_tab(
        &app,
        user,
        Method::PATCH,
        &path,
        Some(json!({"name": "Renamed"})),
    )
    .await;
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "update_application");
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Second"
    );
    replay_in(&app, "redo", user, "s1", scope.clone()).await;
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Renamed"
    );

    let order = Some(json!({"application_ids": [db2, fx.database]}));
    from_tab(&app, user, Method::POST, &format!("{listing}order/"), order).await;
    assert_eq!(listed_ids(&app, user, &listing).await, [db2, fx.database]);
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r).0, "order_applications");
    assert_eq!(listed_ids(&app, user, &listing).await, [fx.database, db2]);

    from_tab(&app, user, Method::DELETE, &path, None).await;
    assert_eq!(listed_ids(&app, user, &listing).await, [fx.database]);
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(done(&r), ("delete_application".into(), in_workspace));
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["name"],
        "Renamed"
    );
    replay_in(&app, "redo", user, "s1", scope).await;
    assert_eq!(listed_ids(&app, user, &listing).await, [fx.database]);
}

#[tokio::test]
async fn copies_of_views_and_tables_and_new_slugs_are_undone() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let t = fx.table;
    let view = new_view(&app, &fx, "Mine").await;
    let copy = from_tab(
        &app,
        user,
        Method::POST,
        &format!("/api/database/views/{view}/duplicate/"),
        None,
    )
    .await;
    let copy_path = format!("/api/database/views/{}/", copy["id"]);
    let r = undo_ok(&app, user, "s1", t).await;
    assert_eq!(done(&r), ("duplicate_view".into(), format!("table{t}")));
    assert_eq!(app.get(&copy_path, Some(&user.access)).await.status, 404);
    replay(&app, "redo", user, "s1", t).await;
    assert_eq!(app.get(&copy_path, Some(&user.access)).await.status, 200);

    let path = format!("/api/database/views/{view}/");
    let slug = app.get(&path, Some(&user.access)).await.body["slug"].clone();
    let rotated = from_tab(
        &app,
        user,
        Method::POST,
        &format!("/api/database/views/{view}/rotate-slug/"),
        None,
    )
    .await;
    assert_ne!(rotated["slug"], slug);
    let r = replay_in(&app, "undo", user, "s1", json!({"view": view})).await;
    assert_eq!(done(&r), ("rotate_view_slug".into(), format!("view{view}")));
    assert_eq!(app.get(&path, Some(&user.access)).await.body["slug"], slug);
    replay_in(&app, "redo", user, "s1", json!({"view": view})).await;
    assert_eq!(
        app.get(&path, Some(&user.access)).await.body["slug"],
        rotated["slug"]
    );

    // A table's copy is made by a job, on the undo stack of the tab that asked for it.
    let job = from_tab(
        &app,
        user,
        Method::POST,
        &format!("/api/database/tables/{t}/duplicate/async/"),
        Some(json!({})),
    )
    .await;
    assert!(job.get("_client_session").is_none(), "{job}");
    let finished = job_done(&app, user, &job).await;
    let copy = finished["duplicated_table"]["id"].as_i64().unwrap();
    let scope = json!({"application": fx.database});
    let r = replay_in(&app, "undo", user, "s1", scope.clone()).await;
    assert_eq!(
        done(&r),
        (
            "duplicate_table".into(),
            format!("application{}", fx.database)
        )
    );
    assert_eq!(table_ids(&app, &fx).await, [t]);
    replay_in(&app, "redo", user, "s1", scope).await;
    assert_eq!(table_ids(&app, &fx).await, [t, copy]);
}

/// Polls a job until it ends; it must have finished.
async fn job_done(app: &TestApp, user: &Session, job: &Value) -> Value {
    for _ in 0..100 {
        let j = app
            .get(&format!("/api/jobs/{}/", job["id"]), Some(&user.access))
            .await
            .body;
        if j["state"] == "finished" || j["state"] == "failed" {
            assert_eq!(j["state"], "finished", "{j}");
            return j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job did not end: {job}");
}

async fn names(app: &TestApp, fx: &TableFixture) -> Vec<Value> {
    let r = app.rows(&fx.user, fx.table, "user_field_names=true").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rows = r.body["results"].as_array().unwrap();
    rows.iter().map(|row| row["Name"].clone()).collect()
}

#[tokio::test]
async fn an_import_into_a_table_is_undone_and_redone_in_one_step() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let t = fx.table;
    let before = names(&app, &fx).await;
    let path = format!("/api/database/tables/{t}/import/async/");
    let body = json!({"data": [["imported a"], ["imported b"], ["imported c"]]});
    let job = from_tab(&app, user, Method::POST, &path, Some(body.clone())).await;
    assert!(job.get("_client_session").is_none(), "{job}");
    job_done(&app, user, &job).await;
    let imported = names(&app, &fx).await;
    assert_eq!(imported.len(), before.len() + 3);
    assert_eq!(
        imported[before.len()..],
        [
            json!("imported a"),
            json!("imported b"),
            json!("imported c")
        ]
    );
    let ids: Vec<i64> = app.rows(user, t, "").await.body["results"]
        .as_array()
        .unwrap()[before.len()..]
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();

    let r = undo_ok(&app, user, "s1", t).await;
    assert_eq!(done(&r), ("import_rows".into(), format!("table{t}")));
    assert_eq!(
        names(&app, &fx).await,
        before,
        "the imported rows are trashed"
    );
    let r = replay(&app, "redo", user, "s1", t).await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(names(&app, &fx).await, imported, "redo restores them");
    let again: Vec<i64> = app.rows(user, t, "").await.body["results"]
        .as_array()
        .unwrap()[before.len()..]
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(again, ids, "the same rows come back");

    // Each imported row's history holds the import, its undo and its redo.
    let history = app
        .get(
            &format!("/api/database/rows/table/{t}/{}/history/", ids[0]),
            Some(&user.access),
        )
        .await;
    let entries: Vec<(&str, &str)> = history.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action_type"].as_str().unwrap(),
                e["action_command_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("import_rows", "REDO"),
            ("import_rows", "UNDO"),
            ("import_rows", "DO")
        ],
        "{:?}",
        history.body
    );

    // An import without a tab is on no undo stack; another tab's undo leaves it alone.
    let r = app.post(&path, Some(&user.access), body.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    job_done(&app, user, &r.body).await;
    let r = send(
        &app,
        Method::POST,
        &path,
        user,
        &[("ClientSessionId", "s2")],
        Some(body),
    )
    .await;
    job_done(&app, user, &r.body).await;
    assert_eq!(names(&app, &fx).await.len(), imported.len() + 6);
    let r = undo_ok(&app, user, "s1", t).await;
    assert_eq!(done(&r).0, "import_rows");
    assert_eq!(
        names(&app, &fx).await.len(),
        before.len() + 6,
        "s1 undid its own import only"
    );
}
