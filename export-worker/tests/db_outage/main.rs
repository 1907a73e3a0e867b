//! Both queues through a database outage. A backend and the `high` queue's consumer run in
//! this process, the export-worker binary in its own; the test database is then cut off
//! for five seconds (`ALLOW_CONNECTIONS false`, every connection terminated). Afterwards
//! live events reach a socket that stayed open and an export finishes, with no worker
//! restarted by hand; a worker that cannot reach the database for longer than its
//! reconnect timeout exits non-zero for its supervisor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    config::Settings,
    context::AppContext,
    platform::jobs::{self, Queue, RunnerOptions},
    test_support::{self, TestDatabase, api_client::table_via_api},
    web,
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

fn start_export_worker(db: &TestDatabase, settings: &Settings, reconnect_seconds: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .env(
            "TESSERA_WORKER_RECONNECT_SECONDS",
            reconnect_seconds.to_string(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("export worker starts")
}

/// Cuts the test database off: no new connections, every open one terminated.
async fn cut_off(admin: &sqlx::PgPool, db: &TestDatabase) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false",
        db.name
    )))
    .execute(admin)
    .await
    .unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
          WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&db.name)
    .execute(admin)
    .await
    .unwrap();
}

async fn reconnect(admin: &sqlx::PgPool, db: &TestDatabase) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true",
        db.name
    )))
    .execute(admin)
    .await
    .unwrap();
}

async fn admin_pool() -> sqlx::PgPool {
    sqlx::PgPool::connect(&format!("{}/postgres", test_support::database_server_url()))
        .await
        .unwrap()
}

struct Stack {
    base: String,
    settings: Settings,
}

/// A backend on a free port; with `high`, also the `high` queue's consumer in-process.
async fn start_stack(db: &TestDatabase, high: bool) -> Stack {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    if high {
        let worker = AppContext::connect(settings.clone(), 4).await.unwrap();
        let options = RunnerOptions::for_queue(Queue::High, &settings);
        tokio::spawn(jobs::run(
            worker,
            Queue::High,
            options,
            std::future::pending(),
        ));
    }
    Stack { base, settings }
}

async fn health(http: &reqwest::Client, base: &str) -> Value {
    match http.get(format!("{base}/api/_health/")).send().await {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

async fn wait_for_consumers(http: &reqwest::Client, base: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let h = health(http, base).await;
        if h["queues"] == json!({"high": "ok", "low": "ok"}) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {h}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Creates a row, retrying while the backend's own pool finds its way back.
async fn create_row(http: &reqwest::Client, base: &str, token: &str, table: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = http
            .post(format!("{base}/api/database/rows/table/{table}/"))
            .header("Authorization", format!("JWT {token}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            let row: Value = r.json().await.unwrap();
            return row["id"].as_i64().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "rows cannot be created: {}",
            r.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Waits for the `rows_created` event of row `id` on the socket.
async fn created_event(socket: &mut Socket, id: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == "rows_created" && m["rows"][0]["id"] == id {
                    return;
                }
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("no rows_created for row {id}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn both_queues_resume_by_themselves_after_the_database_was_cut_off() {
    let db = TestDatabase::create().await.unwrap();
    let admin = admin_pool().await;
    let stack = start_stack(&db, true).await;
    let base = stack.base.clone();
    let http = reqwest::Client::new();
    let mut export_worker = start_export_worker(&db, &stack.settings, 300);
    let (token, table) = table_via_api(&http, &base).await;
    wait_for_consumers(&http, &base, "consumers before the outage").await;

    let (mut socket, _) = connect_async(format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    ))
    .await
    .unwrap();
    socket
        .send(Message::Text(
            json!({"page": "table", "table_id": table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    // Rows are created only once the page is open: an event published before would be
    // missed (this client asks for no replay).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == "page_add" {
                    break;
                }
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("the table page did not open: {other:?}"),
        }
    }
    let before = create_row(&http, &base, &token, table).await;
    created_event(&mut socket, before).await;

    cut_off(&admin, &db).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let during = health(&http, &base).await;
    assert_eq!(during["postgresql"], "unavailable", "{during}");
    reconnect(&admin, &db).await;

    // Live events flow again through the `high` queue, to the socket that stayed open.
    let after = create_row(&http, &base, &token, table).await;
    created_event(&mut socket, after).await;

    // And the `low` queue runs jobs again: an export finishes.
    let export: Value = http
        .post(format!("{base}/api/database/export/table/{table}/"))
        .header("Authorization", format!("JWT {token}"))
        .json(&json!({"exporter_type": "csv"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j: Value = http
            .get(format!("{base}/api/database/export/{}/", export["id"]))
            .header("Authorization", format!("JWT {token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if j["state"] == "finished" {
            break;
        }
        assert_ne!(j["state"], "failed", "{j}");
        assert!(Instant::now() < deadline, "the export never ran: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        export_worker.try_wait().unwrap().is_none(),
        "the export worker kept running"
    );
    wait_for_consumers(&http, &base, "consumers after the outage").await;
    export_worker.kill().unwrap();
    export_worker.wait().unwrap();
}

#[tokio::test]
async fn a_worker_that_cannot_reach_the_database_past_its_timeout_exits_non_zero() {
    let db = TestDatabase::create().await.unwrap();
    let admin = admin_pool().await;
    let stack = start_stack(&db, false).await;
    let mut export_worker = start_export_worker(&db, &stack.settings, 2);
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while health(&http, &stack.base).await["queues"]["low"] != "ok" {
        assert!(
            Instant::now() < deadline,
            "the export worker never consumed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    cut_off(&admin, &db).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = export_worker.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            export_worker.kill().unwrap();
            reconnect(&admin, &db).await;
            panic!("the export worker is still running without its database");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    reconnect(&admin, &db).await;
    assert!(!status.success(), "exited with {status}");
}
