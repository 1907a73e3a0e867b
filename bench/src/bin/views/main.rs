//! `tessera-bench-views`: rows through a saved grid view with filters and sorts, as a user
//! sees them.
//!
//! Starts the real server in this process on a fresh database, builds and fills the same
//! 20-field table as `tessera-bench`, saves a grid view with two filters and two sorts
//! through the API, waits for the indexes the product builds for it in the background,
//! then times the view's first page, a page deep inside it and its count (one request at a
//! time, keep-alive), beside the same queries as bare SQL. Prints a Markdown table; see
//! docs/benchmarks.md.

mod grid;
mod listing;
mod report;

use grid::GridView;
use listing::{Bench, Listing};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::time::Instant;
use tessera_bench::{
    cli::Options,
    machine,
    server::{Api, SETTLE_TIMEOUT, Server},
    setup::{self, Table},
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = Options::parse(std::env::args())? else {
        return Ok(());
    };
    Server::run(options.keep, async |server| run(server, &options).await).await
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let table = Table::build(&mut api, &server.db.url, options.rows).await?;
    eprintln!("saving the view through the API…");
    let view = GridView::create(&api, &table.schema).await?;
    let mut sql = PgConnection::connect(&server.db.url).await?;
    let shown: i64 = sqlx::query_scalar(AssertSqlSafe(view.count_sql()))
        .fetch_one(&mut sql)
        .await?;
    // A deep scroll: half of the table (500,000 of 1,000,000 rows), inside the view, which
    // shows about 81 % of it.
    let deep_offset = (options.rows / 2).min((shown.max(1) - 1) as u64);
    let mut bench = Bench::new(&api, sql, &view, options, deep_offset);

    // Saving the sorts and the first listings queue the sort indexes the product builds in
    // the background; the measurements are of the state after those builds, not of them.
    eprintln!("first listings, then waiting for background index builds…");
    for listing in Listing::ALL {
        bench.fetch(listing).await?;
    }
    let waited = server.settle(SETTLE_TIMEOUT).await?;
    let mut conn = PgConnection::connect(&server.db.url).await?;
    // Fresh statistics and visibility map after the builds, so plans and timings are steady.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "VACUUM (ANALYZE) {}",
        table.schema.table()
    )))
    .execute(&mut conn)
    .await?;
    let indexes = setup::indexes(&mut conn, &table.schema.table()).await?;
    conn.close().await?;
    let first_rows = bench.check_same_rows(Listing::FirstPage).await?;
    let deep_rows = bench.check_same_rows(Listing::DeepPage).await?;

    let mut results = Vec::new();
    let started = Instant::now();
    let load = machine::LoadSampler::start();
    for listing in Listing::ALL {
        eprintln!("measuring {}…", listing.label(deep_offset));
        results.push(bench.measure(listing).await?);
    }
    let load = load.stop();

    println!(
        "\n## Views ({} rows, {} fields)\n",
        options.rows,
        table.schema.field_count()
    );
    print!("{}", table.describe());
    print!("{}", view.describe());
    println!(
        "- rows in the view: {shown} (exact); deep offset {deep_offset} (half of the table); \
         pages returned {first_rows} and {deep_rows} rows, the same as the bare queries"
    );
    println!(
        "- waited {:.1} s after the first listings for background jobs and index builds; then `VACUUM (ANALYZE)`",
        waited.as_secs_f64()
    );
    println!(
        "- requests: {} measured per series after {} warm-up, one at a time, keep-alive; measuring took {:.0} s",
        options.requests,
        options.warmup,
        started.elapsed().as_secs_f64()
    );
    print!("{}", machine::facts(load));
    println!("- indexes on the table:");
    for index in &indexes {
        println!("  - {index}");
    }
    println!(
        "\n{}",
        report::table(&results, deep_offset, options.requests)
    );
    print!("{}", report::counts(&results, shown, deep_offset));
    Ok(())
}
