//! Expiry of exports (the export worker runs it every few minutes): finished exports older
//! than `TESSERA_EXPORT_FILE_EXPIRE_MINUTES` become `expired` and their files are deleted,
//! as are files that runs which died half-way left behind.

use super::{JOB_TYPE, files};
use crate::{context::AppContext, platform::jobs::user_jobs};
use serde_json::Value;
use std::time::Duration;

/// How much longer than the expiry an orphaned file is left alone, so a file is never
/// taken from under an export that is still finishing.
const ORPHAN_GRACE: Duration = Duration::from_secs(3600);

/// Expires old exports; returns how many jobs expired.
pub async fn expire(ctx: &AppContext) -> anyhow::Result<usize> {
    let expiry = ctx.settings.export_file_expiry;
    let media_dir = &ctx.settings.media_dir;
    // The jobs first: from then on their files are no longer served, so deleting them
    // cannot cut a download short.
    let mut tx = ctx.db.begin().await?;
    let jobs = user_jobs::expire_finished(&mut tx, JOB_TYPE, expiry).await?;
    tx.commit().await?;
    for job in &jobs {
        if let Some(name) = job
            .result
            .0
            .get("exported_file_name")
            .and_then(Value::as_str)
            && let Err(e) = files::remove(media_dir, name).await
        {
            tracing::warn!(job_id = job.id, error = %e, "could not delete an expired export");
        }
    }
    let orphans = files::remove_stale(media_dir, expiry + ORPHAN_GRACE).await?;
    if orphans > 0 {
        tracing::info!(orphans, "export files of unfinished runs deleted");
    }
    Ok(jobs.len())
}
