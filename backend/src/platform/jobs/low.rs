//! Jobs of the `low` queue, run by `tessera-export-worker`.

use super::user_jobs;
use crate::{
    context::AppContext,
    database,
    platform::{self, users},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LowJob {
    /// Housekeeping: forget logged-out refresh tokens that have expired anyway.
    FlushExpiredTokens,
    /// Housekeeping: drop table events older than the replay retention, and access
    /// revocations older than a day.
    PruneEvents,
    /// A user-visible job (a `jobs` row) of any type.
    Run { job_id: i64 },
    /// Build the index a table's sorts on these fields use.
    CreateSortIndex {
        table_id: i64,
        keys: Vec<database::indexes::IndexKey>,
    },
    /// Build or drop a field's `db_index` index to match the field as it is now.
    SyncFieldIndex { table_id: i64, field_id: i64 },
    /// Build the index of a filtered view on a large table.
    CreateViewIndex { view_id: i64 },
    /// Send a webhook's pending events, in order.
    DeliverWebhook { webhook_id: i64 },
    /// Send a logged webhook call again.
    RedeliverWebhookCall { call_id: i64 },
    /// Housekeeping: forget webhook calls older than the call-log retention.
    PruneWebhookCalls,
    /// Delete for good what was emptied from the trash or stayed there past the retention.
    DeleteTrash,
    /// Housekeeping: expire old exports and delete their files.
    ExpireExports,
    /// Housekeeping: delete import uploads older than a day, and forget the connection
    /// URLs of external-database imports that did not start within an hour.
    PruneImportUploads,
    /// Build the search indexes of a table an import created.
    CreateImportIndexes { table_id: i64 },
    /// Bring a table's full-text search column up to date with its event log.
    RefreshSearch { table_id: i64 },
    /// Housekeeping: queue the first fill of the full-text search column of a few tables
    /// that never had one.
    FillSearch,
    /// Check the registered licenses with the license server.
    CheckLicenses,
    /// Housekeeping: forget expired undoable actions and the field backups they kept.
    PruneActions,
    /// Housekeeping: delete row history older than its retention.
    PruneRowHistory,
    /// Housekeeping: delete the accounts whose scheduled deletion is due.
    DeleteExpiredUsers,
    /// Housekeeping: delete snapshots older than their expiry, with their copies.
    DeleteExpiredSnapshots,
}

impl LowJob {
    pub async fn run(self, ctx: &AppContext) -> anyhow::Result<()> {
        match self {
            LowJob::FlushExpiredTokens => {
                let removed = users::repo::flush_expired_blacklist(&ctx.db).await?;
                tracing::info!(removed, "expired blacklisted tokens flushed");
                Ok(())
            }
            LowJob::PruneEvents => {
                let removed =
                    database::events::prune(&ctx.db, ctx.settings.event_retention).await?;
                tracing::info!(removed, "old table events pruned");
                // Backends look back at revocations for seconds; a day is plenty.
                let removed = crate::realtime::access::prune(
                    &ctx.db,
                    std::time::Duration::from_secs(24 * 3600),
                )
                .await?;
                tracing::info!(removed, "old access revocations pruned");
                Ok(())
            }
            LowJob::Run { job_id } => run_user_job(ctx, job_id).await,
            LowJob::DeliverWebhook { webhook_id } => {
                database::webhooks::deliver(ctx, webhook_id).await
            }
            LowJob::RedeliverWebhookCall { call_id } => {
                database::webhooks::send_again(ctx, call_id).await
            }
            LowJob::PruneWebhookCalls => {
                let removed = database::webhooks::repo::prune_calls(
                    &ctx.db,
                    ctx.settings.webhooks.call_log_retention,
                )
                .await?;
                tracing::info!(removed, "old webhook calls pruned");
                Ok(())
            }
            LowJob::ExpireExports => {
                let expired = database::export::cleanup::expire(ctx).await?;
                tracing::info!(expired, "old exports expired");
                Ok(())
            }
            LowJob::PruneImportUploads => {
                let removed = database::imports::uploads::prune(ctx).await?;
                tracing::info!(removed, "old import uploads removed");
                let forgotten = database::imports::external::forget_stale_passwords(ctx).await?;
                tracing::info!(
                    forgotten,
                    "connection URLs of stale external imports forgotten"
                );
                Ok(())
            }
            LowJob::CreateImportIndexes { table_id } => {
                database::imports::indexes::build(ctx, table_id).await
            }
            LowJob::RefreshSearch { table_id } => {
                database::search::refresh::run(ctx, table_id).await
            }
            LowJob::FillSearch => {
                let mut tx = ctx.db.begin().await?;
                database::search::refresh::queue_unfilled(&mut tx).await?;
                tx.commit().await?;
                Ok(())
            }
            LowJob::CreateViewIndex { view_id } => {
                database::views::index::create(ctx, view_id).await
            }
            LowJob::DeleteTrash => {
                platform::trash::cleanup_job::run(ctx, ctx.settings.trash_retention).await?;
                Ok(())
            }
            LowJob::DeleteExpiredUsers => {
                users::deletion::delete_expired(ctx).await?;
                Ok(())
            }
            LowJob::DeleteExpiredSnapshots => {
                let deleted = database::snapshots::expiry::delete_expired(
                    &ctx.db,
                    ctx.settings.snapshot_expiration,
                )
                .await?;
                tracing::info!(deleted, "expired snapshots deleted");
                Ok(())
            }
            LowJob::PruneRowHistory => {
                let removed =
                    database::row_history::repo::prune(&ctx.db, ctx.settings.row_history_retention)
                        .await?;
                tracing::info!(removed, "old row history pruned");
                Ok(())
            }
            LowJob::CheckLicenses => {
                platform::licenses::check::run(ctx).await?;
                Ok(())
            }
            LowJob::PruneActions => {
                let removed = database::actions::cleanup::run(
                    &ctx.db,
                    ctx.settings.action_retention,
                    ctx.settings.actions_per_session,
                )
                .await?;
                tracing::info!(removed, "expired undo actions forgotten");
                Ok(())
            }
            LowJob::CreateSortIndex { table_id, keys } => {
                database::indexes::create_sort_index(ctx, table_id, &keys).await
            }
            LowJob::SyncFieldIndex { table_id, field_id } => {
                database::fields::constraints::sync_db_index(&ctx.db, table_id, field_id).await
            }
        }
    }
}

/// Runs a user-visible job by its type. A job that fails is marked failed with a readable
/// message and not retried; a job already over (a redelivered queue entry) is skipped.
async fn run_user_job(ctx: &AppContext, job_id: i64) -> anyhow::Result<()> {
    let Some(job) = user_jobs::claim(ctx, job_id).await? else {
        return Ok(());
    };
    let outcome = match ctx.registries.user_job(&job.kind) {
        Some(job_type) => (job_type.run)(ctx, &job).await,
        None => Err(anyhow::anyhow!("Unknown job type {}.", job.kind)),
    };
    if let Err(e) = outcome {
        tracing::warn!(job_id, error = %e, "job failed");
        user_jobs::fail(&ctx.db, job_id, &e.to_string()).await?;
    }
    Ok(())
}
