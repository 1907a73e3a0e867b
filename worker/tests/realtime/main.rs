//! Realtime across processes: a backend, the worker binary, PostgreSQL and Redis. The
//! worker is killed with SIGKILL while edits stream; after a restart no event is lost
//! and the order holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/table_stream.rs"]
mod table_stream;
#[path = "../common/worker_process.rs"]
mod worker_process;

use std::time::Duration;
use table_stream::{receive_rows, serve_backend, spawn_row_writer, subscribe_to_table};
use tessera::test_support::{self, TestDatabase, api_client::table_via_api};

#[tokio::test]
async fn killing_the_worker_mid_stream_loses_no_event_and_keeps_the_order() {
    let db = TestDatabase::create().await.unwrap();
    let (base, settings) = serve_backend(test_support::settings(&db.url)).await;
    let mut worker = worker_process::start(&db, &settings, &[]);

    let http = reqwest::Client::new();
    let (token, t) = table_via_api(&http, &base).await;
    let (mut socket, start_seq) = subscribe_to_table(&base, &token, t).await;

    const EDITS: usize = 1000;
    let writer = spawn_row_writer(&http, &base, &token, t, EDITS, |i| i == EDITS / 3);
    // Kill the worker while the edits stream, then start a new one.
    tokio::time::sleep(Duration::from_millis(800)).await;
    worker.kill().unwrap();
    worker.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut restarted = worker_process::start(&db, &settings, &[]);

    // A socket that stops early leaves rows missing, which the order check reports.
    let received = receive_rows(&mut socket, EDITS, async |_| {}).await;
    let created = writer.await.unwrap();
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    received.assert_in_order(&created, start_seq);
}
