//! Storing an upload: streamed to disk under the size limit and the uploader's quota,
//! hashed on the way, recognised as an image by its content (then measured and given
//! thumbnails), and recorded. The same content under the same name is stored once.

use super::{FOLDER, THUMBNAIL_FOLDER, UserFile, UserFileError, names, thumbnails};
use crate::context::AppContext;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// Images larger than this are kept as plain files: decoding them would cost more memory
/// than a thumbnail is worth.
const MAX_THUMBNAILED_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes kept from the start of a file to recognise images by.
const HEAD_BYTES: usize = 64;

/// Who uploads: a signed-in user (counted against their quota) or a visitor of a public
/// form (bounded by the server-wide cap and the form's throttle).
#[derive(Debug, Clone, Copy)]
pub enum Uploader {
    User(i64),
    PublicForm,
}

impl Uploader {
    fn user_id(self) -> Option<i64> {
        match self {
            Uploader::User(id) => Some(id),
            Uploader::PublicForm => None,
        }
    }
}

/// Stores `body` as a user file named `name` (as the uploader called it).
pub async fn upload<S, B, E>(
    ctx: &AppContext,
    uploader: Uploader,
    name: Option<&str>,
    body: S,
) -> Result<UserFile, UserFileError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let settings = &ctx.settings.user_files;
    let budget = quota(ctx, uploader).await?;
    let max = settings.max_bytes.min(budget);
    let too_large = || {
        if max < settings.max_bytes {
            quota_error(budget)
        } else {
            UserFileError::TooLarge(settings.max_bytes / (1024 * 1024))
        }
    };
    let media = &ctx.settings.media_dir;
    let partial_dir = media.join(FOLDER).join(".partial");
    tokio::fs::create_dir_all(&partial_dir).await?;
    let partial = partial_dir.join(uuid::Uuid::new_v4().to_string());
    let received = receive(body, &partial, max).await;
    let Received { size, sha256, head } = match received {
        Ok(Some(r)) => r,
        Ok(None) => {
            remove(&partial).await;
            return Err(too_large());
        }
        Err(e) => {
            remove(&partial).await;
            return Err(e);
        }
    };
    let original_name = names::clean_original(name);
    if let Some(existing) = existing(ctx, &sha256, &original_name).await? {
        remove(&partial).await;
        return Ok(existing);
    }
    let stored = describe_and_place(ctx, &partial, &sha256, &original_name, size, &head).await;
    let (name, described) = match stored {
        Ok(s) => s,
        Err(e) => {
            remove(&partial).await;
            return Err(e);
        }
    };
    let inserted = sqlx::query_as(concat!(
        "INSERT INTO user_files (name, original_name, sha256_hash, size, mime_type, is_image, \
         image_width, image_height, uploaded_by_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING ",
        super::columns!()
    ))
    .bind(&name)
    .bind(&original_name)
    .bind(&sha256)
    .bind(size as i64)
    .bind(&described.mime_type)
    .bind(described.dimensions.is_some())
    .bind(described.dimensions.map(|d| d.0 as i32))
    .bind(described.dimensions.map(|d| d.1 as i32))
    .bind(uploader.user_id())
    .fetch_one(&ctx.db)
    .await;
    match inserted {
        Ok(file) => {
            tracing::info!(name, size, "user file uploaded");
            Ok(file)
        }
        Err(e) => {
            remove(&media.join(FOLDER).join(&name)).await;
            Err(e.into())
        }
    }
}

struct Received {
    size: u64,
    sha256: String,
    head: Vec<u8>,
}

/// Writes the body to `path`, hashing it; `None` once it passes `max` bytes.
async fn receive<S, B, E>(
    mut body: S,
    path: &Path,
    max: u64,
) -> Result<Option<Received>, UserFileError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let mut file =
        tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::create(path).await?);
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::debug!(error = %e, "upload body failed");
            UserFileError::InvalidFile
        })?;
        let chunk = chunk.as_ref();
        size += chunk.len() as u64;
        if size > max {
            return Ok(None);
        }
        if head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(chunk);
        file.write_all(chunk).await?;
    }
    file.flush().await?;
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Some(Received { size, sha256, head }))
}

