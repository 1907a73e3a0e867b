//! The view benchmark's results as a Markdown table, against its goals.

use crate::listing::Measurement;
use tessera_bench::stats::ratio;

/// The result table. A series cut short by the time budget names its request count.
pub fn table(results: &[Measurement], deep_offset: u64, requests: usize) -> String {
    let mut out = String::from(
        "| listing | API p50 / p95 / p99 ms | bare SQL p50 / p95 / p99 ms | API ÷ SQL (p50) | goal (API p95) |\n\
         |---|---|---|---|---|\n",
    );
    for m in results {
        let mut label = m.listing.label(deep_offset);
        let (n_api, n_sql) = (m.api.samples.len(), m.sql.samples.len());
        if n_api < requests || n_sql < requests {
            label.push_str(&format!(" (only {n_api} API / {n_sql} SQL requests)"));
        }
        let goal = match m.listing.goal_p95_ms() {
            Some(goal) if m.api.percentile_ms(95.0) <= goal => format!("≤ {goal:.0} ms: met"),
            Some(goal) => format!("≤ {goal:.0} ms: missed"),
            None => "—".to_owned(),
        };
        out.push_str(&format!(
            "| {label} | {} | {} | {} | {goal} |\n",
            m.api.triple(),
            m.sql.triple(),
            ratio(m.api.percentile_ms(50.0) / m.sql.percentile_ms(50.0)),
        ));
    }
    out
}

/// What the API answered as `count`, beside the exact number of rows the view shows:
/// above a threshold the product reports the planner's estimate instead of counting.
pub fn counts(results: &[Measurement], shown: i64, deep_offset: u64) -> String {
    let mut out = String::new();
    for m in results.iter().filter(|m| !m.counts.is_empty()) {
        let (min, max) = (
            m.counts.iter().min().copied().unwrap_or_default(),
            m.counts.iter().max().copied().unwrap_or_default(),
        );
        let answered = if min == max {
            min.to_string()
        } else {
            format!("{min} to {max}")
        };
        let how = if min == shown && max == shown {
            "exact"
        } else {
            "an estimate"
        };
        out.push_str(&format!(
            "- {}: `count` {answered} ({how}; the view shows {shown} rows)\n",
            m.listing.label(deep_offset)
        ));
    }
    out
}
