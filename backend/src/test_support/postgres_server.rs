//! PostgreSQL servers of a test's own: `initdb` into a directory, started on a free local
//! port, stopped and started again at will; [`TlsPostgres`] is one that offers TLS with a
//! given certificate, in a temporary directory removed when it is dropped.

use super::{
    TempDir,
    certificates::ServerCertificate,
    server_process::{ServerProcess, free_port},
};
use anyhow::{Context, bail};
use sqlx::Connection;
use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// A PostgreSQL cluster that trusts every local login and listens on 127.0.0.1 only; it
/// stops when dropped.
pub struct PostgresServer {
    data: PathBuf,
    socket_dir: PathBuf,
    log: PathBuf,
    settings: Vec<String>,
    stop_signal: &'static str,
    process: Option<ServerProcess>,
    pub port: u16,
}

impl PostgresServer {
    /// Creates a cluster in `root/data` (its socket in `root`) and starts it with the `-c`
    /// `settings`; `initdb.log` and `postgres.log` go to `logs`. `stop_signal` is how
    /// [`stop`](Self::stop) and dropping shut it down: `INT` is a fast shutdown, `QUIT` an
    /// immediate one (no checkpoint, crash recovery at the next start — a crash, as its
    /// clients see it).
    pub async fn init(
        root: &Path,
        logs: &Path,
        settings: &[&str],
        stop_signal: &'static str,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root)?;
        if is_root() {
            let owned = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(root)
                .status()
                .is_ok_and(|s| s.success());
            if !owned {
                bail!("chown of {} to postgres failed", root.display());
            }
        }
        let data = root.join("data");
        let initdb_log = logs.join("initdb.log");
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
            .stderr(std::fs::File::create(&initdb_log)?)
            .status()
            .context("initdb runs (Debian's postgresql package)")?;
        if !initdb.success() {
            bail!("initdb failed; see {}", initdb_log.display());
        }
        let mut server = Self {
            data,
            socket_dir: root.to_owned(),
            log: logs.join("postgres.log"),
            settings: settings.iter().map(|s| (*s).to_owned()).collect(),
            stop_signal,
            process: None,
            port: free_port()?,
        };
        server.start().await?;
        Ok(server)
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let mut command = pg_command("postgres");
        command
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string()])
            .arg("-k")
            .arg(&self.socket_dir)
            .args(["-c", "listen_addresses=127.0.0.1"]);
        for setting in &self.settings {
            command.arg("-c").arg(setting);
        }
        let url = self.url("postgres");
        let accepts = async || match sqlx::PgConnection::connect(&url).await {
            Ok(connection) => {
                let _ = connection.close().await;
                true
            }
            Err(_) => false,
        };
        let process =
            ServerProcess::start("PostgreSQL", command, &self.log, self.stop_signal, accepts)
                .await?;
        self.process = Some(process);
        Ok(())
    }

    /// Shuts the server down with its stop signal, if it runs.
    pub fn stop(&mut self) {
        self.process = None;
    }

    /// A URL of `database` on this server, by address, without TLS.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

/// A PostgreSQL server that offers TLS with a given certificate.
pub struct TlsPostgres {
    // Declared before the directory, so the server stops before the directory goes.
    server: PostgresServer,
    _dir: TempDir,
    pub port: u16,
}

impl TlsPostgres {
    /// Starts a server on 127.0.0.1 that offers TLS with `certificate` (and still accepts
    /// connections without it), trusting every local login.
    pub async fn start(certificate: &ServerCertificate) -> anyhow::Result<Self> {
        let dir = TempDir::new("tessera-pg")?;
        // PostgreSQL reads its key only if no one else may; it runs as `postgres` under root.
        let cert = dir.path().join("server.pem");
        let key = dir.path().join("server.key");
        std::fs::copy(&certificate.cert, &cert)?;
        std::fs::copy(&certificate.key, &key)?;
        set_mode(&key, 0o600)?;
        let cert_file = format!("ssl_cert_file={}", cert.display());
        let key_file = format!("ssl_key_file={}", key.display());
        let server = PostgresServer::init(
            dir.path(),
            dir.path(),
            &["ssl=on", "fsync=off", &cert_file, &key_file],
            "INT",
        )
        .await?;
        Ok(Self {
            port: server.port,
            server,
            _dir: dir,
        })
    }

    /// A URL of `database` on this server, by address, without TLS (for setting it up).
    pub fn url(&self, database: &str) -> String {
        self.server.url(database)
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
/// as root they run as the `postgres` user, since PostgreSQL refuses to run as root
/// (`setpriv` execs, so the child's pid is the postmaster's own, for signals).
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
