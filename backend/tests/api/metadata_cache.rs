//! The metadata cache of row requests: two backend processes on one database and Redis,
//! each with its own cache. What one changes (fields, options, tables, memberships) the
//! other serves at once, and the cache does serve: a change made with the triggers off
//! is not seen.

use crate::helpers::{Resp, TestApp, assert_error};
use reqwest::Method;
use serde_json::json;

/// Rows of `table` through the backend at `base`, with field names as keys.
async fn rows_at(app: &TestApp, base: &str, token: &str, table: i64) -> Resp {
    app.request_to(
        base,
        Method::GET,
        &format!("/api/database/rows/table/{table}/?user_field_names=true"),
        Some(token),
        None,
    )
    .await
}

/// The field names of the first row (the listing's keys).
fn keys(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{:?}", r.body);
    let mut keys: Vec<String> = r.body["results"][0]
        .as_object()
        .expect("a row")
        .keys()
        .filter(|k| *k != "id" && *k != "order")
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn a_field_change_through_one_backend_is_served_at_once_by_another() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let token = fx.user.access.as_str();
    let row = json!({"Name": "a"});
    let created = app
        .post(
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true",
                fx.table
            ),
            Some(token),
            row,
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let before = rows_at(&app, &b, token, fx.table).await;
    assert_eq!(keys(&before), ["Active", "Name", "Notes"]);
    let count = before.body["count"].as_i64().unwrap();

    // A new field, made through the first backend.
    let extra = app
        .field(&fx.user, fx.table, json!({"name": "Extra", "type": "text"}))
        .await;
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Extra", "Name", "Notes"]
    );
    // Renamed.
    let r = app
        .patch(
            &format!("/api/database/fields/{extra}/"),
            Some(token),
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Name", "Notes", "Renamed"]
    );
    // A PATCH through the second backend may write it under its new name, not the old.
    let row_id = created.body["id"].as_i64().unwrap();
    let path = format!(
        "/api/database/rows/table/{}/{row_id}/?user_field_names=true",
        fx.table
    );
    let patched = app
        .request_to(
            &b,
            Method::PATCH,
            &path,
            Some(token),
            Some(json!({"Renamed": "x"})),
        )
        .await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    assert_eq!(patched.body["Renamed"], "x");
    // Deleted.
    let r = app
        .delete(&format!("/api/database/fields/{extra}/"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Name", "Notes"]
    );
    // A batch through the second backend that names the deleted field is refused.
    let batch = app
        .request_to(
            &b,
            Method::POST,
            &format!(
                "/api/database/rows/table/{}/batch/?user_field_names=true",
                fx.table
            ),
            Some(token),
            Some(json!({"items": [{"Name": "b", "Renamed": "y"}]})),
        )
        .await;
    assert_eq!(batch.status, 200, "{:?}", batch.body);
    assert!(
        batch.body["items"][0].get("Renamed").is_none(),
        "{:?}",
        batch.body
    );
    // Rows written through the first backend count at once (the count is never cached).
    create_through_first(&app, token, fx.table).await;
    let after = rows_at(&app, &b, token, fx.table).await;
    assert_eq!(after.body["count"].as_i64().unwrap(), count + 2);
}

