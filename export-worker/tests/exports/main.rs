//! Exports across processes: a backend, the export-worker binary and PostgreSQL. The
//! worker is killed with SIGKILL in the middle of an export; another worker runs the job
//! again, and the file holds every row once, with nothing of the killed run left on disk.
//! An export that cannot run ends failed with a message its owner can read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{
    config::Settings,
    test_support::{
        self, TestDatabase,
        api_client::{post, table_via_api},
    },
    web,
};

fn start_export_worker(db: &TestDatabase, settings: &Settings) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera-export-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("export worker starts")
}

async fn job(http: &reqwest::Client, base: &str, token: &str, id: &Value) -> Value {
    http.get(format!("{base}/api/database/export/{id}/"))
        .header("Authorization", format!("JWT {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn wait_until_over(http: &reqwest::Client, base: &str, token: &str, id: &Value) -> Value {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let j = job(http, base, token, id).await;
        if j["state"] == "finished" || j["state"] == "failed" {
            return j;
        }
        assert!(Instant::now() < deadline, "the export did not end: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every file under `dir`, recursively, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            for inner in files_under(&path) {
                out.push(format!("{}/{inner}", entry.file_name().to_string_lossy()));
            }
        } else {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn an_export_whose_worker_is_killed_is_run_again_and_holds_every_row_once() {
    let db = TestDatabase::create().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = test_support::settings(&db.url);
    settings.public_url = base.clone();
    let ctx = tessera::context::AppContext::connect(settings.clone(), 10)
        .await
        .unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    let http = reqwest::Client::new();
    let (token, table) = table_via_api(&http, &base).await;
    let name: i64 =
        sqlx::query_scalar("SELECT id FROM database_fields WHERE table_id = $1 AND name = 'Name'")
            .bind(table)
            .fetch_one(&db.pool)
            .await
            .unwrap();

    // Enough rows that the export is still running when the worker is killed.
    const ROWS: i64 = 150_000;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_table_{table} (\"order\", field_{name}) \
         SELECT i + 2, 'row ' || i FROM generate_series(1, $1) i"
    )))
    .bind(ROWS)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE database_tables SET row_count = row_count + $2 WHERE id = $1")
        .bind(table)
        .bind(ROWS)
        .execute(&db.pool)
        .await
        .unwrap();

    let mut worker = start_export_worker(&db, &settings);
    let started = post(
        &http,
        format!("{base}/api/database/export/table/{table}/"),
        Some(&token),
        json!({"exporter_type": "csv"}),
    )
    .await;
    let id = started["id"].clone();

    // Kill the worker once the export has made progress, then start another.
    let exports = settings.media_dir.join("export_files");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j = job(&http, &base, &token, &id).await;
        assert_ne!(
            j["state"], "finished",
            "the export ended before the kill: make it larger"
        );
        if j["progress_percentage"].as_i64().unwrap_or_default() > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress: {j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.kill().unwrap();
    worker.wait().unwrap();
    let killed_at = job(&http, &base, &token, &id).await;
    assert_eq!(killed_at["state"], "exporting", "{killed_at}");
    let left = files_under(&exports);
    assert_eq!(
        left,
        [format!("partial/job-{id}.csv")],
        "the killed run left its unfinished file, under a name nobody can download"
    );
    let mut restarted = start_export_worker(&db, &settings);
    let finished = wait_until_over(&http, &base, &token, &id).await;
    assert_eq!(finished["state"], "finished", "{finished}");
    assert_eq!(finished["progress_percentage"], 100);
    assert_eq!(finished["human_readable_error"], "");

    // The file: a header, then every row once and in order.
    let file_name = finished["exported_file_name"].as_str().unwrap();
    let csv = std::fs::read_to_string(exports.join(file_name)).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("\u{feff}id,Name,Notes,Active"));
    let ids: Vec<i64> = lines
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len() as i64, ROWS + 2);
    assert!(
        ids.iter().copied().eq(1..=ROWS + 2),
        "every row once, in order"
    );
    let last = csv.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("{},row {ROWS},", ROWS + 2)),
        "{last}"
    );
    assert_eq!(
        files_under(&exports),
        [file_name.to_owned()],
        "nothing of the killed run is left"
    );
    let download = http
        .get(finished["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().len(), csv.len());

    // An export whose table goes to the trash before it runs fails, saying why.
    restarted.kill().unwrap();
    restarted.wait().unwrap();
    let doomed = post(
        &http,
        format!("{base}/api/database/export/table/{table}/"),
        Some(&token),
        json!({"exporter_type": "json"}),
    )
    .await;
    let r = http
        .delete(format!("{base}/api/database/tables/{table}/"))
        .header("Authorization", format!("JWT {token}"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let mut worker = start_export_worker(&db, &settings);
    let failed = wait_until_over(&http, &base, &token, &doomed["id"]).await;
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(
        failed["human_readable_error"],
        "The table no longer exists."
    );
    assert_eq!(failed["url"], Value::Null);
    assert_eq!(
        files_under(&exports),
        [file_name.to_owned()],
        "the failed export wrote nothing"
    );
    let _ = std::fs::remove_dir_all(&settings.media_dir);
}
