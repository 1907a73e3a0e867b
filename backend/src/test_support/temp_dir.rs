//! A directory of a test's own under the system's temporary directory, removed when
//! dropped, or kept for its logs when the test failed.

use std::path::{Path, PathBuf};

pub struct TempDir {
    path: PathBuf,
    keep_on_failure: bool,
}

impl TempDir {
    /// Creates `<temp>/<prefix>-<random>`.
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path)?;
        Ok(Self {
            path,
            keep_on_failure: false,
        })
    }

    /// Keeps the directory when the test fails (dropped while panicking), and prints where.
    pub fn kept_on_failure(mut self) -> Self {
        self.keep_on_failure = true;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.keep_on_failure && std::thread::panicking() {
            eprintln!("test files kept in {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
