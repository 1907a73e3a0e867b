//! Refreshes the formulas that follow the clock (`now()`, `today()` and those naming
//! them) every `TESSERA_FORMULA_CLOCK_SECONDS` (60 by default, `0` turns it off). Several
//! export workers may run: a PostgreSQL advisory lock lets one of them refresh at a time.
//! A round that fails or panics is logged and the next round tries again.

use std::time::Duration;
use tessera::{
    context::AppContext,
    database::computed::clock::{self, Limits},
};

/// The environment variable holding the interval, in seconds.
pub const ENV: &str = "TESSERA_FORMULA_CLOCK_SECONDS";
/// The default interval: a `now()` shown in minutes is at most a minute behind.
pub const DEFAULT_SECONDS: u64 = 60;
/// Longest interval accepted: one day, since `today()` changes daily.
const MAX_SECONDS: u64 = 24 * 60 * 60;

/// The interval from the environment; `None` when the refresh is turned off.
pub fn interval_from_env() -> anyhow::Result<Option<Duration>> {
    parse(std::env::var(ENV).ok().as_deref())
}

fn parse(value: Option<&str>) -> anyhow::Result<Option<Duration>> {
    let seconds = match value.map(str::trim) {
        None | Some("") => DEFAULT_SECONDS,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|s| *s <= MAX_SECONDS)
            .ok_or_else(|| {
                anyhow::anyhow!("{ENV} must be a whole number of seconds from 0 to {MAX_SECONDS}")
            })?,
    };
    Ok((seconds > 0).then(|| Duration::from_secs(seconds)))
}

pub async fn run(ctx: AppContext, every: Duration) {
    let mut tick = tokio::time::interval(every);
    // A slow round delays the next instead of bunching the missed ones after it.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut after: i64 = 0;
    loop {
        tick.tick().await;
        // Its own task, so a panic ends the round and not the schedule.
        let db = ctx.db.clone();
        match tokio::spawn(async move { refresh_once(&db, after).await }).await {
            Ok(Ok(Some(next))) => after = next,
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "could not refresh the clock formulas; retrying next round");
            }
            Err(e) => {
                tracing::error!(error = %e, "the clock formula refresh failed; retrying next round");
            }
        }
    }
}

/// One round under the lock, starting after table `after`: the table to start after next
/// round (0 once every table was seen), or `None` when another worker holds the lock.
async fn refresh_once(db: &sqlx::PgPool, after: i64) -> anyhow::Result<Option<i64>> {
    // The lock lives in a transaction of its own, idle while the tables are refreshed in
    // theirs: released when it ends, or when its connection dies with a crashed worker.
    let mut lock = db.begin().await?;
    let won: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('tessera.formula_clock'))")
            .fetch_one(&mut *lock)
            .await?;
    if !won {
        lock.rollback().await?;
        return Ok(None);
    }
    let done = clock::refresh(db, after, Limits::default()).await;
    lock.rollback().await?;
    let done = done?;
    for (table_id, error) in &done.failed {
        tracing::warn!(table_id, %error, "could not refresh a table's clock formulas; retrying next round");
    }
    let rows: usize = done.tables.iter().map(|t| t.rows.len()).sum();
    if rows > 0 {
        tracing::info!(
            tables = done.tables.len(),
            rows,
            "refreshed formulas following the clock"
        );
    }
    Ok(Some(done.resume_after.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_defaults_to_a_minute_and_zero_turns_it_off() {
        assert_eq!(parse(None).unwrap(), Some(Duration::from_secs(60)));
        assert_eq!(parse(Some("")).unwrap(), Some(Duration::from_secs(60)));
        assert_eq!(parse(Some(" 5 ")).unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(parse(Some("0")).unwrap(), None);
        assert_eq!(
            parse(Some("86400")).unwrap(),
            Some(Duration::from_secs(86_400))
        );
    }

    #[test]
    fn a_bad_interval_is_refused_with_the_variable_named() {
        for bad in ["-1", "1.5", "soon", "86401"] {
            let e = parse(Some(bad)).unwrap_err().to_string();
            assert!(e.contains(ENV), "{bad}: {e}");
        }
    }
}
