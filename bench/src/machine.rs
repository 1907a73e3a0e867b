//! The machine's load while measuring: on a shared machine other work (a test run, a
//! build) inflates latencies, and the report should say whether that happened.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::task::JoinHandle;

/// How often the load average is read.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// The 1-minute load average (Linux `/proc/loadavg`); `None` elsewhere.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Records the highest 1-minute load average seen until stopped.
pub struct LoadSampler {
    start: Option<f64>,
    max: Arc<Mutex<Option<f64>>>,
    task: JoinHandle<()>,
}

impl LoadSampler {
    pub fn start() -> Self {
        let start = load_average();
        let max = Arc::new(Mutex::new(start));
        let task = tokio::spawn({
            let max = Arc::clone(&max);
            async move {
                loop {
                    tokio::time::sleep(SAMPLE_EVERY).await;
                    if let (Some(now), Ok(mut max)) = (load_average(), max.lock()) {
                        *max = Some(max.map_or(now, |m: f64| m.max(now)));
                    }
                }
            }
        });
        Self { start, max, task }
    }

    /// `(load when started, highest load seen)`.
    pub fn stop(self) -> (Option<f64>, Option<f64>) {
        self.task.abort();
        let max = self.max.lock().ok().and_then(|m| *m);
        (self.start, max)
    }
}

/// The commit of the checkout the benchmark runs from, and whether the server's code
/// (`backend/`, `migrations/`) had uncommitted changes; `None` outside a git checkout.
/// Read at run time, so it describes the build only when run right after building.
pub fn source_version() -> Option<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    let changes = git(&["status", "--porcelain", "--", "backend", "migrations"])?;
    Some(if changes.is_empty() {
        format!("commit {commit}, backend/ and migrations/ unmodified")
    } else {
        format!("commit {commit} with uncommitted changes in backend/ or migrations/")
    })
}

/// The report's lines on what was measured where: `- code: …` (see [`source_version`])
/// and `- machine: …` with the core count and the load `LoadSampler::stop` returned, each
/// when known. A benchmark keeps about one core busy itself; a load much above that means
/// something else ran meanwhile.
pub fn facts((start, max): (Option<f64>, Option<f64>)) -> String {
    let mut out = String::new();
    if let Some(version) = source_version() {
        out.push_str(&format!("- code: {version}\n"));
    }
    out.push_str(&machine((start, max)));
    out
}

/// The `- machine: …` line of [`facts`] alone: for a server measured elsewhere (`--target`),
/// whose code is not this checkout's.
pub fn machine((start, max): (Option<f64>, Option<f64>)) -> String {
    match (start, max) {
        (Some(start), Some(max)) => format!(
            "- machine: {} cores; 1-minute load average {start:.2} when measuring began, at most {max:.2} while it ran\n",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
        _ => String::new(),
    }
}

/// The report's line on the database server: version, `shared_buffers` (how much of the
/// table stays in PostgreSQL's own cache) and whether it was reached over TCP or its Unix
/// socket (over TCP, statements above 16 KB wait for a delayed acknowledgement).
pub async fn postgres(conn: &mut sqlx::PgConnection) -> anyhow::Result<String> {
    let (version, buffers, socket): (String, String, bool) = sqlx::query_as(
        "SELECT current_setting('server_version'), current_setting('shared_buffers'), \
         inet_server_addr() IS NULL",
    )
    .fetch_one(conn)
    .await?;
    Ok(format!(
        "- PostgreSQL: {version}, shared_buffers {buffers}, reached over {}\n",
        if socket { "its Unix socket" } else { "TCP" }
    ))
}
