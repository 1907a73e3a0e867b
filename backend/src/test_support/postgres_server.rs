//! A PostgreSQL server of a test's own with TLS on: `initdb` into a temporary directory,
//! started on a free local port with a given certificate, stopped and removed when dropped.

use super::certificates::ServerCertificate;
use anyhow::{Context, bail};
use sqlx::Connection;
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Longest wait for the new server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct TlsPostgres {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl TlsPostgres {
    /// Starts a server on 127.0.0.1 that offers TLS with `certificate` (and still accepts
    /// connections without it), trusting every local login.
    pub async fn start(certificate: &ServerCertificate) -> anyhow::Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("tessera-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        // PostgreSQL reads its key only if no one else may; it runs as `postgres` under root.
        let cert = dir.join("server.pem");
        let key = dir.join("server.key");
        std::fs::copy(&certificate.cert, &cert)?;
        std::fs::copy(&certificate.key, &key)?;
        set_mode(&key, 0o600)?;
        if is_root() {
            let owned = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&dir)
                .status()
                .is_ok_and(|s| s.success());
            if !owned {
                bail!("chown of {} to postgres failed", dir.display());
            }
        }
        let data = dir.join("data");
        let initdb = pg_command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("initdb runs")?;
        if !initdb.success() {
            bail!("initdb failed");
        }
        let port = free_port()?;
        let log = std::fs::File::create(dir.join("postgres.log"))?;
        let child = pg_command("postgres")
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(&dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "ssl=on",
                "-c",
                "fsync=off",
            ])
            .arg("-c")
            .arg(format!("ssl_cert_file={}", cert.display()))
            .arg("-c")
            .arg(format!("ssl_key_file={}", key.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .context("postgres starts")?;
        let mut server = Self { child, dir, port };
        let deadline = Instant::now() + START_TIMEOUT;
        while sqlx::PgConnection::connect(&server.url("postgres"))
            .await
            .is_err()
        {
            if Instant::now() > deadline || server.child.try_wait()?.is_some() {
                bail!(
                    "PostgreSQL did not start; see {}",
                    server.dir.join("postgres.log").display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(server)
    }

    /// A URL of `database` on this server, by address, without TLS (for setting it up).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for TlsPostgres {
    /// Fast shutdown (SIGINT), bounded; the directory goes with it.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
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

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Debian's PostgreSQL programs (the newest version installed), or the ones on `PATH`;
/// as root they run as the `postgres` user, since PostgreSQL refuses to run as root.
fn pg_command(name: &str) -> Command {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort_by_key(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    let program = versions
        .last()
        .map(|v| v.join("bin").join(name))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name));
    if is_root() {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=postgres", "--regid=postgres", "--clear-groups"])
            .arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// A port nothing listens on right now.
pub(super) fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
