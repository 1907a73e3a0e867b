//! User-visible jobs: a `jobs` row per job that users poll (`GET /api/jobs/{id}/`), with
//! Baserow's states and progress, and the limit of one unfinished job per type and user.
//! Every change also reaches the owner's sockets (`job_started`, `job_updated`), queued in
//! the transaction that makes it.

use super::{LowJob, enqueue_low};
use crate::{
    context::AppContext,
    error::{Code, HasCode},
    platform::auth::Actor,
    realtime::notify,
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, types::Json};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserJob {
    pub id: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub user_id: i64,
    pub state: String,
    pub progress_percentage: i32,
    pub params: Json<Value>,
    pub result: Json<Value>,
    pub human_readable_error: String,
    pub created_on: DateTime<Utc>,
}

impl UserJob {
    /// Baserow's job object: common keys plus the type's own (params, then results).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.id));
        out.insert("type".into(), json!(self.kind));
        out.insert(
            "progress_percentage".into(),
            json!(self.progress_percentage),
        );
        out.insert("state".into(), json!(self.state));
        out.insert(
            "human_readable_error".into(),
            json!(self.human_readable_error),
        );
        out.insert("created_on".into(), json!(self.created_on));
        for source in [&self.params.0, &self.result.0] {
            if let Some(map) = source.as_object() {
                // Keys starting with `_` are the runner's own (a password, say).
                for (k, v) in map.iter().filter(|(k, _)| !k.starts_with('_')) {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        Value::Object(out)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("The job does not exist.")]
    NotFound,
    #[error("You already have an unfinished job of this type.")]
    MaxJobCountExceeded,
    #[error("The job cannot be cancelled")]
    NotCancellable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Queue(#[from] anyhow::Error),
}

impl HasCode for JobError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::JobDoesNotExist,
            Self::MaxJobCountExceeded => Code::MaxJobCountExceeded,
            Self::NotCancellable => Code::JobNotCancellable,
            Self::Database(_) | Self::Queue(_) => Code::Internal,
        }
    }
}

const COLUMNS: &str = "id, type, user_id, state, progress_percentage, params, result, human_readable_error, created_on";

/// Creates a job row and queues its work on `low`, inside the caller's transaction.
pub async fn start(
    conn: &mut PgConnection,
    user_id: i64,
    kind: &str,
    params: Value,
) -> Result<UserJob, JobError> {
    // One unfinished job per type and user; the row lock on the user serialises the check.
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let running: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM jobs WHERE user_id = $1 AND type = $2 AND state IN ('pending', 'started'))")
        .bind(user_id)
        .bind(kind)
        .fetch_one(&mut *conn)
        .await?;
    if running {
        return Err(JobError::MaxJobCountExceeded);
    }
    let job: UserJob = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs (type, user_id, params) VALUES ($1, $2, $3) RETURNING {COLUMNS}"
    )))
    .bind(kind)
    .bind(user_id)
    .bind(Json(&params))
    .fetch_one(&mut *conn)
    .await?;
    enqueue_low(conn, &LowJob::Run { job_id: job.id }).await?;
    announce(conn, &job, "job_started").await?;
    Ok(job)
}

/// Queues `{"type": kind, "job": …}` for the job's owner: every socket of theirs, the one
/// that started it too (a job is not an edit the tab has applied already).
async fn announce(conn: &mut PgConnection, job: &UserJob, kind: &str) -> sqlx::Result<()> {
    notify::users(
        conn,
        vec![job.user_id],
        None,
        notify::message(kind, json!({ "job": job.to_json() })),
    )
    .await
}

pub async fn get(ctx: &AppContext, actor: &Actor, id: i64) -> Result<UserJob, JobError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE id = $1 AND user_id = $2"
    )))
    .bind(id)
    .bind(actor.id())
    .fetch_optional(&ctx.db)
    .await?
    .ok_or(JobError::NotFound)
}

/// Every state a job can be in.
pub const STATES: &[&str] = &[
    "pending",
    "started",
    "finished",
    "failed",
    "cancelled",
    "expired",
];

/// Which of the caller's jobs to list (Baserow's `states` and `job_ids`).
#[derive(Debug, Default)]
pub struct JobFilter {
    /// Jobs in any of these states, when not empty.
    pub states: Vec<String>,
    /// Jobs in none of these states.
    pub not_states: Vec<String>,
    /// Only these jobs, when not empty.
    pub ids: Vec<i64>,
}

/// The caller's newest 100 jobs that `filter` lets through.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    filter: &JobFilter,
) -> Result<Vec<UserJob>, JobError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE user_id = $1 \
         AND (cardinality($2::text[]) = 0 OR state = ANY($2)) \
         AND NOT (state = ANY($3)) \
         AND (cardinality($4::bigint[]) = 0 OR id = ANY($4)) \
         ORDER BY id DESC LIMIT 100"
    )))
    .bind(actor.id())
    .bind(&filter.states)
    .bind(&filter.not_states)
    .bind(&filter.ids)
    .fetch_all(&ctx.db)
    .await?)
}

