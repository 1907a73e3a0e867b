//! Jobs: Baserow's `states` and `job_ids` filters, and cancelling (an import cancelled
//! while it runs leaves no table and no rows).

use crate::helpers::{TestApp, assert_error};
use serde_json::json;
use std::time::Duration;

/// A job row of the user in the given state, without queued work; returns its id.
async fn job_row(app: &TestApp, user_id: i64, state: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO jobs (type, user_id, state, params) VALUES ('file_import', $1, $2, '{}') RETURNING id",
    )
    .bind(user_id)
    .bind(state)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap()
}

fn ids(body: &serde_json::Value) -> Vec<i64> {
    body["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn jobs_are_listed_by_state_and_id() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let token = Some(ann.access.as_str());
    let pending = job_row(&app, ann.id, "pending").await;
    let finished = job_row(&app, ann.id, "finished").await;
    let failed = job_row(&app, ann.id, "failed").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let bobs = job_row(&app, bob.id, "pending").await;

    let r = app.get("/api/jobs/", token).await;
    assert_eq!(ids(&r.body), vec![failed, finished, pending]);
    let r = app.get("/api/jobs/?states=pending,failed", token).await;
    assert_eq!(ids(&r.body), vec![failed, pending]);
    let r = app.get("/api/jobs/?states=!finished", token).await;
    assert_eq!(ids(&r.body), vec![failed, pending]);
    let r = app
        .get(
            &format!("/api/jobs/?job_ids={pending},{finished},{bobs}"),
            token,
        )
        .await;
    assert_eq!(ids(&r.body), vec![finished, pending], "never another's");
    let r = app
        .get(
            &format!("/api/jobs/?job_ids={pending},{finished}&states=!pending"),
            token,
        )
        .await;
    assert_eq!(ids(&r.body), vec![finished]);

    for query in ["states=done", "states=!nope", "job_ids=1,x"] {
        let r = app.get(&format!("/api/jobs/?{query}"), token).await;
        assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    }
    let r = app.get("/api/jobs/", None).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn only_an_unfinished_job_of_ones_own_can_be_cancelled() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let token = Some(ann.access.as_str());
    let pending = job_row(&app, ann.id, "pending").await;
    let finished = job_row(&app, ann.id, "finished").await;

    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(
            &format!("/api/jobs/{pending}/cancel/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_error(&r, 404, "ERROR_JOB_DOES_NOT_EXIST");

    let r = app
        .post(&format!("/api/jobs/{pending}/cancel/"), token, json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["id"].as_i64(), &r.body["state"]),
        (Some(pending), &json!("cancelled"))
    );
    // Again: answered unchanged, as Baserow does.
    let r = app
        .post(&format!("/api/jobs/{pending}/cancel/"), token, json!({}))
        .await;
    assert_eq!(r.body["state"], "cancelled");

    let r = app
        .post(&format!("/api/jobs/{finished}/cancel/"), token, json!({}))
        .await;
    assert_error(&r, 400, "ERROR_JOB_NOT_CANCELLABLE");
    let r = app.get(&format!("/api/jobs/{finished}/"), token).await;
    assert_eq!(r.body["state"], "finished", "unchanged");
    let r = app.post("/api/jobs/99999/cancel/", token, json!({})).await;
    assert_error(&r, 404, "ERROR_JOB_DOES_NOT_EXIST");
}

#[tokio::test]
async fn a_cancelled_import_leaves_no_table_and_no_rows() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let token = Some(fx.user.access.as_str());
    // Big enough to be still running when the cancel arrives.
    let mut data = String::from("name,amount\n");
    for i in 0..300_000 {
        data.push_str(&format!("row {i},{i}\n"));
    }
    let tables_before: i64 = sqlx::query_scalar("SELECT count(*) FROM database_tables")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    let boundary = "compat-jobs-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/database/import/upload/", app.url))
                .header("Authorization", format!("JWT {}", fx.user.access))
                .header(
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let upload = r.body["upload_id"].clone();
    let r = app
        .post(
            "/api/jobs/",
            token,
            json!({"type": "file_import", "upload_id": upload, "first_row_header": true,
                   "database_id": fx.database, "name": "Big"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    let r = app
        .post(&format!("/api/jobs/{job}/cancel/"), token, json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["state"], "cancelled");

    // Wait until the runner has let go of the job.
    for _ in 0..600 {
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM apalis.jobs WHERE job_type = 'low' AND done_at IS NULL",
        )
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = app.get(&format!("/api/jobs/{job}/"), token).await;
    assert_eq!(r.body["state"], "cancelled", "{:?}", r.body);
    let tables_after: i64 = sqlx::query_scalar("SELECT count(*) FROM database_tables")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(tables_after, tables_before, "no table was created");
    let r = app
        .get(
            &format!("/api/database/tables/database/{}/", fx.database),
            token,
        )
        .await;
    assert!(
        r.body
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["name"] != "Big"),
        "{:?}",
        r.body
    );
}

/// Polls a job until it ends.
async fn ended(app: &TestApp, token: Option<&str>, job: i64) -> serde_json::Value {
    for _ in 0..300 {
        let j = app.get(&format!("/api/jobs/{job}/"), token).await.body;
        if j["state"] != "pending" && j["state"] != "started" {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job did not end");
}

#[tokio::test]
async fn baserows_import_paths_start_file_imports_of_row_lists() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let token = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/tables/database/{}/async/", fx.database),
            token,
            json!({"name": "People", "first_row_header": true,
                   "data": [["Name", "Age"], ["Ann, the first", 31], ["Bob \"B\"", null]]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "file_import");
    let job = ended(&app, token, r.body["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "finished", "{job}");
    let table = job["table_id"].as_i64().unwrap();
    let rows = app.rows(&fx.user, table, "user_field_names=true").await;
    let names: Vec<_> = rows.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["Name"].clone(), r["Age"].clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (json!("Ann, the first"), json!("31")),
            (json!("Bob \"B\""), json!(""))
        ]
    );

    // Appended by position over the table's fields.
    let r = app
        .post(
            &format!("/api/database/tables/{table}/import/async/"),
            token,
            json!({"data": [["Cid", 40]]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = ended(&app, token, r.body["id"].as_i64().unwrap()).await;
    assert_eq!(job["state"], "finished", "{job}");
    let rows = app.rows(&fx.user, table, "user_field_names=true").await;
    assert_eq!(rows.body["count"], 3);
    assert_eq!(rows.body["results"][2]["Name"], "Cid");
}

#[tokio::test]
async fn baserows_import_paths_refuse_bad_bodies_and_strangers() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let token = Some(fx.user.access.as_str());
    let create = format!("/api/database/tables/database/{}/async/", fx.database);
    for body in [
        json!({"name": "X"}),
        json!({"name": "X", "data": []}),
        json!({"name": "X", "data": ["flat"]}),
        json!({"data": [["a"]]}),
        json!({"name": "X\u{0}", "data": [["a"]]}),
    ] {
        let r = app.post(&create, token, body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = app
        .post(
            &format!("/api/database/tables/{}/import/async/", fx.table),
            token,
            json!({"data": "a,b"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .post(
            "/api/database/tables/99999/import/async/",
            token,
            json!({"data": [["a"]]}),
        )
        .await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(
            &create,
            Some(&bob.access),
            json!({"name": "X", "data": [["a"]]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app.get("/api/jobs/", token).await;
    assert_eq!(r.body["jobs"], json!([]), "no job was started");
}
