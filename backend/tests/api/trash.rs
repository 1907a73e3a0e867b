//! Trash: listing, restoring every item type with its events, errors, emptying, and the
//! permanent deletion job against PostgreSQL's catalog.

use crate::helpers::{Session, TableFixture, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;
use tessera::platform::trash::cleanup_job;

/// Creates a row with the primary field set; returns its id.
async fn row(app: &TestApp, fx: &TableFixture, name: &str) -> i64 {
    let primary = app.field_id(&fx.user, fx.table, "Name").await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({ format!("field_{primary}"): name }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn restore(app: &TestApp, user: &Session, body: Value) -> crate::helpers::Resp {
    app.patch("/api/trash/restore/", Some(&user.access), body)
        .await
}

async fn trash_page(app: &TestApp, user: &Session, workspace: i64, query: &str) -> Value {
    let r = app
        .get(
            &format!("/api/trash/workspace/{workspace}/?{query}"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// The last event type logged for a table, with its payload.
/// The table's last event other than row history (which a change logs after its rows').
async fn last_event(app: &TestApp, table: i64) -> (String, Value) {
    let (_, kind, payload) = crate::helpers::last_change(&app.events(table).await).clone();
    (kind, payload)
}

async fn scalar_bool(app: &TestApp, sql: &str, bind: String) -> bool {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

/// Waits until no trash entries are left (the `low` worker may be deleting some too).
async fn wait_until_trash_is_empty(app: &TestApp) {
    for _ in 0..100 {
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM trash_entries")
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("trash entries left behind");
}

#[tokio::test]
async fn rows_come_back_with_their_values_count_and_rows_created_event() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let t = fx.table;
    let ws = fx.workspace_id(&app).await;
    let ann = row(&app, &fx, "Ann").await;
    let bob = row(&app, &fx, "Bob").await;
    let cid = row(&app, &fx, "Cid").await;
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 5);

    // One row: a `row` entry, its table as parent.
    let r = app
        .delete(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;
    assert_eq!(r.status, 204);
    // Several: one `rows` entry listing their names.
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch-delete/"),
            Some(a),
            json!({"items": [bob, cid]}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 2);

    let page = trash_page(
        &app,
        &fx.user,
        ws,
        &format!("application_id={}", fx.database),
    )
    .await;
    assert_eq!(page["count"], 2);
    let batch = &page["results"][0];
    assert_eq!(batch["trash_item_type"], "rows");
    assert_eq!(batch["parent_trash_item_id"], t);
    assert_eq!(batch["names"], json!(["Bob", "Cid"]));
    assert_eq!(batch["parent_name"], "T");
    assert_eq!(batch["user_who_trashed"], "Ann");
    assert_eq!(batch["workspace"], ws);
    assert_eq!(batch["application"], fx.database);
    let single = &page["results"][1];
    assert_eq!(
        (
            &single["trash_item_type"],
            &single["trash_item_id"],
            &single["name"],
            &single["names"]
        ),
        (&json!("row"), &json!(ann), &json!("Ann"), &Value::Null)
    );
    for key in ["id", "trashed_at"] {
        assert!(single.get(key).is_some(), "{key} missing: {single}");
    }

    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": t}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let primary = app.field_id(&fx.user, t, "Name").await;
    let got = app
        .get(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;
    assert_eq!(got.body[format!("field_{primary}")], "Ann");
    let (kind, payload) = last_event(&app, t).await;
    assert_eq!(kind, "rows_created");
    assert_eq!(payload["rows"][0]["id"], ann);
    assert_eq!(payload["rows"][0][format!("field_{primary}")], "Ann");

    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "rows", "trash_item_id": batch["trash_item_id"], "parent_trash_item_id": t}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let (kind, payload) = last_event(&app, t).await;
    assert_eq!(kind, "rows_created");
    let ids: Vec<i64> = payload["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![bob, cid]);
    // The live row counter is right again, and the trash is empty.
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 5);
    let page = trash_page(
        &app,
        &fx.user,
        ws,
        &format!("application_id={}", fx.database),
    )
    .await;
    assert_eq!(page["count"], 0);
    // Restoring twice: the entry is gone.
    assert_error(
        &restore(
            &app,
            &fx.user,
            json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": t}),
        )
        .await,
        404,
        "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn fields_views_and_tables_come_back_with_their_events() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let t = fx.table;
    let ann = row(&app, &fx, "Ann").await;

    // A field whose name is taken meanwhile comes back under a free one, with its values.
    let extra = app
        .field(&fx.user, t, json!({"name": "Extra", "type": "text"}))
        .await;
    app.patch(
        &format!("/api/database/rows/table/{t}/{ann}/"),
        Some(a),
        json!({ format!("field_{extra}"): "kept" }),
    )
    .await;
    let r = app
        .delete(&format!("/api/database/fields/{extra}/"), Some(a))
        .await;
    assert_eq!(r.status, 200);
    app.field(&fx.user, t, json!({"name": "Extra", "type": "number"}))
        .await;
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "field", "trash_item_id": extra}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let field = app
        .get(&format!("/api/database/fields/{extra}/"), Some(a))
        .await;
    assert_eq!(field.body["name"], "Extra (Restored)");
    assert_eq!(field.body["primary"], false);
    let got = app
        .get(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;
    assert_eq!(got.body[format!("field_{extra}")], "kept");
    let (kind, payload) = last_event(&app, t).await;
    assert_eq!(kind, "field_restored");
    assert_eq!(payload["field"]["id"], extra);
    assert_eq!(payload["field"]["name"], "Extra (Restored)");

    // A view.
    let views = app
        .get(&format!("/api/database/views/table/{t}/"), Some(a))
        .await;
    let view = views.body[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/database/views/{view}/"), Some(a))
            .await
            .status,
        204
    );
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "view", "trash_item_id": view}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        app.get(&format!("/api/database/views/{view}/"), Some(a))
            .await
            .status,
        200
    );
    let (kind, payload) = last_event(&app, t).await;
    assert_eq!(kind, "view_created");
    assert_eq!(payload["view"]["id"], view);

    // A table, with its rows.
    assert_eq!(
        app.delete(&format!("/api/database/tables/{t}/"), Some(a))
            .await
            .status,
        204
    );
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "table", "trash_item_id": t}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 3);
    let (kind, payload) = last_event(&app, t).await;
    assert_eq!(kind, "table_created");
    assert_eq!(payload["table"]["id"], t);
}

#[tokio::test]
async fn databases_and_workspaces_come_back_and_the_structure_shows_them() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let ws = fx.workspace_id(&app).await;

    assert_eq!(
        app.delete(&format!("/api/applications/{}/", fx.database), Some(a))
            .await
            .status,
        204
    );
    let structure = app.get("/api/trash/", Some(a)).await;
    assert_eq!(structure.status, 200);
    assert_eq!(
        structure.body,
        json!({"workspaces": [{"id": ws, "name": "W", "trashed": false, "applications": [
            {"id": fx.database, "name": "DB", "trashed": true, "type": "database"}]}]})
    );
    // The database's entry is listed under the database.
    let page = trash_page(
        &app,
        &fx.user,
        ws,
        &format!("application_id={}", fx.database),
    )
    .await;
    assert_eq!(page["results"][0]["trash_item_type"], "application");
    assert_eq!(page["results"][0]["parent_name"], "W");
    // A table of a trashed database cannot come back before the database.
    app.delete(&format!("/api/database/tables/{}/", fx.table), Some(a))
        .await;
    assert_error(
        &app.delete(&format!("/api/database/tables/{}/", fx.table), Some(a))
            .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "application", "trash_item_id": fx.database}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        app.get(&format!("/api/database/tables/{}/", fx.table), Some(a))
            .await
            .status,
        200
    );

    // The workspace: gone from the workspace list, in the trash structure as trashed.
    assert_eq!(
        app.delete(&format!("/api/workspaces/{ws}/"), Some(a))
            .await
            .status,
        204
    );
    let structure = app.get("/api/trash/", Some(a)).await;
    assert_eq!(structure.body["workspaces"][0]["trashed"], true);
    let page = trash_page(&app, &fx.user, ws, "").await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["results"][0]["trash_item_type"], "workspace");
    assert_eq!(page["results"][0]["application"], Value::Null);
    // Its tables are unreachable until it is back.
    assert_error(
        &app.rows(&fx.user, fx.table, "").await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    assert_error(
        &restore(
            &app,
            &fx.user,
            json!({"trash_item_type": "workspace", "trash_item_id": ws, "parent_trash_item_id": 1}),
        )
        .await,
        400,
        "ERROR_PARENT_ID_MUST_NOT_BE_PROVIDED",
    );
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "workspace", "trash_item_id": ws}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        app.get(&format!("/api/workspaces/{ws}/"), Some(a))
            .await
            .status,
        200
    );
    assert_eq!(app.rows(&fx.user, fx.table, "").await.status, 200);
    // Old "group" paths reach the same listing.
    let old = app.get(&format!("/api/trash/group/{ws}/"), Some(a)).await;
    assert_eq!(old.status, 200, "{:?}", old.body);
}

