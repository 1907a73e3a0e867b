//! Database snapshots (`/api/snapshots/…`): taking one (a `create_snapshot` job), the
//! hidden copy nobody reaches, restoring it as a new database (a `restore_snapshot` job),
//! deleting it, who may, bad input and limits, the trash, and expiry.

use crate::helpers::{
    Session, TableFixture, TestApp, assert_error, create_row_id, finished_job as finished,
    patch_row,
};
use serde_json::{Value, json};
use std::time::Duration;
use tessera::platform::{jobs::LowJob, trash::cleanup_job};

fn create_path(database: i64) -> String {
    format!("/api/snapshots/application/{database}/")
}

/// Takes a snapshot and waits for it; returns the finished job.
async fn take(app: &TestApp, user: &Session, database: i64, name: &str) -> Value {
    let r = app
        .post(
            &create_path(database),
            Some(&user.access),
            json!({ "name": name }),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["type"], "create_snapshot");
    assert_eq!(r.body["snapshot"]["name"], name);
    finished(app, user, r.body["id"].as_i64().unwrap()).await
}

/// Restores a snapshot and waits for it; returns the finished job.
async fn restore(app: &TestApp, user: &Session, snapshot: i64) -> Value {
    let r = app
        .post(
            &format!("/api/snapshots/{snapshot}/restore/"),
            Some(&user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "restore_snapshot");
    assert_eq!(r.body["snapshot"]["id"], snapshot);
    finished(app, user, r.body["id"].as_i64().unwrap()).await
}

async fn databases(app: &TestApp, user: &Session, workspace: i64) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/applications/workspace/{workspace}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body.as_array().unwrap().clone()
}

