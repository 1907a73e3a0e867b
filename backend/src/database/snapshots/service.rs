//! Snapshot use cases: list, take (a job), restore (a job), delete. As in Baserow each
//! takes the admin role in the database's workspace.

use super::{
    Snapshot, SnapshotError, job,
    repo::{self, Lock},
};
use crate::{
    context::AppContext,
    database::job_start,
    platform::{
        applications::{self, Application, MAX_NAME_LENGTH},
        auth::Actor,
        jobs::user_jobs::{self, JobError, UserJob},
        validation::{self, ValidationError},
        workspaces::require_admin,
    },
};
use serde_json::json;
use sqlx::PgConnection;

/// A database the caller administers: 404 when unknown, not-a-member or not-an-admin
/// otherwise.
async fn administered(
    conn: &mut PgConnection,
    actor: &Actor,
    application_id: i64,
) -> Result<Application, SnapshotError> {
    let app = applications::accessible(&mut *conn, actor, application_id).await?;
    require_admin(conn, actor.id(), app.workspace_id).await?;
    Ok(app)
}

/// A finished snapshot of a live database the caller administers. While its database is
/// in the trash a snapshot is out of reach; it comes back with the database.
async fn reachable(
    conn: &mut PgConnection,
    actor: &Actor,
    snapshot_id: i64,
    lock: Lock,
) -> Result<Snapshot, SnapshotError> {
    let snapshot = repo::get(&mut *conn, snapshot_id, lock)
        .await?
        .filter(|s| s.snapshot_to_application_id.is_some())
        .ok_or(SnapshotError::NotFound)?;
    let app = applications::repo::get(&mut *conn, snapshot.snapshot_from_application_id)
        .await?
        .ok_or(SnapshotError::NotFound)?;
    require_admin(conn, actor.id(), app.workspace_id).await?;
    Ok(snapshot)
}

fn job_error(e: JobError) -> SnapshotError {
    job_start::error(
        e,
        SnapshotError::OperationLimitExceeded,
        SnapshotError::Database,
    )
}

/// The database's snapshots, newest first.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    application_id: i64,
) -> Result<Vec<Snapshot>, SnapshotError> {
    let mut conn = ctx.db.acquire().await?;
    let app = administered(&mut conn, actor, application_id).await?;
    Ok(repo::list_restorable(&mut *conn, app.id).await?)
}

/// Starts taking a snapshot named `name`; returns the `create_snapshot` job to poll.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), application_id))]
pub async fn start_create(
    ctx: &AppContext,
    actor: &Actor,
    application_id: i64,
    name: &str,
) -> Result<UserJob, SnapshotError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, MAX_NAME_LENGTH);
    errors.into_result()?;
    let mut tx = ctx.db.begin().await?;
    let app = administered(&mut tx, actor, application_id).await?;
    repo::lock_application(&mut tx, app.id).await?;
    let limit = ctx.settings.max_snapshots_per_workspace;
    if limit > 0 && repo::count_in_workspace(&mut *tx, app.workspace_id).await? >= limit as i64 {
        return Err(SnapshotError::MaximumReached);
    }
    if repo::creation_running(&mut *tx, app.id).await? {
        return Err(SnapshotError::BeingCreated);
    }
    if repo::name_taken(&mut *tx, app.id, &name).await? {
        return Err(SnapshotError::NameNotUnique);
    }
    // No job is taking one, so a snapshot without a copy is what a failed job left.
    repo::delete_unfinished(&mut *tx, app.id).await?;
    let id = repo::insert(&mut *tx, app.id, actor.id(), &name).await?;
    let snapshot = repo::get(&mut tx, id, Lock::None)
        .await?
        .ok_or(SnapshotError::NotFound)?;
    let params = json!({ "snapshot": snapshot.to_json() });
    let job = user_jobs::start(&mut tx, actor.id(), job::CREATE, params)
        .await
        .map_err(job_error)?;
    tx.commit().await?;
    Ok(job)
}

/// Starts restoring a snapshot as a new database; returns the `restore_snapshot` job.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), snapshot_id))]
pub async fn start_restore(
    ctx: &AppContext,
    actor: &Actor,
    snapshot_id: i64,
) -> Result<UserJob, SnapshotError> {
    let mut tx = ctx.db.begin().await?;
    let snapshot = reachable(&mut tx, actor, snapshot_id, Lock::Update).await?;
    if repo::restore_running(&mut *tx, snapshot.id).await? {
        return Err(SnapshotError::BeingRestored);
    }
    let params = json!({ "snapshot": snapshot.to_json() });
    let job = user_jobs::start(&mut tx, actor.id(), job::RESTORE, params)
        .await
        .map_err(job_error)?;
    tx.commit().await?;
    Ok(job)
}

/// Deletes a snapshot and its copy for good; databases restored from it stay.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), snapshot_id))]
pub async fn delete(
    ctx: &AppContext,
    actor: &Actor,
    snapshot_id: i64,
) -> Result<(), SnapshotError> {
    let mut tx = ctx.db.begin().await?;
    let snapshot = reachable(&mut tx, actor, snapshot_id, Lock::Update).await?;
    if repo::restore_running(&mut *tx, snapshot.id).await? {
        return Err(SnapshotError::BeingRestored);
    }
    repo::delete(&mut tx, &snapshot).await?;
    tx.commit().await?;
    Ok(())
}
