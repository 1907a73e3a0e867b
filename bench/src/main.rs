//! `tessera-bench`: the row API's latency as a user sees it.
//!
//! Starts the real server in this process on a fresh database, builds a 20-field table
//! through the API, fills it with `COPY`, then times HTTP round trips (one request at a
//! time, keep-alive) for the row workloads Baserow was measured with, beside the same work
//! as bare SQL. Prints a Markdown table; see docs/benchmarks.md.

mod cli;
mod measure;
mod report;
mod setup;
mod words;

use tessera_bench::{machine, server};

use anyhow::Context;
use cli::{Options, USAGE};
use measure::{Bench, Workload};
use server::{Api, Server};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::{sync::Arc, time::Instant};
use words::Vocabulary;

/// Vocabulary size of the Baserow baseline's table.
const VOCABULARY_WORDS: usize = 3_000;
/// Fixed seeds: every run builds the same table and sends the same requests.
const VOCABULARY_SEED: u64 = 0x7E55_E4A0;
const FILL_SEED: u64 = 1;
const REQUEST_SEED: u64 = 2;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = Options::parse(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let server = Server::start().await?;
    eprintln!("server on {}, database {}", server.url, server.db.name);
    let outcome = run(&server, &options).await;
    let db = server.stop().await?;
    if options.keep {
        println!("\nKept database {} ({})", db.name, db.url);
        // Skips `TestDatabase`'s drop, which would drop the database.
        std::mem::forget(db);
    } else {
        drop(db);
    }
    outcome
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let vocab = Arc::new(Vocabulary::generate(VOCABULARY_WORDS, VOCABULARY_SEED));
    let mut api = Api::new(&server.url)?;

    eprintln!("creating the table through the API…");
    let mut schema = setup::create_schema(&mut api).await?;
    let mut sql = PgConnection::connect(&server.db.url).await?;
    setup::load_option_ids(&mut sql, &mut schema).await?;

    eprintln!("filling {} rows with COPY…", options.rows);
    let fill_time = setup::fill(
        &server.db.url,
        &schema,
        Arc::clone(&vocab),
        options.rows,
        FILL_SEED,
    )
    .await
    .context("filling the table")?;
    let table_size: String = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT pg_size_pretty(pg_total_relation_size('{}'))",
        schema.table()
    )))
    .fetch_one(&mut sql)
    .await?;

    let mut bench = Bench::new(server, &api, sql, &schema, &vocab, options, REQUEST_SEED).await?;
    let mut results = Vec::new();
    let started = Instant::now();
    let load = machine::LoadSampler::start();
    for workload in Workload::ALL {
        eprintln!("measuring {}…", workload.label());
        results.push(bench.measure(workload).await?);
    }
    let (load_start, load_max) = load.stop();

    println!(
        "\n## Rows API ({} rows, {} fields)\n",
        options.rows,
        schema.field_count()
    );
    println!(
        "- rows: {} in `database_table_{}` ({table_size} with indexes), filled by COPY in {:.1} s ({:.0} rows/s)",
        options.rows,
        schema.table_id,
        fill_time.as_secs_f64(),
        options.rows as f64 / fill_time.as_secs_f64()
    );
    println!(
        "- fields: {} ({} text, {} number with 0 decimals, {} with 2, {} boolean, {} single select with {} options)",
        schema.field_count(),
        setup::TEXT_FIELDS,
        setup::INTEGER_FIELDS,
        setup::DECIMAL_FIELDS,
        setup::BOOLEAN_FIELDS,
        setup::SELECT_FIELDS,
        setup::SELECT_OPTIONS
    );
    println!(
        "- requests: {} measured per series after {} warm-up, one at a time, keep-alive; measuring took {:.0} s",
        options.requests,
        options.warmup,
        started.elapsed().as_secs_f64()
    );
    if let Some(version) = machine::source_version() {
        println!("- code: {version}");
    }
    // The benchmark itself keeps about one core busy; much more means something else ran.
    if let (Some(start), Some(max)) = (load_start, load_max) {
        println!(
            "- machine: {} cores; 1-minute load average {start:.2} at the start of measuring, at most {max:.2} during it",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
    }
    println!(
        "- probe words (filter and search, one per request in turn; vocabulary of {} words, Zipf frequencies): {}\n",
        vocab.len(),
        bench.probe_words().join(", ")
    );
    println!(
        "{}",
        report::table(&results, options.rows, options.requests)
    );
    println!("{}", report::counts(&results));
    print!("{}", report::waits(&results));
    Ok(())
}
