//! The export worker binary schedules its housekeeping (row history and trash past their
//! retention, old exports, …, and the license check) and runs it from the `low` queue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};
use tessera::test_support::{self, HttpReceiver, LicenseIssuer, Reply, TestDatabase};

#[tokio::test]
async fn expired_logged_out_tokens_are_flushed_on_schedule_and_sigterm_exits_cleanly() {
    let db = TestDatabase::create().await.unwrap();
    sqlx::query("INSERT INTO blacklisted_tokens (jti, expires_at) VALUES ('old', now() - interval '1 day'), ('live', now() + interval '1 day')")
        .execute(&db.pool)
        .await
        .unwrap();
    let settings = test_support::settings(&db.url);
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let start = Instant::now();
    let mut left: Vec<String> = Vec::new();
    while start.elapsed() < Duration::from_secs(30) {
        left = sqlx::query_scalar("SELECT jti FROM blacklisted_tokens ORDER BY jti")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        if left == ["live"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, ["live"], "only the expired entry is removed");

    assert!(
        Command::new("kill")
            .args(["-TERM", &worker.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn table_events_older_than_the_retention_are_pruned() {
    let db = TestDatabase::create().await.unwrap();
    sqlx::query(
        "INSERT INTO database_table_events (table_id, seq, event_type, payload, created_on) VALUES \
         (1, 1, 'rows_created', '{}', now() - interval '3 days'), (1, 2, 'rows_created', '{}', now())",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let removed = tessera::database::events::prune(&db.pool, Duration::from_secs(48 * 3600))
        .await
        .unwrap();
    assert_eq!(removed, 1);
    let left: Vec<i64> = sqlx::query_scalar("SELECT seq FROM database_table_events")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, vec![2]);
}

#[tokio::test]
async fn undo_actions_past_the_retention_are_forgotten_on_schedule() {
    let db = TestDatabase::create().await.unwrap();
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, first_name, password_hash) VALUES ('a@x.io', 'A', '-') RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    // 501 actions of one tab, two days old: the newest 500 are kept however old.
    sqlx::query(
        "INSERT INTO actions (user_id, session, action_type, scope, params, created_on) \
         SELECT $1, 's', 'update_rows', 'table1', '{}', now() - interval '2 days' + i * interval '1 ms' \
         FROM generate_series(1, 501) i",
    )
    .bind(user)
    .execute(&db.pool)
    .await
    .unwrap();
    let settings = test_support::settings(&db.url);
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut left = 0_i64;
    while start.elapsed() < Duration::from_secs(30) {
        left = sqlx::query_scalar("SELECT count(*) FROM actions")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if left == 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(left, 500, "the oldest action is forgotten");
}

#[tokio::test]
async fn trash_past_the_retention_is_deleted_for_good_on_schedule() {
    let db = TestDatabase::create().await.unwrap();
    let workspace: i64 = sqlx::query_scalar(
        "INSERT INTO workspaces (name, trashed) VALUES ('Old', TRUE) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let fresh: i64 = sqlx::query_scalar(
        "INSERT INTO workspaces (name, trashed) VALUES ('New', TRUE) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO trash_entries (trash_item_type, trash_item_id, workspace_id, name, trashed_at) VALUES \
         ('workspace', $1, $1, 'Old', now() - interval '2 hours'), ('workspace', $2, $2, 'New', now())",
    )
    .bind(workspace)
    .bind(fresh)
    .execute(&db.pool)
    .await
    .unwrap();
    let settings = test_support::settings(&db.url);
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_TRASH_RETENTION_HOURS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let start = Instant::now();
    let mut left: Vec<String> = Vec::new();
    while start.elapsed() < Duration::from_secs(30) {
        left = sqlx::query_scalar("SELECT name FROM workspaces ORDER BY name")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        if left == ["New"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(
        left,
        ["New"],
        "only the workspace past the retention is deleted"
    );
}

#[tokio::test]
async fn row_history_past_the_retention_is_deleted_on_schedule() {
    let db = TestDatabase::create().await.unwrap();
    let table: i64 = sqlx::query_scalar(
        "WITH w AS (INSERT INTO workspaces (name) VALUES ('W') RETURNING id), \
              a AS (INSERT INTO applications (workspace_id, name, type, \"order\") \
                    SELECT id, 'DB', 'database', 1 FROM w RETURNING id) \
         INSERT INTO database_tables (database_id, name, \"order\") SELECT id, 'T', 1 FROM a RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO database_row_history (table_id, row_id, action_type, after, \"timestamp\") VALUES \
         ($1, 1, 'update_rows', '{\"field_1\": \"old\"}', now() - interval '3 days'), \
         ($1, 1, 'update_rows', '{\"field_1\": \"new\"}', now())",
    )
    .bind(table)
    .execute(&db.pool)
    .await
    .unwrap();
    let settings = test_support::settings(&db.url);
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_ROW_HISTORY_RETENTION_DAYS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let start = Instant::now();
    let mut left: Vec<String> = Vec::new();
    while start.elapsed() < Duration::from_secs(30) {
        left = sqlx::query_scalar("SELECT after->>'field_1' FROM database_row_history")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        if left == ["new"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(
        left,
        ["new"],
        "only the entry past the retention is deleted"
    );
}

#[tokio::test]
async fn exports_past_their_expiry_are_expired_and_their_files_deleted_on_schedule() {
    let db = TestDatabase::create().await.unwrap();
    let settings = test_support::settings(&db.url);
    let dir = settings.media_dir.join("export_files");
    std::fs::create_dir_all(&dir).unwrap();
    let (old, young) = (
        "00000000000000000000000000000001.csv",
        "00000000000000000000000000000002.csv",
    );
    for name in [old, young] {
        std::fs::write(dir.join(name), "id\r\n").unwrap();
    }
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, first_name, password_hash) VALUES ('a@x.io', 'A', '') RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for (name, age) in [(old, "2 hours"), (young, "1 minute")] {
        sqlx::query(
            "INSERT INTO jobs (type, user_id, state, progress_percentage, result, updated_on) \
             VALUES ('export_table', $1, 'finished', 100, jsonb_build_object('exported_file_name', $2::text), now() - $3::interval)",
        )
        .bind(user)
        .bind(name)
        .bind(age)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut states: Vec<String> = Vec::new();
    while start.elapsed() < Duration::from_secs(30) {
        states = sqlx::query_scalar("SELECT state FROM jobs ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        if states == ["expired", "finished"] && !dir.join(old).exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(states, ["expired", "finished"]);
    assert!(!dir.join(old).exists(), "the expired file is deleted");
    assert!(dir.join(young).exists(), "a younger file stays");
}

/// Starts the export worker binary against the test database with the license settings.
fn spawn_worker(
    db: &TestDatabase,
    settings: &tessera::config::Settings,
    extra: &[(&str, String)],
) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"));
    command
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

#[tokio::test]
async fn licenses_are_checked_on_schedule_and_a_revoked_one_is_deleted() {
    let db = TestDatabase::create().await.unwrap();
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let instance: String = sqlx::query_scalar("SELECT instance_id FROM instance_settings")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let token = issuer.sign(&LicenseIssuer::payload(&instance, "revoked", 1));
    sqlx::query("INSERT INTO licenses (license, license_id) VALUES ($1, 'revoked')")
        .bind(&token)
        .execute(&db.pool)
        .await
        .unwrap();
    let mut answer = serde_json::Map::new();
    answer.insert(token.clone(), serde_json::json!({"type": "invalid"}));
    server.reply(Reply::Json(200, serde_json::Value::Object(answer)));
    let settings = test_support::settings(&db.url);
    let mut worker = spawn_worker(
        &db,
        &settings,
        &[
            ("TESSERA_LICENSE_PUBLIC_KEY", issuer.public_key_base64()),
            ("TESSERA_LICENSE_SERVER_URL", server.url()),
        ],
    );
    let requests = server.wait_for(1, Duration::from_secs(30)).await;
    let start = Instant::now();
    let mut left = 1;
    while start.elapsed() < Duration::from_secs(10) {
        left = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM licenses")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = worker.kill();
    let _ = worker.wait();
    let body = requests[0].json();
    assert_eq!(body["instance_id"], instance.as_str());
    assert_eq!(body["licenses"], serde_json::json!([token]));
    assert_eq!(left, 0, "the revoked license is deleted");
    assert_eq!(server.requests().len(), 1, "one check per interval");
}

#[tokio::test]
async fn without_licenses_the_schedule_makes_no_license_call() {
    let db = TestDatabase::create().await.unwrap();
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    sqlx::query(
        "INSERT INTO blacklisted_tokens (jti, expires_at) VALUES ('old', now() - interval '1 day')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let settings = test_support::settings(&db.url);
    let mut worker = spawn_worker(
        &db,
        &settings,
        &[
            ("TESSERA_LICENSE_PUBLIC_KEY", issuer.public_key_base64()),
            ("TESSERA_LICENSE_SERVER_URL", server.url()),
        ],
    );
    // The hourly jobs of the first round ran: that round is over.
    let start = Instant::now();
    let mut flushed = false;
    while start.elapsed() < Duration::from_secs(30) && !flushed {
        flushed = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM blacklisted_tokens")
            .fetch_one(&db.pool)
            .await
            .unwrap()
            == 0;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(flushed, "the schedule ran");
    let enqueued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apalis.jobs WHERE convert_from(job, 'UTF8') LIKE '%check_licenses%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(enqueued, 0, "no check is scheduled");
    assert!(server.requests().is_empty(), "no call leaves the instance");
}

#[tokio::test]
async fn formulas_following_the_clock_are_refreshed_on_schedule() {
    use tessera::test_support::api_client::{post, table_via_api};
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = tessera::context::AppContext::connect(settings.clone(), 4)
        .await
        .unwrap();
    tokio::spawn(tessera::web::serve(ctx, listener, std::future::pending()));
    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;
    let t = Some(token.as_str());
    let fields = format!("{base}/api/database/fields/table/{table}/");
    let due = post(
        &http,
        fields.clone(),
        t,
        serde_json::json!({"name": "Due", "type": "date"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let status = post(
        &http,
        fields,
        t,
        serde_json::json!({"name": "Status", "type": "formula",
                           "formula": "if(today() > field('Due'), 'late', 'ok')"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let row = post(
        &http,
        format!("{base}/api/database/rows/table/{table}/?user_field_names=true"),
        t,
        serde_json::json!({"Due": "2999-01-01"}),
    )
    .await;
    assert_eq!(row["Status"], "ok");
    let row = row["id"].as_i64().unwrap();
    // Time passes: the due date is now behind today, without a write recomputing it.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE database_table_{table} SET field_{due} = '2001-01-01' WHERE id = $1"
    )))
    .bind(row)
    .execute(&db.pool)
    .await
    .unwrap();

    // Two workers: the lock lets one refresh at a time.
    let every = ("TESSERA_FORMULA_CLOCK_SECONDS", "1".to_owned());
    let mut workers = [
        spawn_worker(&db, &settings, std::slice::from_ref(&every)),
        spawn_worker(&db, &settings, std::slice::from_ref(&every)),
    ];
    let read = format!("SELECT field_{status} FROM database_table_{table} WHERE id = $1");
    let start = Instant::now();
    let mut value = String::new();
    while start.elapsed() < Duration::from_secs(30) {
        value = sqlx::query_scalar(sqlx::AssertSqlSafe(read.clone()))
            .bind(row)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if value == "late" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Later rounds find nothing stale and announce nothing more.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for worker in &mut workers {
        let _ = worker.kill();
        let _ = worker.wait();
    }
    assert_eq!(value, "late");
    let announced: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM database_table_events WHERE table_id = $1 \
         AND event_type = 'rows_updated' AND payload->'rows'->0->>'id' = $2::text",
    )
    .bind(table)
    .bind(row)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(announced, 1, "the refresh is announced once");
}

#[test]
fn a_bad_clock_interval_stops_the_worker_at_start_with_the_variable_named() {
    let settings = test_support::settings("postgres://127.0.0.1:1/none");
    let output = Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", "postgres://127.0.0.1:1/none")
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_FORMULA_CLOCK_SECONDS", "soon")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TESSERA_FORMULA_CLOCK_SECONDS"), "{stderr}");
}
