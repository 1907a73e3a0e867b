//! Duplicating a table (a `duplicate_table` job on the `low` queue): fields, select
//! options, live rows, their links and its views, in one transaction.

use super::{Table, TableError, repo};
use crate::realtime::notify::{self, Audience, WorkspaceEvent};
use crate::{
    context::AppContext,
    database::{
        access,
        events::{EventOrigin, TableEvent},
        job_start,
        tx::Tx,
    },
    platform::{
        actions::{self, Params},
        auth::Actor,
        jobs::user_jobs::{self, UserJob},
        workspaces::require_member,
    },
};
use serde_json::{Value, json};
use sqlx::PgConnection;

pub const JOB_TYPE: &str = "duplicate_table";

/// Queues the duplication of a table the caller can reach; returns the job to poll.
pub async fn start(ctx: &AppContext, actor: &Actor, table_id: i64) -> Result<UserJob, TableError> {
    let mut tx = ctx.db.begin().await?;
    let (table, _) = super::accessible(&mut tx, actor, table_id).await?;
    // The tab that asked, so the copy lands on its undo stack.
    let mut params = json!({
        "original_table": table.to_json(),
        "duplicated_table": null,
    });
    if let Some(map) = params.as_object_mut() {
        map.extend(actions::job_params(actor.session.as_ref()));
    }
    let job = user_jobs::start(&mut tx, actor.id(), JOB_TYPE, params)
        .await
        .map_err(|e| job_start::error(e, TableError::MaxJobCount, TableError::Database))?;
    tx.commit().await?;
    Ok(job)
}

/// Runs the job: the copy appears at once, complete, or not at all.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let original_id = job
        .params
        .0
        .pointer("/original_table/id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow::anyhow!("The job names no table."))?;
    let session = actions::from_job_params(&job.params.0);
    let origin = EventOrigin {
        user_id: Some(job.user_id),
        websocket_id: None,
        send_webhooks: true,
        session,
    };
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    let scope = access::scope(&mut tx, original_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
    require_member(&mut tx, job.user_id, scope.workspace_id)
        .await
        .map_err(|_| anyhow::anyhow!("You no longer have access to the table."))?;
    let original = repo::get(&mut *tx, original_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
    let name = copy_name(&mut tx, &original).await?;
    let database_id = original.database_id;
    let copied = super::copy::copy_tables(
        &mut tx,
        &[(original, name)],
        database_id,
        scope.workspace_id,
    )
    .await?;
    let copy_id = copied
        .tables
        .first()
        .map(|t| t.id)
        .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
    let copy = repo::get(&mut *tx, copy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
    tx.emit(
        copy_id,
        TableEvent::TableCreated {
            table: copy.to_json(),
        },
    );
    tx.did(Params::DuplicateTable {
        database_id: copy.database_id,
        table_id: copy_id,
    });
    notify::queue(
        &mut tx,
        WorkspaceEvent {
            workspace_id: scope.workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message("table_created", json!({ "table": copy.to_json() })),
        },
    )
    .await?;
    // Cancelled meanwhile: the copy is not committed.
    if !user_jobs::finish(
        &mut tx,
        job.id,
        json!({ "duplicated_table": copy.to_json() }),
    )
    .await?
    {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// `<name> 2`, or the next free number.
async fn copy_name(conn: &mut PgConnection, original: &Table) -> sqlx::Result<String> {
    let names: Vec<String> = repo::list(&mut *conn, original.database_id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok((2..)
        .map(|n| format!("{} {n}", original.name))
        .find(|n| !names.contains(n))
        .unwrap_or_default())
}
