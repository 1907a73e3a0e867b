//! `tessera-bench-import`: how fast a CSV file becomes a new table.
//!
//! Starts the real server in this process (with both job queues' runners), writes a CSV of
//! `--rows` rows and `--columns` text columns, uploads it, starts a `file_import` job into a
//! new table and polls it until it finishes. Prints the upload time, the job's time and its
//! rows per second; see docs/benchmarks.md.

use anyhow::bail;
use std::time::Instant;
use tessera_bench::{
    account,
    cli::Flags,
    import_file,
    server::{Api, Server},
};

const USAGE: &str = "\
Usage: tessera-bench-import [--rows N] [--columns N]

  --rows N     data rows in the file (default 1000000)
  --columns N  text columns (default 10)

Needs PostgreSQL at TEST_DATABASE_SERVER_URL and Redis at TEST_REDIS_URL.";

struct Options {
    rows: usize,
    columns: usize,
}

fn parse() -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        rows: 1_000_000,
        columns: 10,
    };
    let mut flags = Flags::new(std::env::args());
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--rows" => options.rows = flags.number()?,
            "--columns" => options.columns = flags.number()?,
            "-h" | "--help" => return Ok(None),
            _ => return Err(flags.unknown(USAGE)),
        }
    }
    if options.rows == 0 || options.columns == 0 {
        bail!("--rows and --columns must be at least 1");
    }
    Ok(Some(options))
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;

    let file = import_file::csv(options.rows, options.columns);
    let size = file.len();
    let body = import_file::multipart(&file);
    drop(file);
    let started = Instant::now();
    let upload_id = import_file::upload(&api, body).await?;
    let upload_time = started.elapsed();

    let started = Instant::now();
    let job = import_file::start_import(&api, &upload_id, account.database_id).await?;
    let mut progress_seen = Vec::new();
    let finished = api
        .wait_for_job(&job, |j| {
            let p = j["progress_percentage"].as_i64().unwrap_or_default();
            if progress_seen.last() != Some(&p) {
                progress_seen.push(p);
            }
        })
        .await?;
    let job_time = started.elapsed();
    let imported = finished["report"]["imported_row_count"]
        .as_u64()
        .unwrap_or_default();
    if imported != options.rows as u64 {
        bail!("imported {imported} rows of {}", options.rows);
    }
    println!("## File import: CSV into a new table\n");
    println!("| measure | value |\n|---|---|");
    println!(
        "| rows × text columns | {} × {} |",
        options.rows, options.columns
    );
    println!("| file size | {:.1} MB |", size as f64 / 1e6);
    println!(
        "| upload | {:.2} s ({:.0} MB/s) |",
        upload_time.as_secs_f64(),
        size as f64 / 1e6 / upload_time.as_secs_f64()
    );
    println!(
        "| import job, start to finished | {:.2} s |",
        job_time.as_secs_f64()
    );
    println!(
        "| rows per second | {:.0} |",
        options.rows as f64 / job_time.as_secs_f64()
    );
    println!("| progress values seen while polling | {progress_seen:?} |");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = parse()? else {
        println!("{USAGE}");
        return Ok(());
    };
    Server::run(false, async |server| run(server, &options).await).await
}