struct Described {
    mime_type: String,
    dimensions: Option<(u32, u32)>,
}

/// Decides what the file is, makes thumbnails of images and moves the file to its name.
async fn describe_and_place(
    ctx: &AppContext,
    partial: &Path,
    sha256: &str,
    original_name: &str,
    size: u64,
    head: &[u8],
) -> Result<(String, Described), UserFileError> {
    let media = ctx.settings.media_dir.clone();
    let format = thumbnails::format_of(head).filter(|_| size <= MAX_THUMBNAILED_BYTES);
    let extension = match format {
        // An image is named for what it is, so a PNG called `x.html` is served as a PNG.
        Some(format) => thumbnails::extension(format).to_owned(),
        None => names::extension(original_name),
    };
    let name = names::generate(sha256, &extension)?;
    let mut described = Described {
        mime_type: names::mime_type(&extension).to_owned(),
        dimensions: None,
    };
    if let Some(format) = format {
        let bytes = tokio::fs::read(partial).await?;
        let thumbnail_dir = media.join(THUMBNAIL_FOLDER);
        let thumb_name = name.clone();
        // Decoding and resizing are CPU work: off the async threads.
        let made = tokio::task::spawn_blocking(move || {
            let image = thumbnails::decode(&bytes, format)?;
            let dimensions = (image.width(), image.height());
            match thumbnails::write_all(&image, format, &thumbnail_dir, &thumb_name) {
                Ok(()) => Some(dimensions),
                Err(e) => {
                    tracing::warn!(error = %e, "thumbnails could not be written");
                    None
                }
            }
        })
        .await
        .ok()
        .flatten();
        if let Some(dimensions) = made {
            described.mime_type = thumbnails::mime_type(format).to_owned();
            described.dimensions = Some(dimensions);
        }
    }
    tokio::fs::rename(partial, media.join(FOLDER).join(&name)).await?;
    Ok((name, described))
}

/// A file stored before with the same content and original name, still on disk.
async fn existing(
    ctx: &AppContext,
    sha256: &str,
    original_name: &str,
) -> Result<Option<UserFile>, UserFileError> {
    let found: Option<UserFile> = sqlx::query_as(concat!(
        "SELECT ",
        super::columns!(),
        " FROM user_files WHERE sha256_hash = $1 AND original_name = $2 ORDER BY id LIMIT 1"
    ))
    .bind(sha256)
    .bind(original_name)
    .fetch_optional(&ctx.db)
    .await?;
    Ok(
        found
            .filter(|f| super::path(&ctx.settings.media_dir, &f.name).is_some_and(|p| p.is_file())),
    )
}

/// Bytes the uploader may still store: what their quota and the server-wide cap leave.
async fn quota(ctx: &AppContext, uploader: Uploader) -> Result<u64, UserFileError> {
    let settings = &ctx.settings.user_files;
    let (count, mine, all): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE uploaded_by_id = $1), \
                COALESCE(sum(size) FILTER (WHERE uploaded_by_id = $1), 0)::bigint, \
                CASE WHEN $2 THEN COALESCE(sum(size), 0)::bigint ELSE 0 END \
           FROM user_files WHERE $2 OR uploaded_by_id = $1",
    )
    .bind(uploader.user_id())
    .bind(settings.bytes_total > 0)
    .fetch_one(&ctx.db)
    .await?;
    let mut left = u64::MAX;
    if uploader.user_id().is_some() {
        if count as u64 >= settings.files_per_user {
            return Err(UserFileError::QuotaExceeded(format!(
                "You have uploaded {count} files, the most allowed."
            )));
        }
        left = settings.bytes_per_user.saturating_sub(mine as u64);
    }
    if settings.bytes_total > 0 {
        left = left.min(settings.bytes_total.saturating_sub(all as u64));
    }
    if left == 0 {
        return Err(quota_error(0));
    }
    Ok(left)
}

fn quota_error(left: u64) -> UserFileError {
    UserFileError::QuotaExceeded(format!(
        "The upload would pass the storage quota; {left} bytes are left."
    ))
}

async fn remove(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, path = %path.display(), "could not remove a file");
    }
}
