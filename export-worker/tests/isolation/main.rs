//! Queue isolation across processes: a backend, the `tessera-worker` and
//! `tessera-export-worker` binaries, PostgreSQL, Redis and an SMTP server. While the export
//! worker writes a CSV export of more than 1 GB, a row edit still reaches another user's
//! socket and an invitation email still reaches the SMTP server as fast as before: the
//! `high` queue never waits behind the export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    config::Settings,
    test_support::{
        self, MailServer, TestDatabase,
        api_client::{post, table_via_api},
    },
    web,
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Rows of about 11 KB each: the export file passes 1 GiB. Fewer, wider rows than a
/// typical table keep the test's debug build within a couple of minutes: its cost is
/// mostly per row, while the work that could hold up other queues is per byte written.
const ROWS: i64 = 100_000;
/// Copies of a 32-character hash in each row's body.
const BODY_REPEATS: i64 = 340;
/// Longest a realtime event or an email may take, during the export as before it.
const BOUND: Duration = Duration::from_secs(2);

/// The `tessera-worker` binary. A test only gets the paths of its own package's binaries,
/// so it is taken from beside the export worker's, where a workspace build puts it, and
/// built there first when it is missing.
fn worker_binary() -> PathBuf {
    let export_worker = Path::new(env!("CARGO_BIN_EXE_tessera-export-worker"));
    let profile_dir = export_worker.parent().unwrap();
    let worker = profile_dir.join(format!("tessera-worker{}", std::env::consts::EXE_SUFFIX));
    if !worker.exists() {
        let release = profile_dir.file_name().is_some_and(|n| n == "release");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "tessera-worker", "--bin", "tessera-worker"])
            .args(release.then_some("--release"))
            .env("CARGO_TARGET_DIR", profile_dir.parent().unwrap())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "tessera-worker builds");
    }
    worker
}

fn start(binary: &Path, db: &TestDatabase, settings: &Settings, smtp_url: &str) -> Child {
    Command::new(binary)
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_SMTP_URL", smtp_url)
        .env("TESSERA_PUBLIC_URL", &settings.public_url)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts")
}

/// Kills the child processes when the test ends, passed or not.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn get(http: &reqwest::Client, url: String, token: &str) -> Value {
    http.get(url)
        .header("Authorization", format!("JWT {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn subscribe(base: &str, token: &str, table: i64) -> Socket {
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
    next_of(&mut socket, "page_add", Duration::from_secs(10)).await;
    socket
}

/// The next message of a type on the socket, skipping others.
async fn next_of(socket: &mut Socket, kind: &str, timeout: Duration) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == kind {
                    return m;
                }
            }
            Ok(Some(Ok(_))) => {}
            other => panic!("no {kind} within {timeout:?}: {other:?}"),
        }
    }
}

/// Everything a measurement needs.
struct Fixture {
    http: reqwest::Client,
    base: String,
    ann: String,
    workspace: i64,
    table: i64,
    name_field: i64,
    bob_socket: Socket,
    mail: MailServer,
    invitations: usize,
}

