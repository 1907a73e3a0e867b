//! `tessera-bench-webhooks`: how long a change takes to reach webhook receivers while rows
//! are imported.
//!
//! Starts the real server in this process (with both job queues' runners, as the worker
//! binaries run them), points several webhooks at real HTTP receivers on loopback ports,
//! then imports rows through the batch API as fast as it answers. Every call a receiver
//! gets is matched with the request that committed its rows. Prints a Markdown report;
//! see docs/benchmarks.md.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tessera::test_support::{HttpReceiver, ReceivedRequest};
use tessera_bench::{
    account,
    cli::Flags,
    machine,
    server::{Api, Server},
    stats::{ms, percentile},
};

const USAGE: &str = "\
Usage: tessera-bench-webhooks [--rows N] [--webhooks N] [--batch N]

  --rows N      rows to import (default 10000)
  --webhooks N  webhooks on the table, each with its own receiver (default 10)
  --batch N     rows per batch request, at most 1000 (default 200, Baserow's batch size)

Needs PostgreSQL at TEST_DATABASE_SERVER_URL and Redis at TEST_REDIS_URL.";

struct Options {
    rows: usize,
    webhooks: usize,
    batch: usize,
}

fn parse() -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        rows: 10_000,
        webhooks: 10,
        batch: 200,
    };
    let mut flags = Flags::new(std::env::args());
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--rows" => options.rows = flags.number()?,
            "--webhooks" => options.webhooks = flags.number()?,
            "--batch" => options.batch = flags.number()?,
            "-h" | "--help" => return Ok(None),
            _ => return Err(flags.unknown(USAGE)),
        }
    }
    if options.batch == 0 || options.batch > 1000 || options.rows == 0 {
        bail!("--batch must be 1..=1000 and --rows at least 1");
    }
    Ok(Some(options))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = parse()? else {
        println!("{USAGE}");
        return Ok(());
    };
    Server::run(false, async |server| run(server, &options).await).await
}

/// When a batch request was sent and answered (its transaction committed in between).
struct Batch {
    sent: Instant,
    answered: Instant,
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;
    let table = account
        .create_table(&api, json!({"name": "Import"}))
        .await?;

    let mut receivers = Vec::new();
    for i in 0..options.webhooks {
        let receiver = HttpReceiver::start().await;
        api.call(
            Method::POST,
            &format!("/api/database/webhooks/table/{table}/"),
            Some(&json!({"name": format!("receiver {i}"), "url": receiver.url()})),
        )
        .await?;
        receivers.push(receiver);
    }

    eprintln!(
        "importing {} rows in batches of {} with {} webhooks…",
        options.rows, options.batch, options.webhooks
    );
    let load = machine::LoadSampler::start();
    let started = Instant::now();
    let mut batches = Vec::new();
    let mut next_row = 0;
    while next_row < options.rows {
        let count = options.batch.min(options.rows - next_row);
        let items: Vec<Value> = (next_row..next_row + count)
            .map(|r| json!({"Name": format!("b{} r{r}", batches.len()), "Notes": "imported", "Active": r % 2 == 0}))
            .collect();
        let request = api.build(
            Method::POST,
            &format!("/api/database/rows/table/{table}/batch/?user_field_names=true"),
            Some(&json!({ "items": items })),
        )?;
        let sent = Instant::now();
        let (status, body) = api.send(request).await?;
        let answered = Instant::now();
        tessera_bench::server::expect_ok("batch create", status, &body)?;
        batches.push(Batch { sent, answered });
        next_row += count;
    }
    let import_time = started.elapsed();

    // Each batch of up to 200 rows is one call per webhook (larger batches are split).
    let calls_per_batch = options.batch.div_ceil(200);
    let expected = batches.len() * calls_per_batch;
    for receiver in &receivers {
        receiver.wait_for(expected, Duration::from_secs(600)).await;
    }
    let all_delivered = started.elapsed();
    let load = load.stop();

    let mut from_sent = Vec::new();
    let mut from_answered = Vec::new();
    for receiver in &receivers {
        for request in receiver.requests() {
            let batch = batch_of(&request)?;
            let b = batches.get(batch).context("a call for an unknown batch")?;
            from_sent.push(request.at.saturating_duration_since(b.sent));
            from_answered.push(request.at.saturating_duration_since(b.answered));
        }
    }
    let delivered = from_sent.len();
    from_sent.sort();
    from_answered.sort();

    println!("\n## Webhook delivery during an import\n");
    println!(
        "- {} rows imported with {} batch requests of {} rows (one at a time) in {:.1} s ({:.0} rows/s)",
        options.rows,
        batches.len(),
        options.batch,
        import_time.as_secs_f64(),
        options.rows as f64 / import_time.as_secs_f64()
    );
    println!(
        "- {} webhooks on the table, each to its own HTTP receiver on loopback; {delivered} calls delivered ({expected} per webhook), the last {:.1} s after the import started",
        options.webhooks,
        all_delivered.as_secs_f64()
    );
    print!("{}", machine::facts(load));
    println!("\n| latency to the receiver | p50 | p95 | p99 | max | goal (p95) |");
    println!("|---|---|---|---|---|---|");
    for (label, series) in [
        ("from the commit (batch answered)", &from_answered),
        ("from the request (upper bound)", &from_sent),
    ] {
        println!(
            "| {label} | {} | {} | {} | {} | ≤ 1000 ms |",
            ms(percentile(series, 50.0)),
            ms(percentile(series, 95.0)),
            ms(percentile(series, 99.0)),
            ms(series.last().copied().unwrap_or_default()),
        );
    }
    Ok(())
}

/// The batch a call's rows came from (`b<batch> r<row>` names).
fn batch_of(request: &ReceivedRequest) -> anyhow::Result<usize> {
    let body = request.json();
    let name = body["items"][0]["Name"]
        .as_str()
        .with_context(|| format!("unexpected call body: {}", request.body))?;
    name.strip_prefix('b')
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("unexpected row name {name}"))
}
