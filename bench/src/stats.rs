//! Percentiles of measured durations, series of timed requests, and how they are printed.

use std::time::{Duration, Instant};

/// The `p`th percentile (nearest rank) of sorted durations; zero for none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Round-trip times of one series, in the order they were taken.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub samples: Vec<Duration>,
}

impl Series {
    /// Runs `once` (given the request's number, from 0) `requests` times, one after the
    /// other, keeping the time each returns. A pathologically slow series is cut short
    /// once `budget` has passed rather than waited on for hours; the report shows how many
    /// requests were measured.
    pub async fn measure(
        requests: usize,
        budget: Duration,
        mut once: impl AsyncFnMut(usize) -> anyhow::Result<Duration>,
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut series = Self::default();
        for i in 0..requests {
            series.samples.push(once(i).await?);
            if started.elapsed() > budget {
                break;
            }
        }
        Ok(series)
    }

    /// Nearest-rank percentile in milliseconds (`p` in 0–100); NaN for no samples.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.samples.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.samples.clone();
        sorted.sort();
        percentile(&sorted, p).as_secs_f64() * 1000.0
    }

    /// `p50 / p95 / p99` in milliseconds, for a table cell.
    pub fn triple(&self) -> String {
        format!(
            "{} / {} / {}",
            short_ms(self.percentile_ms(50.0)),
            short_ms(self.percentile_ms(95.0)),
            short_ms(self.percentile_ms(99.0))
        )
    }
}

/// Milliseconds, without unit, with precision where it means something.
pub fn short_ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A ratio such as `16×` or `1.4×`.
pub fn ratio(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.0}×")
    } else {
        format!("{value:.1}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&sorted, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 95.0), Duration::ZERO);
        assert_eq!(ms(Duration::from_micros(1500)), "1.5 ms");
    }

    #[test]
    fn series_percentiles_and_cells() {
        let series = Series {
            samples: (1..=100).rev().map(Duration::from_millis).collect(),
        };
        assert_eq!(series.percentile_ms(50.0), 50.0);
        assert_eq!(series.triple(), "50.0 / 95.0 / 99.0");
        assert!(Series::default().percentile_ms(50.0).is_nan());
        assert_eq!(short_ms(123.4), "123");
        assert_eq!(short_ms(4.914), "4.91");
        assert_eq!(ratio(16.2), "16×");
        assert_eq!(ratio(1.43), "1.4×");
    }
}
