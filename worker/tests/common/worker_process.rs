//! The worker binary as these tests start it: pointed at the test's database, Redis and
//! secret, with a one-second job heartbeat so a killed worker's jobs are handed on quickly.

use std::process::{Child, Command, Stdio};
use tessera::{config::Settings, test_support::TestDatabase};

/// Starts the worker, adding `env` (e.g. a mail server) to what every test sets.
pub fn start(db: &TestDatabase, settings: &Settings, env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera-worker"))
        .env("DATABASE_URL", &db.url)
        .env("REDIS_URL", &settings.redis_url)
        .env("TESSERA_SECRET_KEY", &settings.secret_key)
        .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
        .env("TESSERA_JOB_HEARTBEAT_SECONDS", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts")
}
