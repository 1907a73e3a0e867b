//! A MariaDB server of a test's own with TLS on: `mariadb-install-db` into a temporary
//! directory, started on a free local port with a given certificate, stopped and removed
//! when dropped.

use super::{
    TempDir,
    certificates::ServerCertificate,
    server_process::{ServerProcess, free_port},
};
use anyhow::{Context, bail};
use sqlx::Connection;
use std::process::{Command, Stdio};

pub struct TlsMariaDb {
    // Declared before the directory, so the server stops before the directory goes.
    _server: ServerProcess,
    _dir: TempDir,
    pub port: u16,
}

impl TlsMariaDb {
    /// Starts a server on 127.0.0.1 that offers TLS with `certificate` (and still accepts
    /// connections without it), with a `root` account without a password.
    pub async fn start(certificate: &ServerCertificate) -> anyhow::Result<Self> {
        let dir = TempDir::new("tessera-mariadb")?;
        let data = dir.path().join("data");
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
        let mut command = Command::new("mariadbd");
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("socket").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ])
            .arg(format!("--ssl-cert={}", certificate.cert.display()))
            .arg(format!("--ssl-key={}", certificate.key.display()));
        let url = url(port, "mysql");
        // SIGTERM is MariaDB's normal shutdown.
        let server = ServerProcess::start(
            "MariaDB",
            command,
            &dir.path().join("mariadb.log"),
            "TERM",
            async || sqlx::MySqlConnection::connect(&url).await.is_ok(),
        )
        .await?;
        Ok(Self {
            _server: server,
            _dir: dir,
            port,
        })
    }

    /// A URL of `database` on this server, by address (for setting it up).
    pub fn url(&self, database: &str) -> String {
        url(self.port, database)
    }
}

fn url(port: u16, database: &str) -> String {
    format!("mysql://root@127.0.0.1:{port}/{database}")
}
