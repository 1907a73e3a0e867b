//! Log-ins do not grow the backend's memory: 200 of them, one after another and 16 at a
//! time, right and wrong passwords, leave its resident memory within 50 MB of where it
//! was after the first sign-up. Before password hashing had a fixed pool, each log-in
//! kept about 18 MB.

use serde_json::{Value, json};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::test_support::{self, TestDatabase};

/// The backend binary on a free port; killed when dropped.
struct Backend {
    child: Child,
    base: String,
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_backend(db: &TestDatabase) -> Backend {
    tessera::platform::outbound::install_crypto_provider();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let settings = test_support::settings(&db.url);
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_tessera-backend"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
        .env("TESSERA_PUBLIC_URL", &base)
        .env("RUST_LOG", "warn")
        // Wrong passwords are part of the load: the per-account throttle would answer them
        // without hashing.
        .env("TESSERA_LOGIN_FAILURES_PER_ACCOUNT", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("backend starts");
    let backend = Backend { child, base };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let up = http
            .get(format!("{}/api/_health/", backend.base))
            .send()
            .await
            .is_ok_and(|r| r.status().as_u16() < 500);
        if up {
            return backend;
        }
        assert!(Instant::now() < deadline, "the backend did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

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
    let backend = start_backend(&db).await;
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
