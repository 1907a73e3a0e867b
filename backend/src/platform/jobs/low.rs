//! Jobs of the `low` queue, run by `tessera-export-worker`.

use crate::{context::AppContext, database, platform::users};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LowJob {
    /// Housekeeping: forget logged-out refresh tokens that have expired anyway.
    FlushExpiredTokens,
    /// Housekeeping: drop table events older than the replay retention.
    PruneEvents,
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
                Ok(())
            }
        }
    }
}
