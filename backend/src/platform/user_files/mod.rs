//! User files: what people upload to attach to rows (`file` fields) — stored once under an
//! unguessable name, with thumbnails for images, served from `/media/` so that nothing
//! uploaded can run as a page of ours.

mod by_url;
mod errors;
pub mod names;
mod store;
pub mod thumbnails;

pub use by_url::upload_via_url;
pub use errors::UserFileError;
pub use store::{Uploader, upload};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::PgExecutor;
use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

/// One uploaded file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserFile {
    pub id: i64,
    pub name: String,
    pub original_name: String,
    pub size: i64,
    pub mime_type: String,
    pub is_image: bool,
    pub image_width: Option<i32>,
    pub image_height: Option<i32>,
    pub uploaded_at: DateTime<Utc>,
}

/// The columns [`UserFile`] is read from (a macro, so queries stay literal strings).
macro_rules! columns {
    () => {
        "id, name, original_name, size, mime_type, is_image, image_width, image_height, uploaded_at"
    };
}
pub(crate) use columns;

impl UserFile {
    /// Baserow's answer to an upload.
    pub fn to_json(&self) -> Value {
        json!({
            "size": self.size,
            "mime_type": self.mime_type,
            "is_image": self.is_image,
            "image_width": self.image_width,
            "image_height": self.image_height,
            "uploaded_at": self.uploaded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "url": url(&self.name),
            "thumbnails": thumbnails_json(&self.name, self.is_image),
            "name": self.name,
            "original_name": self.original_name,
        })
    }

    /// The value a `file` cell keeps for this file: everything but the URLs, which follow
    /// the server's public address when read.
    pub fn to_cell(&self, visible_name: &str) -> Value {
        json!({
            "name": self.name,
            "visible_name": visible_name,
            "size": self.size,
            "mime_type": self.mime_type,
            "is_image": self.is_image,
            "image_width": self.image_width,
            "image_height": self.image_height,
            "uploaded_at": self.uploaded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        })
    }
}

/// The folder of the files themselves under the media directory (and under `/media/`).
pub const FOLDER: &str = "user_files";
/// The folder of thumbnails, one subfolder per size.
pub const THUMBNAIL_FOLDER: &str = "thumbnails";

pub fn path(media_dir: &Path, name: &str) -> Option<PathBuf> {
    names::is_valid(name).then(|| media_dir.join(FOLDER).join(name))
}

pub fn thumbnail_path(media_dir: &Path, size: &str, name: &str) -> Option<PathBuf> {
    (names::is_valid(name) && thumbnails::SIZES.iter().any(|s| s.name == size))
        .then(|| media_dir.join(THUMBNAIL_FOLDER).join(size).join(name))
}

/// The server's public address, for the URLs in file values. One process serves one
/// public address, and the values are built far from any request (events, webhooks,
/// exports), so it is set once at start-up rather than threaded through every reader.
static PUBLIC_URL: OnceLock<String> = OnceLock::new();

pub fn set_public_url(public_url: &str) {
    let _ = PUBLIC_URL.set(public_url.trim_end_matches('/').to_owned());
}

/// The public address set at start-up (empty before).
pub fn public_url() -> &'static str {
    PUBLIC_URL.get().map(String::as_str).unwrap_or_default()
}

pub fn url(name: &str) -> String {
    format!("{}/media/{FOLDER}/{name}", public_url())
}

/// `{tiny, small, card_cover}` with `{url, width, height}` for images, `null` otherwise.
pub fn thumbnails_json(name: &str, is_image: bool) -> Value {
    if !is_image {
        return Value::Null;
    }
    let mut out = serde_json::Map::new();
    for size in thumbnails::SIZES {
        out.insert(
            size.name.into(),
            json!({
                "url": format!("{}/media/{THUMBNAIL_FOLDER}/{}/{name}", public_url(), size.name),
                "width": size.width,
                "height": size.height,
            }),
        );
    }
    Value::Object(out)
}

/// The files with these names (those that exist).
pub async fn by_names(db: impl PgExecutor<'_>, names: &[String]) -> sqlx::Result<Vec<UserFile>> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM user_files WHERE name = ANY($1)"
    ))
    .bind(names)
    .fetch_all(db)
    .await
}

/// One file by name, to serve it.
pub async fn by_name(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Option<UserFile>> {
    if !names::is_valid(name) {
        return Ok(None);
    }
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM user_files WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(db)
    .await
}
