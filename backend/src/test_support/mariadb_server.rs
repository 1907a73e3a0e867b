//! A MariaDB server of a test's own with TLS on: `mariadb-install-db` into a temporary
//! directory, started on a free local port with a given certificate, stopped and removed
//! when dropped.

use super::{certificates::ServerCertificate, postgres_server::free_port};
use anyhow::{Context, bail};
use sqlx::Connection;
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Longest wait for the new server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct TlsMariaDb {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl TlsMariaDb {
    /// Starts a server on 127.0.0.1 that offers TLS with `certificate` (and still accepts
    /// connections without it), with a `root` account without a password.
    pub async fn start(certificate: &ServerCertificate) -> anyhow::Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("tessera-mariadb-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let data = dir.join("data");
        let installed = Command::new("mariadb-install-db")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--user=root",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("mariadb-install-db runs (Debian's mariadb-server package)")?;
        if !installed.success() {
            bail!("mariadb-install-db failed");
        }
        let port = free_port()?;
        let log = std::fs::File::create(dir.join("mariadb.log"))?;
        let child = Command::new("mariadbd")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.join("socket").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ])
            .arg(format!("--ssl-cert={}", certificate.cert.display()))
            .arg(format!("--ssl-key={}", certificate.key.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .context("mariadbd starts")?;
        let mut server = Self { child, dir, port };
        let deadline = Instant::now() + START_TIMEOUT;
        while sqlx::MySqlConnection::connect(&server.url("mysql"))
            .await
            .is_err()
        {
            if Instant::now() > deadline || server.child.try_wait()?.is_some() {
                bail!(
                    "MariaDB did not start; see {}",
                    server.dir.join("mariadb.log").display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }

    /// A URL of `database` on this server, by address (for setting it up).
    pub fn url(&self, database: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for TlsMariaDb {
    /// Shutdown on SIGTERM, bounded; the directory goes with it.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