#[tokio::test]
async fn restore_errors_use_baserows_codes_and_never_fail_the_server() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let t = fx.table;
    let ann = row(&app, &fx, "Ann").await;
    app.delete(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;

    let cases = [
        (
            json!({"trash_item_type": "row", "trash_item_id": ann}),
            400,
            "ERROR_PARENT_ID_MUST_BE_PROVIDED",
        ),
        (
            json!({"trash_item_type": "field", "trash_item_id": 1, "parent_trash_item_id": t}),
            400,
            "ERROR_PARENT_ID_MUST_NOT_BE_PROVIDED",
        ),
        (
            json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": t + 1000}),
            404,
            "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
        ),
        (
            json!({"trash_item_type": "table", "trash_item_id": 999_999}),
            404,
            "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
        ),
        (
            json!({"trash_item_type": "team", "trash_item_id": 1}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"trash_item_type": "row_comment", "trash_item_id": 1}),
            404,
            "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
        ),
        (
            json!({"trash_item_type": "ro\u{0}w", "trash_item_id": 1}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"trash_item_type": "row", "trash_item_id": "1\u{0}"}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"trash_item_type": "row", "trash_item_id": i64::MAX, "parent_trash_item_id": i64::MIN}),
            404,
            "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
        ),
        (
            json!({"trash_item_id": 1}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (json!([]), 400, "ERROR_REQUEST_BODY_VALIDATION"),
    ];
    for (body, status, code) in cases {
        let r = restore(&app, &fx.user, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {:?}", r.body);
        assert_eq!(r.body["error"], code, "{body}: {:?}", r.body);
    }
    let unknown = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "team", "trash_item_id": 1}),
    )
    .await;
    assert_eq!(
        unknown.body["detail"]["trash_item_type"][0]["code"],
        "invalid_choice"
    );

    // A row of a trashed table waits for its table.
    app.delete(&format!("/api/database/tables/{t}/"), Some(a))
        .await;
    assert_error(
        &restore(
            &app,
            &fx.user,
            json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": t}),
        )
        .await,
        400,
        "ERROR_CANNOT_RESTORE_PARENT_BEFORE_CHILD",
    );
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "table", "trash_item_id": t}),
    )
    .await;
    assert_eq!(r.status, 204);
    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": t}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // Without a token the trash is closed.
    assert_eq!(app.get("/api/trash/", None).await.status, 401);
}

