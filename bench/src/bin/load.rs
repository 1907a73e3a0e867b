//! `tessera-bench-load`: an error budget under load. Mixed reads and writes from many
//! clients at once, for a fixed time, through nginx in front of two backends — the
//! deployment of `deploy/nginx/tessera.conf` — with both workers running; reports
//! throughput, latency percentiles, the error count (the budget is zero) and each
//! backend's resident memory at the end.
//!
//! Runs the release binaries as separate processes on a fresh database and Debian's nginx
//! with the site file rendered for the two backends. Build them first:
//! `cargo build --release -p tessera-backend -p tessera-worker -p tessera-export-worker -p tessera-bench`.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tessera::{
    config::Settings,
    test_support::{self, TestDatabase},
};
use tessera_bench::{
    account,
    cli::Flags,
    machine,
    process::Process,
    server::Api,
    stats::{ms, percentile},
};

const USAGE: &str = "\
Usage: tessera-bench-load [--clients N] [--seconds S] [--rows N]

  --clients N  clients sending requests at once, each on its own connection (default 50)
  --seconds S  how long they send (default 60)
  --rows N     rows in the table before the run (default 1000)

Each client, in turn: lists a page of 100 rows (4 in 10 requests), reads one row (2 in
10), searches (1 in 10), creates a row (2 in 10) or updates one (1 in 10), through nginx.
Needs PostgreSQL at TEST_DATABASE_SERVER_URL, Redis at TEST_REDIS_URL, Debian's nginx,
and the release binaries tessera-backend, tessera-worker and tessera-export-worker next
to this one.";

struct Options {
    clients: usize,
    seconds: u64,
    rows: usize,
}

fn parse() -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        clients: 50,
        seconds: 60,
        rows: 1000,
    };
    let mut flags = Flags::new(std::env::args());
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--clients" => options.clients = flags.number::<usize>()?.max(1),
            "--seconds" => options.seconds = flags.number::<u64>()?.max(1),
            "--rows" => options.rows = flags.number()?,
            "-h" | "--help" => return Ok(None),
            _ => return Err(flags.unknown(USAGE)),
        }
    }
    Ok(Some(options))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// An nginx of the benchmark's own (prefix, port and pid file in a temporary directory),
/// stopped through its master when dropped, which takes the workers along.
struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new(nginx_binary())
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(self.dir.join("nginx.conf"))
            .args(["-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nginx_binary() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

/// `deploy/nginx/tessera.conf` with its upstream replaced by the two backends and its
/// listener by a local port; the rest (timeouts, WebSocket upgrade, body size) as deployed.
fn render_site(ports: &[u16], port: u16) -> anyhow::Result<String> {
    let site = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/nginx/tessera.conf"
    ))
    .context("reading deploy/nginx/tessera.conf")?;
    let servers: String = ports
        .iter()
        .map(|p| format!("    server 127.0.0.1:{p};\n"))
        .collect();
    let rendered = site
        .replace("    server 127.0.0.1:8000;\n", &servers)
        .replace("    listen 80;", &format!("    listen 127.0.0.1:{port};"))
        .replace("    listen [::]:80;\n", "");
    if !rendered.contains(&servers) || !rendered.contains(&format!("127.0.0.1:{port};")) {
        bail!("deploy/nginx/tessera.conf no longer has the lines this benchmark renders");
    }
    Ok(rendered)
}

