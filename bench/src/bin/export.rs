//! `tessera-bench-export`: import and export throughput on a large table, and the export
//! worker's peak memory while it runs them.
//!
//! Serves the API in this process (with the `high` queue's runner) and runs the release
//! `tessera-export-worker` binary beside it, as a deployment does, so that the memory of the
//! process doing the work can be read on its own. Imports a CSV of `--rows` rows ×
//! `--columns` text columns with a `file_import` job, waits for the background index builds
//! the import queues, then exports the table in each format. Before each job the worker's
//! peak resident memory is reset (`/proc/<pid>/clear_refs`), after it read (`VmHWM`). Build
//! first: `cargo build --release -p tessera-export-worker -p tessera-bench`. See
//! docs/benchmarks.md.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::json;
use std::time::Instant;
use tessera::platform::jobs::Queue;
use tessera_bench::{
    account,
    cli::Flags,
    import_file,
    machine::{self, LoadSampler},
    process::Process,
    server::{Api, SETTLE_TIMEOUT, Server, id_of},
};

const USAGE: &str = "\
Usage: tessera-bench-export [--rows N] [--columns N] [--formats csv,json,xml,excel]

  --rows N      data rows imported, then exported (default 1000000)
  --columns N   text columns (default 10)
  --formats L   export formats, comma-separated (default csv,json,xml,excel)

Needs PostgreSQL at TEST_DATABASE_SERVER_URL, Redis at TEST_REDIS_URL and the release
tessera-export-worker beside this binary.";

/// Baserow's fill through its batch API on this machine kind (baserow-baseline.md): the
/// only figure it has for getting rows in; it has none for exports.
const BASEROW_FILL_ROWS_PER_SECOND: f64 = 205.0;

struct Options {
    rows: usize,
    columns: usize,
    formats: Vec<String>,
}

fn parse() -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        rows: 1_000_000,
        columns: 10,
        formats: ["csv", "json", "xml", "excel"].map(String::from).to_vec(),
    };
    let mut flags = Flags::new(std::env::args());
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--rows" => options.rows = flags.number()?,
            "--columns" => options.columns = flags.number()?,
            "--formats" => {
                options.formats = flags.value()?.split(',').map(str::to_owned).collect();
            }
            "-h" | "--help" => return Ok(None),
            _ => return Err(flags.unknown(USAGE)),
        }
    }
    if options.rows == 0 || options.columns == 0 {
        bail!("--rows and --columns must be at least 1");
    }
    Ok(Some(options))
}

/// Starts the export worker on the server's database, Redis and media directory, so it
/// writes the files where the server serves them from.
fn start_worker(server: &Server) -> anyhow::Result<Process> {
    let s = &server.ctx.settings;
    let media_dir = s.media_dir.to_string_lossy();
    Process::spawn(
        "tessera-export-worker",
        s,
        &[
            ("TESSERA_MEDIA_DIR", media_dir.as_ref()),
            ("TESSERA_PUBLIC_URL", s.public_url.as_str()),
        ],
    )
}

/// One measured job.
struct Measured {
    what: String,
    seconds: f64,
    bytes: u64,
    idle_rss_kib: u64,
    peak_kib: u64,
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

async fn run(server: &Server, worker: &Process, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;

    let file = import_file::csv(options.rows, options.columns);
    let size = file.len() as u64;
    let body = import_file::multipart(&file);
    drop(file);
    let upload_id = import_file::upload(&api, body).await?;

    let load = LoadSampler::start();
    let mut measured = Vec::new();
    let idle_rss_kib = worker.status_kib("VmRSS:")?;
    worker.reset_peak()?;
    let started = Instant::now();
    let job = import_file::start_import(&api, &upload_id, account.database_id).await?;
    let finished = api.wait_for_job(&job, |_| {}).await?;
    let seconds = started.elapsed().as_secs_f64();
    let imported = finished["report"]["imported_row_count"]
        .as_u64()
        .unwrap_or_default();
    if imported != options.rows as u64 {
        bail!("imported {imported} rows of {}", options.rows);
    }
    measured.push(Measured {
        what: "import (CSV file → new table)".into(),
        seconds,
        bytes: size,
        idle_rss_kib,
        peak_kib: worker.status_kib("VmHWM:")?,
    });
    let table = finished["table_id"]
        .as_i64()
        .context("no table_id in the finished import")?;
    // The import queues the search index builds on the same worker: let them finish first.
    let settled = server.settle(SETTLE_TIMEOUT).await?;
    eprintln!(
        "search indexes built {:.1} s after the import",
        settled.as_secs_f64()
    );

    for format in &options.formats {
        let idle_rss_kib = worker.status_kib("VmRSS:")?;
        worker.reset_peak()?;
        let started = Instant::now();
        let job = api
            .call(
                Method::POST,
                &format!("/api/database/export/table/{table}/"),
                Some(&json!({ "exporter_type": format })),
            )
            .await?;
        let done = api
            .wait_for_job(&format!("/api/database/export/{}/", id_of(&job)?), |_| {})
            .await?;
        let seconds = started.elapsed().as_secs_f64();
        let name = done["exported_file_name"]
            .as_str()
            .context("no exported_file_name")?;
        let path = server
            .ctx
            .settings
            .media_dir
            .join("export_files")
            .join(name);
        let bytes = std::fs::metadata(&path)?.len();
        let _ = std::fs::remove_file(&path);
        measured.push(Measured {
            what: format!("export `{format}`"),
            seconds,
            bytes,
            idle_rss_kib,
            peak_kib: worker.status_kib("VmHWM:")?,
        });
    }
    let (load_start, load_max) = load.stop();

    println!(
        "## Import and export: {} rows × {} text columns\n",
        options.rows, options.columns
    );
    println!(
        "| job | time | rows/s | file | worker RSS before | worker peak RSS (VmHWM) | peak − before |"
    );
    println!("|---|---|---|---|---|---|---|");
    for m in &measured {
        println!(
            "| {} | {:.2} s | {:.0} | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB |",
            m.what,
            m.seconds,
            options.rows as f64 / m.seconds,
            mb(m.bytes),
            m.idle_rss_kib as f64 / 1024.0,
            m.peak_kib as f64 / 1024.0,
            m.peak_kib.saturating_sub(m.idle_rss_kib) as f64 / 1024.0,
        );
    }
    if let Some(import) = measured.first() {
        println!(
            "\nImport: {:.0}× Baserow's fill through its batch API ({BASEROW_FILL_ROWS_PER_SECOND} \
             rows/s, baserow-baseline.md; it has no file-import or export figure).",
            options.rows as f64 / import.seconds / BASEROW_FILL_ROWS_PER_SECOND
        );
    }
    let show = |l: Option<f64>| l.map_or("?".to_owned(), |l| format!("{l:.2}"));
    println!(
        "1-minute load average: {} at the start, at most {} while measuring; code: {}.",
        show(load_start),
        show(load_max),
        machine::source_version().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(options) = parse()? else {
        println!("{USAGE}");
        return Ok(());
    };
    let server = Server::start_with_queues(&[Queue::High]).await?;
    let outcome = match start_worker(&server) {
        Ok(worker) => run(&server, &worker, &options).await,
        Err(e) => Err(e),
    };
    server.stop().await?;
    outcome
}
