//! `tessera-bench`: the row API's latency as a user sees it.
//!
//! Starts the real server in this process on a fresh database, builds a 20-field table
//! through the API, fills it with `COPY`, then times HTTP round trips (one request at a
//! time, keep-alive) for the row workloads Baserow was measured with, beside the same work
//! as bare SQL. With `--target URL` it measures another Baserow-compatible server through
//! its API alone (see `target`). Prints a Markdown table; see docs/benchmarks.md.

mod breakdown;
mod measure;
mod report;
mod target;

use measure::{Bench, Local, Workload};
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

/// Taken by every test that starts a server: the breakdown's spans are counted process-wide,
/// so a server another test runs meanwhile would add its requests to them.
#[cfg(test)]
static SERVER_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) =
        Options::parse_with_target(std::env::args(), |name| std::env::var(name).ok())?
    else {
        return Ok(());
    };
    if let Some(target) = &options.target {
        let outcome = target::run(target, &options).await?;
        eprintln!(
            "done: {} rows filled into table {:?} of database {}; access token renewed {} times",
            outcome.filled, outcome.created.table_id, outcome.created.database_id, outcome.renewals
        );
        print!("{}", outcome.report);
        return Ok(());
    }
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

    let local = Local {
        server,
        sql,
        phases,
    };
    let mut bench = Bench::new(&api, Some(local), &table, options, REQUEST_SEED).await?;
    let (results, measuring, load) = measure_all(&mut bench).await?;
    let intro = report::Intro {
        at: String::new(),
        table: &table,
        options,
        measuring,
        facts: format!("{}{postgres}", machine::facts(load)),
        probe_words: bench.probe_words(),
    };
    print!("{}", report::document(&intro, &results));
    Ok(())
}

/// Every workload in turn; the results, how long measuring took and the machine's load
/// meanwhile.
async fn measure_all(
    bench: &mut Bench<'_>,
) -> anyhow::Result<(
    Vec<measure::Measurement>,
    std::time::Duration,
    (Option<f64>, Option<f64>),
)> {
    let mut results = Vec::new();
    let started = Instant::now();
    let load = machine::LoadSampler::start();
    for workload in Workload::ALL {
        eprintln!("measuring {}…", workload.label());
        results.push(bench.measure(workload).await?);
    }
    Ok((results, started.elapsed(), load.stop()))
}