impl Fixture {
    /// From Ann's `PATCH` of a row to Bob's socket getting `rows_updated`.
    async fn edit_to_event(&mut self, value: &str) -> Duration {
        let started = Instant::now();
        let r = self
            .http
            .patch(format!(
                "{}/api/database/rows/table/{}/1/",
                self.base, self.table
            ))
            .header("Authorization", format!("JWT {}", self.ann))
            .json(&json!({ format!("field_{}", self.name_field): value }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let event = next_of(
            &mut self.bob_socket,
            "rows_updated",
            Duration::from_secs(30),
        )
        .await;
        let elapsed = started.elapsed();
        assert_eq!(
            event["rows"][0][format!("field_{}", self.name_field)],
            value,
            "{event}"
        );
        elapsed
    }

    /// From Ann's invitation request to the email arriving at the SMTP server.
    async fn invitation_to_email(&mut self) -> Duration {
        self.invitations += 1;
        let to = format!("guest{}@x.io", self.invitations);
        let started = Instant::now();
        post(
            &self.http,
            format!(
                "{}/api/workspaces/invitations/workspace/{}/",
                self.base, self.workspace
            ),
            Some(&self.ann),
            json!({"email": to, "permissions": "MEMBER", "message": "",
                   "base_url": format!("{}/workspace-invitation", self.base)}),
        )
        .await;
        self.mail
            .wait_for(&to, Duration::from_secs(30))
            .await
            .expect("the invitation email arrives");
        started.elapsed()
    }

    /// The slowest of a few edits and a few emails.
    async fn measure(&mut self, label: &str) -> (Duration, Duration) {
        let mut event = Duration::ZERO;
        let mut email = Duration::ZERO;
        for i in 0..3 {
            event = event.max(self.edit_to_event(&format!("{label} {i}")).await);
            email = email.max(self.invitation_to_email().await);
        }
        (event, email)
    }
}

#[tokio::test]
async fn a_gigabyte_export_does_not_delay_realtime_events_or_emails() {
    let test_started = Instant::now();
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = tessera::context::AppContext::connect(settings.clone(), 10)
        .await
        .unwrap();
    tokio::spawn(web::serve(ctx.clone(), listener, std::future::pending()));
    let mail = MailServer::start().unwrap();
    let mut processes = Processes(vec![start(&worker_binary(), &db, &settings, &mail.url)]);
    processes.0.push(start(
        Path::new(env!("CARGO_BIN_EXE_tessera-export-worker")),
        &db,
        &settings,
        &mail.url,
    ));

    let http = reqwest::Client::new();
    let (ann, table) = table_via_api(&http, &base).await;
    let workspace: i64 = sqlx::query_scalar(
        "SELECT a.workspace_id FROM database_tables t JOIN applications a ON a.id = t.database_id WHERE t.id = $1",
    )
    .bind(table)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let field_id = |name: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM database_fields WHERE table_id = $1 AND name = $2",
            )
            .bind(table)
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let name_field = field_id("Name").await;
    let body = post(
        &http,
        format!("{base}/api/database/fields/table/{table}/"),
        Some(&ann),
        json!({"name": "Body", "type": "long_text"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();

    // Bob joins Ann's workspace and watches the table.
    let bob = post(
        &http,
        format!("{base}/api/user/"),
        None,
        json!({"name": "Bob", "email": "bob@x.io", "password": "password123", "authenticate": true}),
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let invitation = post(
        &http,
        format!("{base}/api/workspaces/invitations/workspace/{workspace}/"),
        Some(&ann),
        json!({"email": "bob@x.io", "permissions": "MEMBER", "message": "",
               "base_url": format!("{base}/workspace-invitation")}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    post(
        &http,
        format!("{base}/api/workspaces/invitations/{invitation}/accept/"),
        Some(&bob),
        json!({}),
    )
    .await;
    let bob_socket = subscribe(&base, &bob, table).await;

    // More than 1 GB of rows, written straight into the table (PostgreSQL compresses the
    // repetitive bodies on disk; the export writes them out in full). The body's trigram
    // index (for search) is dropped first: filling it would take minutes, and no export
    // reads it.
    let fill_started = Instant::now();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP INDEX database_table_{table}_field_{body}_trgm"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_table_{table} (\"order\", field_{name_field}, field_{body}) \
         SELECT i + 2, 'row ' || i, repeat(md5(i::text), $2::int) FROM generate_series(1, $1) i"
    )))
    .bind(ROWS)
    .bind(BODY_REPEATS)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE database_tables SET row_count = row_count + $2 WHERE id = $1")
        .bind(table)
        .bind(ROWS)
        .execute(&db.pool)
        .await
        .unwrap();
    let fill = fill_started.elapsed();

    let mut fx = Fixture {
        http: http.clone(),
        base: base.clone(),
        ann: ann.clone(),
        workspace,
        table,
        name_field,
        bob_socket,
        mail,
        invitations: 0,
    };
    // Warm up (first connections, first statements), then the figures without an export.
    fx.measure("warm-up").await;
    let (event_before, email_before) = fx.measure("before").await;
    eprintln!(
        "fill {ROWS} rows: {fill:.1?}; before the export: edit → event {event_before:.0?}, \
         invitation → email {email_before:.0?}"
    );

    let export_started = Instant::now();
    let job = post(
        &http,
        format!("{base}/api/database/export/table/{table}/"),
        Some(&ann),
        json!({"exporter_type": "csv"}),
    )
    .await;
    let job_url = format!("{base}/api/database/export/{}/", job["id"]);
    // The export is verifiably under way: started, with progress.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j = get(&http, job_url.clone(), &ann).await;
        assert!(j["state"] != "finished", "finished too soon: {j}");
        if j["state"] == "exporting" && j["progress_percentage"].as_i64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the export does not start: {j}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (event_during, email_during) = fx.measure("during").await;
    eprintln!(
        "during the export: edit → event {event_during:.0?}, invitation → email \
         {email_during:.0?} ({:.1?} after it started)",
        export_started.elapsed()
    );
    let still = get(&http, job_url.clone(), &ann).await;
    assert_eq!(
        still["state"], "exporting",
        "the export was still running while measuring: {still}"
    );
    let progress_after_measuring = still["progress_percentage"].clone();

    let deadline = Instant::now() + Duration::from_secs(300);
    let done = loop {
        let j = get(&http, job_url.clone(), &ann).await;
        if j["state"] == "finished" || j["state"] == "failed" {
            break j;
        }
        assert!(Instant::now() < deadline, "the export did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let export = export_started.elapsed();
    assert_eq!(done["state"], "finished", "{done}");
    let file = settings
        .media_dir
        .join("export_files")
        .join(done["exported_file_name"].as_str().unwrap());
    let size = std::fs::metadata(&file).unwrap().len();
    let _ = std::fs::remove_dir_all(&settings.media_dir);
    drop(processes);

    println!(
        "fill {ROWS} rows: {fill:.1?}; export: {export:.1?}, {size} bytes; \
         edit → event: {event_before:.0?} before, {event_during:.0?} during (export at \
         {progress_after_measuring}% after); invitation → email: {email_before:.0?} before, \
         {email_during:.0?} during; whole test {:.1?}",
        test_started.elapsed()
    );
    assert!(size >= 1 << 30, "the file holds at least 1 GiB: {size}");
    for (what, before, during) in [
        ("edit → event", event_before, event_during),
        ("invitation → email", email_before, email_during),
    ] {
        assert!(before < BOUND, "{what} before the export: {before:?}");
        assert!(during < BOUND, "{what} during the export: {during:?}");
        // Queued behind the export would mean waiting for all of it; what is left is
        // sharing two cores with it.
        assert!(
            during < before * 10 + Duration::from_millis(500),
            "{what}: {before:?} before the export, {during:?} during it"
        );
    }
}
