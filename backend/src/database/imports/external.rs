//! Imports from an external PostgreSQL or MySQL/MariaDB table: the request is checked
//! (URL, table name, target, access), then an `external_database_import` job on the `low`
//! queue connects, reads the table and copies its rows like a file import. The job shows
//! the connection URL with its password hidden; the URL itself is kept sealed (encrypted
//! under the server's secret) in a key users never see, cleared as soon as the job ends,
//! and by the hourly housekeeping from a job that has not started within an hour.

use super::{
    ImportError,
    job::{Target, import_rows},
    queue,
    sources::external::{ExternalSource, SourceUrl, TableName},
};
use crate::{
    context::AppContext,
    database::tables,
    platform::{
        auth::Actor,
        jobs::user_jobs::UserJob,
        sealing,
        validation::{self, ValidationError},
    },
};
use serde::Deserialize;
use serde_json::json;

/// The job type.
pub const JOB_TYPE: &str = "external_database_import";

/// The job's key holding the sealed URL with its password; `UserJob::to_json` leaves out
/// keys starting with `_`.
const SECRET_URL_KEY: &str = "_connection_url";
/// What the URL is sealed for (see [`sealing`]).
const SEALED_FOR: &str = "external-import-url";
/// A job that has not started within this long loses its connection URL.
const URL_KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

/// The body of `POST /api/jobs/` with `type: "external_database_import"`.
#[derive(Debug, Default, Deserialize)]
pub struct ExternalImportRequest {
    pub connection_url: Option<String>,
    pub source_table: Option<String>,
    pub database_id: Option<i64>,
    pub name: Option<String>,
    pub table_id: Option<i64>,
}

struct Checked {
    url: SourceUrl,
    table: TableName,
    name: Option<String>,
}

fn check(req: &ExternalImportRequest) -> Result<Checked, ValidationError> {
    let mut errors = ValidationError::default();
    let url = match req.connection_url.as_deref() {
        None => {
            errors.add("connection_url", "required", "This field is required.");
            None
        }
        Some(raw) => SourceUrl::parse(raw)
            .map_err(|reason| errors.add("connection_url", "invalid", reason))
            .ok(),
    };
    let table = match req.source_table.as_deref() {
        None => {
            errors.add("source_table", "required", "This field is required.");
            None
        }
        Some(raw) => TableName::parse(raw)
            .map_err(|reason| errors.add("source_table", "invalid", reason))
            .ok(),
    };
    let name = match (req.database_id, req.table_id) {
        (Some(_), None) => Some(validation::text(
            &mut errors,
            "name",
            req.name.as_deref().unwrap_or_default(),
            1,
            tables::MAX_NAME_LENGTH,
        )),
        (None, Some(_)) => None,
        _ => {
            errors.add(
                "database_id",
                "required",
                "Give either database_id and name (a new table) or table_id (rows added to a table).",
            );
            None
        }
    };
    errors.into_result()?;
    match (url, table) {
        (Some(url), Some(table)) => Ok(Checked { url, table, name }),
        _ => Err(ValidationError::single(
            "connection_url",
            "invalid",
            "The source is invalid.",
        )),
    }
}

/// Starts an import from an external database for the caller; returns the job to poll.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    req: ExternalImportRequest,
) -> Result<UserJob, ImportError> {
    let checked = check(&req)?;
    let mut tx = ctx.db.begin().await?;
    let (database_id, name) = queue::target(
        &mut tx,
        actor,
        req.database_id,
        req.table_id,
        checked.name.clone(),
    )
    .await?;
    let params = json!({
        "database_id": database_id,
        "name": name,
        "table_id": req.table_id,
        "append": req.table_id.is_some(),
        "connection_url": checked.url.redacted(),
        "source_table": checked.table.display(),
        "report": null,
        SECRET_URL_KEY: sealing::seal(
            &ctx.settings.secret_key,
            SEALED_FOR,
            req.connection_url.as_deref().unwrap_or_default().trim(),
        ),
    });
    let job = queue::start_job(&mut tx, actor, JOB_TYPE, params).await?;
    tx.commit().await?;
    tracing::info!(
        job_id = job.id,
        source = checked.url.redacted(),
        "external database import queued"
    );
    Ok(job)
}