#[tokio::test]
async fn non_members_neither_see_nor_restore_nor_empty_anothers_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let ws = fx.workspace_id(&app).await;
    let ann = row(&app, &fx, "Ann").await;
    app.delete(
        &format!("/api/database/rows/table/{}/{ann}/", fx.table),
        Some(a),
    )
    .await;
    app.delete(&format!("/api/database/tables/{}/", fx.table), Some(a))
        .await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let e = &eve.access;

    let structure = app.get("/api/trash/", Some(e)).await;
    assert_eq!(structure.body, json!({"workspaces": []}));
    for path in [
        format!("/api/trash/workspace/{ws}/"),
        format!("/api/trash/workspace/{ws}/?application_id={}", fx.database),
    ] {
        assert_error(
            &app.get(&path, Some(e)).await,
            400,
            "ERROR_USER_NOT_IN_GROUP",
        );
        assert_error(
            &app.delete(&path, Some(e)).await,
            400,
            "ERROR_USER_NOT_IN_GROUP",
        );
    }
    for body in [
        json!({"trash_item_type": "table", "trash_item_id": fx.table}),
        json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": fx.table}),
    ] {
        assert_error(
            &restore(&app, &eve, body).await,
            400,
            "ERROR_USER_NOT_IN_GROUP",
        );
    }
    // Her own database id does not open Ann's workspace's trash either.
    let eves = app.workspace(&eve, "Eve's").await;
    let eves_db = app.database(&eve, eves).await;
    assert_error(
        &app.get(
            &format!("/api/trash/workspace/{ws}/?application_id={eves_db}"),
            Some(a),
        )
        .await,
        400,
        "ERROR_APPLICATION_NOT_IN_GROUP",
    );
    // Still trashed.
    assert_error(
        &app.get(&format!("/api/database/tables/{}/", fx.table), Some(a))
            .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );

    // A member who is not an admin restores tables but not the workspace.
    sqlx::query(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions) VALUES ($1, $2, 'MEMBER')",
    )
    .bind(ws)
    .bind(eve.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let r = restore(
        &app,
        &eve,
        json!({"trash_item_type": "table", "trash_item_id": fx.table}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    app.delete(&format!("/api/workspaces/{ws}/"), Some(a)).await;
    assert_error(
        &restore(
            &app,
            &eve,
            json!({"trash_item_type": "workspace", "trash_item_id": ws}),
        )
        .await,
        400,
        "ERROR_USER_INVALID_GROUP_PERMISSIONS",
    );
    assert_error(
        &app.delete(&format!("/api/trash/workspace/{ws}/"), Some(e))
            .await,
        400,
        "ERROR_USER_INVALID_GROUP_PERMISSIONS",
    );
    assert_eq!(trash_page(&app, &fx.user, ws, "").await["count"], 1);
}

#[tokio::test]
async fn listings_page_and_refuse_bad_parameters_cleanly() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let ws = fx.workspace_id(&app).await;
    for name in ["r1", "r2", "r3"] {
        let id = row(&app, &fx, name).await;
        app.delete(
            &format!("/api/database/rows/table/{}/{id}/", fx.table),
            Some(a),
        )
        .await;
    }
    let db = fx.database;
    let first = trash_page(&app, &fx.user, ws, &format!("application_id={db}&size=2")).await;
    assert_eq!(first["count"], 3);
    assert_eq!(first["results"].as_array().unwrap().len(), 2);
    assert_eq!(first["results"][0]["name"], "r3", "newest first");
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(
        first["next"],
        format!(
            "{}/api/trash/workspace/{ws}/?application_id={db}&page=2&size=2",
            app.url
        )
    );
    let second = trash_page(
        &app,
        &fx.user,
        ws,
        &format!("application_id={db}&size=2&page=2"),
    )
    .await;
    assert_eq!(second["results"].as_array().unwrap().len(), 1);
    assert_eq!(second["next"], Value::Null);
    let beyond = trash_page(
        &app,
        &fx.user,
        ws,
        &format!("application_id={db}&page=99999999999999"),
    )
    .await;
    assert_eq!(beyond["results"], json!([]));
    // The workspace's own trash holds none of them.
    assert_eq!(trash_page(&app, &fx.user, ws, "").await["count"], 0);

    let base = format!("/api/trash/workspace/{ws}/");
    assert_error(
        &app.get(&format!("{base}?size=201"), Some(a)).await,
        400,
        "ERROR_PAGE_SIZE_LIMIT",
    );
    for query in [
        "size=0",
        "page=0",
        "page=abc",
        "size=-1",
        "application_id=abc",
        "application_id=1%00",
        "page=%00",
    ] {
        let r = app.get(&format!("{base}?{query}"), Some(a)).await;
        assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
        let r = app.delete(&format!("{base}?{query}"), Some(a)).await;
        assert!(r.status < 500, "{query}: {:?}", r.body);
    }
    assert_error(
        &app.get(&format!("{base}?application_id=999999"), Some(a))
            .await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    for path in [
        "/api/trash/workspace/abc/",
        "/api/trash/workspace/1%00/",
        "/api/trash/workspace/99999999999999999999999/",
    ] {
        assert_error(&app.get(path, Some(a)).await, 404, "URL_NOT_FOUND");
    }
    assert_error(
        &app.get("/api/trash/workspace/999999/", Some(a)).await,
        404,
        "ERROR_GROUP_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn emptying_hands_items_to_the_job_which_drops_them_for_good() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let t = fx.table;
    let ws = fx.workspace_id(&app).await;
    let ann = row(&app, &fx, "Ann").await;
    let extra = app
        .field(&fx.user, t, json!({"name": "Extra", "type": "autonumber"}))
        .await;
    let second = app.table_fixture_in(&fx).await;
    app.delete(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;
    app.delete(&format!("/api/database/fields/{extra}/"), Some(a))
        .await;
    app.delete(&format!("/api/database/tables/{second}/"), Some(a))
        .await;
    // A view with an index of its rows, as filtered views on large tables get.
    let view = app
        .get(&format!("/api/database/views/table/{t}/"), Some(a))
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    let view_index = format!("database_table_{t}_view_{view}_0badcafe");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE INDEX {view_index} ON database_table_{t} (id) WHERE NOT trashed"
    )))
    .execute(&app.ctx.db)
    .await
    .unwrap();
    app.delete(&format!("/api/database/views/{view}/"), Some(a))
        .await;
    let db = fx.database;
    assert_eq!(
        trash_page(&app, &fx.user, ws, &format!("application_id={db}")).await["count"],
        4
    );

    let r = app
        .delete(
            &format!("/api/trash/workspace/{ws}/?application_id={db}"),
            Some(a),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // Emptied entries leave the listing and can no longer be restored.
    assert_eq!(
        trash_page(&app, &fx.user, ws, &format!("application_id={db}")).await["count"],
        0
    );
    assert_error(
        &restore(
            &app,
            &fx.user,
            json!({"trash_item_type": "table", "trash_item_id": second}),
        )
        .await,
        404,
        "ERROR_TRASH_ITEM_DOES_NOT_EXIST",
    );
    // Emptying queued the job; running it here too is harmless.
    cleanup_job::run(&app.ctx, Duration::from_secs(3600))
        .await
        .unwrap();
    wait_until_trash_is_empty(&app).await;

    let exists = |table: i64| format!("database_table_{table}");
    assert!(
        !scalar_bool(&app, "SELECT to_regclass($1) IS NOT NULL", exists(second)).await,
        "the user table is dropped"
    );
    let column: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2)",
    )
    .bind(exists(t))
    .bind(format!("field_{extra}"))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert!(!column, "the field's column is dropped");
    assert!(
        !scalar_bool(&app, "SELECT to_regclass($1) IS NOT NULL", view_index).await,
        "the view's index is dropped"
    );
    let sequence: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("database_table_{t}_field_{extra}_seq"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert!(!sequence, "the autonumber's sequence is dropped");
    let physically: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM database_table_{t} WHERE id = {ann}"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(physically, 0, "the row is deleted");
    let metadata: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM database_tables WHERE id = $1), \
                (SELECT count(*) FROM database_fields WHERE id = $2), \
                (SELECT count(*) FROM database_views WHERE id = $3)",
    )
    .bind(second)
    .bind(extra)
    .bind(view)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(metadata, (0, 0, 0));
    // The live table is untouched.
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 2);
}

