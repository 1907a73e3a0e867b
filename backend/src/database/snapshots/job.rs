//! The two snapshot jobs on the `low` queue. Taking one copies the database into a hidden
//! database of its workspace, reading it as of one moment; restoring one copies the hidden
//! database into a new one at the end of the workspace, named after the snapshot, and
//! tells the members as for any new database. Each happens in one transaction: complete,
//! or not at all.

use super::{Snapshot, repo};
use crate::{
    context::AppContext,
    database::{
        duplicate_application::{announce_copied_database, next_free_name},
        events::EventOrigin,
        tables::{self, Table, copy::copy_tables},
        tx::Tx,
    },
    platform::{
        applications::{self, Application},
        jobs::user_jobs::{self, UserJob},
        workspaces::require_admin,
    },
};
use anyhow::anyhow;
use serde_json::{Value, json};
use sqlx::PgConnection;

pub const CREATE: &str = "create_snapshot";
pub const RESTORE: &str = "restore_snapshot";

fn snapshot_id(job: &UserJob) -> anyhow::Result<i64> {
    job.params
        .0
        .pointer("/snapshot/id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow!("The job names no snapshot."))
}

/// The live database a snapshot was taken of, if the job's user still administers it.
async fn source(
    conn: &mut PgConnection,
    job: &UserJob,
    snapshot: &Snapshot,
) -> anyhow::Result<Application> {
    let app = applications::repo::get(&mut *conn, snapshot.snapshot_from_application_id)
        .await?
        .ok_or_else(|| anyhow!("The database no longer exists."))?;
    require_admin(conn, job.user_id, app.workspace_id)
        .await
        .map_err(|_| anyhow!("You no longer have access to the database."))?;
    Ok(app)
}

/// Live tables of a database, each with the name its copy keeps.
async fn tables_to_copy(
    conn: &mut PgConnection,
    database_id: i64,
) -> sqlx::Result<Vec<(Table, String)>> {
    Ok(tables::repo::list(conn, database_id)
        .await?
        .into_iter()
        .map(|t| {
            let name = t.name.clone();
            (t, name)
        })
        .collect())
}

/// Takes the snapshot: copies the database into a hidden one.
pub async fn run_create(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let id = snapshot_id(job)?;
    let mut tx = ctx.db.begin().await?;
    // One consistent reading of the database, however long the copy takes; nothing this
    // transaction writes is written by anyone else meanwhile.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    let snapshot = repo::get(&mut tx, id, repo::Lock::Update)
        .await?
        .ok_or_else(|| anyhow!("The snapshot no longer exists."))?;
    let app = source(&mut tx, job, &snapshot).await?;
    let copy_id = repo::insert_hidden_application(&mut *tx, app.workspace_id, &app.name).await?;
    let originals = tables_to_copy(&mut tx, app.id).await?;
    copy_tables(&mut tx, &originals, copy_id, app.workspace_id).await?;
    repo::set_copy(&mut *tx, snapshot.id, copy_id).await?;
    let taken = repo::get(&mut tx, id, repo::Lock::None)
        .await?
        .ok_or_else(|| anyhow!("The snapshot vanished."))?;
    // Cancelled meanwhile: nothing is kept.
    if !user_jobs::finish(&mut tx, job.id, json!({ "snapshot": taken.to_json() })).await? {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// Restores the snapshot as a new database of the workspace.
pub async fn run_restore(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let id = snapshot_id(job)?;
    let origin = EventOrigin {
        user_id: Some(job.user_id),
        websocket_id: None,
        send_webhooks: true,
        session: None,
    };
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    let snapshot = repo::get(&mut tx, id, repo::Lock::Share)
        .await?
        .ok_or_else(|| anyhow!("The snapshot no longer exists."))?;
    let copy_id = snapshot
        .snapshot_to_application_id
        .ok_or_else(|| anyhow!("The snapshot no longer exists."))?;
    let app = source(&mut tx, job, &snapshot).await?;
    let workspace_id = app.workspace_id;
    let taken: Vec<String> = applications::repo::list_in_workspace(&mut *tx, workspace_id)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect();
    // Baserow's rule: the snapshot's name, or with the next free number when taken.
    let name = if taken.contains(&snapshot.name) {
        next_free_name(&snapshot.name, &taken)
    } else {
        snapshot.name.clone()
    };
    let restored_id = applications::repo::insert(&mut *tx, workspace_id, &name, "database").await?;
    let originals = tables_to_copy(&mut tx, copy_id).await?;
    let copied = copy_tables(&mut tx, &originals, restored_id, workspace_id).await?;
    let restored = applications::repo::get(&mut *tx, restored_id)
        .await?
        .ok_or_else(|| anyhow!("The restored database vanished."))?;
    announce_copied_database(&mut tx, &restored, &copied).await?;
    if !user_jobs::finish(&mut tx, job.id, json!({ "snapshot": snapshot.to_json() })).await? {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}
