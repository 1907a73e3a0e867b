//! Two backends behind nginx, as `deploy/nginx/tessera.conf` deploys them: the file is
//! rendered for two backends on local ports and run by Debian's nginx. Two clients whose
//! sockets nginx gave to different backends see each other's edits; when one backend is
//! killed, its client reconnects through nginx to the other and is replayed everything
//! it missed, in order, with nothing lost.

use crate::backend::{self, Backend};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    context::AppContext,
    platform::jobs::{self, Queue, RunnerOptions},
    test_support::{self, TestDatabase, api_client::table_via_api},
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// An nginx of this test's own (its own prefix, port and pid file), stopped when dropped.
struct Nginx {
    child: Child,
    base: String,
    dir: TempDir,
}

impl Drop for Nginx {
    /// A fast shutdown through the master (`-s stop`), which takes its workers along; a
    /// SIGKILL would leave them running, holding the port.
    fn drop(&mut self) {
        let stopped = Command::new(nginx_binary())
            .arg("-p")
            .arg(&self.dir.0)
            .arg("-c")
            .arg(self.dir.0.join("nginx.conf"))
            .args(["-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nginx_binary() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

/// The deployment's site file for the given backend ports, listening on `port`. Sockets
/// say which backend nginx chose (`X-Tessera-Upstream`), so the test can tell them apart.
fn render_site(ports: &[u16], port: u16) -> String {
    let site = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/nginx/tessera.conf"
    ))
    .expect("deploy/nginx/tessera.conf");
    let servers: String = ports
        .iter()
        .map(|p| format!("    server 127.0.0.1:{p};\n"))
        .collect();
    let rendered = site
        .replace("    server 127.0.0.1:8000;\n", &servers)
        .replace("    listen 80;", &format!("    listen 127.0.0.1:{port};"))
        .replace("    listen [::]:80;\n", "")
        .replace(
            "    location /ws/ {\n",
            "    location /ws/ {\n        add_header X-Tessera-Upstream $upstream_addr always;\n",
        );
    assert!(
        rendered.contains(&servers) && rendered.contains("X-Tessera-Upstream"),
        "the site file no longer has the lines this test renders"
    );
    rendered
}

async fn start_nginx(ports: &[u16]) -> Nginx {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let dir = std::env::temp_dir().join(format!("tessera-nginx-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    // As root, nginx's workers would switch to an unprivileged user that cannot write here.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let conf = format!(
        "{user}worker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 512; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         {site}\n}}\n",
        user = if root { "user root;\n" } else { "" },
        site = render_site(ports, port),
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts (scripts/test.sh installs Debian's nginx)");
    let nginx = Nginx {
        child,
        base: format!("http://127.0.0.1:{port}"),
        dir: TempDir(dir),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "nginx did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    nginx
}

/// A socket through nginx following the table (after `after_seq` when given); returns it,
/// the backend nginx chose and the page's sequence number.
async fn follow(
    base: &str,
    token: &str,
    table: i64,
    after_seq: Option<i64>,
) -> (Socket, String, i64) {
    let url = format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    );
    let (mut socket, response) = connect_async(url).await.expect("socket through nginx");
    let upstream = response
        .headers()
        .get("x-tessera-upstream")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut page = json!({"page": "table", "table_id": table});
    if let Some(after) = after_seq {
        page["after_seq"] = json!(after);
    }
    socket
        .send(Message::Text(page.to_string().into()))
        .await
        .unwrap();
    loop {
        let m = next(&mut socket).await.expect("page_add");
        if m["type"] == "page_add" {
            return (socket, upstream, m["seq"].as_i64().unwrap());
        }
    }
}

async fn next(socket: &mut Socket) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(t.as_str()).ok(),
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) | Err(_) => return None,
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// Creates a row through nginx, trying again while a backend is going away (as a client
/// would); returns its id.
async fn create_row(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    table: i64,
    name: &str,
) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sent = http
            .post(format!(
                "{base}/api/database/rows/table/{table}/?user_field_names=true"
            ))
            .header("Authorization", format!("JWT {token}"))
            .json(&json!({ "Name": name }))
            .send()
            .await;
        if let Ok(r) = sent
            && r.status().is_success()
        {
            return r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "rows cannot be created through nginx"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads `rows_created` events until row `id`'s; returns the sequence numbers seen.
async fn created_until(socket: &mut Socket, id: i64) -> Vec<i64> {
    let mut seqs = Vec::new();
    loop {
        let m = next(socket)
            .await
            .unwrap_or_else(|| panic!("no event for row {id}"));
        if m["type"] == "rows_created" {
            seqs.push(m["seq"].as_i64().unwrap());
            if m["rows"][0]["id"] == id {
                return seqs;
            }
        }
    }
}

#[tokio::test]
async fn two_backends_behind_nginx_share_live_edits_and_a_killed_one_loses_nothing() {
    let db = TestDatabase::create().await.unwrap();
    let settings = test_support::settings(&db.url);
    let mut backends: Vec<Backend> = vec![
        backend::start(&db, &settings, &[]).await,
        backend::start(&db, &settings, &[]).await,
    ];
    let worker = AppContext::connect(settings.clone(), 4).await.unwrap();
    let options = RunnerOptions::for_queue(Queue::High, &settings);
    tokio::spawn(jobs::run(
        worker,
        Queue::High,
        options,
        std::future::pending(),
    ));
    let ports: Vec<u16> = backends.iter().map(|b| b.port).collect();
    let nginx = start_nginx(&ports).await;
    let base = nginx.base.clone();
    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;

    // Two sockets on different backends (nginx takes turns; a few tries at most).
    let (mut ann, ann_upstream, _) = follow(&base, &token, table, None).await;
    let mut bob = None;
    for _ in 0..6 {
        let (socket, upstream, _) = follow(&base, &token, table, None).await;
        if upstream != ann_upstream {
            bob = Some((socket, upstream));
            break;
        }
    }
    let (mut bob, bob_upstream) = bob.expect("nginx gave the second socket to the other backend");
    assert!(!ann_upstream.is_empty() && !bob_upstream.is_empty());

    // An edit reaches both, whichever backend took the request.
    let first = create_row(&http, &base, &token, table, "first").await;
    let ann_seen = created_until(&mut ann, first).await;
    created_until(&mut bob, first).await;
    let mut last_seen = *ann_seen.last().unwrap();

    // Ann's backend dies. Bob keeps writing; Ann reconnects through nginx, to the other
    // backend, asking for what came after the last event she saw.
    let dead = backends
        .iter()
        .position(|b| ann_upstream.ends_with(&format!(":{}", b.port)))
        .expect("Ann's backend is one of ours");
    backends[dead].kill();
    assert!(
        next(&mut ann)
            .await
            .is_none_or(|m| m["type"] != "rows_created")
    );
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(create_row(&http, &base, &token, table, &format!("while down {i}")).await);
    }
    let (mut ann, upstream, _) = follow(&base, &token, table, Some(last_seen)).await;
    assert_eq!(
        upstream, bob_upstream,
        "Ann now reaches the surviving backend"
    );
    let last = create_row(&http, &base, &token, table, "after").await;
    ids.push(last);
    let replayed = created_until(&mut ann, last).await;
    // Every row created after the last event seen, once, in order: nothing lost. (Each
    // creation also logs a `row_history_updated` event for row pages, which a table page
    // does not get, so the sequence numbers step over those.)
    assert_eq!(replayed.len(), ids.len(), "{replayed:?}");
    assert!(replayed[0] > last_seen, "{replayed:?}");
    assert!(replayed.windows(2).all(|w| w[0] < w[1]), "{replayed:?}");
    let bob_seen = created_until(&mut bob, last).await;
    assert_eq!(bob_seen.len(), ids.len(), "Bob saw every edit live");
    last_seen = *replayed.last().unwrap();
    assert_eq!(last_seen, *bob_seen.last().unwrap());
    drop(nginx);
}