#[tokio::test]
async fn the_job_deletes_what_outlived_the_retention_parents_first() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let t = fx.table;
    let ws = fx.workspace_id(&app).await;
    let ann = row(&app, &fx, "Ann").await;
    app.delete(&format!("/api/database/rows/table/{t}/{ann}/"), Some(a))
        .await;
    app.delete(&format!("/api/database/tables/{t}/"), Some(a))
        .await;
    app.delete(&format!("/api/workspaces/{ws}/"), Some(a)).await;

    // Within the retention nothing goes.
    let report = cleanup_job::run(&app.ctx, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(report, cleanup_job::Report::default());
    assert!(
        scalar_bool(
            &app,
            "SELECT to_regclass($1) IS NOT NULL",
            format!("database_table_{t}")
        )
        .await
    );

    // Past it, the workspace goes with its database, table and the entries below it.
    sqlx::query("UPDATE trash_entries SET trashed_at = now() - interval '4 days'")
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let report = cleanup_job::run(&app.ctx, Duration::from_secs(72 * 3600))
        .await
        .unwrap();
    assert_eq!(report.expired, 3);
    assert_eq!(report.deleted, 1, "the children went with the workspace");
    assert!(
        !scalar_bool(
            &app,
            "SELECT to_regclass($1) IS NOT NULL",
            format!("database_table_{t}")
        )
        .await
    );
    let left: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM workspaces WHERE id = $1), \
                (SELECT count(*) FROM applications WHERE id = $2), \
                (SELECT count(*) FROM trash_entries)",
    )
    .bind(ws)
    .bind(fx.database)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(left, (0, 0, 0));
    assert_eq!(
        app.get("/api/trash/", Some(a)).await.body,
        json!({"workspaces": []})
    );
}

