//! `tessera-bench-table-page`: opening a 1,000,000-row table in the browser.
//!
//! Starts the real server in this process on a fresh database, creates a table through the
//! API (text primary, long text, number), fills it with `--rows` rows (default 1,000,000)
//! by `INSERT … SELECT FROM generate_series`, then measures
//!
//! 1. the server time of the table page `/database/{db}/table/{table}/{view}` (HTML with the
//!    first 80 rows and the bootstrap data), signed in with the session cookie;
//! 2. the time until the first rows are visible in Chromium: `frontend/tests/browser/bench/first-rows.mjs`
//!    loads the page in fresh browser contexts and reports first contentful paint (the rows
//!    are in the HTML, so the first paint shows them) and the wall time until a row is
//!    visible. Skipped with a note when Node or `/usr/bin/chromium` is missing (run
//!    `scripts/browser-test.sh` once to install them).

use anyhow::Context;
use serde_json::Value;
use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};
use tessera_bench::{
    account,
    big_table::BigTable,
    cli::Options,
    machine,
    server::{Api, SETTLE_TIMEOUT, Server},
    stats::{Series, short_ms},
};

/// Goals: the page's server time (p95) and the first rows visible in Chromium (p95).
const SERVER_GOAL_MS: f64 = 50.0;
const BROWSER_GOAL_MS: f64 = 500.0;
/// Page loads measured in Chromium.
const BROWSER_RUNS: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = Options::parse(std::env::args())? else {
        return Ok(());
    };
    Server::run(options.keep, async |server| run(server, &options).await).await
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;
    let big = BigTable::build(&api, &account, &server.db.url, options.rows).await?;
    let (database_id, table_id, view) = (account.database_id, big.table_id, big.grid_view);
    let refresh = account.refresh_token;

    let page_path = format!("/database/{database_id}/table/{table_id}/{view}");
    let cookie = format!("tessera_session={refresh}");
    let client = reqwest::Client::new();
    let fetch = async |client: &reqwest::Client| -> anyhow::Result<(Duration, usize)> {
        let at = Instant::now();
        let response = client
            .get(format!("{}{page_path}", server.url))
            .header("Cookie", &cookie)
            .send()
            .await?;
        let status = response.status();
        let body = response.text().await?;
        let took = at.elapsed();
        anyhow::ensure!(status == 200, "{page_path} answered {status}");
        Ok((took, body.matches("<tr data-row-id=").count()))
    };
    let (_, rows_in_html) = fetch(&client).await?;
    anyhow::ensure!(
        rows_in_html == 80,
        "the page holds {rows_in_html} rows, not 80"
    );
    server.settle(SETTLE_TIMEOUT).await?;

    let load = machine::LoadSampler::start();
    for _ in 0..options.warmup {
        fetch(&client).await?;
    }
    let page = Series::measure(options.requests, options.budget, async |_| {
        Ok(fetch(&client).await?.0)
    })
    .await?;
    let browser = chromium(&server.url, &page_path, &refresh);
    let facts = machine::facts(load.stop());

    println!("\n## The table page of a {}-row table\n", options.rows);
    println!(
        "- table: `{}` with 3 fields (text primary, long text, number); filled in {:.0} s",
        big.name,
        big.fill_time.as_secs_f64()
    );
    println!(
        "- server: `GET {page_path}` with the session cookie, {} measured after {} warm-up, one at a time; the HTML holds the first 80 rows and the bootstrap data",
        page.samples.len(),
        options.warmup
    );
    print!("{facts}");
    println!("\n| measure | p50 / p95 / p99 ms | goal |");
    println!("|---|---|---|");
    let p95 = page.percentile_ms(95.0);
    println!(
        "| server time of the table page | {} | ≤ {SERVER_GOAL_MS} ms: {} ({}) |",
        page.triple(),
        if p95 <= SERVER_GOAL_MS {
            "met"
        } else {
            "missed"
        },
        short_ms(p95)
    );
    match browser {
        Ok(result) => {
            for (label, key) in [
                ("Chromium: first contentful paint (first rows drawn)", "fcp"),
                (
                    "Chromium: navigation until a row is visible (wall clock)",
                    "visible",
                ),
            ] {
                let series = Series {
                    samples: result[key]
                        .as_array()
                        .map(|v| {
                            v.iter()
                                .filter_map(Value::as_f64)
                                .map(|ms| Duration::from_secs_f64(ms / 1000.0))
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                let p95 = series.percentile_ms(95.0);
                println!(
                    "| {label}, {} loads | {} | ≤ {BROWSER_GOAL_MS} ms: {} ({}) |",
                    series.samples.len(),
                    series.triple(),
                    if p95 <= BROWSER_GOAL_MS {
                        "met"
                    } else {
                        "missed"
                    },
                    short_ms(p95)
                );
            }
        }
        Err(e) => println!("\nChromium was not measured: {e:#}"),
    }
    Ok(())
}

/// Runs the Chromium measurement script; its last output line is JSON
/// `{"fcp": [ms…], "visible": [ms…]}`.
fn chromium(url: &str, path: &str, refresh: &str) -> anyhow::Result<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/tests/browser");
    anyhow::ensure!(
        dir.join("node_modules/playwright-core").exists()
            && Path::new("/usr/bin/chromium").exists(),
        "playwright-core or /usr/bin/chromium is missing (scripts/browser-test.sh installs them)"
    );
    let output = Command::new("node")
        .arg("bench/first-rows.mjs")
        .current_dir(&dir)
        .env("TESSERA_TEST_URL", url)
        .env("TABLE_PATH", path)
        .env("SESSION_TOKEN", refresh)
        .env("RUNS", BROWSER_RUNS.to_string())
        .output()
        .context("running node")?;
    anyhow::ensure!(
        output.status.success(),
        "the script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).with_context(|| format!("unreadable output: {stdout}"))
}
