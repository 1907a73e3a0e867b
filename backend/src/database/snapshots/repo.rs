//! SQL for `snapshots` and the hidden copies they keep.

use super::Snapshot;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, PgConnection, PgExecutor};

const SELECT: &str = "SELECT s.id, s.name, s.snapshot_from_application_id, s.snapshot_to_application_id, \
    s.created_at, u.email AS created_by_username FROM snapshots s LEFT JOIN users u ON u.id = s.created_by_id";

/// How a read snapshot is locked until the transaction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    None,
    /// Restoring reads the copy: deleting waits.
    Share,
    /// Deleting, and starting a restore, exclude each other.
    Update,
}

pub async fn get(conn: &mut PgConnection, id: i64, lock: Lock) -> sqlx::Result<Option<Snapshot>> {
    let suffix = match lock {
        Lock::None => "",
        Lock::Share => " FOR SHARE OF s",
        Lock::Update => " FOR UPDATE OF s",
    };
    sqlx::query_as(AssertSqlSafe(format!("{SELECT} WHERE s.id = $1{suffix}")))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The first snapshot after `after` (by id) taken before `before`, locked; one another
/// transaction holds (being deleted, or restored) is passed over.
pub async fn next_expired(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
    after: i64,
) -> sqlx::Result<Option<Snapshot>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} WHERE s.created_at < $1 AND s.id > $2 ORDER BY s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED"
    )))
    .bind(before)
    .bind(after)
    .fetch_optional(conn)
    .await
}

/// The snapshots of a database that have a copy, newest first (Baserow's order).
pub async fn list_restorable(
    db: impl PgExecutor<'_>,
    application_id: i64,
) -> sqlx::Result<Vec<Snapshot>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{SELECT} WHERE s.snapshot_from_application_id = $1 AND s.snapshot_to_application_id IS NOT NULL \
         ORDER BY s.created_at DESC, s.id DESC"
    )))
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// Snapshots with a copy of the workspace's databases, trashed ones included (they come
/// back with their database).
pub async fn count_in_workspace(db: impl PgExecutor<'_>, workspace_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM snapshots s JOIN applications a ON a.id = s.snapshot_from_application_id \
         WHERE a.workspace_id = $1 AND s.snapshot_to_application_id IS NOT NULL",
    )
    .bind(workspace_id)
    .fetch_one(db)
    .await
}

pub async fn name_taken(
    db: impl PgExecutor<'_>,
    application_id: i64,
    name: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM snapshots WHERE snapshot_from_application_id = $1 \
         AND snapshot_to_application_id IS NOT NULL AND name = $2)",
    )
    .bind(application_id)
    .bind(name)
    .fetch_one(db)
    .await
}

/// Whether a job of `kind` that has not ended names `key` = `id` in its snapshot.
async fn job_running(
    db: impl PgExecutor<'_>,
    kind: &str,
    key: &str,
    id: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE type = $1 AND state IN ('pending', 'started') \
         AND params -> 'snapshot' -> $2::text = to_jsonb($3::bigint))",
    )
    .bind(kind)
    .bind(key)
    .bind(id)
    .fetch_one(db)
    .await
}

/// Whether a snapshot of the database is being taken.
pub async fn creation_running(db: impl PgExecutor<'_>, application_id: i64) -> sqlx::Result<bool> {
    job_running(
        db,
        super::job::CREATE,
        "snapshot_from_application",
        application_id,
    )
    .await
}

/// Whether the snapshot is being restored.
pub async fn restore_running(db: impl PgExecutor<'_>, snapshot_id: i64) -> sqlx::Result<bool> {
    job_running(db, super::job::RESTORE, "id", snapshot_id).await
}

/// Serialises snapshot requests for one database, so that the limit, name and
/// running-job checks hold until the new snapshot is in.
pub async fn lock_application(conn: &mut PgConnection, application_id: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT 1 FROM applications WHERE id = $1 FOR UPDATE")
        .bind(application_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Forgets snapshots of the database whose creating job failed: they have no copy.
pub async fn delete_unfinished(db: impl PgExecutor<'_>, application_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM snapshots WHERE snapshot_from_application_id = $1 AND snapshot_to_application_id IS NULL",
    )
    .bind(application_id)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    application_id: i64,
    user_id: i64,
    name: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO snapshots (name, snapshot_from_application_id, created_by_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(application_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// A database for a copy, out of sight: trashed, with no trash entry to restore it by.
pub async fn insert_hidden_application(
    db: impl PgExecutor<'_>,
    workspace_id: i64,
    name: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO applications (workspace_id, name, type, \"order\", trashed) \
         VALUES ($1, $2, 'database', 0, TRUE) RETURNING id",
    )
    .bind(workspace_id)
    .bind(name)
    .fetch_one(db)
    .await
}

pub async fn set_copy(db: impl PgExecutor<'_>, id: i64, copy_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE snapshots SET snapshot_to_application_id = $2 WHERE id = $1")
        .bind(id)
        .bind(copy_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Every table of a database, trashed or not.
pub async fn all_tables(db: impl PgExecutor<'_>, application_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM database_tables WHERE database_id = $1 ORDER BY id")
        .bind(application_id)
        .fetch_all(db)
        .await
}

/// Deletes a snapshot and its copy for good (the copy's tables are dropped first).
pub async fn delete(conn: &mut PgConnection, snapshot: &Snapshot) -> sqlx::Result<()> {
    if let Some(copy_id) = snapshot.snapshot_to_application_id {
        for table_id in all_tables(&mut *conn, copy_id).await? {
            crate::database::tables::repo::drop_for_good(&mut *conn, table_id).await?;
        }
        sqlx::query("DELETE FROM applications WHERE id = $1 AND trashed")
            .bind(copy_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM snapshots WHERE id = $1")
        .bind(snapshot.id)
        .execute(conn)
        .await
        .map(|_| ())
}