/// Cancels one of the caller's jobs that has not ended; its runner notices through
/// [`state`] or [`finish`] and stops, leaving nothing of its work. Cancelling a cancelled
/// job again answers it unchanged; a job that ended otherwise cannot be cancelled.
pub async fn cancel(ctx: &AppContext, actor: &Actor, id: i64) -> Result<UserJob, JobError> {
    let mut tx = ctx.db.begin().await?;
    // The row lock waits for a runner finishing the job right now: it either sees the
    // job finished (too late to cancel) or its `finish` sees it cancelled.
    let job: UserJob = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE id = $1 AND user_id = $2 FOR UPDATE"
    )))
    .bind(id)
    .bind(actor.id())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(JobError::NotFound)?;
    match job.state.as_str() {
        "cancelled" => return Ok(job),
        "pending" | "started" => {}
        _ => return Err(JobError::NotCancellable),
    }
    let job: UserJob = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'cancelled', updated_on = now() WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    announce(&mut tx, &job, "job_updated").await?;
    tx.commit().await?;
    Ok(job)
}

/// Loads a job for running; `None` when it is gone or already over (a retried queue entry).
pub async fn claim(ctx: &AppContext, id: i64) -> sqlx::Result<Option<UserJob>> {
    let mut tx = ctx.db.begin().await?;
    let job: Option<UserJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'started', updated_on = now() WHERE id = $1 AND state IN ('pending', 'started') RETURNING {COLUMNS}"
    )))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(job) = &job {
        announce(&mut tx, job, "job_updated").await?;
    }
    tx.commit().await?;
    Ok(job)
}

/// Least time between two progress events of a job; its state changes always go out.
const PROGRESS_EVENT_EVERY_MS: i32 = 250;

/// Records progress; the owner hears of it at most every 250 ms.
pub async fn set_progress(db: &sqlx::PgPool, id: i64, percentage: i32) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    // `now()` is the transaction's start, so `progress_event_on = now()` after the update
    // says whether this update took the announcement slot.
    let row: Option<(bool,)> = sqlx::query_as(
        "UPDATE jobs SET progress_percentage = $2, updated_on = now(), \
         progress_event_on = CASE WHEN progress_event_on IS NULL \
           OR progress_event_on <= now() - make_interval(secs => $3::float8 / 1000) \
           THEN now() ELSE progress_event_on END \
         WHERE id = $1 AND progress_percentage <> $2 RETURNING progress_event_on = now()",
    )
    .bind(id)
    .bind(percentage.clamp(0, 100))
    .bind(PROGRESS_EVENT_EVERY_MS)
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_some_and(|(due,)| due) {
        let job: UserJob = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM jobs WHERE id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        announce(&mut tx, &job, "job_updated").await?;
    }
    tx.commit().await
}

/// Marks a job finished with its result, in the transaction that produced the result.
/// `false` when the job was over already (cancelled meanwhile): the result is not kept.
pub async fn finish(conn: &mut PgConnection, id: i64, result: Value) -> sqlx::Result<bool> {
    let job: Option<UserJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'finished', progress_percentage = 100, result = $2, updated_on = now() \
         WHERE id = $1 AND state IN ('pending', 'started') RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(Json(result))
    .fetch_optional(&mut *conn)
    .await?;
    match job {
        Some(job) => announce(conn, &job, "job_updated").await.map(|()| true),
        None => Ok(false),
    }
}

/// Marks a job failed with a message users can read.
pub async fn fail(db: &sqlx::PgPool, id: i64, message: &str) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    let job: Option<UserJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'failed', human_readable_error = $2, updated_on = now() \
         WHERE id = $1 AND state IN ('pending', 'started') RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(message)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(job) = &job {
        announce(&mut tx, job, "job_updated").await?;
    }
    tx.commit().await
}

/// Cancels the user's unfinished jobs of a type (a new export replaces the running one);
/// their runners notice through [`state`] and stop.
pub async fn cancel_unfinished(
    conn: &mut PgConnection,
    user_id: i64,
    kind: &str,
) -> sqlx::Result<()> {
    let jobs: Vec<UserJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'cancelled', updated_on = now() \
         WHERE user_id = $1 AND type = $2 AND state IN ('pending', 'started') RETURNING {COLUMNS}"
    )))
    .bind(user_id)
    .bind(kind)
    .fetch_all(&mut *conn)
    .await?;
    for job in &jobs {
        announce(conn, job, "job_updated").await?;
    }
    Ok(())
}

/// The job's current state, for a runner to see whether it was cancelled.
pub async fn state(db: &sqlx::PgPool, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT state FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Marks finished jobs of a type `expired` when they finished longer than `age` ago;
/// returns them (their results name what to delete).
pub async fn expire_finished(
    conn: &mut PgConnection,
    kind: &str,
    age: std::time::Duration,
) -> sqlx::Result<Vec<UserJob>> {
    let jobs: Vec<UserJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET state = 'expired', updated_on = now() \
         WHERE type = $1 AND state = 'finished' AND updated_on < now() - make_interval(secs => $2) \
         RETURNING {COLUMNS}"
    )))
    .bind(kind)
    .bind(age.as_secs_f64())
    .fetch_all(&mut *conn)
    .await?;
    for job in &jobs {
        announce(conn, job, "job_updated").await?;
    }
    Ok(jobs)
}
