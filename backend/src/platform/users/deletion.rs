//! Account deletion as Baserow does it: the user schedules it, logging in again within the
//! instance's grace delay (`account_deletion_grace_delay`, days) cancels it, and after the
//! delay a periodic job deletes the account with the workspaces it leaves without an admin.

use super::{User, UserError, repo};
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        jobs::{self, HighJob},
        mail::{self, templates::AccountDeletion},
        settings,
    },
};
use sqlx::{Postgres, Transaction};

/// `schedule-account-deletion/`: flags the caller's account; the last staff account cannot
/// go, or the instance would have no administrator.
#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn schedule(ctx: &AppContext, actor: &Actor) -> Result<(), UserError> {
    let mut tx = ctx.db.begin().await?;
    // Two staff accounts asking at once must not both pass the last-admin check.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('tessera.account_deletion'))")
        .execute(&mut *tx)
        .await?;
    let user = &actor.user;
    if user.is_staff && !repo::other_staff_exists(&mut *tx, user.id).await? {
        return Err(UserError::LastAdmin);
    }
    repo::set_to_be_deleted(&mut *tx, user.id, true).await?;
    let days = settings::repo::get(&mut *tx)
        .await?
        .account_deletion_grace_delay;
    let message = mail::templates::account_deletion(
        &user.email,
        &user.first_name,
        AccountDeletion::Scheduled { days },
        &ctx.settings.public_url,
    )?;
    jobs::enqueue(&mut tx, &HighJob::SendEmail(message)).await?;
    tx.commit().await?;
    Ok(())
}

/// A log-in of a user whose deletion is scheduled: the deletion is off, and they are told.
pub async fn cancel_in_tx(
    ctx: &AppContext,
    tx: &mut Transaction<'_, Postgres>,
    user: &User,
) -> Result<(), UserError> {
    repo::set_to_be_deleted(&mut **tx, user.id, false).await?;
    let message = mail::templates::account_deletion(
        &user.email,
        &user.first_name,
        AccountDeletion::Canceled,
        &ctx.settings.public_url,
    )?;
    jobs::enqueue(tx, &HighJob::SendEmail(message)).await?;
    Ok(())
}

/// Deletes the accounts whose grace delay has passed since they asked (their last log-in),
/// with the workspaces where no other admin remains: those go to the trash marked for
/// permanent deletion, which the trash cleanup carries out with their tables. Returns how
/// many accounts went.
pub async fn delete_expired(ctx: &AppContext) -> anyhow::Result<u64> {
    let mut tx = ctx.db.begin().await?;
    let due: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.first_name FROM users u, instance_settings s \
         WHERE u.to_be_deleted AND s.id = 1 \
           AND u.last_login < now() - make_interval(days => s.account_deletion_grace_delay) \
         FOR UPDATE OF u SKIP LOCKED",
    )
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = due.iter().map(|(id, _, _)| *id).collect();
    // Workspaces one of them administered and nobody else will.
    let orphaned: Vec<(i64, String)> = sqlx::query_as(
        "SELECT w.id, w.name FROM workspaces w WHERE NOT w.trashed \
           AND EXISTS (SELECT 1 FROM workspace_users wu WHERE wu.workspace_id = w.id \
                       AND wu.user_id = ANY($1) AND wu.permissions = 'ADMIN') \
           AND NOT EXISTS (SELECT 1 FROM workspace_users wu WHERE wu.workspace_id = w.id \
                       AND wu.user_id <> ALL($1) AND wu.permissions = 'ADMIN')",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    for (workspace_id, name) in &orphaned {
        sqlx::query("UPDATE workspaces SET trashed = TRUE WHERE id = $1")
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO trash_entries (trash_item_type, trash_item_id, workspace_id, name, \
               should_be_permanently_deleted) VALUES ('workspace', $1, $1, $2, TRUE) \
             ON CONFLICT (trash_item_type, trash_item_id, parent_trash_item_id) \
               DO UPDATE SET should_be_permanently_deleted = TRUE",
        )
        .bind(workspace_id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM users WHERE id = ANY($1)")
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    for (id, email, name) in &due {
        let message = mail::templates::account_deletion(
            email,
            name,
            AccountDeletion::Done,
            &ctx.settings.public_url,
        )?;
        jobs::enqueue(&mut tx, &HighJob::SendEmail(message)).await?;
        // Open sockets of a deleted account end now.
        let job = HighJob::ForceDisconnect {
            user_id: *id,
            except_websocket_id: None,
        };
        jobs::enqueue(&mut tx, &job).await?;
    }
    tx.commit().await?;
    tracing::info!(
        users = due.len(),
        workspaces = orphaned.len(),
        "accounts past their deletion grace delay deleted"
    );
    Ok(due.len() as u64)
}
