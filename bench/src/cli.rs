//! Command-line flags of the benchmarks, parsed by hand: the workspace has no
//! argument-parsing crate and each binary needs only a handful of flags. [`Flags`] walks
//! any binary's arguments; [`Options`] are the flags of the binaries that build the
//! 20-field table or fill a large one.

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
        let mut flags = Flags::new(args);
        let usage = usage(flags.program());
        let mut options = defaults;
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
                _ => return Err(flags.unknown(&usage)),
            }
        }
        if options.rows == 0 || options.requests == 0 {
            bail!("--rows and --requests must be at least 1");
        }
        Ok(Some(options))
    }
}
