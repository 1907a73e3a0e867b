//! Duplicating a database (Baserow's `duplicate_application` job on the `low` queue): a
//! new database named "<name> 2" (or the next free number) at the end of the workspace,
//! holding a copy of every table with its fields, rows, links and views, in one
//! transaction. Links between the tables join the copies. Undo trashes the copy.

use crate::realtime::notify::{self, Audience, WorkspaceEvent};
use crate::{
    context::AppContext,
    database::{
        events::{EventOrigin, TableEvent},
        job_start,
        tables::{
            self,
            copy::{Copied, copy_tables},
        },
        tx::Tx,
    },
    dto::ApplicationBody,
    platform::{
        actions::{self, Params},
        applications::{self, Application, ApplicationError},
        auth::Actor,
        jobs::user_jobs::{self, UserJob},
        workspaces::require_member,
    },
};
use serde_json::{Value, json};
use sqlx::PgConnection;

pub const JOB_TYPE: &str = "duplicate_application";

/// The longest application name (as creating one allows).
const MAX_NAME_LENGTH: usize = 160;

/// Queues the duplication of a database the caller can reach; returns the job to poll.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    application_id: i64,
) -> Result<UserJob, ApplicationError> {
    let mut tx = ctx.db.begin().await?;
    let app = applications::accessible(&mut tx, actor, application_id).await?;
    let tables = tables::repo::list(&mut *tx, app.id).await?;
    let mut params = json!({
        "original_application": ApplicationBody::new(&app, &tables),
        "duplicated_application": null,
    });
    // The tab that asked, so the copy lands on its undo stack.
    if let Some(map) = params.as_object_mut() {
        map.extend(actions::job_params(actor.session.as_ref()));
    }
    let job = user_jobs::start(&mut tx, actor.id(), JOB_TYPE, params)
        .await
        .map_err(|e| {
            job_start::error(e, ApplicationError::MaxJobCount, ApplicationError::Database)
        })?;
    tx.commit().await?;
    Ok(job)
}

/// Runs the job: the copy appears at once, complete, or not at all.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let original_id = job
        .params
        .0
        .pointer("/original_application/id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow::anyhow!("The job names no database."))?;
    let origin = EventOrigin {
        user_id: Some(job.user_id),
        websocket_id: None,
        send_webhooks: true,
        session: actions::from_job_params(&job.params.0),
    };
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    let original = applications::repo::get(&mut *tx, original_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The database no longer exists."))?;
    let workspace_id = original.workspace_id;
    require_member(&mut tx, job.user_id, workspace_id)
        .await
        .map_err(|_| anyhow::anyhow!("You no longer have access to the database."))?;
    let name = copy_name(&mut tx, &original).await?;
    let copy_id = applications::repo::insert(&mut *tx, workspace_id, &name, &original.kind).await?;
    let originals: Vec<_> = tables::repo::list(&mut *tx, original.id)
        .await?
        .into_iter()
        .map(|t| {
            let name = t.name.clone();
            (t, name)
        })
        .collect();
    let copied = copy_tables(&mut tx, &originals, copy_id, workspace_id).await?;
    let copy = applications::repo::get(&mut *tx, copy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
    let body = announce_copied_database(&mut tx, &copy, &copied).await?;
    tx.did(Params::DuplicateApplication {
        workspace_id,
        application_id: copy_id,
    });
    // Cancelled meanwhile: the copy is not committed.
    if !user_jobs::finish(&mut tx, job.id, json!({ "duplicated_application": body })).await? {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// Tells of a new database filled with copied tables (a duplicate, a restored snapshot):
/// each table's page that it was created, the workspace's members that the database was.
/// Returns the database as the API shows it.
pub(crate) async fn announce_copied_database(
    tx: &mut Tx,
    database: &Application,
    copied: &Copied,
) -> sqlx::Result<Value> {
    for table in &copied.tables {
        tx.emit(
            table.id,
            TableEvent::TableCreated {
                table: table.to_json(),
            },
        );
    }
    let body = json!(ApplicationBody::new(database, &copied.tables));
    notify::queue(
        tx,
        WorkspaceEvent {
            workspace_id: database.workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message("application_created", json!({ "application": body })),
        },
    )
    .await?;
    Ok(body)
}

/// `<name> 2`, or the next free number among the workspace's applications, shortened so
/// that it fits.
async fn copy_name(conn: &mut PgConnection, original: &Application) -> sqlx::Result<String> {
    let names: Vec<String> =
        applications::repo::list_in_workspace(&mut *conn, original.workspace_id)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect();
    Ok(next_free_name(&original.name, &names))
}

pub(crate) fn next_free_name(name: &str, taken: &[String]) -> String {
    (2..)
        .map(|n| {
            let suffix = format!(" {n}");
            let room = MAX_NAME_LENGTH.saturating_sub(suffix.chars().count());
            let base: String = name.chars().take(room).collect();
            format!("{base}{suffix}")
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_takes_the_next_free_number_and_fits() {
        let taken = vec!["Sales".to_owned(), "Sales 2".to_owned()];
        assert_eq!(next_free_name("Sales", &taken), "Sales 3");
        assert_eq!(next_free_name("Other", &taken), "Other 2");
        let long = "x".repeat(MAX_NAME_LENGTH);
        let copy = next_free_name(&long, std::slice::from_ref(&long));
        assert_eq!(copy.chars().count(), MAX_NAME_LENGTH);
        assert!(copy.ends_with(" 2"));
    }
}
