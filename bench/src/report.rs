//! The results as a Markdown table, beside Baserow's figures on the same machine kind
//! (`/work/shared/spec/baserow-baseline.md`).

use crate::{
    breakdown::PHASES,
    measure::{Measurement, Workload},
};
use std::time::Duration;
use tessera_bench::{
    cli::Options,
    setup::Table,
    stats::{ratio, short_ms as ms},
};

/// What the report states besides the results.
pub struct Intro<'a> {
    /// Where the server ran: empty for the one started here, ` at <URL>` for a target.
    pub at: String,
    pub table: &'a Table,
    pub options: &'a Options,
    pub measuring: Duration,
    /// The `- …` lines on the code, machine and database measured.
    pub facts: String,
    pub probe_words: &'a [String],
}

/// The whole report, Markdown: what was measured how, the result table, the listings'
/// counts, and, with the database at hand, the waits for background work and where the
/// time went; without it, what was left out.
pub fn document(intro: &Intro<'_>, results: &[Measurement]) -> String {
    let options = intro.options;
    let mut out = format!(
        "\n## Rows API{} ({} rows, {} fields)\n\n",
        intro.at,
        options.rows,
        intro.table.schema.field_count()
    );
    out.push_str(&intro.table.describe());
    out.push_str(&format!(
        "- requests: {} measured per series after {} warm-up, one at a time, keep-alive; measuring took {:.0} s\n",
        options.requests,
        options.warmup,
        intro.measuring.as_secs_f64()
    ));
    out.push_str(&intro.facts);
    out.push_str(&format!(
        "- probe words (filter and search, one per request in turn; vocabulary of {} words, Zipf frequencies): {}\n\n",
        intro.table.vocab.len(),
        intro.probe_words.join(", ")
    ));
    out.push_str(&table(results, options.rows, options.requests));
    out.push('\n');
    out.push_str(&counts(results));
    out.push('\n');
    if results.iter().all(|m| m.sql.is_some()) {
        out.push_str(&waits(results));
        out.push('\n');
        out.push_str(&breakdown(results));
        out.push('\n');
    } else {
        out.push_str(
            "- measured through the API alone: bare SQL and the breakdown of the server's time \
             need its database and are left out, and the server's background work (such as \
             building a sort index) cannot be waited for, so each warm-up simply runs twice\n",
        );
    }
    out
}

/// Baserow 1.35.3's p50 / p95 in ms, and which column of its baseline they come from.
struct Baseline {
    p50: f64,
    p95: f64,
    column: &'static str,
}

/// Reads compare with the baseline column nearest the table size (100k or 1M rows, split
/// at their geometric mean); writes were only measured at 100k rows.
fn baseline(workload: Workload, rows: u64) -> Baseline {
    let million = rows >= 316_228;
    let (p50, p95, column) = match (workload, million) {
        (Workload::ListPage, true) => (122.0, 180.0, "1M"),
        (Workload::ListPage, false) => (87.0, 126.0, "100k"),
        (Workload::FilterSort, true) => (743.0, 977.0, "1M"),
        (Workload::FilterSort, false) => (186.0, 302.0, "100k"),
        (Workload::Search, true) => (2242.0, 2665.0, "1M"),
        (Workload::Search, false) => (563.0, 824.0, "100k"),
        (Workload::UpdateRow, _) => (106.0, 143.0, "100k"),
        (Workload::BatchCreate, _) => (783.0, 1248.0, "100k"),
    };
    Baseline { p50, p95, column }
}

/// The result table. A workload cut short by the time budget names its request count.
/// Without bare SQL (a `--target` server) its two columns are left out.
pub fn table(results: &[Measurement], rows: u64, requests: usize) -> String {
    let with_sql = results.iter().all(|m| m.sql.is_some());
    let mut out = if with_sql {
        String::from(
            "| workload | API p50 / p95 / p99 ms | bare SQL p50 / p95 / p99 ms | API ÷ SQL (p50) | Baserow p50 / p95 ms | speed-up vs Baserow (p50) |\n\
             |---|---|---|---|---|---|\n",
        )
    } else {
        String::from(
            "| workload | API p50 / p95 / p99 ms | Baserow p50 / p95 ms | speed-up vs Baserow (p50) |\n\
             |---|---|---|---|\n",
        )
    };
    for m in results {
        let base = baseline(m.workload, rows);
        let mut label = m.workload.label().to_owned();
        let n_api = m.api.samples.len();
        let api_p50 = m.api.percentile_ms(50.0);
        let sql = match &m.sql {
            Some(sql) if with_sql => {
                let n_sql = sql.samples.len();
                if n_api < requests || n_sql < requests {
                    label.push_str(&format!(" (only {n_api} API / {n_sql} SQL requests)"));
                }
                format!(
                    " {} | {} |",
                    sql.triple(),
                    ratio(api_p50 / sql.percentile_ms(50.0))
                )
            }
            _ => {
                if n_api < requests {
                    label.push_str(&format!(" (only {n_api} requests)"));
                }
                String::new()
            }
        };
        out.push_str(&format!(
            "| {label} | {} |{sql} {} / {} ({} rows) | {} |\n",
            m.api.triple(),
            ms(base.p50),
            ms(base.p95),
            base.column,
            ratio(base.p50 / api_p50),
        ));
    }
    out
}

/// Background work the warm-ups caused (sort indexes), waited for before measuring.
pub fn waits(results: &[Measurement]) -> String {
    let mut out = String::new();
    for m in results.iter().filter(|m| m.settled.as_millis() >= 500) {
        out.push_str(&format!(
            "- {}: waited {:.1} s after the warm-up for background jobs (sort index build)\n",
            m.workload.label(),
            m.settled.as_secs_f64()
        ));
    }
    out
}

/// How many rows the listings' `count` reported: shows how selective each probe was.
pub fn counts(results: &[Measurement]) -> String {
    let mut out = String::new();
    for m in results.iter().filter(|m| !m.counts.is_empty()) {
        let mut c = m.counts.clone();
        c.sort_unstable();
        out.push_str(&format!(
            "- {}: `count` min {}, median {}, max {}\n",
            m.workload.label(),
            c[0],
            c[c.len() / 2],
            c[c.len() - 1]
        ));
    }
    out
}

/// Where the API's time went, as means per measured request: the server's phases (wall
/// time of their spans), the rest of the server's handling (routing, parameters, the
/// response's JSON encoding), and what the server never saw (HTTP on both ends, the
/// client). The phases do not overlap; `request` contains them all.
pub fn breakdown(results: &[Measurement]) -> String {
    let mut out = String::from("| workload | client | server `request` |");
    for phase in PHASES {
        out.push_str(&format!(" {phase} |"));
    }
    out.push_str(" other server | HTTP + client |\n|---|---|---|");
    out.push_str(&"---|".repeat(PHASES.len() + 2));
    out.push('\n');
    for m in results {
        let n = m.api.samples.len().max(1) as f64;
        let mean = |d: Duration| d.as_secs_f64() * 1000.0 / n;
        let client = mean(m.api.samples.iter().sum());
        let request = mean(m.phases.get("request").copied().unwrap_or_default());
        let mut phases = 0.0;
        out.push_str(&format!(
            "| {} | {} | {} |",
            m.workload.label(),
            ms(client),
            ms(request)
        ));
        for phase in PHASES {
            let t = mean(m.phases.get(phase).copied().unwrap_or_default());
            phases += t;
            out.push_str(&format!(" {} |", ms(t)));
        }
        out.push_str(&format!(
            " {} | {} |\n",
            ms((request - phases).max(0.0)),
            ms((client - request).max(0.0))
        ));
    }
    out
}