/// The hidden copy a snapshot keeps.
async fn copy_of(app: &TestApp, snapshot: i64) -> i64 {
    sqlx::query_scalar("SELECT snapshot_to_application_id FROM snapshots WHERE id = $1")
        .bind(snapshot)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

async fn tables_of(app: &TestApp, database: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM database_tables WHERE database_id = $1 ORDER BY id")
        .bind(database)
        .fetch_all(&app.ctx.db)
        .await
        .unwrap()
}

async fn table_exists(app: &TestApp, table: i64) -> bool {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("database_table_{table}"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

/// Rows of a table by field name, in id order.
async fn rows(app: &TestApp, user: &Session, table: i64) -> Vec<Value> {
    let r = app.rows(user, table, "user_field_names=true").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["results"].as_array().unwrap().clone()
}

fn names(rows: &[Value]) -> Vec<Value> {
    rows.iter().map(|r| r["Name"].clone()).collect()
}

fn link_names(cell: &Value) -> Vec<Value> {
    cell.as_array()
        .unwrap()
        .iter()
        .map(|l| l["value"].clone())
        .collect()
}

/// [`link_names`] as sorted strings, where the order is not the point.
fn sorted_names(cell: &Value) -> Vec<String> {
    let mut out: Vec<String> = link_names(cell)
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    out.sort();
    out
}

/// Ann's database "DB" with "T" (rows "first" and "second") linking to "T2" (rows "x" and
/// "y"), a lookup through the link and a filtered grid view; returns the fixture, T2 and
/// the link field.
async fn linked_database(app: &TestApp) -> (TableFixture, i64, i64) {
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let t2 = app.table_fixture_in(&fx).await;
    let link = app
        .field(
            user,
            fx.table,
            json!({"name": "Others", "type": "link_row", "link_row_table_id": t2}),
        )
        .await;
    app.field(
        user,
        fx.table,
        json!({"name": "Their names", "type": "lookup", "through_field_id": link, "target_field_name": "Name"}),
    )
    .await;
    for id in rows(app, user, t2)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
    {
        app.delete(
            &format!("/api/database/rows/table/{t2}/{id}/"),
            Some(&user.access),
        )
        .await;
    }
    for id in rows(app, user, fx.table)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
    {
        app.delete(
            &format!("/api/database/rows/table/{}/{id}/", fx.table),
            Some(&user.access),
        )
        .await;
    }
    let x = create_row_id(app, user, t2, json!({"Name": "x"})).await;
    let y = create_row_id(app, user, t2, json!({"Name": "y"})).await;
    create_row_id(
        app,
        user,
        fx.table,
        json!({"Name": "first", "Others": [y, x]}),
    )
    .await;
    create_row_id(
        app,
        user,
        fx.table,
        json!({"Name": "second", "Others": [x]}),
    )
    .await;
    let grid = app
        .get(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&user.access),
        )
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{grid}/filters/"),
            Some(&user.access),
            json!({"field": link, "type": "link_row_has", "value": y.to_string()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (fx, t2, link)
}

#[tokio::test]
async fn a_snapshot_restores_as_a_new_database_with_the_tables_rows_links_and_views_it_had() {
    let app = TestApp::spawn().await;
    let (fx, t2, _) = linked_database(&app).await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let ws = fx.workspace_id(&app).await;

    let job = take(&app, user, fx.database, "Before").await;
    assert_eq!(job["progress_percentage"], 100);
    let snapshot = job["snapshot"]["id"].as_i64().unwrap();
    let listed = app.get(&create_path(fx.database), a).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let list = listed.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let mut keys: Vec<_> = list[0].as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "created_by",
            "id",
            "name",
            "snapshot_from_application"
        ]
    );
    assert_eq!(list[0]["id"], snapshot);
    assert_eq!(list[0]["name"], "Before");
    assert_eq!(list[0]["snapshot_from_application"], fx.database);
    assert_eq!(list[0]["created_by"], json!({"username": "ann@x.io"}));

    // Later changes to the database do not reach the snapshot.
    let first = rows(&app, user, fx.table).await[0]["id"].as_i64().unwrap();
    patch_row(
        &app,
        user,
        fx.table,
        first,
        json!({"Name": "changed", "Others": []}),
    )
    .await;
    create_row_id(&app, user, fx.table, json!({"Name": "third"})).await;

    let job = restore(&app, user, snapshot).await;
    assert_eq!(job["snapshot"]["name"], "Before");
    let dbs = databases(&app, user, ws).await;
    let db_names: Vec<_> = dbs.iter().map(|d| d["name"].clone()).collect();
    assert_eq!(db_names, vec![json!("DB"), json!("Before")]);
    let restored = &dbs[1];
    let tables = restored["tables"].as_array().unwrap();
    let table_names: Vec<_> = tables.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(table_names, vec![json!("T"), json!("T2")]);
    let (r1, r2) = (
        tables[0]["id"].as_i64().unwrap(),
        tables[1]["id"].as_i64().unwrap(),
    );
    assert!(r1 != fx.table && r2 != t2);

    // The rows as they were, the link joining the restored tables, the lookup reading it.
    let restored_rows = rows(&app, user, r1).await;
    assert_eq!(names(&restored_rows), vec![json!("first"), json!("second")]);
    assert_eq!(
        link_names(&restored_rows[0]["Others"]),
        vec![json!("y"), json!("x")]
    );
    assert_eq!(sorted_names(&restored_rows[0]["Their names"]), ["x", "y"]);
    let fields = app
        .get(&format!("/api/database/fields/table/{r1}/"), a)
        .await
        .body;
    let restored_link = fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Others")
        .unwrap()
        .clone();
    assert_eq!(restored_link["link_row_table_id"], r2);
    let back = rows(&app, user, r2).await;
    assert_eq!(names(&back), vec![json!("x"), json!("y")]);
    assert_eq!(sorted_names(&back[0]["T"]), ["first", "second"]);
    // The view came along with its filter, on the restored link.
    let views = app
        .get(
            &format!("/api/database/views/table/{r1}/?include=filters"),
            a,
        )
        .await
        .body;
    assert_eq!(views[0]["filters"][0]["field"], restored_link["id"]);
    let in_view = app
        .get(
            &format!(
                "/api/database/views/grid/{}/?user_field_names=true",
                views[0]["id"]
            ),
            a,
        )
        .await;
    assert_eq!(in_view.status, 200, "{:?}", in_view.body);
    let seen: Vec<_> = in_view.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].clone())
        .collect();
    assert_eq!(seen, vec![json!("first")]);
    // Each restored table announced itself.
    assert!(
        app.events(r1)
            .await
            .iter()
            .any(|(_, kind, _)| kind == "table_created"),
        "{:?}",
        app.events(r1).await
    );

    // Editing the restored database leaves the snapshot alone: restoring it again gives
    // the rows as they were, under the next free name.
    let restored_first = restored_rows[0]["id"].as_i64().unwrap();
    patch_row(&app, user, r1, restored_first, json!({"Name": "edited"})).await;
    restore(&app, user, snapshot).await;
    let dbs = databases(&app, user, ws).await;
    assert_eq!(dbs[2]["name"], "Before 2");
    let again = dbs[2]["tables"][0]["id"].as_i64().unwrap();
    assert_eq!(
        names(&rows(&app, user, again).await),
        vec![json!("first"), json!("second")]
    );
    // And the original keeps its own changes.
    assert_eq!(
        names(&rows(&app, user, fx.table).await),
        vec![json!("changed"), json!("second"), json!("third")]
    );
}

