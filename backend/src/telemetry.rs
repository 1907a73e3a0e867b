//! Logging set-up shared by the three binaries (`RUST_LOG` filters, default `info`).

use tracing_subscriber::EnvFilter;

/// Target of the TRACE spans that time the phases of a row request (`auth`, `metadata`,
/// `sql`, `json`, `validate`, `transaction`), inside the DEBUG `request` span of the HTTP
/// layer. Disabled by the default filter; `tessera-bench` sums them per workload (see
/// docs/benchmarks.md, *Where the time goes*).
pub const PHASE: &str = "tessera::phase";

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,apalis=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