async fn start_nginx(ports: &[u16]) -> anyhow::Result<(Nginx, String)> {
    let port = free_port()?;
    let dir = std::env::temp_dir().join(format!("tessera-load-nginx-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let d = dir.display().to_string();
    // As root, nginx's workers would switch to an unprivileged user that cannot write here.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let conf = format!(
        "{user}worker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         {site}\n}}\n",
        user = if root { "user root;\n" } else { "" },
        site = render_site(ports, port)?,
    );
    std::fs::write(dir.join("nginx.conf"), conf)?;
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting nginx (apt-get install nginx)")?;
    let error_log = dir.join("error.log");
    let nginx = Nginx { child, dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            bail!("nginx did not start; see {}", error_log.display());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((nginx, format!("http://127.0.0.1:{port}")))
}

/// Starts the release binary `name` on the benchmark's database; a backend serving on
/// `bind`. Tokens outlive the run and only warnings are logged.
fn spawn(name: &str, settings: &Settings, bind: Option<u16>) -> anyhow::Result<Process> {
    let bind = bind.map(|port| format!("127.0.0.1:{port}"));
    let mut env = vec![
        ("TESSERA_ACCESS_TOKEN_LIFETIME_MINUTES", "1440"),
        ("RUST_LOG", "warn"),
    ];
    if let Some(bind) = &bind {
        env.push(("TESSERA_BIND", bind));
    }
    Process::spawn(name, settings, &env)
}

async fn wait_healthy(base: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().no_proxy().build()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/api/_health/")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{base} did not become healthy");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The kinds of request in the mix, in the order a client cycles through them.
const MIX: [&str; 10] = [
    "list", "get", "create", "list", "search", "update", "list", "get", "create", "list",
];

/// What every client measured: latencies per kind, and failures by kind and status.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, usize>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = parse()? else {
        println!("{USAGE}");
        return Ok(());
    };
    tessera::platform::outbound::install_crypto_provider();
    let db = TestDatabase::create()
        .await
        .context("creating the database")?;
    let settings = test_support::settings(&db.url);
    let outcome = run(&settings, &options).await;
    db.pool.close().await;
    drop(db);
    outcome
}

