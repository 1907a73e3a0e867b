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
use serde_json::{Value, json};
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::platform::jobs::Queue;
use tessera_bench::{
    import_file,
    machine::{self, LoadSampler},
    server::{Api, SETTLE_TIMEOUT, Server},
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
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => options.rows = value()?.parse().context("--rows")?,
            "--columns" => options.columns = value()?.parse().context("--columns")?,
            "--formats" => {
                options.formats = value()?.split(',').map(str::to_owned).collect();
            }
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown flag {other}\n\n{USAGE}"),
        }
    }
    if options.rows == 0 || options.columns == 0 {
        bail!("--rows and --columns must be at least 1");
    }
    Ok(Some(options))
}

/// The export worker process, killed when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Worker {
    fn start(server: &Server) -> anyhow::Result<Self> {
        let path: PathBuf = std::env::current_exe()?
            .parent()
            .context("no directory of the benchmark binary")?
            .join("tessera-export-worker");
        if !path.exists() {
            bail!(
                "{} is missing; build it first: cargo build --release -p tessera-export-worker",
                path.display()
            );
        }
        let s = &server.ctx.settings;
        let child = Command::new(path)
            .env("DATABASE_URL", &s.database_url)
            .env("REDIS_URL", &s.redis_url)
            .env("TESSERA_SECRET_KEY", &s.secret_key)
            .env("TESSERA_REDIS_PREFIX", &s.redis_prefix)
            .env("TESSERA_MEDIA_DIR", &s.media_dir)
            .env("TESSERA_PUBLIC_URL", &s.public_url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        Ok(Self(child))
    }

    /// A line of `/proc/<pid>/status`, in KiB.
    fn status_kib(&self, key: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {key} in /proc/{}/status", self.0.id()))
    }

    /// Starts a new peak: `VmHWM` drops to the current resident size.
    fn reset_peak(&self) -> anyhow::Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.0.id()), "5")
            .context("resetting the peak memory (Linux 4.0 or newer)")
    }
}

/// One measured job.
struct Measured {
    what: String,
    seconds: f64,
    bytes: u64,
    idle_rss_kib: u64,
    peak_kib: u64,
}

fn id(v: &Value) -> anyhow::Result<i64> {
    v["id"].as_i64().context("no id in the response")
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Polls a job until it ends; its final state.
async fn wait(api: &Api, path: &str) -> anyhow::Result<Value> {
    loop {
        let j = api.call(Method::GET, path, None).await?;
        match j["state"].as_str() {
            Some("finished") => return Ok(j),
            Some("failed" | "cancelled") => bail!("{path}: {}", j),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn run(server: &Server, worker: &Worker, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let session = api
        .call(
            Method::POST,
            "/api/user/",
            Some(&json!({"name": "Bench", "email": "bench@example.com",
                         "password": "benchmark-password", "authenticate": true})),
        )
        .await?;
    let token = session["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    api.set_token(&token);
    let workspace = id(&api
        .call(
            Method::POST,
            "/api/workspaces/",
            Some(&json!({"name": "Bench"})),
        )
        .await?)?;
    let database = id(&api
        .call(
            Method::POST,
            &format!("/api/applications/workspace/{workspace}/"),
            Some(&json!({"name": "Bench", "type": "database"})),
        )
        .await?)?;

    let file = import_file::csv(options.rows, options.columns);
    let size = file.len() as u64;
    let body = import_file::multipart(&file);
    drop(file);
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()?
        .post(format!("{}/api/database/import/upload/", server.url))
        .header("Authorization", format!("JWT {token}"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={}", import_file::BOUNDARY),
        )
        .body(body)
        .send()
        .await?;
    let status = resp.status().as_u16();
    let uploaded: Value = resp.json().await?;
    if status != 200 {
        bail!("upload answered {status}: {uploaded}");
    }

    let load = LoadSampler::start();
    let mut measured = Vec::new();
    let idle_rss_kib = worker.status_kib("VmRSS:")?;
    worker.reset_peak()?;
    let started = Instant::now();
    let job = api
        .call(
            Method::POST,
            "/api/jobs/",
            Some(
                &json!({"type": "file_import", "upload_id": uploaded["upload_id"],
                         "database_id": database, "name": "Imported", "first_row_header": true}),
            ),
        )
        .await?;
    let finished = wait(&api, &format!("/api/jobs/{}/", id(&job)?)).await?;
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
        let done = wait(&api, &format!("/api/database/export/{}/", id(&job)?)).await?;
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
    let outcome = match Worker::start(&server) {
        Ok(worker) => run(&server, &worker, &options).await,
        Err(e) => Err(e),
    };
    server.stop().await?;
    outcome
}
