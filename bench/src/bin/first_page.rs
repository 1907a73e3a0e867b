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

use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::time::{Duration, Instant};
use tessera_bench::{
    cli::Options,
    machine,
    server::{Api, SETTLE_TIMEOUT, Server, expect_ok},
    stats::{Series, ratio, short_ms},
};

/// Rows inserted per statement: progress stays visible and no statement runs for long.
const CHUNK: u64 = 1_000_000;
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
    let server = Server::start().await?;
    eprintln!("server on {}, database {}", server.url, server.db.name);
    let outcome = run(&server, &options).await;
    server.finish(options.keep).await?;
    outcome
}

fn id_of(v: &Value) -> anyhow::Result<i64> {
    v["id"].as_i64().with_context(|| format!("no id in {v}"))
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let session = api
        .call(
            Method::POST,
            "/api/user/",
            Some(&json!({"name": "Bench", "email": "bench@example.com",
                "password": "benchmark-password", "authenticate": true})),
        )
        .await?;
    api.set_token(
        session["access_token"]
            .as_str()
            .context("sign-up returned no access_token")?,
    );
    let workspace = api
        .call(
            Method::POST,
            "/api/workspaces/",
            Some(&json!({"name": "Bench"})),
        )
        .await?;
    let database = api
        .call(
            Method::POST,
            &format!("/api/applications/workspace/{}/", id_of(&workspace)?),
            Some(&json!({"name": "Bench", "type": "database"})),
        )
        .await?;
    let table = api
        .call(
            Method::POST,
            &format!("/api/database/tables/database/{}/", id_of(&database)?),
            Some(&json!({"name": "Big", "data": [["Name"]], "first_row_header": true})),
        )
        .await?;
    let table_id = id_of(&table)?;
    let fields_path = format!("/api/database/fields/table/{table_id}/");
    let name = id_of(&api.call(Method::GET, &fields_path, None).await?[0])?;
    let notes = id_of(
        &api.call(
            Method::POST,
            &fields_path,
            Some(&json!({"name": "Notes", "type": "long_text"})),
        )
        .await?,
    )?;
    let count = id_of(
        &api.call(
            Method::POST,
            &fields_path,
            Some(&json!({"name": "Count", "type": "number"})),
        )
        .await?,
    )?;
    let views = api
        .call(
            Method::GET,
            &format!("/api/database/views/table/{table_id}/"),
            None,
        )
        .await?;
    let grid = views
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["type"] == "grid"))
        .map(id_of)
        .transpose()?;
    let grid = match grid {
        Some(id) => id,
        None => id_of(
            &api.call(
                Method::POST,
                &format!("/api/database/views/table/{table_id}/"),
                Some(&json!({"name": "Grid", "type": "grid"})),
            )
            .await?,
        )?,
    };

    let table = format!("database_table_{table_id}");
    let mut sql = PgConnection::connect(&server.db.url).await?;
    eprintln!("filling {} rows…", options.rows);
    let started = Instant::now();
    let mut done = 0;
    while done < options.rows {
        let end = (done + CHUNK).min(options.rows);
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {table} (\"order\", field_{name}, field_{notes}, field_{count}) \
             SELECT g, 'Row ' || g, md5(g::text), g % 1000 FROM generate_series($1::bigint, $2::bigint) g"
        )))
        .bind(done as i64 + 1)
        .bind(end as i64)
        .execute(&mut sql)
        .await?;
        done = end;
        eprintln!(
            "  {done} rows after {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let fill_time = started.elapsed();
    sqlx::query("UPDATE database_tables SET row_count = $2 WHERE id = $1")
        .bind(table_id)
        .bind(options.rows as i64)
        .execute(&mut sql)
        .await?;
    sqlx::query(AssertSqlSafe(format!("VACUUM (ANALYZE) {table}")))
        .execute(&mut sql)
        .await?;
    let size: String = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT pg_size_pretty(pg_total_relation_size('{table}'))"
    )))
    .fetch_one(&mut sql)
    .await?;

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
        "- table: `{table}` with 3 fields (text primary, long text, number), {size} with indexes; filled in {:.0} s",
        fill_time.as_secs_f64()
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
