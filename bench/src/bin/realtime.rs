//! `tessera-bench-realtime`: edit-to-screen latency with many subscribers, and the memory
//! an idle WebSocket costs a backend.
//!
//! Runs the release binaries as separate processes on a fresh database: two backends and
//! one worker for the latency run, a third backend for the memory run (its RSS is read
//! from `/proc`). Build them first:
//! `cargo build --release -p tessera-backend -p tessera-worker -p tessera-bench`.

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt, stream};
use reqwest::Method;
use serde_json::{Value, json};
use std::{
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
    server::{Api, expect_ok, id_of},
    stats::{ms, percentile},
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

const USAGE: &str = "\
Usage: tessera-bench-realtime [--subscribers N] [--edits N] [--idle N]

  --subscribers N  sockets on the table, split over two backends (default 1000)
  --edits N        row edits by one editor, one at a time (default 200)
  --idle N         idle sockets for the memory run (default 10000)

Needs PostgreSQL at TEST_DATABASE_SERVER_URL, Redis at TEST_REDIS_URL, the release
binaries tessera-backend and tessera-worker next to this one, and `ulimit -n` above
--idle.";

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

struct Options {
    subscribers: usize,
    edits: usize,
    idle: usize,
}

fn parse() -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        subscribers: 1000,
        edits: 200,
        idle: 10_000,
    };
    let mut flags = Flags::new(std::env::args());
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--subscribers" => options.subscribers = flags.number()?,
            "--edits" => options.edits = flags.number()?,
            "--idle" => options.idle = flags.number()?,
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

/// Starts the release binary `name` on the benchmark's database; a backend serving on
/// `bind`. Tokens outlive the run, and only warnings are logged, so logging costs little.
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
    tessera::platform::outbound::install_crypto_provider();
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = parse()? else {
        println!("{USAGE}");
        return Ok(());
    };
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
    let mut processes = vec![
        spawn("tessera-backend", settings, Some(port_a))?,
        spawn("tessera-backend", settings, Some(port_b))?,
        spawn("tessera-worker", settings, None)?,
    ];
    let (a, b) = (
        format!("http://127.0.0.1:{port_a}"),
        format!("http://127.0.0.1:{port_b}"),
    );
    wait_healthy(&a).await?;
    wait_healthy(&b).await?;

    let mut api = Api::new(&a)?;
    let account = account::create(&mut api).await?;
    let token = account.access_token.clone();
    let table = account.create_table(&api, json!({"name": "T"})).await?;
    let row = id_of(
        &api.call(
            Method::POST,
            &format!("/api/database/rows/table/{table}/"),
            Some(&json!({})),
        )
        .await?,
    )?;

    eprintln!(
        "opening {} subscribed sockets on two backends…",
        options.subscribers
    );
    let load = machine::LoadSampler::start();
    let bases: Vec<String> = (0..options.subscribers)
        .map(|i| if i % 2 == 0 { a.clone() } else { b.clone() })
        .collect();
    let sockets: Vec<(Socket, i64)> = stream::iter(bases)
        .map(|base| subscribe(base, token.clone(), table))
        .buffer_unordered(50)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let start_seq = sockets
        .iter()
        .map(|(_, seq)| *seq)
        .max()
        .unwrap_or_default();

    // Every socket records when each edit's event reached it.
    let arrivals: Arc<Mutex<Vec<(i64, Instant)>>> = Arc::default();
    let mut readers = Vec::new();
    for (mut socket, _) in sockets {
        let arrivals = Arc::clone(&arrivals);
        let last = start_seq + options.edits as i64;
        readers.push(tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(m) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if m["type"] != "rows_updated" {
                    continue;
                }
                let seq = m["seq"].as_i64().unwrap_or_default();
                if let Ok(mut arrivals) = arrivals.lock() {
                    arrivals.push((seq, Instant::now()));
                }
                if seq >= last {
                    break;
                }
            }
        }));
    }

    eprintln!("editing one row {} times…", options.edits);
    let mut sent = Vec::new();
    for i in 0..options.edits {
        let request = api.build(
            Method::PATCH,
            &format!("/api/database/rows/table/{table}/{row}/?user_field_names=true"),
            Some(&json!({"Name": format!("edit {i}")})),
        )?;
        sent.push(Instant::now());
        let (status, body) = api.send(request).await?;
        expect_ok("edit", status, &body)?;
        // About what one person typing produces; the fan-out, not the editor, is measured.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for reader in readers {
        let _ = tokio::time::timeout(Duration::from_secs(60), reader).await;
    }
    let load = load.stop();
    let mut latencies: Vec<Duration> = arrivals
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .iter()
        .filter_map(|(seq, at)| {
            let edit = usize::try_from(seq - start_seq - 1).ok()?;
            Some(at.saturating_duration_since(*sent.get(edit)?))
        })
        .collect();
    latencies.sort();
    let expected = options.subscribers * options.edits;

    eprintln!("opening {} idle sockets on a third backend…", options.idle);
    let port_c = free_port()?;
    processes.push(spawn("tessera-backend", settings, Some(port_c))?);
    let c = format!("http://127.0.0.1:{port_c}");
    wait_healthy(&c).await?;
    let memory = processes.last().context("no process")?;
    // One socket first, so start-up allocations are not counted per socket.
    let warm = subscribe(c.clone(), token.clone(), table).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = memory.status_kib("VmRSS:")?;
    let idle: Vec<(Socket, i64)> = stream::iter((0..options.idle).map(|_| c.clone()))
        .map(|base| subscribe(base, token.clone(), table))
        .buffer_unordered(100)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = memory.status_kib("VmRSS:")?;
    let per_socket = (after.saturating_sub(before)) as f64 * 1024.0 / options.idle as f64;
    drop(idle);
    drop(warm);
    drop(processes);

    println!("\n## Live collaboration\n");
    println!(
        "- {} sockets subscribed to one table, half on each of two `tessera-backend` processes, one `tessera-worker`; one editor PATCHes a row {} times (20 ms apart) through the first backend",
        options.subscribers, options.edits
    );
    println!(
        "- {} of {expected} deliveries arrived; latency from sending the PATCH to the event arriving at a socket",
        latencies.len()
    );
    print!("{}", machine::facts(load));
    println!("\n| measure | value | goal |");
    println!("|---|---|---|");
    println!(
        "| p50 edit → delivery | {} | |",
        ms(percentile(&latencies, 50.0))
    );
    println!(
        "| p95 edit → delivery | {} | ≤ 100 ms |",
        ms(percentile(&latencies, 95.0))
    );
    println!(
        "| p99 edit → delivery | {} | ≤ 250 ms |",
        ms(percentile(&latencies, 99.0))
    );
    println!(
        "| RSS per idle subscribed socket ({} sockets; {} KiB → {} KiB) | {:.1} KB | ≤ 16 KB |",
        options.idle,
        before,
        after,
        per_socket / 1000.0
    );
    Ok(())
}

/// Connects, authenticates and subscribes to the table page; returns the socket and the
/// table's sequence number at subscription.
async fn subscribe(base: String, token: String, table: i64) -> anyhow::Result<(Socket, i64)> {
    let url = format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    );
    let (mut socket, _) = connect_async(url).await?;
    socket
        .send(Message::Text(
            json!({"page": "table", "table_id": table})
                .to_string()
                .into(),
        ))
        .await?;
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message? {
            let m: Value = serde_json::from_str(text.as_str())?;
            if m["type"] == "page_add" {
                return Ok((socket, m["seq"].as_i64().unwrap_or_default()));
            }
        }
    }
    bail!("socket closed before page_add")
}
