//! A server process of a test's own (PostgreSQL, MariaDB): started with its output in a log
//! file, awaited until it accepts connections, and stopped, bounded, with the signal that
//! means the shutdown the test wants from that server.

use anyhow::{Context, bail};
use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Longest wait for a new server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for a signalled server to exit before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// A running server; dropping it stops it.
pub(super) struct ServerProcess {
    child: Child,
    /// The signal's name for `kill`, e.g. `TERM`.
    stop_signal: &'static str,
}

impl ServerProcess {
    /// Spawns `command` (`name` for messages) with its output appended to `log`, then waits
    /// until `accepts` connects; fails if the server exits first or is not up in a minute.
    pub(super) async fn start(
        name: &str,
        mut command: Command,
        log: &Path,
        stop_signal: &'static str,
        mut accepts: impl AsyncFnMut() -> bool,
    ) -> anyhow::Result<Self> {
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::from(output))
            .spawn()
            .with_context(|| format!("{name} starts"))?;
        let mut server = Self { child, stop_signal };
        let deadline = Instant::now() + START_TIMEOUT;
        while !accepts().await {
            if Instant::now() > deadline || server.child.try_wait()?.is_some() {
                bail!("{name} did not start; see {}", log.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }
}

impl Drop for ServerProcess {
    /// The stop signal, then SIGKILL if the server is still there after 20 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(format!("-{}", self.stop_signal))
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A port nothing listens on right now.
pub(super) fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
