//! Realtime across processes: a backend, the worker binary, PostgreSQL and Redis. The
//! worker is killed with SIGKILL while edits stream; after a restart no event is lost
//! and the order holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::{SinkExt, StreamExt};
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
use tokio_tungstenite::{connect_async, tungstenite::Message};

fn start_worker(db: &TestDatabase, settings: &tessera::config::Settings) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts")
}

#[tokio::test]
async fn killing_the_worker_mid_stream_loses_no_event_and_keeps_the_order() {
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    let mut worker = start_worker(&db, &settings);

    let http = reqwest::Client::new();
    let (token, t) = table_via_api(&http, &base).await;

    let (mut socket, _) = connect_async(format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    ))
    .await
    .unwrap();
    socket
        .send(Message::Text(
            json!({"page": "table", "table_id": t}).to_string().into(),
        ))
        .await
        .unwrap();
    let start_seq = loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else {
            panic!("socket closed")
        };
        let m: Value = serde_json::from_str(text.as_str()).unwrap();
        if m["type"] == "page_add" {
            break m["seq"].as_i64().unwrap();
        }
    };

    const EDITS: i64 = 1000;
    let writer = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..EDITS {
                let row = post(
                    &http,
                    format!("{base}/api/database/rows/table/{t}/"),
                    Some(&token),
                    json!({}),
                )
                .await;
                ids.push(row["id"].as_i64().unwrap());
                if i == EDITS / 3 {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            ids
        })
    };
    // Kill the worker while the edits stream, then start a new one.
    tokio::time::sleep(Duration::from_millis(800)).await;
    worker.kill().unwrap();
    worker.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut restarted = start_worker(&db, &settings);

    let mut seqs = Vec::new();
    let mut received = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while (seqs.len() as i64) < EDITS && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == "rows_created" {
                    seqs.push(m["seq"].as_i64().unwrap());
                    received.push(m["rows"][0]["id"].as_i64().unwrap());
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => break,
        }
    }
    let created = writer.await.unwrap();
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    // Every created row arrives once, in the order it was made. (Each creation also logs a
    // `row_history_updated` event for row pages, which a table page does not get, so the
    // sequence numbers rise but step over those.)
    assert_eq!(
        received, created,
        "every edit arrived exactly once, in order"
    );
    assert!(seqs[0] > start_seq, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
}