#[tokio::test]
async fn the_snapshots_copy_is_out_of_sight() {
    let app = TestApp::spawn().await;
    let (fx, _, _) = linked_database(&app).await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let ws = fx.workspace_id(&app).await;
    let job = take(&app, user, fx.database, "Hidden").await;
    let copy = copy_of(&app, job["snapshot"]["id"].as_i64().unwrap()).await;
    let copy_tables = tables_of(&app, copy).await;
    assert_eq!(copy_tables.len(), 2, "the copy has both tables");
    let copy_table = copy_tables[0];
    let row: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT min(id) FROM database_table_{copy_table}"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();

    // Not listed with the databases, not in the trash, not reachable by its ids.
    assert_eq!(databases(&app, user, ws).await.len(), 1);
    let all = app.get("/api/applications/", a).await.body;
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_error(
        &app.get(&format!("/api/applications/{copy}/"), a).await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    let trash = app.get("/api/trash/", a).await;
    assert_eq!(trash.status, 200, "{:?}", trash.body);
    assert!(!trash.body.to_string().contains("Hidden"));
    let trashed_apps = trash.body["workspaces"][0]["applications"]
        .as_array()
        .unwrap();
    assert_eq!(trashed_apps.len(), 1, "{}", trash.body);
    assert_ne!(
        app.get(
            &format!("/api/trash/workspace/{ws}/?application_id={copy}"),
            a
        )
        .await
        .status,
        200
    );
    for path in [
        format!("/api/database/tables/{copy_table}/"),
        format!("/api/database/tables/database/{copy}/"),
        format!("/api/database/fields/table/{copy_table}/"),
        format!("/api/database/views/table/{copy_table}/"),
        format!("/api/database/rows/table/{copy_table}/"),
        format!("/api/database/rows/table/{copy_table}/{row}/"),
    ] {
        let r = app.get(&path, a).await;
        assert_eq!(r.status, 404, "{path}: {:?}", r.body);
    }
    let r = app
        .patch(
            &format!("/api/database/rows/table/{copy_table}/{row}/?user_field_names=true"),
            a,
            json!({"Name": "tampered"}),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/tables/database/{copy}/"),
            a,
            json!({"name": "Sneaky"}),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(tables_of(&app, copy).await.len(), 2, "nothing was added");
    // Duplicating or trashing it is not possible either.
    for r in [
        app.post(
            &format!("/api/applications/{copy}/duplicate/async/"),
            a,
            json!({}),
        )
        .await,
        app.delete(&format!("/api/applications/{copy}/"), a).await,
    ] {
        assert_error(&r, 404, "ERROR_APPLICATION_DOES_NOT_EXIST");
    }
    // Nor does it take snapshots of its own.
    assert_error(
        &app.post(&create_path(copy), a, json!({"name": "Of a copy"}))
            .await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn deleting_a_snapshot_drops_its_copy_and_leaves_restored_databases() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let ws = fx.workspace_id(&app).await;
    let job = take(&app, user, fx.database, "Gone soon").await;
    let snapshot = job["snapshot"]["id"].as_i64().unwrap();
    let copy = copy_of(&app, snapshot).await;
    let copy_tables = tables_of(&app, copy).await;
    assert!(table_exists(&app, copy_tables[0]).await);
    restore(&app, user, snapshot).await;

    let r = app.delete(&format!("/api/snapshots/{snapshot}/"), a).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(app.get(&create_path(fx.database), a).await.body, json!([]));
    assert!(
        !table_exists(&app, copy_tables[0]).await,
        "the copy's table is dropped"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM applications WHERE trashed").await,
        0
    );
    let dbs = databases(&app, user, ws).await;
    assert_eq!(dbs.len(), 2, "the restored database stays");
    let restored_table = dbs[1]["tables"][0]["id"].as_i64().unwrap();
    assert_eq!(app.rows(user, restored_table, "").await.status, 200);

    assert_error(
        &app.delete(&format!("/api/snapshots/{snapshot}/"), a).await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(&format!("/api/snapshots/{snapshot}/restore/"), a, json!({}))
            .await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );
    // The name is free again.
    take(&app, user, fx.database, "Gone soon").await;
}

#[tokio::test]
async fn only_admins_of_the_workspace_list_take_restore_or_delete_snapshots() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let ws = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    sqlx::query(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions) VALUES ($1, $2, 'MEMBER')",
    )
    .bind(ws)
    .bind(bob.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let job = take(&app, &fx.user, fx.database, "Ann's").await;
    let snapshot = job["snapshot"]["id"].as_i64().unwrap();
    let list = create_path(fx.database);
    let restore_path = format!("/api/snapshots/{snapshot}/restore/");
    let delete_path = format!("/api/snapshots/{snapshot}/");

    for (who, code) in [
        (&bob, "ERROR_USER_INVALID_GROUP_PERMISSIONS"),
        (&eve, "ERROR_USER_NOT_IN_GROUP"),
    ] {
        let t = Some(who.access.as_str());
        assert_error(&app.get(&list, t).await, 400, code);
        assert_error(
            &app.post(&list, t, json!({"name": "Mine"})).await,
            400,
            code,
        );
        assert_error(&app.post(&restore_path, t, json!({})).await, 400, code);
        assert_error(&app.delete(&delete_path, t).await, 400, code);
    }
    for r in [
        app.get(&list, None).await,
        app.post(&list, None, json!({"name": "Anon"})).await,
        app.post(&restore_path, None, json!({})).await,
        app.delete(&delete_path, None).await,
    ] {
        assert_eq!(r.status, 401, "{:?}", r.body);
    }
    assert_eq!(
        count(&app, "SELECT count(*) FROM snapshots").await,
        1,
        "nothing was taken"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM applications").await, 2);

    // Unknown ids.
    let a = Some(fx.user.access.as_str());
    assert_error(
        &app.get(&create_path(999_999), a).await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(&create_path(999_999), a, json!({"name": "X"}))
            .await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post("/api/snapshots/999999/restore/", a, json!({}))
            .await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );
    assert_error(
        &app.delete("/api/snapshots/999999/", a).await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );

    // Made an admin, Bob sees Ann's snapshot and may restore it.
    sqlx::query("UPDATE workspace_users SET permissions = 'ADMIN' WHERE user_id = $1")
        .bind(bob.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let seen = app.get(&list, Some(&bob.access)).await;
    assert_eq!(seen.status, 200, "{:?}", seen.body);
    assert_eq!(seen.body[0]["id"], snapshot);
    restore(&app, &bob, snapshot).await;
    assert_eq!(databases(&app, &bob, ws).await.len(), 2);
}

#[tokio::test]
async fn bad_names_duplicates_and_running_jobs_are_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let path = create_path(fx.database);
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": 5}),
        json!({"name": "x".repeat(161)}),
        json!({"name": "a\u{0}b"}),
    ] {
        assert_error(
            &app.post(&path, a, body.clone()).await,
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        );
    }
    for bad in [
        "/api/snapshots/application/abc/",
        "/api/snapshots/1%00/restore/",
    ] {
        let r = app
            .request(reqwest::Method::POST, bad, a, Some(json!({"name": "n"})))
            .await;
        assert_eq!(r.status, 404, "{bad}: {:?}", r.body);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM snapshots").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM jobs").await, 0);

    // A name is taken once per database.
    let job = take(&app, &fx.user, fx.database, "Weekly").await;
    let snapshot = job["snapshot"]["id"].as_i64().unwrap();
    assert_error(
        &app.post(&path, a, json!({"name": " Weekly "})).await,
        400,
        "ERROR_SNAPSHOT_NAME_NOT_UNIQUE",
    );
    let ws = fx.workspace_id(&app).await;
    let other = app.database(&fx.user, ws).await;
    take(&app, &fx.user, other, "Weekly").await;

    // Someone else taking a snapshot of the database blocks another one; the caller's own
    // unfinished snapshot job (of any database) blocks the caller.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let running = |user: i64, kind: &'static str, params: Value| {
        let app = &app;
        async move {
            sqlx::query("INSERT INTO jobs (type, user_id, state, params) VALUES ($1, $2, 'started', $3) RETURNING id")
                .bind(kind)
                .bind(user)
                .bind(params)
                .execute(&app.ctx.db)
                .await
                .unwrap();
        }
    };
    running(
        bob.id,
        "create_snapshot",
        json!({"snapshot": {"id": 0, "snapshot_from_application": fx.database}}),
    )
    .await;
    assert_error(
        &app.post(&path, a, json!({"name": "Daily"})).await,
        400,
        "ERROR_SNAPSHOT_IS_BEING_CREATED",
    );
    running(
        fx.user.id,
        "create_snapshot",
        json!({"snapshot": {"id": 0, "snapshot_from_application": other}}),
    )
    .await;
    let third = app.database(&fx.user, ws).await;
    assert_error(
        &app.post(&create_path(third), a, json!({"name": "Daily"}))
            .await,
        400,
        "ERROR_SNAPSHOT_OPERATION_LIMIT_EXCEEDED",
    );

    // A snapshot being restored is neither restored again nor deleted meanwhile.
    running(
        bob.id,
        "restore_snapshot",
        json!({"snapshot": {"id": snapshot}}),
    )
    .await;
    assert_error(
        &app.post(&format!("/api/snapshots/{snapshot}/restore/"), a, json!({}))
            .await,
        400,
        "ERROR_SNAPSHOT_IS_BEING_RESTORED",
    );
    assert_error(
        &app.delete(&format!("/api/snapshots/{snapshot}/"), a).await,
        400,
        "ERROR_SNAPSHOT_IS_BEING_RESTORED",
    );
    sqlx::query("UPDATE jobs SET state = 'finished' WHERE user_id = $1")
        .bind(bob.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    running(
        fx.user.id,
        "restore_snapshot",
        json!({"snapshot": {"id": 0}}),
    )
    .await;
    assert_error(
        &app.post(&format!("/api/snapshots/{snapshot}/restore/"), a, json!({}))
            .await,
        400,
        "ERROR_SNAPSHOT_OPERATION_LIMIT_EXCEEDED",
    );
    let r = app.delete(&format!("/api/snapshots/{snapshot}/"), a).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

#[tokio::test]
async fn the_workspace_keeps_at_most_the_configured_number_of_snapshots() {
    let app = TestApp::spawn_with(|s| s.max_snapshots_per_workspace = 2).await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let ws = fx.workspace_id(&app).await;
    let other = app.database(&fx.user, ws).await;
    take(&app, &fx.user, fx.database, "One").await;
    let job = take(&app, &fx.user, other, "Two").await;
    assert_error(
        &app.post(&create_path(fx.database), a, json!({"name": "Three"}))
            .await,
        400,
        "ERROR_MAXIMUM_SNAPSHOTS_REACHED",
    );
    // Deleting one makes room.
    let r = app
        .delete(&format!("/api/snapshots/{}/", job["snapshot"]["id"]), a)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    take(&app, &fx.user, fx.database, "Three").await;
}

#[tokio::test]
async fn trashing_the_database_hides_its_snapshots_and_deleting_it_for_good_drops_them() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let ws = fx.workspace_id(&app).await;
    let job = take(&app, user, fx.database, "Kept").await;
    let snapshot = job["snapshot"]["id"].as_i64().unwrap();
    let copy_table = tables_of(&app, copy_of(&app, snapshot).await).await[0];

    let r = app
        .delete(&format!("/api/applications/{}/", fx.database), a)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &app.get(&create_path(fx.database), a).await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(&format!("/api/snapshots/{snapshot}/restore/"), a, json!({}))
            .await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );
    // Back from the trash, the database has its snapshot again.
    let r = app
        .patch(
            "/api/trash/restore/",
            a,
            json!({"trash_item_type": "application", "trash_item_id": fx.database}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        app.get(&create_path(fx.database), a).await.body[0]["id"],
        snapshot
    );

    // Deleted for good, it takes its snapshots and their copies along.
    app.delete(&format!("/api/applications/{}/", fx.database), a)
        .await;
    let r = app
        .delete(
            &format!("/api/trash/workspace/{ws}/?application_id={}", fx.database),
            a,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    cleanup_job::run(&app.ctx, Duration::from_secs(3600))
        .await
        .unwrap();
    wait_until_gone(&app, "SELECT count(*) FROM applications").await;
    assert_eq!(count(&app, "SELECT count(*) FROM snapshots").await, 0);
    assert!(!table_exists(&app, copy_table).await);
}

#[tokio::test]
async fn deleting_the_workspace_for_good_drops_its_snapshots_copies() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let ws = fx.workspace_id(&app).await;
    let job = take(&app, &fx.user, fx.database, "Kept").await;
    let copy_table = tables_of(
        &app,
        copy_of(&app, job["snapshot"]["id"].as_i64().unwrap()).await,
    )
    .await[0];
    let r = app.delete(&format!("/api/workspaces/{ws}/"), a).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.delete(&format!("/api/trash/workspace/{ws}/"), a).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    cleanup_job::run(&app.ctx, Duration::from_secs(3600))
        .await
        .unwrap();
    wait_until_gone(&app, "SELECT count(*) FROM workspaces").await;
    assert_eq!(count(&app, "SELECT count(*) FROM snapshots").await, 0);
    assert!(!table_exists(&app, copy_table).await);
}

/// Waits until the query counts nothing (the `low` worker may be deleting too).
async fn wait_until_gone(app: &TestApp, sql: &'static str) {
    for _ in 0..100 {
        if count(app, sql).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{sql}: something is left");
}

/// Moves a snapshot's creation back by `days`.
async fn age(app: &TestApp, snapshot: i64, days: i32) {
    sqlx::query(
        "UPDATE snapshots SET created_at = now() - make_interval(days => $2) WHERE id = $1",
    )
    .bind(snapshot)
    .bind(days)
    .execute(&app.ctx.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn snapshots_past_the_expiry_are_deleted_with_their_copies_by_the_housekeeping_job() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let snapshot_id = |job: &Value| job["snapshot"]["id"].as_i64().unwrap();
    let expired = snapshot_id(&take(&app, user, fx.database, "Last year").await);
    let nearly = snapshot_id(&take(&app, user, fx.database, "Nearly a year").await);
    let fresh = snapshot_id(&take(&app, user, fx.database, "Today").await);
    // The default expiry is 360 days.
    age(&app, expired, 361).await;
    age(&app, nearly, 359).await;
    let expired_copy = copy_of(&app, expired).await;
    let expired_tables = tables_of(&app, expired_copy).await;
    assert!(table_exists(&app, expired_tables[0]).await);

    LowJob::DeleteExpiredSnapshots.run(&app.ctx).await.unwrap();

    let listed: Vec<Value> = app
        .get(&create_path(fx.database), a)
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(listed, vec![json!(fresh), json!(nearly)]);
    assert!(
        !table_exists(&app, expired_tables[0]).await,
        "the expired copy's table is dropped"
    );
    assert!(tables_of(&app, expired_copy).await.is_empty());
    assert_eq!(
        count(&app, "SELECT count(*) FROM applications WHERE trashed").await,
        2,
        "only the kept snapshots' copies are left"
    );
    assert_error(
        &app.post(&format!("/api/snapshots/{expired}/restore/"), a, json!({}))
            .await,
        404,
        "ERROR_SNAPSHOT_DOES_NOT_EXIST",
    );
    // The kept ones still restore, and the next run finds nothing more to delete.
    restore(&app, user, nearly).await;
    LowJob::DeleteExpiredSnapshots.run(&app.ctx).await.unwrap();
    assert_eq!(
        count(&app, "SELECT count(*) FROM snapshots").await,
        2,
        "the fresh snapshots are kept"
    );
}
