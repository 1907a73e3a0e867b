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
use tracing::{Metadata, Subscriber, span};
use tracing_subscriber::{
    Layer, filter::filter_fn, layer::Context, prelude::*, registry::LookupSpan,
};

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

/// Summed wall time per span name since the last reset.
#[derive(Clone, Default)]
pub struct Phases {
    totals: Arc<Mutex<BTreeMap<&'static str, Duration>>>,
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
    pub fn install() -> anyhow::Result<Self> {
        let phases = Self::default();
        tracing_subscriber::registry()
            .with(phases.clone().with_filter(filter_fn(timed)))
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
        self.totals.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Phases {
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
            *totals.entry(span.name()).or_default() += opened.elapsed();
        }
    }
}