/// The tables an external database's user may read, for choosing one to import. Each
/// listing connects to another server at once, so a user gets a few a minute.
pub async fn list_tables(
    ctx: &AppContext,
    actor: &Actor,
    connection_url: &str,
) -> Result<Vec<String>, ImportError> {
    let per_minute = crate::platform::throttle::Limit::per(10, std::time::Duration::from_secs(60));
    crate::platform::throttle::hit(ctx, "external-tables", &actor.id().to_string(), per_minute)
        .await?;
    let url = SourceUrl::parse(connection_url)
        .map_err(|reason| ValidationError::single("connection_url", "invalid", reason))?;
    crate::database::imports::sources::external::list_tables(
        ctx.outbound.policy(),
        ctx.settings.external_database_ca_file.clone(),
        &url,
    )
    .await
    .map_err(ImportError::ExternalDatabase)
}

/// What [`start`] stored in the job.
#[derive(Debug, Deserialize)]
struct Params {
    database_id: i64,
    name: String,
    table_id: Option<i64>,
    append: bool,
    source_table: String,
    #[serde(rename = "_connection_url")]
    connection_url: Option<String>,
}

/// Runs the job (in the export worker). Whatever happens, the password is gone from the
/// job afterwards, and no message it leaves contains it.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let params: Params = serde_json::from_value(job.params.0.clone())
        .map_err(|_| anyhow::anyhow!("The job's parameters are invalid."))?;
    let raw = params
        .connection_url
        .as_deref()
        .and_then(|sealed| sealing::open(&ctx.settings.secret_key, SEALED_FOR, sealed));
    let Some(raw) = raw else {
        forget_password(ctx, job.id).await?;
        anyhow::bail!(
            "The job was interrupted or waited too long, and its connection details are gone; start it again."
        );
    };
    let url = SourceUrl::parse(&raw).map_err(|e| anyhow::anyhow!(e))?;
    let outcome = async {
        let source = ExternalSource {
            url: url.clone(),
            table: TableName::parse(&params.source_table).map_err(|e| anyhow::anyhow!(e))?,
            policy: ctx.outbound.policy().clone(),
            ca_file: ctx.settings.external_database_ca_file.clone(),
        };
        let target = Target {
            database_id: params.database_id,
            name: params.name.clone(),
            table_id: params.table_id.filter(|_| params.append),
        };
        import_rows(ctx, job, target, Box::new(source))
            .await
            .map_err(crate::database::fields::constraints::explain)
    }
    .await;
    forget_password(ctx, job.id).await?;
    match outcome {
        Ok(imported) => {
            tracing::info!(
                job_id = job.id,
                table_id = imported.table_id,
                imported = imported.rows,
                "external database import finished"
            );
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!(url.redact(&e.to_string()))),
    }
}

/// Housekeeping: forgets the connection URLs of imports that have not started within an
/// hour of being asked for (their jobs then fail with a message to start again).
pub async fn forget_stale_passwords(ctx: &AppContext) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE jobs SET params = params - $2 \
          WHERE type = $1 AND params ? $2 AND created_on < now() - make_interval(secs => $3)",
    )
    .bind(JOB_TYPE)
    .bind(SECRET_URL_KEY)
    .bind(URL_KEPT_FOR.as_secs_f64())
    .execute(&ctx.db)
    .await
    .map(|r| r.rows_affected())
}

async fn forget_password(ctx: &AppContext, job_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE jobs SET params = params - $2 WHERE id = $1")
        .bind(job_id)
        .bind(SECRET_URL_KEY)
        .execute(&ctx.db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: serde_json::Value) -> ExternalImportRequest {
        serde_json::from_value(body).unwrap_or_default()
    }

    #[test]
    fn requests_need_a_valid_url_table_and_one_target() {
        let ok = json!({"connection_url": "postgresql://a:b@h/db", "source_table": "s.t", "database_id": 1, "name": "T"});
        assert!(check(&req(ok)).is_ok());
        for bad in [
            json!({"source_table": "t", "table_id": 1}),
            json!({"connection_url": "postgresql://h/db", "table_id": 1}),
            json!({"connection_url": "http://h/db", "source_table": "t", "table_id": 1}),
            json!({"connection_url": "postgresql://h/db", "source_table": "a\u{0}", "table_id": 1}),
            json!({"connection_url": "postgresql://h/db", "source_table": "t"}),
            json!({"connection_url": "postgresql://h/db", "source_table": "t", "database_id": 1}),
            json!({"connection_url": "postgresql://h/db", "source_table": "t", "database_id": 1, "table_id": 1}),
        ] {
            assert!(check(&req(bad.clone())).is_err(), "{bad}");
        }
    }
}
