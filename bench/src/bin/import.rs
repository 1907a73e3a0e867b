//! `tessera-bench-import`: how fast a CSV file becomes a new table.
//!
//! Starts the real server in this process (with both job queues' runners), writes a CSV of
//! `--rows` rows and `--columns` text columns, uploads it, starts a `file_import` job into a
//! new table and polls it until it finishes. Prints the upload time, the job's time and its
//! rows per second; see docs/benchmarks.md.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tessera_bench::{
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
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || -> anyhow::Result<usize> {
            let v = args
                .next()
                .with_context(|| format!("{flag} needs a value"))?;
            v.parse()
                .with_context(|| format!("{flag}: {v:?} is not a number"))
        };
        match flag.as_str() {
            "--rows" => options.rows = value()?,
            "--columns" => options.columns = value()?,
            "-h" | "--help" => return Ok(None),
            other => bail!("unknown flag {other}\n\n{USAGE}"),
        }
    }
    if options.rows == 0 || options.columns == 0 {
        bail!("--rows and --columns must be at least 1");
    }
    Ok(Some(options))
}

fn id(v: &Value) -> anyhow::Result<i64> {
    v["id"].as_i64().context("no id in the response")
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
    let size = file.len();
    let body = import_file::multipart(&file);
    drop(file);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let started = Instant::now();
    let resp = client
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
    let upload_time = started.elapsed();

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
    let job_id = id(&job)?;
    let mut progress_seen = Vec::new();
    let finished = loop {
        let j = api
            .call(Method::GET, &format!("/api/jobs/{job_id}/"), None)
            .await?;
        let p = j["progress_percentage"].as_i64().unwrap_or_default();
        if progress_seen.last() != Some(&p) {
            progress_seen.push(p);
        }
        match j["state"].as_str() {
            Some("finished") => break j,
            Some("failed") => bail!("the import failed: {}", j["human_readable_error"]),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
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
    let server = Server::start().await?;
    let outcome = run(&server, &options).await;
    server.stop().await?;
    outcome
}
