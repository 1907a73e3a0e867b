//! The browser client library (`frontend/static/js/realtime.js`), run in Node against the
//! real server through a TCP proxy that the test cuts: it reconnects with back-off and is
//! replayed exactly the events it missed.

use crate::helpers::{TableFixture, TestApp};
use serde_json::{Value, json};
use std::{
    process::Stdio,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::{TcpListener, TcpStream},
    process::{Child, ChildStdout, Command},
    task::JoinHandle,
};

/// Forwards connections to the server; `cut` drops them all, `pause` refuses new ones.
struct Proxy {
    port: u16,
    refusing: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let refusing = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (r, c) = (refusing.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if r.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection fail
                }
                let target = target.clone();
                c.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                }));
            }
        });
        Self {
            port,
            refusing,
            connections,
        }
    }

    fn cut_and_refuse(&self) {
        self.refusing.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn accept_again(&self) {
        self.refusing.store(false, Ordering::SeqCst);
    }
}

struct Driver {
    child: Child,
    lines: tokio::io::Lines<BufReader<ChildStdout>>,
}

impl Driver {
    async fn start(url: &str, token: &str, table: i64) -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../frontend/tests/realtime_driver.mjs"
        );
        let mut child = Command::new("node")
            .arg("--experimental-websocket")
            .arg(script)
            .args([url, token, &table.to_string()])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (scripts/test.sh installs Debian's nodejs)");
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines }
    }

    /// Lines until one satisfies `done`; all of them are returned.
    async fn until(&mut self, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
                .await
                .unwrap_or_else(|_| panic!("the client said nothing more; so far: {seen:?}"))
                .unwrap()
                .unwrap_or_else(|| panic!("the client exited; it said: {seen:?}"));
            let value: Value = serde_json::from_str(&line).unwrap();
            let stop = done(&value);
            seen.push(value);
            if stop {
                return seen;
            }
        }
    }
}

async fn create_row(app: &TestApp, fx: &TableFixture) {
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

fn row_seqs(lines: &[Value]) -> Vec<i64> {
    lines
        .iter()
        .filter(|l| l["event"] == "rows_created")
        .map(|l| l["seq"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_client_library_reconnects_and_is_replayed_what_it_missed() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let proxy = Proxy::start(app.url.trim_start_matches("http://").to_owned()).await;
    let url = format!("ws://127.0.0.1:{}/ws/core/", proxy.port);
    let mut driver = Driver::start(&url, &fx.user.access, fx.table).await;
    driver.until(|l| l["status"] == "open").await;
    // Let the subscription land before the first change.
    tokio::time::sleep(Duration::from_millis(300)).await;

    for _ in 0..3 {
        create_row(&app, &fx).await;
    }
    let mut lines = Vec::new();
    while row_seqs(&lines).len() < 3 {
        lines.extend(driver.until(|l| l["event"] == "rows_created").await);
    }

    // The connection drops and the server is unreachable for a while; changes go on.
    proxy.cut_and_refuse();
    lines.extend(driver.until(|l| l["status"] == "reconnecting").await);
    for _ in 0..3 {
        create_row(&app, &fx).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.accept_again();
    lines.extend(driver.until(|l| l["status"] == "open").await);
    while row_seqs(&lines).len() < 6 {
        lines.extend(driver.until(|l| l["event"] == "rows_created").await);
    }
    let _ = driver.child.kill().await;

    // Each creation is followed in the log by its row history, so compare with the log.
    let seqs = row_seqs(&lines);
    let logged: Vec<i64> = app
        .events(fx.table)
        .await
        .iter()
        .filter(|e| e.1 == "rows_created")
        .map(|e| e.0)
        .collect();
    assert_eq!(logged.len(), 6);
    assert_eq!(seqs, logged, "all six, in order, once: {lines:?}");
    let reconnects = lines
        .iter()
        .filter(|l| l["status"] == "reconnecting")
        .count();
    assert!(
        reconnects >= 2,
        "it retried while the server was unreachable: {lines:?}"
    );
}
