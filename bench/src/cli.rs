//! Command-line flags of the benchmarks, parsed by hand: the workspace has no
//! argument-parsing crate and each binary needs only a handful of flags. [`Flags`] walks
//! any binary's arguments; [`Options`] are the flags of the binaries that build the
//! 20-field table or fill a large one, and [`Target`] those of `tessera-bench --target`.

use anyhow::{Context, bail};
use std::time::Duration;

/// A binary's arguments, flag by flag. `--flag value` and `--flag=value` are both accepted.
pub struct Flags {
    program: String,
    args: std::vec::IntoIter<String>,
    /// The flag last returned by [`Flags::next_flag`] and its `=value`, if it had one.
    flag: String,
    inline: Option<String>,
}

impl Flags {
    /// Over the arguments of `std::env::args()`: the program's path first.
    pub fn new(args: impl IntoIterator<Item = String>) -> Self {
        let mut args = args.into_iter().collect::<Vec<_>>().into_iter();
        let program = args.next().unwrap_or_default();
        let program = program.rsplit('/').next().unwrap_or_default().to_owned();
        Self {
            program,
            args,
            flag: String::new(),
            inline: None,
        }
    }

    /// The binary's file name, for its help text.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The next flag, without any `=value` (read that with [`Flags::value`]).
    pub fn next_flag(&mut self) -> Option<String> {
        let arg = self.args.next()?;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg, None),
        };
        self.flag.clone_from(&flag);
        self.inline = inline;
        Some(flag)
    }

    /// The value of the current flag: after `=`, or the next argument.
    pub fn value(&mut self) -> anyhow::Result<String> {
        match self.inline.take() {
            Some(value) => Ok(value),
            None => self
                .args
                .next()
                .with_context(|| format!("{} needs a value", self.flag)),
        }
    }

    /// The value of the current flag as a count such as `1000000`, `1_000_000` or
    /// `1,000,000`.
    pub fn number<T: std::str::FromStr>(&mut self) -> anyhow::Result<T> {
        let text = self.value()?;
        let digits: String = text.chars().filter(|c| !matches!(c, '_' | ',')).collect();
        digits
            .parse()
            .map_err(|_| anyhow::anyhow!("{}: {text:?} is not a whole number", self.flag))
    }

    /// The error for a flag the binary does not know, with its help text.
    pub fn unknown(&self, usage: &str) -> anyhow::Error {
        anyhow::anyhow!("unknown argument {:?}\n\n{usage}", self.flag)
    }
}

/// The help text of the binary `program`.
pub fn usage(program: &str) -> String {
    format!(
        "\
Usage: {program} [--rows N] [--requests N] [--warmup N] [--budget-secs S] [--keep]

  --rows N         rows to fill the table with (default 1000000)
  --requests N     measured requests per series, for the API and for bare SQL (default 200)
  --warmup N       unmeasured requests before each series (default 5)
  --budget-secs S  stop a series early once it has run this long; the table then shows
                   how many requests were measured (default 300)
  --keep           keep the database at the end (its name is printed)

Needs PostgreSQL at TEST_DATABASE_SERVER_URL (default postgres://postgres@127.0.0.1:5432)
and Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379)."
    )
}

/// The help text of `tessera-bench`, which can also measure a server it did not start.
pub fn usage_with_target(program: &str) -> String {
    format!(
        "\
Usage: {program} [--rows N] [--requests N] [--warmup N] [--budget-secs S] [--keep]
       {program} --target URL [--email E] [--password P] [--sign-up] [--workspace-id N]
                 [--fill-concurrency N] [--rows N] [--requests N] [--warmup N]
                 [--budget-secs S] [--keep]

  --rows N         rows to fill the table with (default 1000000)
  --requests N     measured requests per series, for the API and for bare SQL (default 200)
  --warmup N       unmeasured requests before each series (default 5)
  --budget-secs S  stop a series early once it has run this long; the table then shows
                   how many requests were measured (default 300)
  --keep           keep the database at the end (its name is printed); with --target,
                   keep the table, its database and workspace (their ids are printed)

Without --target: starts the server in this process on a fresh database, which needs
PostgreSQL at TEST_DATABASE_SERVER_URL (default postgres://postgres@127.0.0.1:5432) and
Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379).

With --target: measures the Baserow-compatible server at URL (Tessera or Baserow, e.g.
http://localhost:8000) through its REST API only. It logs in, creates a workspace, a
database and the table, fills it through the batch row API and deletes them at the end
(unless --keep). Bare SQL and the server-side breakdown need the database and are left out.
  --email E             the account to log in with (or TESSERA_BENCH_EMAIL)
  --password P          its password (or TESSERA_BENCH_PASSWORD)
  --sign-up             create the account first when the server allows sign-ups (an
                        existing account with that email is simply logged in to)
  --workspace-id N      create the database in this existing workspace instead of a new one
  --fill-concurrency N  batch requests in flight while filling (default 4)"
    )
}

#[derive(Debug, Clone)]
pub struct Options {
    pub rows: u64,
    pub requests: usize,
    pub warmup: usize,
    pub budget: Duration,
    pub keep: bool,
    /// `--target`: a server to measure through its API instead of one started here.
    pub target: Option<Target>,
}

/// The server `tessera-bench --target` measures, and how it signs in there.
#[derive(Clone)]
pub struct Target {
    /// The server's root, without a trailing slash.
    pub url: String,
    pub email: String,
    pub password: String,
    pub sign_up: bool,
    pub workspace_id: Option<i64>,
    /// Batch-create requests in flight at once while filling.
    pub fill_concurrency: usize,
}

/// The password stays out of debug output (error reports, logs).
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.url)
            .field("email", &self.email)
            .field("sign_up", &self.sign_up)
            .field("workspace_id", &self.workspace_id)
            .field("fill_concurrency", &self.fill_concurrency)
            .finish_non_exhaustive()
    }
}