async fn create_through_first(app: &TestApp, token: &str, table: i64) {
    let r = app
        .post(
            &format!("/api/database/rows/table/{table}/?user_field_names=true"),
            Some(token),
            json!({"Name": "c"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn a_new_select_option_is_accepted_at_once_by_another_backend() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let token = fx.user.access.as_str();
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "S", "type": "single_select",
                   "select_options": [{"value": "one", "color": "blue"}]}),
        )
        .await;
    rows_at(&app, &b, token, fx.table).await;
    let r = app
        .patch(
            &format!("/api/database/fields/{field}/"),
            Some(token),
            json!({"select_options": [{"value": "one", "color": "blue"}, {"value": "two", "color": "red"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let two = r.body["select_options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["value"] == "two")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let created = app
        .request_to(
            &b,
            Method::POST,
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true",
                fx.table
            ),
            Some(token),
            Some(json!({"S": two})),
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert_eq!(created.body["S"]["value"], "two");
}

#[tokio::test]
async fn a_removed_member_is_refused_at_once_by_another_backend() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let w = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();
    // Bob reads through the second backend, which caches the table and his membership.
    assert_eq!(rows_at(&app, &b, &bob.access, fx.table).await.status, 200);
    assert_eq!(rows_at(&app, &b, &bob.access, fx.table).await.status, 200);
    let membership: i64 = sqlx::query_scalar(
        "SELECT id FROM workspace_users WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(w)
    .bind(bob.id)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    let r = app
        .delete(
            &format!("/api/workspaces/users/{membership}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &rows_at(&app, &b, &bob.access, fx.table).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    let write = app
        .request_to(
            &b,
            Method::POST,
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&bob.access),
            Some(json!({})),
        )
        .await;
    assert_error(&write, 400, "ERROR_USER_NOT_IN_GROUP");
    // Ann, still a member, is served as before.
    assert_eq!(
        rows_at(&app, &b, &fx.user.access, fx.table).await.status,
        200
    );
}

#[tokio::test]
async fn a_trashed_table_is_gone_at_once_on_another_backend() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let token = fx.user.access.as_str();
    assert_eq!(rows_at(&app, &b, token, fx.table).await.status, 200);
    let r = app
        .delete(&format!("/api/database/tables/{}/", fx.table), Some(token))
        .await;
    assert!(r.status == 200 || r.status == 204, "{:?}", r.body);
    assert_error(
        &rows_at(&app, &b, token, fx.table).await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
}

/// Renames the table's "Notes" field to `name` on a connection of its own; with
/// `replica`, PostgreSQL skips the triggers that move the metadata generation.
async fn rename_notes(app: &TestApp, table: i64, name: &str, replica: bool) {
    let mut conn = app.ctx.db.acquire().await.unwrap();
    if replica {
        sqlx::query("SET session_replication_role = replica")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE database_fields SET name = $2 WHERE table_id = $1 AND name = 'Notes'")
        .bind(table)
        .bind(name)
        .execute(&mut *conn)
        .await
        .unwrap();
    // The connection goes back to the pool: leave it as it was.
    sqlx::query("RESET session_replication_role")
        .execute(&mut *conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_cache_serves_metadata_until_the_generation_moves() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let token = fx.user.access.as_str();
    rows_at(&app, &b, token, fx.table).await;
    // Unseen by the triggers, so the cached names stay in use: proof that they are cached.
    rename_notes(&app, fx.table, "Hidden", true).await;
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Name", "Notes"]
    );
    // Any change that moves the generation makes every backend reload.
    sqlx::query("SELECT nextval('metadata_generation')")
        .execute(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Hidden", "Name"]
    );
}

#[tokio::test]
async fn metadata_read_while_a_change_is_uncommitted_is_not_kept() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let b = app.second_process().await;
    let token = fx.user.access.as_str();
    rows_at(&app, &b, token, fx.table).await;
    // A change that has moved the generation but not committed yet.
    let mut tx = app.ctx.db.begin().await.unwrap();
    sqlx::query("UPDATE database_fields SET name = 'Later' WHERE table_id = $1 AND name = 'Notes'")
        .bind(fx.table)
        .execute(&mut *tx)
        .await
        .unwrap();
    let during = rows_at(&app, &b, token, fx.table).await;
    assert_eq!(keys(&during), ["Active", "Name", "Notes"]);
    tx.commit().await.unwrap();
    // Had the old names been kept under the new generation, they would be served now.
    assert_eq!(
        keys(&rows_at(&app, &b, token, fx.table).await),
        ["Active", "Later", "Name"]
    );
}
