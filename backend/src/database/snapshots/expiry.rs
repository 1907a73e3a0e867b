//! Deleting snapshots past `TESSERA_SNAPSHOT_EXPIRATION_DAYS` (Baserow's
//! `BASEROW_SNAPSHOT_EXPIRATION_TIME_DAYS`), run by the export worker: each with its hidden
//! copy, in a transaction of its own, as deleting one by hand does.

use super::repo;
use chrono::Utc;
use sqlx::PgPool;
use std::time::Duration;

/// Deletes the snapshots taken longer than `expiration` ago; returns how many. One being
/// restored is left for the next run: its restore still reads the copy.
#[tracing::instrument(skip_all)]
pub async fn delete_expired(db: &PgPool, expiration: Duration) -> anyhow::Result<u64> {
    let before = Utc::now() - chrono::Duration::from_std(expiration)?;
    let mut after = 0;
    let mut deleted = 0;
    // One at a time, each dropping its copy's tables in a short transaction, so a large
    // backlog never holds many locks at once.
    loop {
        let mut tx = db.begin().await?;
        let Some(snapshot) = repo::next_expired(&mut tx, before, after).await? else {
            break;
        };
        after = snapshot.id;
        if repo::restore_running(&mut *tx, snapshot.id).await? {
            continue;
        }
        repo::delete(&mut tx, &snapshot).await?;
        tx.commit().await?;
        deleted += 1;
    }
    Ok(deleted)
}
