//! Where a request's time goes: a tracing layer that sums the wall time of the server's
//! `request` span and of the phase spans inside it (target `tessera::phase`: `auth`,
//! `metadata`, `validate`, `estimate`, `sql`, `transaction`, `json`), from creation to
//! close. The benchmark resets it before a measured API series and reads it after, so
//! the sums cover exactly the measured requests.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tracing::{Metadata, Subscriber, span, subscriber::Interest};
use tracing_subscriber::{Layer, layer::Context, prelude::*, registry::LookupSpan};

/// The phases in the order the report lists them.
pub const PHASES: [&str; 7] = [
    "auth",
    "metadata",
    "validate",
    "estimate",
    "sql",
    "transaction",
    "json",
];

/// Summed wall time, and the number of spans, per span name since the last reset.
#[derive(Clone, Default)]
pub struct Phases {
    totals: Arc<Mutex<BTreeMap<&'static str, (Duration, u64)>>>,
}

/// When a timed span was created.
struct Opened(Instant);

fn timed(meta: &Metadata<'_>) -> bool {
    meta.target() == tessera::telemetry::PHASE
        || (meta.name() == "request" && meta.target().starts_with("tessera"))
}

impl Phases {
    /// Installs the layer as the process's subscriber (TRACE for the timed spans only,
    /// nothing else is logged) and returns the handle that reads it.
    ///
    /// The layer filters for the whole subscriber, decided once per callsite (see
    /// `register_callsite`), rather than through a per-layer filter: a per-layer filter
    /// decides span by span through thread-local state, which lost most spans here (a
    /// quarter of the `request` spans and nearly every `sql` span were never created).
    pub fn install() -> anyhow::Result<Self> {
        let phases = Self::default();
        tracing_subscriber::registry()
            .with(phases.clone())
            .try_init()?;
        Ok(phases)
    }

    pub fn reset(&self) {
        if let Ok(mut totals) = self.totals.lock() {
            totals.clear();
        }
    }

    /// The sums since the last reset.
    pub fn totals(&self) -> BTreeMap<&'static str, Duration> {
        self.totals
            .lock()
            .map(|t| t.iter().map(|(name, (sum, _))| (*name, *sum)).collect())
            .unwrap_or_default()
    }

    /// How many spans of each name closed since the last reset.
    #[cfg(test)]
    fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.totals
            .lock()
            .map(|t| t.iter().map(|(name, (_, n))| (*name, *n)).collect())
            .unwrap_or_default()
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Phases {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if timed(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        timed(meta)
    }

    fn on_new_span(&self, _: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Opened(Instant::now()));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let Some(opened) = span.extensions().get::<Opened>().map(|o| o.0) else {
            return;
        };
        if let Ok(mut totals) = self.totals.lock() {
            let entry = totals.entry(span.name()).or_default();
            entry.0 += opened.elapsed();
            entry.1 += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Phases;
    use reqwest::Method;
    use tessera_bench::{
        server::{Api, Server},
        setup::Table,
    };

    /// Every request the real server answers opens one `request` span and its phases, and
    /// each is counted (a per-layer filter once lost most of them: 9 `request` spans of 49).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_request_and_its_phases_are_counted() -> anyhow::Result<()> {
        const REQUESTS: u64 = 25;
        let _alone = crate::SERVER_TESTS.lock().await;
        let phases = Phases::install()?;
        Server::run(false, async |server| {
            let mut api = Api::new(&server.url)?;
            let table = Table::build(&mut api, &server.db.url, 50).await?;
            let path = format!(
                "/api/database/rows/table/{}/?size=20",
                table.schema.table_id
            );
            phases.reset();
            for _ in 0..REQUESTS {
                api.call(Method::GET, &path, None).await?;
            }
            // The `request` span closes after the client has its answer.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while phases.counts().get("request") < Some(&REQUESTS)
                && std::time::Instant::now() < deadline
            {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            let counts = phases.counts();
            for name in ["request", "auth", "metadata", "sql", "json"] {
                assert_eq!(counts.get(name), Some(&REQUESTS), "{name}: {counts:?}");
            }
            Ok(())
        })
        .await
    }
}
