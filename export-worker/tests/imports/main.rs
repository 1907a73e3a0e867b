//! A file import across processes: a backend, the export-worker binary and PostgreSQL. The
//! worker is killed with SIGKILL in the middle of an import; another worker picks the job
//! up, starts over, and the table ends up with every row exactly once. Fields added to a
//! freshly imported table while its search indexes build are created at once: the builds
//! give way and finish afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    context::AppContext,
    test_support::{
        self, TestDatabase,
        api_client::{post, table_via_api},
    },
    web,
};

fn start_export_worker(db: &TestDatabase, settings: &tessera::config::Settings) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("export worker starts")
}

async fn job(http: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    http.get(format!("{base}/api/jobs/{id}/"))
        .header("Authorization", format!("JWT {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_whose_worker_is_killed_is_run_again_and_adds_every_row_once() {
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx.clone(), listener, std::future::pending()));
    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;

    // Enough rows that the import is still running when the worker is killed.
    const ROWS: usize = 300_000;
    let mut csv = String::from("Name,Notes\n");
    for i in 0..ROWS {
        csv.push_str(&format!("row {i},some notes for row {i}\n"));
    }
    let boundary = "tessera-process-test";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded: Value = http
        .post(format!("{base}/api/database/import/upload/"))
        .header("Authorization", format!("JWT {token}"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let mut worker = start_export_worker(&db, &settings);
    let started = post(
        &http,
        format!("{base}/api/jobs/"),
        Some(&token),
        json!({"type": "file_import", "upload_id": uploaded["upload_id"], "table_id": table, "first_row_header": true}),
    )
    .await;
    let id = started["id"].as_i64().unwrap();

    // Kill the worker once the import has made progress, then start another.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j = job(&http, &base, &token, id).await;
        assert_ne!(
            j["state"], "finished",
            "the import ended before the kill: make it larger"
        );
        if j["progress_percentage"].as_i64().unwrap_or_default() > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress: {j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.kill().unwrap();
    worker.wait().unwrap();
    let mut restarted = start_export_worker(&db, &settings);

    let deadline = Instant::now() + Duration::from_secs(240);
    let finished = loop {
        let j = job(&http, &base, &token, id).await;
        if j["state"] == "finished" || j["state"] == "failed" {
            break j;
        }
        assert!(Instant::now() < deadline, "the import did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    assert_eq!(finished["state"], "finished", "{finished}");
    assert_eq!(finished["progress_percentage"], 100);
    assert_eq!(finished["report"]["imported_row_count"], ROWS);
    // The killed run's rows were rolled back: the two rows the table started with, plus
    // every imported row once.
    let (rows, distinct): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT count(*), count(DISTINCT field_{}) FROM database_table_{table}",
        name_field(&ctx, table).await
    )))
    .fetch_one(&ctx.db)
    .await
    .unwrap();
    assert_eq!(rows, ROWS as i64 + 2);
    assert_eq!(distinct, ROWS as i64);
    let counter: i64 = sqlx::query_scalar("SELECT row_count FROM database_tables WHERE id = $1")
        .bind(table)
        .fetch_one(&ctx.db)
        .await
        .unwrap();
    assert_eq!(counter, ROWS as i64 + 2);
}

async fn name_field(ctx: &AppContext, table: i64) -> i64 {
    sqlx::query_scalar("SELECT id FROM database_fields WHERE table_id = $1 AND name = 'Name'")
        .bind(table)
        .fetch_one(&ctx.db)
        .await
        .unwrap()
}

/// How many `CREATE INDEX CONCURRENTLY` statements run on `table`.
async fn index_builds(db: &sqlx::PgPool, table: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
          WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND query LIKE $1",
    )
    .bind(format!("% database_table_{table} %"))
    .fetch_one(db)
    .await
    .unwrap()
}

/// The phase of the index build running on `table`, if any (`pg_stat_progress_create_index`).
async fn build_phase(db: &sqlx::PgPool, table: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT phase FROM pg_stat_progress_create_index WHERE relid = to_regclass($1) LIMIT 1",
    )
    .bind(format!("database_table_{table}"))
    .fetch_optional(db)
    .await
    .unwrap()
}

