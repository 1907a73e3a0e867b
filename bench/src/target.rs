//! `tessera-bench --target URL`: the same table, workloads and report against any
//! Baserow-compatible server (Tessera or Baserow), through its REST API alone. It logs in,
//! creates a workspace (or uses the one given), a database and the 20-field table, fills
//! the table through the batch row API, measures, and deletes what it created unless
//! `--keep`. The benchmark never builds or installs the server it measures.

use crate::{
    REQUEST_SEED,
    measure::Bench,
    measure_all,
    report::{self, Intro},
};
use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};
use tessera_bench::{
    cli::{Options, Target},
    machine,
    server::{Api, id_of},
    setup::{self, Table},
};

/// The name of what the benchmark creates, so a person can tell it apart on the server.
const NAME: &str = "tessera-bench";

/// A finished run against a target.
pub struct Outcome {
    /// The Markdown report.
    pub report: String,
    /// What the run created (deleted again unless `--keep`).
    pub created: Created,
    /// The table's unfiltered `count` right after the fill.
    pub filled: u64,
    /// How many times the access token was renewed during the run.
    pub renewals: usize,
}

/// What a run created on the target, for the clean-up.
#[derive(Debug, Clone)]
pub struct Created {
    pub workspace_id: i64,
    /// Whether the workspace is the run's own (else `--workspace-id`'s, left in place).
    pub own_workspace: bool,
    pub database_id: i64,
    pub table_id: Option<i64>,
}

/// Signs in, creates the table, fills and measures it, then deletes what it created unless
/// `options.keep` (a failed clean-up is reported before a failed measurement).
pub async fn run(target: &Target, options: &Options) -> anyhow::Result<Outcome> {
    let api = Api::with_connections(&target.url, target.fill_concurrency)?;
    sign_in(&api, target)
        .await
        .with_context(|| format!("signing in to {}", target.url))?;
    let mut created = create_database(&api, target.workspace_id).await?;
    let measured = measure(&api, target, options, &mut created).await;
    if options.keep {
        println!(
            "\nKept workspace {}, database {}, table {} on {}",
            created.workspace_id,
            created.database_id,
            created
                .table_id
                .map_or_else(|| "(none)".to_owned(), |id| id.to_string()),
            target.url
        );
    } else {
        remove(&api, &created)
            .await
            .context("deleting what the benchmark created")?;
    }
    let (report, filled) = measured?;
    Ok(Outcome {
        report,
        created,
        filled,
        renewals: api.renewals(),
    })
}

