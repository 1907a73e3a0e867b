//! Uploaded import files: streamed to `<media>/import_files/<uuid>` under a size limit,
//! usable only by their uploader, removed a day after upload.

use super::ImportError;
use crate::{config::Settings, context::AppContext, platform::auth::Actor};
use futures::{Stream, StreamExt};
use serde_json::{Value, json};
use sqlx::PgExecutor;
use std::{
    path::PathBuf,
    time::{Duration, SystemTime},
};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// How long an upload is kept.
pub const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: Uuid,
    pub user_id: i64,
    pub name: String,
    pub size: i64,
}

impl Upload {
    pub fn to_json(&self) -> Value {
        json!({ "upload_id": self.id, "name": self.name, "size": self.size })
    }
}

pub fn dir(settings: &Settings) -> PathBuf {
    settings.media_dir.join("import_files")
}

pub fn path(settings: &Settings, id: Uuid) -> PathBuf {
    dir(settings).join(id.to_string())
}

/// A file name fit to show and to guess a format from: printable, at most 255 characters.
fn clean_name(name: Option<&str>) -> String {
    let name: String = name
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name: String = name.trim().chars().take(255).collect();
    if name.is_empty() {
        "upload".into()
    } else {
        name
    }
}

/// Writes the body to a new upload. Past `TESSERA_IMPORT_MAX_BYTES` the partial file is
/// removed and the upload refused.
pub async fn store<S, B, E>(
    ctx: &AppContext,
    actor: &Actor,
    name: Option<&str>,
    mut body: S,
) -> Result<Upload, ImportError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let budget = quota(ctx, actor.id()).await?;
    let max = ctx.settings.import_max_bytes.min(budget);
    let id = Uuid::new_v4();
    tokio::fs::create_dir_all(dir(&ctx.settings)).await?;
    let partial = dir(&ctx.settings).join(format!("{id}.part"));
    let mut file =
        tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::create(&partial).await?);
    let mut size: u64 = 0;
    let written: Result<(), ImportError> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                crate::platform::validation::ValidationError::single(
                    "file",
                    "invalid",
                    format!("The file could not be received: {e}"),
                )
            })?;
            let chunk = chunk.as_ref();
            size += chunk.len() as u64;
            if size > max {
                return Err(if max < ctx.settings.import_max_bytes {
                    quota_error(budget)
                } else {
                    ImportError::FileTooLarge(max)
                });
            }
            file.write_all(chunk).await?;
        }
        file.flush().await?;
        Ok(())
    }
    .await;
    drop(file);
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(e);
    }
    tokio::fs::rename(&partial, path(&ctx.settings, id)).await?;
    let upload = Upload {
        id,
        user_id: actor.id(),
        name: clean_name(name),
        size: size as i64,
    };
    sqlx::query("INSERT INTO import_uploads (id, user_id, name, size) VALUES ($1, $2, $3, $4)")
        .bind(upload.id)
        .bind(upload.user_id)
        .bind(&upload.name)
        .bind(upload.size)
        .execute(&ctx.db)
        .await?;
    tracing::info!(upload_id = %id, size, "import file uploaded");
    Ok(upload)
}

/// How many bytes the user may still upload: what the per-user and server-wide quotas
/// leave, given the uploads still waiting. Refused at once when none is left or the user
/// keeps as many uploads as allowed.
async fn quota(ctx: &AppContext, user_id: i64) -> Result<u64, ImportError> {
    let (count, mine, all): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE user_id = $1), \
                COALESCE(sum(size) FILTER (WHERE user_id = $1), 0)::bigint, \
                COALESCE(sum(size), 0)::bigint \
           FROM import_uploads WHERE created_on > now() - make_interval(secs => $2)",
    )
    .bind(user_id)
    .bind(KEEP_FOR.as_secs_f64())
    .fetch_one(&ctx.db)
    .await?;
    let settings = &ctx.settings;
    if count as u64 >= settings.import_uploads_per_user {
        return Err(ImportError::QuotaExceeded(format!(
            "You have {count} files waiting to be imported, the most allowed; import or wait for them to expire (a day)."
        )));
    }
    let mut left = settings
        .import_upload_bytes_per_user
        .saturating_sub(mine as u64);
    if settings.import_upload_bytes_total > 0 {
        left = left.min(
            settings
                .import_upload_bytes_total
                .saturating_sub(all as u64),
        );
    }
    if left == 0 {
        return Err(quota_error(0));
    }
    Ok(left)
}

fn quota_error(left: u64) -> ImportError {
    ImportError::QuotaExceeded(format!(
        "The files waiting to be imported use the upload quota; {left} bytes are left."
    ))
}

/// Stores pasted text as an upload, so pasted and uploaded data take the same path.
pub async fn store_text(
    ctx: &AppContext,
    actor: &Actor,
    name: &str,
    text: &str,
) -> Result<Upload, ImportError> {
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(text.as_bytes())]);
    store(ctx, actor, Some(name), chunks).await
}

/// The caller's upload that has not expired.
pub async fn get(db: impl PgExecutor<'_>, user_id: i64, id: Uuid) -> Result<Upload, ImportError> {
    sqlx::query_as(
        "SELECT id, user_id, name, size FROM import_uploads \
         WHERE id = $1 AND user_id = $2 AND created_on > now() - make_interval(secs => $3)",
    )
    .bind(id)
    .bind(user_id)
    .bind(KEEP_FOR.as_secs_f64())
    .fetch_optional(db)
    .await?
    .ok_or(ImportError::UploadNotFound)
}

/// Forgets an upload and deletes its file (after a successful import).
pub async fn remove(ctx: &AppContext, id: Uuid) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM import_uploads WHERE id = $1")
        .bind(id)
        .execute(&ctx.db)
        .await?;
    match tokio::fs::remove_file(path(&ctx.settings, id)).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Housekeeping: deletes uploads older than a day, and any file in the folder that old
/// (left behind by an interrupted upload). Returns how many files went.
pub async fn prune(ctx: &AppContext) -> anyhow::Result<u64> {
    sqlx::query("DELETE FROM import_uploads WHERE created_on <= now() - make_interval(secs => $1)")
        .bind(KEEP_FOR.as_secs_f64())
        .execute(&ctx.db)
        .await?;
    let mut removed = 0;
    let mut entries = match tokio::fs::read_dir(dir(&ctx.settings)).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let cutoff = SystemTime::now() - KEEP_FOR;
    while let Some(entry) = entries.next_entry().await? {
        let modified = entry.metadata().await?.modified()?;
        if modified <= cutoff {
            tokio::fs::remove_file(entry.path()).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_are_printable_and_never_empty() {
        assert_eq!(clean_name(Some(" a\0b.csv\n")), "ab.csv");
        assert_eq!(clean_name(Some("")), "upload");
        assert_eq!(clean_name(None), "upload");
        assert_eq!(clean_name(Some(&"x".repeat(400))).len(), 255);
    }
}