/// Waits (up to 30 s) until an index build on `table` is in `phase`; the moment it was
/// seen there, or `None` if no build got there.
async fn build_reaches(db: &sqlx::PgPool, table: i64, phase: &str) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if build_phase(db, table).await.as_deref() == Some(phase) {
            return Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

#[tokio::test]
async fn fields_added_while_a_fresh_imports_indexes_build_are_created_at_once() {
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx.clone(), listener, std::future::pending()));
    let http = reqwest::Client::new();
    let (token, first) = table_via_api(&http, &base).await;
    let database: i64 = sqlx::query_scalar("SELECT database_id FROM database_tables WHERE id = $1")
        .bind(first)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut worker = start_export_worker(&db, &settings);

    // Large enough that the search indexes of its three text columns take seconds to build.
    const ROWS: usize = 250_000;
    // Three alike columns, so their three index builds take about as long.
    let mut csv = String::from("Name,Nickname,Alias\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "person {i} alpha,person {i} beta,person {i} gamma\n"
        ));
    }
    let boundary = "tessera-index-race";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(csv.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded: Value = http
        .post(format!("{base}/api/database/import/upload/"))
        .header("Authorization", format!("JWT {token}"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let started = post(
        &http,
        format!("{base}/api/jobs/"),
        Some(&token),
        json!({"type": "file_import", "upload_id": uploaded["upload_id"],
               "database_id": database, "name": "Big", "first_row_header": true}),
    )
    .await;
    let id = started["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(240);
    let finished = loop {
        let j = job(&http, &base, &token, id).await;
        if j["state"] == "finished" || j["state"] == "failed" {
            break j;
        }
        assert!(Instant::now() < deadline, "the import did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(finished["state"], "finished", "{finished}");
    let table = finished["table_id"].as_i64().unwrap();

    // A schema change that starts waiting for a build between one second and half a
    // second before the build waits for old snapshots (at the end of its validation) used
    // to lose PostgreSQL's deadlock check and answer 500. The first build's validation is
    // timed undisturbed; fields are then added at that point of the next builds' ones.
    const VALIDATION: &str = "index validation: scanning index";
    let validating = build_reaches(&db.pool, table, VALIDATION)
        .await
        .expect("the imported table's indexes are built");
    let deadline = Instant::now() + Duration::from_secs(30);
    while build_phase(&db.pool, table)
        .await
        .is_some_and(|p| p.starts_with("index validation"))
    {
        assert!(
            Instant::now() < deadline,
            "the first validation never ended"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let validation = validating.elapsed();
    let mut during_a_build = 0;
    for (i, lead_ms) in [750u64, 650, 850, 700].into_iter().enumerate() {
        if let Some(seen) = build_reaches(&db.pool, table, VALIDATION).await {
            during_a_build += 1;
            let start = seen + validation.saturating_sub(Duration::from_millis(lead_ms));
            tokio::time::sleep_until(start.into()).await;
        }
        let r = http
            .post(format!("{base}/api/database/fields/table/{table}/"))
            .header("Authorization", format!("JWT {token}"))
            .json(&json!({"name": format!("Added {i}"), "type": "number"}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(
            status, 200,
            "field {i}, added {lead_ms} ms before the build would wait (validation: {validation:?}): {text}"
        );
    }
    assert!(
        during_a_build >= 2,
        "only {during_a_build} fields were added during a build: make the import larger"
    );

    // The builds gave way and came back: every search index ends up built and valid.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (valid, invalid): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE i.indisvalid), count(*) FILTER (WHERE NOT i.indisvalid) \
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
              WHERE i.indrelid = to_regclass($1) AND c.relname LIKE '%trgm%'",
        )
        .bind(format!("database_table_{table}"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if valid == 3 && invalid == 0 && index_builds(&db.pool, table).await == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "search indexes: {valid} valid, {invalid} invalid"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    worker.kill().unwrap();
    worker.wait().unwrap();
}
