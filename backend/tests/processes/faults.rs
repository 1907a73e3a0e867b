//! Faults in turn, counted. A whole installation of the test's own — a PostgreSQL server
//! (initdb into a temporary directory, on a free port), a Redis server, two backends, the
//! worker and the export worker — takes row writes through both backends without pause
//! while the test, in turn, SIGKILLs a backend, the worker and the export worker, and
//! restarts Redis and PostgreSQL. Clients retry on errors, as a client would. Afterwards:
//! every acknowledged write is found (and nothing else), the socket following the table
//! (reconnecting with `after_seq` when its backend went away) saw every event of the
//! table's log once, in order, with no gap, the webhook received every event at least once
//! and in order, and the export jobs queued during the faults finished.
//!
//! The worker binaries are the ones built next to the backend's (`cargo test --workspace`
//! builds them; alone: `cargo build -p tessera-worker -p tessera-export-worker` first).

use crate::backend::{self, Backend, free_port};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};
use tessera::{
    config::Settings,
    db,
    test_support::{self, HttpReceiver, PostgresServer, TempDir, api_client::table_via_api},
};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// Whole-test bound: the suite must stay well inside `scripts/test.sh`'s patience.
const TOTAL: Duration = Duration::from_secs(240);
/// How long each killed process stays down before it is started again.
const OUTAGE: Duration = Duration::from_secs(2);
/// Bound on each catch-up after a fault (events, webhook calls).
const CATCH_UP: Duration = Duration::from_secs(60);

/// A log file in `dir`, appended to by every process of that name.
fn log_file(dir: &Path, name: &str) -> Stdio {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(name))
        .unwrap();
    Stdio::from(file)
}

/// A throw-away Redis server, keeping nothing on disk.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    async fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (scripts/test.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "Redis did not start on {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, port }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A worker binary built next to the backend's.
fn worker_binary(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_tessera-backend")).with_file_name(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p tessera-worker -p tessera-export-worker` \
         (cargo test --workspace builds it)",
        path.display()
    );
    path
}

/// Everything but PostgreSQL and Redis, with what a supervisor (systemd, Docker) would
/// do: a process that exits by itself is started again, and counted.
struct Installation {
    logs: PathBuf,
    database_url: String,
    settings: Settings,
    backends: Vec<Option<Backend>>,
    ports: Vec<u16>,
    worker: Option<Child>,
    export_worker: Option<Child>,
    /// Processes that exited without being killed by the test, and were started again.
    unplanned_exits: Vec<String>,
}

static EMPTY: Vec<String> = Vec::new();

const ENV: &[(&str, &str)] = &[
    ("TESSERA_ALLOW_PRIVATE_ADDRESSES", "1"),
    ("TESSERA_JOB_HEARTBEAT_SECONDS", "1"),
    ("TESSERA_WEBHOOK_RETRY_BASE_SECONDS", "1"),
];

impl Installation {
    fn start_worker(&self, name: &str) -> Child {
        let mut command = Command::new(worker_binary(name));
        command
            .env("DATABASE_URL", &self.database_url)
            .env("REDIS_URL", &self.settings.redis_url)
            .env("TESSERA_SECRET_KEY", &self.settings.secret_key)
            .env("TESSERA_REDIS_PREFIX", &self.settings.redis_prefix)
            .env("TESSERA_MEDIA_DIR", &self.settings.media_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log_file(&self.logs, &format!("{name}.log")));
        for (key, value) in ENV {
            command.env(key, value);
        }
        command.spawn().expect("worker starts")
    }

    async fn start_backend(&mut self, i: usize) {
        let backend = backend::start_on(
            &self.database_url,
            &self.settings,
            ENV,
            Some(self.ports[i]),
            Some(&self.logs),
        )
        .await;
        self.backends[i] = Some(backend);
    }

    fn base(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", self.ports[i])
    }

