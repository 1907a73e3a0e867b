//! `tessera-bench-first-page`: the first page of a very large table, as a user opening it
//! sees it.
//!
//! Starts the real server in this process on a fresh database, creates a table through the
//! API (a text primary field, a long text and a number), fills it with `--rows` rows
//! (default 10,000,000) by `INSERT … SELECT FROM generate_series` in the database, then
//! times the two requests that open a table — the rows endpoint's first page of 100 and
//! the grid view's first 80 rows with its field options — beside the bare query. The first
//! page reads the `("order", id)` index and the live row counter, so it should not grow
//! with the table; this measures that it does not.

use reqwest::Method;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::time::{Duration, Instant};
use tessera_bench::{
    account,
    big_table::BigTable,
    cli::Options,
    machine,
    server::{Api, SETTLE_TIMEOUT, Server, expect_ok},
    stats::{Series, ratio, short_ms},
};

/// The goal for the first page's p95.
const GOAL_MS: f64 = 100.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let defaults = Options {
        rows: 10_000_000,
        ..Options::default()
    };
    let Some(options) = Options::parse_with(std::env::args(), defaults)? else {
        return Ok(());
    };
    Server::run(options.keep, async |server| run(server, &options).await).await
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;
    let big = BigTable::build(&api, &account, &server.db.url, options.rows).await?;
    let (table_id, grid, table) = (big.table_id, big.grid_view, &big.name);
    let mut sql = PgConnection::connect(&server.db.url).await?;

    let rows_page = format!("/api/database/rows/table/{table_id}/?size=100");
    let grid_page =
        format!("/api/database/views/grid/{grid}/?limit=80&offset=0&include=field_options");
    for path in [&rows_page, &grid_page] {
        let body = api.call(Method::GET, path, None).await?;
        let results = body["results"].as_array().map_or(0, Vec::len);
        anyhow::ensure!(results > 0, "{path} returned no rows: {body}");
    }
    server.settle(SETTLE_TIMEOUT).await?;

    let load = machine::LoadSampler::start();
    let mut lines = Vec::new();
    for (label, path) in [
        ("rows endpoint, `size=100`", &rows_page),
        (
            "grid view, `limit=80&offset=0&include=field_options`",
            &grid_page,
        ),
    ] {
        for _ in 0..options.warmup {
            api.call(Method::GET, path, None).await?;
        }
        let series = Series::measure(options.requests, options.budget, async |_| {
            let req = api.build(Method::GET, path, None)?;
            let at = Instant::now();
            let (status, body) = api.send(req).await?;
            let took = at.elapsed();
            expect_ok(path, status, &body)?;
            Ok(took)
        })
        .await?;
        lines.push((label, series));
    }
    let bare = Series::measure(options.requests, options.budget, async |_| {
        let at = Instant::now();
        let rows: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id FROM (SELECT * FROM {table} WHERE NOT trashed ORDER BY \"order\", id LIMIT 100) p"
        )))
        .fetch_all(&mut sql)
        .await?;
        anyhow::ensure!(rows.len() == 100, "the bare page has {} rows", rows.len());
        Ok::<Duration, anyhow::Error>(at.elapsed())
    })
    .await?;
    let facts = machine::facts(load.stop());

    println!("\n## First page of a {}-row table\n", options.rows);
    println!(
        "- table: `{table}` with 3 fields (text primary, long text, number), {} with indexes; filled in {:.0} s",
        big.size,
        big.fill_time.as_secs_f64()
    );
    println!(
        "- requests: {} measured per series after {} warm-up, one at a time, keep-alive",
        options.requests, options.warmup
    );
    print!("{facts}");
    println!(
        "\n| request | API p50 / p95 / p99 ms | bare SQL p50 / p95 / p99 ms | API ÷ SQL (p50) | goal (p95 ≤ {GOAL_MS} ms) |"
    );
    println!("|---|---|---|---|---|");
    for (label, series) in &lines {
        let p95 = series.percentile_ms(95.0);
        println!(
            "| {label} | {} | {} | {} | {} ({}) |",
            series.triple(),
            bare.triple(),
            ratio(series.percentile_ms(50.0) / bare.percentile_ms(50.0)),
            if p95 <= GOAL_MS { "met" } else { "missed" },
            short_ms(p95)
        );
    }
    Ok(())
}
