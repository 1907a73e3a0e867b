//! The backend binary in a process of its own, on a free port, killed when dropped.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tessera::{config::Settings, test_support::TestDatabase};

pub struct Backend {
    pub child: Child,
    pub port: u16,
    pub base: String,
}

impl Backend {
    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts a backend with `settings`' database, Redis prefix and secret (so several
/// backends form one installation) and the extra environment `env`.
pub async fn start(db: &TestDatabase, settings: &Settings, env: &[(&str, &str)]) -> Backend {
    start_on(&db.url, settings, env, None, None).await
}

/// A free loopback port.
pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// Where a backend's output goes: `backend-<port>.log` in `logs`, or nowhere.
fn output(logs: Option<&Path>, port: u16) -> Stdio {
    logs.and_then(|dir| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("backend-{port}.log")))
            .ok()
    })
    .map_or_else(Stdio::null, Stdio::from)
}

/// Starts a backend on the database at `database_url`, on `port` when given (a backend
/// restarted where its clients expect it), otherwise on a free one; its output is
/// appended to a log in `logs` when given.
pub async fn start_on(
    database_url: &str,
    settings: &Settings,
    env: &[(&str, &str)],
    port: Option<u16>,
    logs: Option<&Path>,
) -> Backend {
    tessera::platform::outbound::install_crypto_provider();
    let port = port.unwrap_or_else(free_port);
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera-backend"));
    command
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_MEDIA_DIR", &settings.media_dir)
        .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
        .env("TESSERA_PUBLIC_URL", &base)
        .env("RUST_LOG", "warn")
        .stdout(output(logs, port))
        .stderr(output(logs, port));
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command.spawn().expect("backend starts");
    let backend = Backend { child, port, base };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let up = http
            .get(format!("{}/api/_health/", backend.base))
            .send()
            .await
            .is_ok_and(|r| r.status().as_u16() < 500);
        if up {
            return backend;
        }
        assert!(Instant::now() < deadline, "the backend did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
