//! `tessera-bench`: the row API's latency as a user sees it.
//!
//! Starts the real server in this process on a fresh database, builds a 20-field table
//! through the API, fills it with `COPY`, then times HTTP round trips (one request at a
//! time, keep-alive) for the row workloads Baserow was measured with, beside the same work
//! as bare SQL. Prints a Markdown table; see docs/benchmarks.md.

mod breakdown;
mod measure;
mod report;

use measure::{Bench, Workload};
use sqlx::{Connection, PgConnection};
use std::time::Instant;
use tessera_bench::{
    cli::Options,
    machine,
    server::{Api, Server},
    setup::Table,
};

/// Fixed seed: every run sends the same requests.
const REQUEST_SEED: u64 = 2;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = Options::parse(std::env::args())? else {
        return Ok(());
    };
    let phases = breakdown::Phases::install()?;
    Server::run(options.keep, async |server| {
        run(server, &options, &phases).await
    })
    .await
}

async fn run(server: &Server, options: &Options, phases: &breakdown::Phases) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let table = Table::build(&mut api, &server.db.url, options.rows).await?;
    let mut sql = PgConnection::connect(&server.db.url).await?;
    // The bare queries plan with the same cache assumption as the server's connections.
    sqlx::query(tessera::db::PLANNER_CACHE_SQL)
        .execute(&mut sql)
        .await?;
    let postgres = machine::postgres(&mut sql).await?;

    let mut bench = Bench::new(server, &api, sql, &table, options, REQUEST_SEED, phases).await?;
    let mut results = Vec::new();
    let started = Instant::now();
    let load = machine::LoadSampler::start();
    for workload in Workload::ALL {
        eprintln!("measuring {}…", workload.label());
        results.push(bench.measure(workload).await?);
    }
    let load = load.stop();

    println!(
        "\n## Rows API ({} rows, {} fields)\n",
        options.rows,
        table.schema.field_count()
    );
    print!("{}", table.describe());
    println!(
        "- requests: {} measured per series after {} warm-up, one at a time, keep-alive; measuring took {:.0} s",
        options.requests,
        options.warmup,
        started.elapsed().as_secs_f64()
    );
    print!("{}", machine::facts(load));
    print!("{postgres}");
    println!(
        "- probe words (filter and search, one per request in turn; vocabulary of {} words, Zipf frequencies): {}\n",
        table.vocab.len(),
        bench.probe_words().join(", ")
    );
    println!(
        "{}",
        report::table(&results, options.rows, options.requests)
    );
    println!("{}", report::counts(&results));
    print!("{}", report::waits(&results));
    println!("\n{}", report::breakdown(&results));
    Ok(())
}
