//! Log-ins do not grow the backend's memory: 200 of them, one after another and 16 at a
//! time, right and wrong passwords, leave its resident memory within 50 MB of where it
//! was after the first sign-up. Before password hashing had a fixed pool, each log-in
//! kept about 18 MB.

use crate::backend;
use serde_json::{Value, json};
use tessera::test_support::{self, TestDatabase};

/// Resident memory of a process, in bytes, from `/proc`.
fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc status");
    kb * 1024
}

async fn log_in(http: &reqwest::Client, base: &str, password: &str) -> u16 {
    http.post(format!("{base}/api/user/token-auth/"))
        .json(&json!({"email": "ann@x.io", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn two_hundred_log_ins_sequential_and_parallel_leave_memory_where_it_was() {
    let db = TestDatabase::create().await.unwrap();
    let settings = test_support::settings(&db.url);
    // Wrong passwords are part of the load: the log-in throttles would answer them
    // without hashing.
    let backend = backend::start(
        &db,
        &settings,
        &[
            ("TESSERA_LOGIN_FAILURES_PER_ACCOUNT", "0"),
            ("TESSERA_LOGIN_FAILURES_PER_IP", "0"),
        ],
    )
    .await;
    let pid = backend.child.id();
    let http = reqwest::Client::new();
    let signed_up: Value = http
        .post(format!("{}/api/user/", backend.base))
        .json(&json!({"name": "Ann", "email": "ann@x.io", "password": "password123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed_up["user"]["username"], "ann@x.io", "{signed_up}");
    let start = rss_bytes(pid);

    for i in 0..100 {
        let password = if i % 5 == 4 {
            "wrong-password"
        } else {
            "password123"
        };
        let expected = if i % 5 == 4 { 401 } else { 200 };
        assert_eq!(log_in(&http, &backend.base, password).await, expected);
    }
    let after_sequential = rss_bytes(pid);

    for round in 0..6 {
        let mut batch = Vec::new();
        for i in 0..16 {
            let (http, base) = (http.clone(), backend.base.clone());
            let password = if (round + i) % 4 == 0 {
                "wrong-password"
            } else {
                "password123"
            };
            batch.push(tokio::spawn(
                async move { log_in(&http, &base, password).await },
            ));
        }
        for status in futures::future::join_all(batch).await {
            let status = status.unwrap();
            assert!(status == 200 || status == 401, "{status}");
        }
    }
    let after_parallel = rss_bytes(pid);

    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "backend RSS: {:.1} MB after sign-up, {:.1} MB after 100 sequential log-ins, {:.1} MB after 96 parallel",
        mb(start),
        mb(after_sequential),
        mb(after_parallel)
    );
    let limit = start + 50 * 1024 * 1024;
    assert!(
        after_sequential <= limit && after_parallel <= limit,
        "memory grew: {:.1} → {:.1} → {:.1} MB",
        mb(start),
        mb(after_sequential),
        mb(after_parallel)
    );
}