async fn run(settings: &Settings, options: &Options) -> anyhow::Result<()> {
    let (port_a, port_b) = (free_port()?, free_port()?);
    // The first backend migrates the fresh database before the second one starts.
    let backend_a = spawn("tessera-backend", settings, Some(port_a))?;
    wait_healthy(&format!("http://127.0.0.1:{port_a}")).await?;
    let backend_b = spawn("tessera-backend", settings, Some(port_b))?;
    wait_healthy(&format!("http://127.0.0.1:{port_b}")).await?;
    let _workers = [
        spawn("tessera-worker", settings, None)?,
        spawn("tessera-export-worker", settings, None)?,
    ];
    let (nginx, base) = start_nginx(&[port_a, port_b]).await?;

    let mut api = Api::new(&base)?;
    let account = account::create(&mut api).await?;
    let token = account.access_token.clone();
    let table = account.create_table(&api, json!({"name": "Load"})).await?;
    let mut filled = 0;
    while filled < options.rows {
        let n = (options.rows - filled).min(200);
        let items: Vec<Value> = (0..n)
            .map(|i| json!({"Name": format!("row {}", filled + i)}))
            .collect();
        api.call(
            Method::POST,
            &format!("/api/database/rows/table/{table}/batch/?user_field_names=true"),
            Some(&json!({ "items": items })),
        )
        .await?;
        filled += n;
    }
    let listed = api
        .call(
            Method::GET,
            &format!("/api/database/rows/table/{table}/?size=200"),
            None,
        )
        .await?;
    let row_ids: Vec<i64> = listed["results"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default();
    if row_ids.is_empty() {
        bail!("the table has no rows to read");
    }
    let rss_before = [
        backend_a.status_kib("VmRSS:")?,
        backend_b.status_kib("VmRSS:")?,
    ];

    eprintln!(
        "{} clients, mixed reads and writes through nginx for {} s…",
        options.clients, options.seconds
    );
    let load = machine::LoadSampler::start();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    let mut clients = Vec::new();
    for c in 0..options.clients {
        let (base, token, row_ids, tally) = (
            base.clone(),
            token.clone(),
            row_ids.clone(),
            Arc::clone(&tally),
        );
        clients.push(tokio::spawn(async move {
            client(c, &base, &token, table, &row_ids, until, &tally).await
        }));
    }
    for client in clients {
        client.await??;
    }
    let elapsed = started.elapsed();
    let load = load.stop();
    let rss_after = [
        backend_a.status_kib("VmRSS:")?,
        backend_b.status_kib("VmRSS:")?,
    ];
    drop(nginx);

    let tally = std::mem::take(&mut *tally.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    let mut all: Vec<Duration> = tally.latencies.values().flatten().copied().collect();
    all.sort();
    let errors: usize = tally.errors.values().sum();
    let total = all.len() + errors;

    println!("\n## Under load: 50 clients through nginx\n");
    println!(
        "- {} clients, each on its own connection, for {} s through nginx (`deploy/nginx/tessera.conf`) to two `tessera-backend`s, with `tessera-worker` and `tessera-export-worker`; a table of {} rows",
        options.clients, options.seconds, options.rows
    );
    print!("{}", machine::facts(load));
    println!("\n| measure | value | goal |");
    println!("|---|---|---|");
    println!(
        "| requests | {total} ({:.0} per second) | |",
        total as f64 / elapsed.as_secs_f64()
    );
    println!("| errors | {errors} {:?} | 0 |", tally.errors);
    for (p, label) in [(50.0, "p50"), (95.0, "p95"), (99.0, "p99")] {
        println!(
            "| {label} latency, all requests | {} | |",
            ms(percentile(&all, p))
        );
    }
    for (kind, samples) in &tally.latencies {
        let mut samples = samples.clone();
        samples.sort();
        println!(
            "| {kind}: {} requests, p50 / p95 / p99 | {} / {} / {} | |",
            samples.len(),
            ms(percentile(&samples, 50.0)),
            ms(percentile(&samples, 95.0)),
            ms(percentile(&samples, 99.0))
        );
    }
    for (i, name) in ["A", "B"].iter().enumerate() {
        println!(
            "| backend {name} RSS before → after | {:.1} MB → {:.1} MB | |",
            rss_before[i] as f64 / 1024.0,
            rss_after[i] as f64 / 1024.0
        );
    }
    if errors > 0 {
        bail!("{errors} requests failed: {:?}", tally.errors);
    }
    Ok(())
}

/// One client: its own connection, cycling through the mix until `until`.
async fn client(
    c: usize,
    base: &str,
    token: &str,
    table: i64,
    row_ids: &[i64],
    until: Instant,
    tally: &Mutex<Tally>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()?;
    let rows = format!("{base}/api/database/rows/table/{table}/");
    let mut created: Vec<i64> = Vec::new();
    let mut i = c;
    while Instant::now() < until {
        let kind = MIX[i % MIX.len()];
        let row = row_ids[(i * 7 + c) % row_ids.len()];
        let request = match kind {
            "list" => http.get(format!("{rows}?size=100&page={}", 1 + i % 5)),
            "get" => http.get(format!("{rows}{row}/")),
            "search" => http.get(format!("{rows}?size=100&search=row%20{}", i % 100)),
            "create" => http
                .post(format!("{rows}?user_field_names=true"))
                .json(&json!({"Name": format!("client {c} row {i}")})),
            _ => {
                let target = created.last().copied().unwrap_or(row);
                http.patch(format!("{rows}{target}/?user_field_names=true"))
                    .json(&json!({"Name": format!("client {c} edit {i}")}))
            }
        }
        .header("Authorization", format!("JWT {token}"));
        let sent = Instant::now();
        let outcome = match request.send().await {
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Ok(body) if status.is_success() => {
                        if kind == "create"
                            && let Ok(v) = serde_json::from_slice::<Value>(&body)
                            && let Some(id) = v["id"].as_i64()
                        {
                            created.push(id);
                        }
                        Ok(())
                    }
                    Ok(_) => Err(format!("{kind} {}", status.as_u16())),
                    Err(_) => Err(format!("{kind} body")),
                }
            }
            Err(e) if e.is_timeout() => Err(format!("{kind} timeout")),
            Err(_) => Err(format!("{kind} no answer")),
        };
        let took = sent.elapsed();
        let mut tally = tally.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        match outcome {
            Ok(()) => tally.latencies.entry(kind).or_default().push(took),
            Err(e) => *tally.errors.entry(e).or_default() += 1,
        }
        i += 1;
    }
    Ok(())
}
