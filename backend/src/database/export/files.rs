//! Exported files on disk: `<media dir>/export_files/<random uuid>.<extension>`, their
//! names, download URLs and removal. Names are only ever made here, so a name that does
//! not look exactly like one is refused before the disk is touched.

use super::registry;
use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

/// The folder under the media directory (and the URL segment under `/media/`).
pub const FOLDER: &str = "export_files";

pub fn dir(media_dir: &Path) -> PathBuf {
    media_dir.join(FOLDER)
}

/// A fresh, unguessable file name: 122 random bits.
pub fn new_name(extension: &str) -> String {
    format!("{}.{extension}", uuid::Uuid::new_v4().simple())
}

/// Whether `name` is one [`new_name`] could have made: 32 lowercase hex digits, a dot and
/// an exporter's extension. Nothing else (separators, dots, encoded paths) gets through.
pub fn is_valid_name(name: &str) -> bool {
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && registry::all().iter().any(|e| e.extension() == extension)
}

/// Where a validly named file lives; `None` for any other name.
pub fn path(media_dir: &Path, name: &str) -> Option<PathBuf> {
    is_valid_name(name).then(|| dir(media_dir).join(name))
}

/// The download URL of a file: served by the backend at `/media/export_files/<name>`.
pub fn url(public_url: &str, name: &str) -> String {
    format!("{public_url}/media/{FOLDER}/{name}")
}

/// Deletes a file; one already gone is fine.
pub async fn remove(media_dir: &Path, name: &str) -> std::io::Result<()> {
    let Some(path) = path(media_dir, name) else {
        return Ok(());
    };
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Deletes files of the folder not written to for `age`: left by runs that died half-way
/// (an export being written keeps its file fresh; a finished one expires sooner).
pub async fn remove_stale(media_dir: &Path, age: Duration) -> std::io::Result<usize> {
    let mut entries = match tokio::fs::read_dir(dir(media_dir)).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let cutoff = SystemTime::now()
        .checked_sub(age)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = entry
            .metadata()
            .await
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < cutoff);
        if is_valid_name(name) && stale {
            remove(media_dir, name).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_made_here_are_valid() {
        let name = new_name("csv");
        assert!(is_valid_name(&name), "{name}");
        assert!(is_valid_name("0123456789abcdef0123456789abcdef.xlsx"));
        for bad in [
            "../etc/passwd",
            "..%2Fetc%2Fpasswd",
            "0123456789abcdef0123456789abcdef.exe",
            "0123456789ABCDEF0123456789ABCDEF.csv",
            "0123456789abcdef0123456789abcdef.csv.csv",
            "0123456789abcdef0123456789abcde.csv",
            "/tmp/0123456789abcdef0123456789abcdef.csv",
            "0123456789abcdef0123456789abcdef.csv\0",
            "",
            ".",
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
            assert!(path(Path::new("/m"), bad).is_none());
        }
    }
}
