//! `undo` and `redo`: the newest action of the caller's tab in the page's scopes (with the
//! rest of its group), replayed in one transaction.

use super::{
    ActionError,
    model::{ActionDone, Outcome, ResultCode, Scopes},
    repo::{self, ActionRow},
};
use crate::{
    context::AppContext,
    db::tx::{Command, EventOrigin, Tx},
    platform::auth::Actor,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Undo,
    Redo,
}

#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn undo(
    ctx: &AppContext,
    actor: &Actor,
    scopes: &Scopes,
) -> Result<Outcome, ActionError> {
    replay(ctx, actor, scopes, Direction::Undo).await
}

#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn redo(
    ctx: &AppContext,
    actor: &Actor,
    scopes: &Scopes,
) -> Result<Outcome, ActionError> {
    replay(ctx, actor, scopes, Direction::Redo).await
}

async fn replay(
    ctx: &AppContext,
    actor: &Actor,
    scopes: &Scopes,
    direction: Direction,
) -> Result<Outcome, ActionError> {
    let session = actor
        .session
        .as_ref()
        .ok_or(ActionError::SessionHeaderNotSet)?
        .session
        .clone();
    // The replay is not itself recorded, and its events reach the undoing tab too: the
    // page learns what changed the way every other page does.
    let replayer = Actor {
        session: None,
        websocket_id: None,
        ..actor.clone()
    };
    let origin = EventOrigin {
        user_id: Some(actor.id()),
        websocket_id: None,
        send_webhooks: true,
        session: None,
    };
    let scope_names = scopes.names();
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    if !repo::try_lock(&mut tx, actor.id(), &session).await? {
        return Err(ActionError::LockConflict);
    }
    let Some(batch) = batch(&mut tx, actor.id(), &session, &scope_names, direction).await? else {
        return Ok(Outcome::nothing());
    };
    let done: Vec<ActionDone> = batch
        .iter()
        .map(|a| ActionDone {
            action_type: a.action_type.clone(),
            action_scope: a.scope.clone(),
        })
        .collect();
    let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
    for action in &batch {
        let command = match direction {
            Direction::Undo => Command::Undo,
            Direction::Redo => Command::Redo,
        };
        // Row history names what is replayed, as Baserow's does: undoing a deletion is
        // an `UNDO` of `delete_row`, not a restore.
        tx.replaying(command, &action.action_type);
        let result = match direction {
            Direction::Undo => {
                ctx.registries
                    .actions
                    .undo(&mut tx, &ctx.registries, &replayer, &action.params.0)
                    .await
            }
            Direction::Redo => {
                ctx.registries
                    .actions
                    .redo(&mut tx, &ctx.registries, &replayer, &action.params.0)
                    .await
            }
        };
        if let Err(e) = result {
            // Nothing of the group is replayed; the actions are skipped from now on.
            tx.rollback().await?;
            tracing::info!(error = %e, action_id = action.id, "undo or redo failed; action skipped");
            repo::set_error(&ctx.db, &ids, &format!("{e:#}")).await?;
            return Ok(Outcome {
                actions: done,
                result_code: ResultCode::SkippedDueToError,
            });
        }
    }
    repo::set_undone(&mut tx, &ids, direction == Direction::Undo).await?;
    tx.commit().await?;
    Ok(Outcome {
        actions: done,
        result_code: ResultCode::Success,
    })
}

/// The actions to replay: the newest candidate and the rest of its group, in the order
/// they are replayed. Redo finds nothing once the tab did something new in these scopes
/// since the undo.
async fn batch(
    tx: &mut Tx,
    user_id: i64,
    session: &str,
    scopes: &[String],
    direction: Direction,
) -> sqlx::Result<Option<Vec<ActionRow>>> {
    let first = match direction {
        Direction::Undo => repo::newest_to_undo(tx, user_id, session, scopes).await?,
        Direction::Redo => repo::newest_to_redo(tx, user_id, session, scopes).await?,
    };
    let Some(first) = first else {
        return Ok(None);
    };
    if direction == Direction::Redo
        && let Some(undone_at) = first.undone_at
        && repo::done_since(tx, user_id, session, scopes, undone_at).await?
    {
        return Ok(None);
    }
    match first.action_group {
        Some(group) => {
            let undone = direction == Direction::Redo;
            Ok(Some(
                repo::group(tx, user_id, session, group, undone).await?,
            ))
        }
        None => Ok(Some(vec![first])),
    }
}
