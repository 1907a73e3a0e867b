//! Access that ends at once: revocations are numbered in commit order, every published
//! table event carries the number reached when it was read, and a backend re-checks the
//! sockets of the users revoked since the number it last saw before delivering the event.
//!
//! The epoch lives in PostgreSQL, not in Redis, because it must be ordered with the
//! commits it fences: bumped inside the revoking transaction, it becomes visible exactly
//! when the access is gone, and the fan-out reads it after the events it publishes, so an
//! event committed after a revocation always carries that revocation's epoch or a later
//! one. A Redis counter can only be bumped before the commit (a re-check could then run
//! before the removal is visible and pass) or after it (an event fanned out in between
//! would slip through). It costs one read per published batch and, on a backend, one
//! query per epoch change it observes, never a round trip per event.

use super::hub::Hub;
use crate::context::AppContext;
use sqlx::PgConnection;
use std::{collections::HashSet, time::Duration};

/// Records that these users lost some access. Call it last before committing: the
/// counter row stays locked until then, which is what numbers revocations in commit order.
pub async fn revoke(conn: &mut PgConnection, user_ids: &[i64]) -> sqlx::Result<()> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let epoch: i64 =
        sqlx::query_scalar("UPDATE realtime_access_epoch SET epoch = epoch + 1 RETURNING epoch")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "INSERT INTO realtime_access_revocations (epoch, user_id) \
         SELECT $1, u FROM unnest($2::bigint[]) AS u ON CONFLICT DO NOTHING",
    )
    .bind(epoch)
    .bind(user_ids)
    .execute(conn)
    .await?;
    Ok(())
}

/// The epoch of the latest committed revocation.
pub async fn current_epoch(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT epoch FROM realtime_access_epoch")
        .fetch_one(conn)
        .await
}

/// The users revoked after epoch `after` up to `upto`; `None` when some of those epochs
/// were pruned already (then nobody can say who, and everyone is re-checked).
async fn revoked_between(
    conn: &mut PgConnection,
    after: i64,
    upto: i64,
) -> sqlx::Result<Option<HashSet<i64>>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT epoch, user_id FROM realtime_access_revocations WHERE epoch > $1 AND epoch <= $2",
    )
    .bind(after)
    .bind(upto)
    .fetch_all(conn)
    .await?;
    let epochs: HashSet<i64> = rows.iter().map(|(e, _)| *e).collect();
    if epochs.len() as i64 != upto - after {
        return Ok(None);
    }
    Ok(Some(rows.into_iter().map(|(_, u)| u).collect()))
}

/// Forgets revocations older than `age`. A backend that has not seen an epoch for that
/// long re-checks every socket instead.
pub async fn prune(db: &sqlx::PgPool, age: Duration) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM realtime_access_revocations \
         WHERE created_at < now() - make_interval(secs => $1)",
    )
    .bind(age.as_secs_f64())
    .execute(db)
    .await?
    .rows_affected())
}

/// A backend's view of the epoch: the last one whose revocations its sockets have been
/// told about.
pub struct Fence {
    ctx: AppContext,
    /// `None` until known: then the first epoch seen re-checks every socket.
    seen: Option<i64>,
}

impl Fence {
    /// Reads the current epoch. Call it before the backend accepts sockets: a socket that
    /// opens a page later checks its access against a state that includes every
    /// revocation up to this epoch.
    pub async fn start(ctx: &AppContext) -> Self {
        let seen = match ctx.db.acquire().await {
            Ok(mut conn) => current_epoch(&mut conn).await.ok(),
            Err(_) => None,
        };
        Self {
            ctx: ctx.clone(),
            seen,
        }
    }

    /// Called with the epoch of an event before the event is delivered: asks the sockets
    /// of every user revoked since the last epoch seen to re-check their pages. The hub
    /// queues that request ahead of the event, so each socket re-checks first.
    pub async fn observe(&mut self, hub: &Hub, epoch: Option<i64>) {
        let Some(epoch) = epoch else {
            return;
        };
        match self.seen {
            Some(seen) if epoch <= seen => return,
            Some(seen) => match self.revoked_between(seen, epoch).await {
                Ok(Some(users)) => hub.recheck_users(&users),
                Ok(None) => hub.recheck_all(),
                Err(e) => {
                    // Unknown who: everyone re-checks (a socket whose check fails closes).
                    tracing::warn!(error = %e, "could not read access revocations");
                    hub.recheck_all();
                }
            },
            None => hub.recheck_all(),
        }
        self.seen = Some(epoch);
    }

    async fn revoked_between(&self, after: i64, upto: i64) -> sqlx::Result<Option<HashSet<i64>>> {
        let mut conn = self.ctx.db.acquire().await?;
        revoked_between(&mut conn, after, upto).await
    }
}