/// A `/ws/core/` socket of `token`'s user.
async fn socket(
    app: &TestApp,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!(
        "{}/ws/core/?jwt_token={token}",
        app.url.replacen("http://", "ws://", 1)
    );
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next message of type `kind`, skipping others.
async fn next_of(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    kind: &str,
) -> Value {
    use futures::StreamExt;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .unwrap_or_else(|_| panic!("no {kind} message"))
            .unwrap()
            .unwrap();
        if let Ok(text) = message.to_text()
            && let Ok(value) = serde_json::from_str::<Value>(text)
            && value["type"] == kind
        {
            return value;
        }
    }
}

#[tokio::test]
async fn a_restored_workspace_reaches_each_member_as_they_see_it() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let ws = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    sqlx::query(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions) VALUES ($1, $2, 'MEMBER')",
    )
    .bind(ws)
    .bind(bob.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    app.delete(&format!("/api/workspaces/{ws}/"), Some(a)).await;
    let mut ann_socket = socket(&app, a).await;
    let mut bob_socket = socket(&app, &bob.access).await;
    next_of(&mut ann_socket, "authentication").await;
    next_of(&mut bob_socket, "authentication").await;

    let r = restore(
        &app,
        &fx.user,
        json!({"trash_item_type": "workspace", "trash_item_id": ws}),
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let to_bob = next_of(&mut bob_socket, "group_restored").await;
    assert_eq!(to_bob["workspace_id"], ws);
    assert_eq!(to_bob["workspace"]["permissions"], "MEMBER");
    assert_eq!(to_bob["applications"][0]["id"], fx.database);
    assert_eq!(to_bob["applications"][0]["tables"][0]["id"], fx.table);
    let to_ann = next_of(&mut ann_socket, "group_restored").await;
    assert_eq!(to_ann["workspace"]["permissions"], "ADMIN");
}
