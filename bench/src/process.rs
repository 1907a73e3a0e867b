//! The product's own binaries run beside a benchmark as child processes, as a deployment
//! runs them, so that the memory of one process can be read on its own from `/proc`.

use anyhow::{Context, bail};
use std::process::{Child, Command, Stdio};
use tessera::config::Settings;

/// A running binary of the product, killed when dropped so no run leaves one behind.
pub struct Process(Child);

impl Process {
    /// Starts the binary `name` from the benchmark binary's own directory (where `cargo
    /// build` puts the binaries of every package it builds), configured with the database,
    /// Redis and secret of `settings`, plus the variables `extra`. Its output is discarded.
    pub fn spawn(name: &str, settings: &Settings, extra: &[(&str, &str)]) -> anyhow::Result<Self> {
        let path = std::env::current_exe()?
            .parent()
            .context("no directory of the benchmark binary")?
            .join(name);
        if !path.exists() {
            bail!(
                "{} is missing; build it first: cargo build --release -p {name}",
                path.display()
            );
        }
        let mut command = Command::new(path);
        command
            .env("DATABASE_URL", &settings.database_url)
            .env("REDIS_URL", &settings.redis_url)
            .env("TESSERA_SECRET_KEY", &settings.secret_key)
            .env("TESSERA_REDIS_PREFIX", &settings.redis_prefix)
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Ok(Self(command.spawn()?))
    }

    /// A memory line of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`), in KiB.
    pub fn status_kib(&self, key: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {key} in /proc/{}/status", self.0.id()))
    }

    /// Starts a new peak: `VmHWM` drops to the current resident size.
    pub fn reset_peak(&self) -> anyhow::Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.0.id()), "5")
            .context("resetting the peak memory (Linux 4.0 or newer)")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