    /// Starts again whatever exited by itself since the last look.
    async fn supervise(&mut self) {
        for (slot, name) in [
            (&mut self.worker, "tessera-worker"),
            (&mut self.export_worker, "tessera-export-worker"),
        ] {
            if let Some(child) = slot
                && let Ok(Some(status)) = child.try_wait()
            {
                self.unplanned_exits.push(format!("{name}: {status}"));
                *slot = None;
            }
        }
        if self.worker.is_none() {
            self.worker = Some(self.start_worker("tessera-worker"));
        }
        if self.export_worker.is_none() {
            self.export_worker = Some(self.start_worker("tessera-export-worker"));
        }
        for i in 0..self.backends.len() {
            if let Some(backend) = &mut self.backends[i]
                && let Ok(Some(status)) = backend.child.try_wait()
            {
                self.unplanned_exits.push(format!("backend {i}: {status}"));
                self.backends[i] = None;
                self.start_backend(i).await;
            }
        }
    }

    /// Waits `time`, looking after the processes meanwhile.
    async fn hold(&mut self, time: Duration) {
        let until = Instant::now() + time;
        while Instant::now() < until {
            self.supervise().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn kill_worker(slot: &mut Option<Child>) {
        if let Some(mut child) = slot.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Installation {
    fn drop(&mut self) {
        Self::kill_worker(&mut self.worker);
        Self::kill_worker(&mut self.export_worker);
    }
}

/// What the writers got: acknowledged writes and the errors they retried through.
#[derive(Default)]
struct Writes {
    /// Row name → the id the acknowledgement gave it.
    acknowledged: BTreeMap<String, i64>,
    /// Names a writer gave up on (never acknowledged within its patience).
    abandoned: Vec<String>,
    /// Failed attempts, by status (`error` for no answer at all).
    errors: BTreeMap<String, usize>,
    /// The failed attempts of each name, in turn.
    failures: BTreeMap<String, Vec<String>>,
}

/// Creates rows `<prefix>-00001`, … through `base` until `stop`, each until it is
/// acknowledged (the same name again after an error), then the next.
async fn write_rows(
    http: reqwest::Client,
    base: String,
    token: String,
    table: i64,
    prefix: &'static str,
    stop: Arc<AtomicBool>,
    writes: Arc<Mutex<Writes>>,
) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let name = format!("{prefix}-{i:05}");
        let patience = Instant::now() + Duration::from_secs(90);
        loop {
            let sent = http
                .post(format!(
                    "{base}/api/database/rows/table/{table}/?user_field_names=true"
                ))
                .header("Authorization", format!("JWT {token}"))
                .json(&json!({ "Name": name }))
                .send()
                .await;
            let failure = match sent {
                Ok(r) if r.status().is_success() => match r.json::<Value>().await {
                    Ok(row) if row["id"].is_i64() => {
                        let id = row["id"].as_i64().unwrap_or_default();
                        writes.lock().unwrap().acknowledged.insert(name.clone(), id);
                        break;
                    }
                    _ => "unreadable answer".to_owned(),
                },
                Ok(r) => r.status().as_u16().to_string(),
                Err(_) => "error".to_owned(),
            };
            {
                let mut writes = writes.lock().unwrap();
                *writes.errors.entry(failure.clone()).or_default() += 1;
                writes
                    .failures
                    .entry(name.clone())
                    .or_default()
                    .push(failure);
            }
            if Instant::now() > patience {
                writes.lock().unwrap().abandoned.push(name.clone());
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// What the socket following the table saw.
#[derive(Default)]
struct Feed {
    /// The table's sequence number when the socket first subscribed.
    start: Option<i64>,
    /// The last sequence number received.
    last: i64,
    /// Events kept (a repeat of an already seen `seq` is dropped, as clients do):
    /// `(seq, type, id of the first row)`.
    events: Vec<(i64, String, Option<i64>)>,
    duplicates: usize,
    /// `(expected seq, received seq)` for every event that skipped ahead.
    gaps: Vec<(i64, i64)>,
    reconnects: usize,
}

/// Follows the table over a socket on the first backend, moving to the other one (with
/// `after_seq`, the protocol's replay) whenever the socket ends, until `stop`.
async fn follow_table(
    bases: Vec<String>,
    token: String,
    table: i64,
    stop: Arc<AtomicBool>,
    feed: Arc<Mutex<Feed>>,
) {
    let mut turn = 0;
    while !stop.load(Ordering::Relaxed) {
        let base = &bases[turn % bases.len()];
        turn += 1;
        let url = format!(
            "{}/ws/core/?jwt_token={token}",
            base.replacen("http", "ws", 1)
        );
        let Ok(Ok((mut socket, _))) =
            tokio::time::timeout(Duration::from_secs(5), connect_async(url)).await
        else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let mut page = json!({"page": "table", "table_id": table});
        let resumed = {
            let feed = feed.lock().unwrap();
            feed.start.map(|_| feed.last)
        };
        if let Some(after) = resumed {
            page["after_seq"] = json!(after);
            feed.lock().unwrap().reconnects += 1;
        }
        if socket
            .send(Message::Text(page.to_string().into()))
            .await
            .is_err()
        {
            continue;
        }
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let text = match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
                Err(_) => continue,
                Ok(Some(Ok(Message::Text(text)))) => text,
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => break,
            };
            let Ok(m) = serde_json::from_str::<Value>(text.as_str()) else {
                continue;
            };
            let mut feed = feed.lock().unwrap();
            if m["type"] == "page_add" {
                if feed.start.is_none() {
                    let seq = m["seq"].as_i64().unwrap_or_default();
                    feed.start = Some(seq);
                    feed.last = seq;
                }
                continue;
            }
            let (Some(seq), true) = (m["seq"].as_i64(), m["table_id"] == table) else {
                continue;
            };
            if seq <= feed.last {
                feed.duplicates += 1;
                continue;
            }
            if seq != feed.last + 1 {
                let expected = feed.last + 1;
                feed.gaps.push((expected, seq));
            }
            feed.last = seq;
            let kind = m["type"].as_str().unwrap_or_default().to_owned();
            feed.events.push((seq, kind, m["rows"][0]["id"].as_i64()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Webhook calls for row creations: the created rows' ids in the order their first call
/// arrived, and how many calls were repeats of one already received.
fn webhook_rows(receiver: &HttpReceiver) -> (Vec<i64>, usize) {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    let mut repeats = 0;
    for request in receiver.requests() {
        if request.header("x-baserow-event") != Some("rows.created") {
            continue;
        }
        let delivery = request
            .header("x-baserow-delivery")
            .unwrap_or_default()
            .to_owned();
        if seen.insert(delivery) {
            rows.push(request.json()["items"][0]["id"].as_i64().unwrap_or(-1));
        } else {
            repeats += 1;
        }
    }
    (rows, repeats)
}

/// The table's event log after `after`: `(seq, type, id of the first row, sent to webhooks)`.
/// Retries while the database is coming back.
async fn event_log(
    pool: &sqlx::PgPool,
    table: i64,
    after: i64,
) -> Vec<(i64, String, Option<i64>, bool)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows: Result<Vec<(i64, String, Value, bool)>, _> = sqlx::query_as(
            "SELECT seq, event_type, payload, send_webhooks FROM database_table_events \
              WHERE table_id = $1 AND seq > $2 ORDER BY seq",
        )
        .bind(table)
        .bind(after)
        .fetch_all(pool)
        .await;
        match rows {
            Ok(rows) => {
                return rows
                    .into_iter()
                    .map(|(seq, kind, payload, hooks)| {
                        (seq, kind, payload["rows"][0]["id"].as_i64(), hooks)
                    })
                    .collect();
            }
            Err(e) => {
                assert!(
                    Instant::now() < deadline,
                    "the event log cannot be read: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// Every row of the table through the API: name → ids (more than one when a retried
/// write had committed after all).
async fn rows_found(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    table: i64,
) -> HashMap<String, Vec<i64>> {
    let mut found: HashMap<String, Vec<i64>> = HashMap::new();
    let mut page = 1;
    loop {
        let listing: Value = http
            .get(format!(
                "{base}/api/database/rows/table/{table}/?user_field_names=true&size=200&page={page}"
            ))
            .header("Authorization", format!("JWT {token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let results = listing["results"].as_array().cloned().unwrap_or_default();
        for row in &results {
            let name = row["Name"].as_str().unwrap_or_default().to_owned();
            found
                .entry(name)
                .or_default()
                .push(row["id"].as_i64().unwrap());
        }
        if listing["next"].is_null() || results.is_empty() {
            return found;
        }
        page += 1;
    }
}

/// Queues a CSV export of the table through `base`, retrying while the installation
/// cannot take it; returns the job's id.
async fn queue_export(http: &reqwest::Client, base: &str, token: &str, table: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sent = http
            .post(format!("{base}/api/database/export/table/{table}/"))
            .header("Authorization", format!("JWT {token}"))
            .json(&json!({"exporter_type": "csv"}))
            .send()
            .await;
        if let Ok(r) = sent
            && r.status().is_success()
            && let Ok(job) = r.json::<Value>().await
            && let Some(id) = job["id"].as_i64()
        {
            return id;
        }
        assert!(Instant::now() < deadline, "no export could be queued");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn export_state(http: &reqwest::Client, base: &str, token: &str, id: i64) -> String {
    let got = http
        .get(format!("{base}/api/database/export/{id}/"))
        .header("Authorization", format!("JWT {token}"))
        .send()
        .await;
    match got {
        Ok(r) => r.json::<Value>().await.unwrap_or(Value::Null)["state"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned(),
        Err(_) => "unknown".to_owned(),
    }
}

/// The test's view of the run: what each fault cost and how long recovery took.
struct Phase {
    fault: &'static str,
    client_errors: usize,
    /// Through backend A and backend B, from the fault to the end of its phase.
    acknowledged: [usize; 2],
    events_caught_up: Duration,
    webhooks_caught_up: Duration,
}

fn errors_so_far(writes: &Mutex<Writes>) -> usize {
    writes.lock().unwrap().errors.values().sum()
}

/// Acknowledged writes so far through backend A and through backend B.
fn acknowledged_so_far(writes: &Mutex<Writes>) -> [usize; 2] {
    let writes = writes.lock().unwrap();
    let through_a = writes
        .acknowledged
        .keys()
        .filter(|name| name.starts_with("a-"))
        .count();
    [through_a, writes.acknowledged.len() - through_a]
}

/// Waits until the socket and the webhook have everything the event log holds now;
/// returns how long each took (or the bound, when they did not).
async fn catch_up(
    install: &mut Installation,
    pool: &sqlx::PgPool,
    table: i64,
    feed: &Mutex<Feed>,
    receiver: &HttpReceiver,
) -> (Duration, Duration) {
    let began = Instant::now();
    let log = event_log(pool, table, 0).await;
    let target_seq = log.last().map(|e| e.0).unwrap_or_default();
    let target_calls: HashSet<i64> = log
        .iter()
        .filter(|e| e.1 == "rows_created" && e.3)
        .filter_map(|e| e.2)
        .collect();
    let (mut events, mut calls) = (None, None);
    while began.elapsed() < CATCH_UP && (events.is_none() || calls.is_none()) {
        if events.is_none() && feed.lock().unwrap().last >= target_seq {
            events = Some(began.elapsed());
        }
        if calls.is_none() {
            let (rows, _) = webhook_rows(receiver);
            let rows: HashSet<i64> = rows.into_iter().collect();
            if target_calls.is_subset(&rows) {
                calls = Some(began.elapsed());
            }
        }
        install.hold(Duration::from_millis(100)).await;
    }
    (events.unwrap_or(CATCH_UP), calls.unwrap_or(CATCH_UP))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_turn_killed_backends_workers_redis_and_postgresql_lose_nothing() {
    let began = Instant::now();
    tessera::platform::outbound::install_crypto_provider();
    let dir = TempDir::new("tessera-faults").unwrap().kept_on_failure();
    // Immediate shutdown (SIGQUIT to the postmaster) for the restart: every connection
    // dropped, as a crash looks to its clients. Durability against an OS crash is not what
    // this test is about.
    let pg_settings = ["max_connections=200", "fsync=off", "full_page_writes=off"];
    let mut postgres =
        PostgresServer::init(&dir.path().join("pg"), dir.path(), &pg_settings, "QUIT")
            .await
            .expect("PostgreSQL starts");
    let database_url = postgres.url("tessera");
    db::ensure_database(&database_url).await.unwrap();
    let pool = db::connect(&database_url, 2).await.unwrap();
    db::migrate(&pool).await.unwrap();
    let redis_port = free_port();
    let mut redis = Redis::start(redis_port).await;
    let mut settings = test_support::settings(&database_url);
    settings.redis_url = format!("redis://127.0.0.1:{}", redis.port);
    settings.media_dir = dir.path().join("media");

    let mut install = Installation {
        logs: dir.path().to_owned(),
        database_url,
        settings,
        backends: vec![None, None],
        ports: vec![free_port(), free_port()],
        worker: None,
        export_worker: None,
        unplanned_exits: Vec::new(),
    };
    install.start_backend(0).await;
    install.start_backend(1).await;
    install.supervise().await;
    let (a, b) = (install.base(0), install.base(1));

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let (token, table) = table_via_api(&http, &a).await;
    let receiver = HttpReceiver::start().await;
    test_support::api_client::post(
        &http,
        format!("{a}/api/database/webhooks/table/{table}/"),
        Some(&token),
        json!({"name": "faults", "url": receiver.url(), "include_all_events": false,
               "events": ["rows.created"]}),
    )
    .await;

    // Both queues have a live consumer before anything is written.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health: Value = match http.get(format!("{a}/api/_health/")).send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        if health["queues"] == json!({"high": "ok", "low": "ok"}) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "consumers never came up: {health}"
        );
        install.hold(Duration::from_millis(200)).await;
    }

    // The socket follows the table on backend A (moving to B, with a replay, when A dies).
    let stop_feed = Arc::new(AtomicBool::new(false));
    let feed = Arc::new(Mutex::new(Feed::default()));
    let follower = tokio::spawn(follow_table(
        vec![a.clone(), b.clone()],
        token.clone(),
        table,
        stop_feed.clone(),
        feed.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while feed.lock().unwrap().start.is_none() {
        assert!(Instant::now() < deadline, "the socket never subscribed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The new table's own rows are not the writers'.
    let initial = rows_found(&http, &a, &token, table).await;

    // Writers, one per backend, without pause until told to stop.
    let stop_writes = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Mutex::new(Writes::default()));
    let writers: Vec<_> = [(a.clone(), "a"), (b.clone(), "b")]
        .into_iter()
        .map(|(base, prefix)| {
            tokio::spawn(write_rows(
                http.clone(),
                base,
                token.clone(),
                table,
                prefix,
                stop_writes.clone(),
                writes.clone(),
            ))
        })
        .collect();
    install.hold(Duration::from_secs(3)).await;

    let mut phases = Vec::new();
    let mut exports = Vec::new();
    let faults = [
        "SIGKILL backend A (the socket's)",
        "SIGKILL tessera-worker",
        "SIGKILL tessera-export-worker",
        "restart Redis",
        "restart PostgreSQL (immediate shutdown)",
    ];
    for (n, fault) in faults.into_iter().enumerate() {
        let (errors_before, acks_before) = (errors_so_far(&writes), acknowledged_so_far(&writes));
        match n {
            0 => {
                install.backends[0] = None;
                tokio::time::sleep(OUTAGE).await;
                install.start_backend(0).await;
            }
            1 => {
                Installation::kill_worker(&mut install.worker);
                tokio::time::sleep(OUTAGE).await;
            }
            2 => {
                Installation::kill_worker(&mut install.export_worker);
                // A job queued while nothing consumes its queue.
                exports.push(("queued while the export worker was dead", {
                    queue_export(&http, &b, &token, table).await
                }));
                tokio::time::sleep(OUTAGE).await;
            }
            3 => {
                redis.kill();
                tokio::time::sleep(OUTAGE).await;
                redis = Redis::start(redis_port).await;
            }
            _ => {
                postgres.stop();
                tokio::time::sleep(OUTAGE).await;
                postgres.start().await.expect("PostgreSQL starts again");
                exports.push((
                    "queued as PostgreSQL came back",
                    queue_export(&http, &a, &token, table).await,
                ));
            }
        }
        // Killed workers come back as their supervisor would start them.
        install.supervise().await;
        let (events_caught_up, webhooks_caught_up) =
            catch_up(&mut install, &pool, table, &feed, &receiver).await;
        install.hold(Duration::from_secs(2)).await;
        phases.push(Phase {
            fault,
            client_errors: errors_so_far(&writes) - errors_before,
            acknowledged: {
                let now = acknowledged_so_far(&writes);
                [now[0] - acks_before[0], now[1] - acks_before[1]]
            },
            events_caught_up,
            webhooks_caught_up,
        });
        assert!(began.elapsed() < TOTAL, "over time after: {fault}");
    }

    stop_writes.store(true, Ordering::Relaxed);
    for writer in writers {
        tokio::time::timeout(Duration::from_secs(100), writer)
            .await
            .expect("writers finish their last write")
            .unwrap();
    }
    let (final_events, final_webhooks) =
        catch_up(&mut install, &pool, table, &feed, &receiver).await;

    // Jobs queued during the faults finish.
    let mut export_states = Vec::new();
    for (when, id) in &exports {
        let deadline = Instant::now() + Duration::from_secs(60);
        let state = loop {
            let state = export_state(&http, &a, &token, *id).await;
            if state == "finished" || state == "failed" || Instant::now() > deadline {
                break state;
            }
            install.hold(Duration::from_millis(200)).await;
        };
        export_states.push((*when, state));
    }

    stop_feed.store(true, Ordering::Relaxed);
    let _ = tokio::time::timeout(Duration::from_secs(5), follower).await;

    // The count.
    let writes = std::mem::take(&mut *writes.lock().unwrap());
    let mut found = rows_found(&http, &a, &token, table).await;
    for (name, ids) in &initial {
        if let Some(now) = found.get_mut(name) {
            now.retain(|id| !ids.contains(id));
            if now.is_empty() {
                found.remove(name);
            }
        }
    }
    // Retried writes that had committed after all, with the failures their client saw.
    let repeated: BTreeMap<&String, &Vec<String>> = found
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(name, _)| {
            let seen = writes.failures.get(name);
            (name, seen.unwrap_or(&EMPTY))
        })
        .collect();
    let rows_in_table: usize = found.values().map(Vec::len).sum();
    let names_found: HashSet<&String> = found.keys().collect();
    let names_acknowledged: HashSet<&String> = writes.acknowledged.keys().collect();
    let lost: Vec<&&String> = names_acknowledged.difference(&names_found).collect();
    let unexpected: Vec<&&String> = names_found.difference(&names_acknowledged).collect();
    let wrong_id: Vec<&String> = writes
        .acknowledged
        .iter()
        .filter(|(name, id)| found.get(*name).is_some_and(|ids| !ids.contains(id)))
        .map(|(name, _)| name)
        .collect();
    let feed = std::mem::take(&mut *feed.lock().unwrap());
    let start = feed.start.unwrap_or_default();
    let log = event_log(&pool, table, start).await;
    let log_events: Vec<(i64, String, Option<i64>)> = log
        .iter()
        .map(|(seq, kind, row, _)| (*seq, kind.clone(), *row))
        .collect();
    let created_in_log: HashSet<i64> = log
        .iter()
        .filter(|e| e.1 == "rows_created")
        .filter_map(|e| e.2)
        .collect();
    let ids_in_table: HashSet<i64> = found.values().flatten().copied().collect();
    let expected_calls: Vec<i64> = log
        .iter()
        .filter(|e| e.1 == "rows_created" && e.3)
        .filter_map(|e| e.2)
        .collect();
    let (calls, repeated_calls) = webhook_rows(&receiver);

    println!(
        "fault injection, counted ({:.0} s):",
        began.elapsed().as_secs_f64()
    );
    for p in &phases {
        println!(
            "  {:<42} {:>3} + {:>3} writes acknowledged (A + B), {:>3} client errors retried, events caught up in {:.1} s, webhook calls in {:.1} s",
            p.fault,
            p.acknowledged[0],
            p.acknowledged[1],
            p.client_errors,
            p.events_caught_up.as_secs_f64(),
            p.webhooks_caught_up.as_secs_f64()
        );
    }
    println!(
        "  after the last write: events caught up in {:.1} s, webhook calls in {:.1} s",
        final_events.as_secs_f64(),
        final_webhooks.as_secs_f64()
    );
    println!(
        "  writes: {} acknowledged, {} found ({} rows; {} duplicates of retried writes that had committed), {} lost, {} unacknowledged, {} abandoned; client errors {:?}",
        writes.acknowledged.len(),
        names_found.len(),
        rows_in_table,
        rows_in_table - names_found.len(),
        lost.len(),
        unexpected.len(),
        writes.abandoned.len(),
        writes.errors
    );
    println!(
        "  socket: {} events after seq {start} (log has {}), {} gaps, {} duplicates dropped, {} reconnects with after_seq",
        feed.events.len(),
        log_events.len(),
        feed.gaps.len(),
        feed.duplicates,
        feed.reconnects
    );
    println!(
        "  webhook: {} events received (log has {}), {} repeated calls",
        calls.len(),
        expected_calls.len(),
        repeated_calls
    );
    println!(
        "  retried writes found twice (first attempt committed, its answer lost): {repeated:?}"
    );
    println!("  jobs: {export_states:?}");
    println!(
        "  processes that exited by themselves: {:?}",
        install.unplanned_exits
    );

    // An outage is answered 503 (or not at all, by a dead process), never 500.
    assert!(
        !writes.errors.contains_key("500"),
        "500s during the faults: {:?}",
        writes.errors
    );
    assert!(
        writes.abandoned.is_empty(),
        "writes never acknowledged: {:?}",
        writes.abandoned
    );
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(
        unexpected.is_empty(),
        "rows nobody acknowledged: {unexpected:?}"
    );
    assert!(
        wrong_id.is_empty(),
        "acknowledged ids not found: {wrong_id:?}"
    );
    assert_eq!(writes.acknowledged.len(), names_found.len());
    assert_eq!(
        created_in_log, ids_in_table,
        "one rows_created event per row"
    );
    assert!(feed.gaps.is_empty(), "gaps on the socket: {:?}", feed.gaps);
    assert_eq!(feed.events, log_events, "the socket saw the log, in order");
    assert_eq!(calls, expected_calls, "every webhook call, in order");
    for (when, state) in &export_states {
        assert_eq!(state, "finished", "export {when}");
    }
    // Clients recovered by themselves: after every fault, writes went through both backends.
    for p in &phases {
        assert!(
            p.acknowledged[0] > 0 && p.acknowledged[1] > 0,
            "no writes through both backends after: {}",
            p.fault
        );
    }
    assert!(
        began.elapsed() < TOTAL,
        "the fault test took {:?}",
        began.elapsed()
    );
    drop(install);
    drop(redis);
    drop(postgres);
    drop(dir);
}
