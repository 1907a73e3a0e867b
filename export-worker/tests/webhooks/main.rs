//! Webhook delivery across processes: a backend, the export-worker binary, PostgreSQL and a
//! real HTTP receiver. The worker is killed with SIGKILL mid-delivery and the receiver has
//! an outage; afterwards every event has arrived, in order, with only the call that was in
//! flight at the kill sent twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::{
    collections::HashSet,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    context::AppContext,
    test_support::{
        self, HttpReceiver, Reply, TestDatabase,
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
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .env("TESSERA_ALLOW_PRIVATE_ADDRESSES", "1")
        .env("TESSERA_WEBHOOK_RETRY_BASE_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("export worker starts")
}

/// Row names in the order their first delivery arrived, and how many calls were repeats.
fn delivered(receiver: &HttpReceiver) -> (Vec<String>, usize) {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    let mut repeats = 0;
    for request in receiver.requests() {
        if request.header("x-baserow-event") != Some("rows.created") {
            continue;
        }
        let event = request.header("x-baserow-delivery").unwrap().to_owned();
        if seen.insert(event) {
            names.push(
                request.json()["items"][0]["Name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        } else {
            repeats += 1;
        }
    }
    (names, repeats)
}

#[tokio::test]
async fn a_killed_export_worker_and_a_receiver_outage_lose_no_event_and_keep_the_order() {
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    let receiver = HttpReceiver::start().await;
    // Slow enough answers that a call is in flight when the worker dies.
    receiver.reply(Reply::Delayed(Duration::from_millis(20), 200));
    let mut worker = start_export_worker(&db, &settings);

    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;
    post(
        &http,
        format!("{base}/api/database/webhooks/table/{table}/"),
        Some(&token),
        json!({"name": "h", "url": receiver.url(), "include_all_events": false, "events": ["rows.created"]}),
    )
    .await;

    const ROWS: usize = 300;
    let expected: Vec<String> = (0..ROWS).map(|i| format!("row {i:03}")).collect();
    let writer = {
        let (http, base, token, names) =
            (http.clone(), base.clone(), token.clone(), expected.clone());
        tokio::spawn(async move {
            for name in names {
                post(
                    &http,
                    format!("{base}/api/database/rows/table/{table}/?user_field_names=true"),
                    Some(&token),
                    json!({"Name": name}),
                )
                .await;
            }
        })
    };

    // Kill the worker once deliveries are flowing, then start a new one.
    receiver.wait_for(30, Duration::from_secs(30)).await;
    worker.kill().unwrap();
    worker.wait().unwrap();
    let at_kill = receiver.requests().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut restarted = start_export_worker(&db, &settings);

    // Then the receiver fails for a while: deliveries back off and resume.
    receiver
        .wait_for(at_kill + 60, Duration::from_secs(60))
        .await;
    receiver.reply(Reply::Status(503));
    tokio::time::sleep(Duration::from_secs(2)).await;
    receiver.reply(Reply::Delayed(Duration::from_millis(1), 200));

    writer.await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while delivered(&receiver).0.len() < ROWS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    let (names, repeats) = delivered(&receiver);
    assert_eq!(names, expected, "every row arrived, in order");
    // Repeats: the call in flight at the kill, and the ones answered 503 in the outage.
    assert!(repeats >= 1, "the outage caused retries");
    assert!(
        repeats <= 20,
        "{repeats} repeats: more than the kill and the outage explain"
    );
}
