//! Realtime through a Redis restart: a backend, the worker binary and a Redis server of
//! this test's own. Redis is killed while edits stream and started again on the same port;
//! the client then has every event, in order, without duplicates.
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

/// A throw-away Redis on `port`, keeping nothing on disk.
fn start_redis(port: u16) -> Child {
    Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts (it is installed with Redis)")
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "redis did not start on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_redis_restart_mid_stream_loses_no_event_and_keeps_the_order() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut redis = start_redis(port);
    wait_for_port(port).await;

    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    settings.redis_url = format!("redis://127.0.0.1:{port}");
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    let mut worker = Command::new(env!("CARGO_BIN_EXE_tessera-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts");

    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;

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
    let start_seq = loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else {
            panic!("socket closed")
        };
        let m: Value = serde_json::from_str(text.as_str()).unwrap();
        if m["type"] == "page_add" {
            break m["seq"].as_i64().unwrap();
        }
    };

    const EDITS: i64 = 300;
    let writer = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..EDITS {
                let row = post(
                    &http,
                    format!("{base}/api/database/rows/table/{table}/"),
                    Some(&token),
                    json!({}),
                )
                .await;
                ids.push(row["id"].as_i64().unwrap());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            ids
        })
    };

    let mut seqs = Vec::new();
    let mut received = Vec::new();
    let mut restarted = false;
    let deadline = Instant::now() + Duration::from_secs(120);
    while (seqs.len() as i64) < EDITS && Instant::now() < deadline {
        if !restarted && seqs.len() >= 50 {
            // Redis goes away mid-stream, then comes back on the same port, empty.
            redis.kill().unwrap();
            redis.wait().unwrap();
            tokio::time::sleep(Duration::from_millis(1500)).await;
            redis = start_redis(port);
            wait_for_port(port).await;
            restarted = true;
        }
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == "rows_created" {
                    seqs.push(m["seq"].as_i64().unwrap());
                    received.push(m["rows"][0]["id"].as_i64().unwrap());
                }
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("socket ended: {other:?}"),
        }
    }
    let created = writer.await.unwrap();
    worker.kill().unwrap();
    worker.wait().unwrap();
    redis.kill().unwrap();
    redis.wait().unwrap();
    assert!(restarted, "Redis was restarted during the stream");
    // Every created row arrives once, in the order it was made; the sequence numbers rise
    // (stepping over the row-history events a table page does not get).
    assert_eq!(received, created, "every event once, in order");
    assert!(seqs[0] > start_seq, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
}
