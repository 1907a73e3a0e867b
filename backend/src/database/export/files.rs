//! Exported files on disk: `<media dir>/export_files/<random uuid>.<extension>`, their
//! names, download URLs and removal. Names are only ever made here, so a name that does
//! not look exactly like one is refused before the disk is touched. A file being written
//! lives at `export_files/partial/job-<job id>.<extension>` until it is complete.

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

/// The folder (under [`dir`]) of files still being written.
const PARTIAL_FOLDER: &str = "partial";

/// Where a job's file is written until it is complete, then renamed to its [`new_name`].
/// One fixed path per job: a run whose worker died half-way leaves its file here, and the
/// job's next run truncates it rather than leaving it behind. Its name is never a valid
/// download name, so an incomplete file is never served.
pub fn partial_path(media_dir: &Path, job_id: i64, extension: &str) -> PathBuf {
    dir(media_dir)
        .join(PARTIAL_FOLDER)
        .join(format!("job-{job_id}.{extension}"))
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
/// and never ran again (an export being written keeps its file fresh; a finished one
/// expires sooner).
pub async fn remove_stale(media_dir: &Path, age: Duration) -> std::io::Result<usize> {
    let finished = remove_stale_in(&dir(media_dir), age, is_valid_name).await?;
    let partial = remove_stale_in(&dir(media_dir).join(PARTIAL_FOLDER), age, |name| {
        name.starts_with("job-")
    })
    .await?;
    Ok(finished + partial)
}

async fn remove_stale_in(
    folder: &Path,
    age: Duration,
    ours: impl Fn(&str) -> bool,
) -> std::io::Result<usize> {
    let mut entries = match tokio::fs::read_dir(folder).await {
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
        if ours(name) && stale {
            match tokio::fs::remove_file(entry.path()).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => removed += 1,
            }
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

    #[test]
    fn unfinished_files_never_have_a_downloadable_name() {
        let media = Path::new("/m");
        let partial = partial_path(media, 7, "csv");
        assert_eq!(partial, Path::new("/m/export_files/partial/job-7.csv"));
        let relative = partial.strip_prefix(dir(media)).unwrap().to_str().unwrap();
        assert!(!is_valid_name(relative));
        assert!(!is_valid_name("job-7.csv"));
    }

    #[tokio::test]
    async fn stale_unfinished_files_are_removed_with_the_finished_ones() {
        let media = std::env::temp_dir().join(format!(
            "tessera-export-files-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let partial = partial_path(&media, 1, "csv");
        let finished = dir(&media).join(new_name("csv"));
        let foreign = dir(&media).join("partial").join("notes.txt");
        std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
        for file in [&partial, &finished, &foreign] {
            std::fs::write(file, "x").unwrap();
        }
        assert_eq!(
            remove_stale(&media, Duration::from_secs(3600))
                .await
                .unwrap(),
            0
        );
        assert!(partial.exists() && finished.exists());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(remove_stale(&media, Duration::ZERO).await.unwrap(), 2);
        assert!(!partial.exists() && !finished.exists());
        assert!(foreign.exists(), "only files named as exports are touched");
        std::fs::remove_dir_all(&media).unwrap();
    }
}
