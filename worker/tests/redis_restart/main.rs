//! Realtime through a Redis restart: a backend, the worker binary and a Redis server of
//! this test's own. Redis is killed while edits stream and started again on the same port;
//! the client then has every event, in order, without duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/table_stream.rs"]
mod table_stream;
#[path = "../common/worker_process.rs"]
mod worker_process;

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use table_stream::{receive_rows, serve_backend, spawn_row_writer, subscribe_to_table};
use tessera::test_support::{self, TestDatabase, api_client::table_via_api};

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
    let mut settings = test_support::settings(&db.url);
    settings.redis_url = format!("redis://127.0.0.1:{port}");
    let (base, settings) = serve_backend(settings).await;
    let mut worker = worker_process::start(&db, &settings, &[]);

    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;
    let (mut socket, start_seq) = subscribe_to_table(&base, &token, table).await;

    const EDITS: usize = 300;
    let writer = spawn_row_writer(&http, &base, &token, table, EDITS, |_| true);

    let mut restarted = false;
    let received = receive_rows(&mut socket, EDITS, async |so_far| {
        if !restarted && so_far >= 50 {
            // Redis goes away mid-stream, then comes back on the same port, empty.
            redis.kill().unwrap();
            redis.wait().unwrap();
            tokio::time::sleep(Duration::from_millis(1500)).await;
            redis = start_redis(port);
            wait_for_port(port).await;
            restarted = true;
        }
    })
    .await;
    if let Some(why) = &received.ended {
        panic!("socket ended: {why}");
    }
    let created = writer.await.unwrap();
    worker.kill().unwrap();
    worker.wait().unwrap();
    redis.kill().unwrap();
    redis.wait().unwrap();
    assert!(restarted, "Redis was restarted during the stream");
    received.assert_in_order(&created, start_seq);
}
