//! Command-line flags of the benchmarks that build the 20-field table, parsed by hand: the
//! workspace has no argument-parsing crate and they need only a handful of flags.

use anyhow::{Context, bail};
use std::time::Duration;

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

#[derive(Debug, Clone)]
pub struct Options {
    pub rows: u64,
    pub requests: usize,
    pub warmup: usize,
    pub budget: Duration,
    pub keep: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rows: 1_000_000,
            requests: 200,
            warmup: 5,
            budget: Duration::from_secs(300),
            keep: false,
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
        let mut args = args.into_iter();
        let program = args.next().unwrap_or_default();
        let program = program.rsplit('/').next().unwrap_or_default().to_owned();
        let mut options = defaults;
        while let Some(arg) = args.next() {
            // `--flag=value` and `--flag value` are both accepted.
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .with_context(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--rows" => options.rows = number(&value()?)?,
                "--requests" => options.requests = number(&value()?)?,
                "--warmup" => options.warmup = number(&value()?)?,
                "--budget-secs" => options.budget = Duration::from_secs(number(&value()?)?),
                "--keep" => options.keep = true,
                "-h" | "--help" => {
                    println!("{}", usage(&program));
                    return Ok(None);
                }
                other => bail!("unknown argument {other:?}\n\n{}", usage(&program)),
            }
        }
        if options.rows == 0 || options.requests == 0 {
            bail!("--rows and --requests must be at least 1");
        }
        Ok(Some(options))
    }
}

/// A count such as `1000000`, `1_000_000` or `1,000,000`.
fn number<T: std::str::FromStr>(text: &str) -> anyhow::Result<T> {
    let digits: String = text.chars().filter(|c| !matches!(c, '_' | ',')).collect();
    digits
        .parse()
        .map_err(|_| anyhow::anyhow!("{text:?} is not a whole number"))
}