/// Logs in with Baserow's `POST /api/user/token-auth/`, after signing up first with
/// `--sign-up` (an address that already has an account is simply logged in to). The
/// access token is renewed through the refresh token as it ages.
async fn sign_in(api: &Api, target: &Target) -> anyhow::Result<()> {
    let credentials = json!({"email": target.email, "password": target.password});
    if target.sign_up {
        let mut body = credentials.clone();
        body["name"] = NAME.into();
        let (status, bytes) = api
            .send(api.build(Method::POST, "/api/user/", Some(&body))?)
            .await?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if status != 200 && answer["error"] != "ERROR_EMAIL_ALREADY_EXISTS" {
            anyhow::bail!(
                "POST /api/user/ (sign-up) answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
    let session = api
        .call(Method::POST, "/api/user/token-auth/", Some(&credentials))
        .await?;
    let token = |key: &str| {
        session[key]
            .as_str()
            .with_context(|| format!("the login answer has no {key}"))
    };
    let access = token("access_token").or_else(|_| token("token"))?;
    api.set_session(access, token("refresh_token")?);
    Ok(())
}

/// A new database in the workspace `workspace_id`, or in a new workspace.
async fn create_database(api: &Api, workspace_id: Option<i64>) -> anyhow::Result<Created> {
    let (workspace_id, own_workspace) = match workspace_id {
        Some(id) => (id, false),
        None => {
            let workspace = api
                .call(
                    Method::POST,
                    "/api/workspaces/",
                    Some(&json!({"name": NAME})),
                )
                .await?;
            (id_of(&workspace)?, true)
        }
    };
    let database = api
        .call(
            Method::POST,
            &format!("/api/applications/workspace/{workspace_id}/"),
            Some(&json!({"name": NAME, "type": "database"})),
        )
        .await;
    let database_id = match database.and_then(|d| id_of(&d)) {
        Ok(id) => id,
        Err(e) => {
            if own_workspace {
                // Best effort: the error that matters is the one above.
                let _ = api
                    .delete(&format!("/api/workspaces/{workspace_id}/"))
                    .await;
            }
            return Err(e);
        }
    };
    Ok(Created {
        workspace_id,
        own_workspace,
        database_id,
        table_id: None,
    })
}

/// Builds and fills the table, then measures every workload; the report and the table's
/// row count after the fill.
async fn measure(
    api: &Api,
    target: &Target,
    options: &Options,
    created: &mut Created,
) -> anyhow::Result<(String, u64)> {
    let table = Table::build_through_api(
        api,
        created.database_id,
        options.rows,
        target.fill_concurrency,
    )
    .await?;
    created.table_id = Some(table.schema.table_id);
    let filled = setup::row_count(api, table.schema.table_id).await?;

    let mut bench = Bench::new(api, None, &table, options, REQUEST_SEED).await?;
    let (results, measuring, load) = measure_all(&mut bench).await?;
    let intro = Intro {
        at: format!(" at {}", target.url),
        table: &table,
        options,
        measuring,
        facts: format!(
            "- server: {}, measured through its REST API from this machine\n{}",
            target.url,
            machine::machine(load)
        ),
        probe_words: bench.probe_words(),
    };
    Ok((report::document(&intro, &results), filled))
}

/// Deletes the table, empties its database's trash so its rows are deleted for good (the
/// database is the run's own, so nothing else is in it), then deletes the database, and
/// the workspace when the run created it.
pub async fn remove(api: &Api, created: &Created) -> anyhow::Result<()> {
    let Created {
        workspace_id,
        database_id,
        ..
    } = created;
    if let Some(table_id) = created.table_id {
        api.delete(&format!("/api/database/tables/{table_id}/"))
            .await?;
        api.delete(&format!(
            "/api/trash/workspace/{workspace_id}/?application_id={database_id}"
        ))
        .await?;
    }
    api.delete(&format!("/api/applications/{database_id}/"))
        .await?;
    if created.own_workspace {
        api.delete(&format!("/api/workspaces/{workspace_id}/"))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Workload;
    use sqlx::AssertSqlSafe;
    use std::time::Duration;
    use tessera::platform::jobs::Queue;
    use tessera_bench::{cli::DEFAULT_FILL_CONCURRENCY, server::Server};

    const ROWS: u64 = 500;
    const REQUESTS: usize = 4;
    const WARMUP: usize = 1;

    /// `--target` against a real server started here, as against any other: signs up, fills
    /// 500 rows through the batch API, measures every workload and reports each with
    /// numbers, renewing access tokens that live 3 seconds; then the clean-up deletes the
    /// table for good.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn measures_a_server_through_its_api() -> anyhow::Result<()> {
        let _alone = crate::SERVER_TESTS.lock().await;
        let server = Server::start_with(&[Queue::High, Queue::Low], |settings| {
            settings.access_token_lifetime = Duration::from_secs(3);
        })
        .await?;
        let target = Target {
            url: server.url.clone(),
            email: "target@example.com".into(),
            password: "benchmark-password".into(),
            sign_up: true,
            workspace_id: None,
            fill_concurrency: DEFAULT_FILL_CONCURRENCY,
        };
        let options = Options {
            rows: ROWS,
            requests: REQUESTS,
            warmup: WARMUP,
            // Kept, so the table can be checked in the database before the clean-up below.
            keep: true,
            ..Options::default()
        };
        let outcome = run(&target, &options).await?;
        let report = &outcome.report;

        assert_eq!(outcome.filled, ROWS, "{report}");
        assert!(report.contains(&format!("- rows: {ROWS} in `")), "{report}");
        assert!(report.contains("bare SQL and the breakdown"), "{report}");
        assert!(!report.contains("bare SQL p50"), "{report}");
        for workload in Workload::ALL {
            let line = report
                .lines()
                .find(|line| line.starts_with(&format!("| {} |", workload.label())))
                .with_context(|| format!("no row for {}:\n{report}", workload.label()))?;
            // `| label | p50 / p95 / p99 | baseline | speed-up |`: every figure a number.
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let figures: Vec<f64> = cells[2]
                .split(" / ")
                .map(str::parse)
                .collect::<Result<_, _>>()
                .with_context(|| format!("not three numbers: {line}"))?;
            assert_eq!(figures.len(), 3, "{line}");
            assert!(figures.iter().all(|f| *f > 0.0), "{line}");
            assert!(
                cells[4].trim_end_matches('×').parse::<f64>().is_ok(),
                "{line}"
            );
        }
        // The run took longer than the 3-second access token lives.
        assert!(outcome.renewals > 0, "the access token was never renewed");

        // The table holds the filled rows plus those the batch workload created, one
        // batch per request (warm-up twice, then the measured ones).
        let table_id = outcome.created.table_id.context("no table")?;
        let rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT count(*) FROM database_table_{table_id} WHERE NOT trashed"
        )))
        .fetch_one(&server.ctx.db)
        .await?;
        let batches = (2 * WARMUP + REQUESTS) as i64;
        assert_eq!(rows, ROWS as i64 + 200 * batches);

        // The clean-up `--keep` skipped: the table is gone.
        let api = Api::new(&server.url)?;
        sign_in(
            &api,
            &Target {
                sign_up: false,
                ..target
            },
        )
        .await?;
        remove(&api, &outcome.created).await?;
        let (status, _) = api
            .send(api.build(
                Method::GET,
                &format!("/api/database/tables/{table_id}/"),
                None,
            )?)
            .await?;
        assert_eq!(status, 404);
        let workspaces = api.call(Method::GET, "/api/workspaces/", None).await?;
        let workspaces = workspaces.as_array().context("no workspace list")?;
        assert!(
            workspaces
                .iter()
                .all(|w| w["id"] != json!(outcome.created.workspace_id)),
            "{workspaces:?}"
        );
        server.finish(false).await
    }
}