/// Batch requests in flight while filling a target: enough to keep a server's workers
/// busy, few enough not to queue behind each other.
pub const DEFAULT_FILL_CONCURRENCY: usize = 4;

impl Default for Options {
    fn default() -> Self {
        Self {
            rows: 1_000_000,
            requests: 200,
            warmup: 5,
            budget: Duration::from_secs(300),
            keep: false,
            target: None,
        }
    }
}

impl Options {
    /// Parses the arguments of `std::env::args()`; `None` when help was asked for (the
    /// help is printed then).
    pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<Option<Self>> {
        Self::parse_with(args, Self::default())
    }

    /// [`Options::parse`] over other defaults (a benchmark of a bigger table).
    pub fn parse_with(
        args: impl IntoIterator<Item = String>,
        defaults: Self,
    ) -> anyhow::Result<Option<Self>> {
        Self::parse_flags(args, defaults, false, |name| std::env::var(name).ok())
    }

    /// `tessera-bench`'s flags: [`Options::parse`] and the `--target` flags, with the
    /// credentials' environment variables read through `env`.
    pub fn parse_with_target(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Option<Self>> {
        Self::parse_flags(args, Self::default(), true, env)
    }

    fn parse_flags(
        args: impl IntoIterator<Item = String>,
        defaults: Self,
        with_target: bool,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Option<Self>> {
        let mut flags = Flags::new(args);
        let usage = if with_target {
            usage_with_target(flags.program())
        } else {
            usage(flags.program())
        };
        let mut options = defaults;
        let (mut url, mut email, mut password) = (None, None, None);
        let (mut sign_up, mut workspace_id, mut fill_concurrency) =
            (false, None, DEFAULT_FILL_CONCURRENCY);
        let mut target_only = None;
        while let Some(flag) = flags.next_flag() {
            match flag.as_str() {
                "--rows" => options.rows = flags.number()?,
                "--requests" => options.requests = flags.number()?,
                "--warmup" => options.warmup = flags.number()?,
                "--budget-secs" => options.budget = Duration::from_secs(flags.number()?),
                "--keep" => options.keep = true,
                "-h" | "--help" => {
                    println!("{usage}");
                    return Ok(None);
                }
                "--target" if with_target => url = Some(flags.value()?),
                "--email" | "--password" | "--sign-up" | "--workspace-id"
                | "--fill-concurrency"
                    if with_target =>
                {
                    target_only = Some(flag.clone());
                    match flag.as_str() {
                        "--email" => email = Some(flags.value()?),
                        "--password" => password = Some(flags.value()?),
                        "--sign-up" => sign_up = true,
                        "--workspace-id" => workspace_id = Some(flags.number()?),
                        _ => fill_concurrency = flags.number()?,
                    }
                }
                _ => return Err(flags.unknown(&usage)),
            }
        }
        if options.rows == 0 || options.requests == 0 {
            bail!("--rows and --requests must be at least 1");
        }
        match url {
            Some(url) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("--target needs an http:// or https:// URL, not {url:?}");
                }
                let credential = |given: Option<String>, flag: &str, var: &str| {
                    given
                        .or_else(|| env(var))
                        .filter(|value| !value.is_empty())
                        .with_context(|| format!("--target needs {flag} or {var}"))
                };
                if fill_concurrency == 0 {
                    bail!("--fill-concurrency must be at least 1");
                }
                options.target = Some(Target {
                    url,
                    email: credential(email, "--email", "TESSERA_BENCH_EMAIL")?,
                    password: credential(password, "--password", "TESSERA_BENCH_PASSWORD")?,
                    sign_up,
                    workspace_id,
                    fill_concurrency,
                });
            }
            None => {
                if let Some(flag) = target_only {
                    bail!("{flag} applies only with --target URL");
                }
            }
        }
        Ok(Some(options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        std::iter::once("tessera-bench")
            .chain(list.iter().copied())
            .map(str::to_owned)
            .collect()
    }

    fn env(name: &str) -> Option<String> {
        match name {
            "TESSERA_BENCH_EMAIL" => Some("env@example.com".into()),
            "TESSERA_BENCH_PASSWORD" => Some("from-env".into()),
            _ => None,
        }
    }

    #[test]
    fn target_flags_and_their_environment_variables() -> anyhow::Result<()> {
        let options = Options::parse_with_target(
            args(&[
                "--target=http://h:8000/",
                "--rows",
                "500",
                "--email",
                "a@b.c",
            ]),
            env,
        )?
        .context("no options")?;
        let target = options.target.context("no target")?;
        assert_eq!(target.url, "http://h:8000");
        assert_eq!(target.email, "a@b.c");
        assert_eq!(target.password, "from-env");
        assert_eq!(target.fill_concurrency, DEFAULT_FILL_CONCURRENCY);
        assert_eq!(options.rows, 500);
        assert!(!format!("{target:?}").contains("from-env"));

        let none = |_: &str| None;
        let missing = Options::parse_with_target(args(&["--target", "http://h"]), none);
        assert!(missing.is_err_and(|e| e.to_string().contains("--email")));
        let stray = Options::parse_with_target(args(&["--email", "a@b.c"]), none);
        assert!(stray.is_err_and(|e| e.to_string().contains("only with --target")));
        // The other benchmarks know no --target.
        assert!(Options::parse(args(&["--target", "http://h"])).is_err());
        Ok(())
    }
}
