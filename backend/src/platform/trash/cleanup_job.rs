//! Permanent deletion, run periodically on the `low` queue: entries trashed longer than
//! `TESSERA_TRASH_RETENTION_HOURS` ago are marked, then every marked entry's item is
//! deleted for good, parents first. Each transaction changes the schema and the metadata
//! together, so a crash never leaves a table without its metadata or the reverse.

use super::{registry::TrashItemTypes, repo};
use crate::context::AppContext;
use sqlx::PgPool;
use std::time::Duration;

/// User tables dropped per transaction when a database or workspace goes: few enough that
/// one transaction never holds the locks of a whole workspace.
const TABLES_PER_TRANSACTION: usize = 10;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Entries that reached the retention in this run.
    pub expired: u64,
    /// Entries whose items were deleted for good.
    pub deleted: u64,
}

/// Deletes for good what is due. A failing entry is logged and retried next run; the others
/// go on.
pub async fn run(ctx: &AppContext, retention: Duration) -> anyhow::Result<Report> {
    let db = &ctx.db;
    let types = &ctx.registries.trash;
    let expired = repo::mark_expired(db, retention).await?;
    let mut marked = repo::marked(db).await?;
    marked.sort_by_key(|(id, kind)| (types.get(kind).map_or(u8::MAX, |t| t.deletion_rank()), *id));
    let mut report = Report {
        expired,
        deleted: 0,
    };
    let mut failed = 0;
    for (id, kind) in marked {
        match delete_entry(db, types, id, &kind).await {
            Ok(true) => report.deleted += 1,
            Ok(false) => {}
            Err(e) => {
                failed += 1;
                tracing::warn!(entry_id = id, item_type = %kind, error = %e, "could not delete a trashed item for good");
            }
        }
    }
    tracing::info!(
        report.expired,
        report.deleted,
        failed,
        "trash permanently deleted"
    );
    if failed > 0 {
        anyhow::bail!("{failed} trashed items could not be deleted; they are retried next run");
    }
    Ok(report)
}

/// Deletes one marked entry's item; `false` when the entry went meanwhile (with a parent,
/// or to another run).
async fn delete_entry(
    db: &PgPool,
    types: &TrashItemTypes,
    id: i64,
    kind: &str,
) -> anyhow::Result<bool> {
    let Some(item_type) = types.get(kind) else {
        tracing::warn!(
            entry_id = id,
            item_type = kind,
            "unknown trash item type; entry kept"
        );
        return Ok(false);
    };
    loop {
        let mut tx = db.begin().await?;
        // Locked for the whole transaction; another run skips it.
        let Some(entry) = repo::lock_marked(&mut tx, id).await? else {
            return Ok(false);
        };
        let inside = item_type.tables_inside(&mut tx, &entry).await?;
        if inside.is_empty() {
            item_type.delete_for_good(&mut tx, &entry).await?;
            repo::delete(&mut *tx, entry.id).await?;
            repo::delete_orphans(&mut tx, types).await?;
            tx.commit().await?;
            return Ok(true);
        }
        for table_id in inside.iter().take(TABLES_PER_TRANSACTION) {
            item_type.drop_table_inside(&mut tx, *table_id).await?;
        }
        repo::delete_orphans(&mut tx, types).await?;
        tx.commit().await?;
    }
}
