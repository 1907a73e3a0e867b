//! Where imported rows come from: a file (uploaded or pasted) or a table of an external
//! PostgreSQL or MySQL/MariaDB database. Each implements [`ImportSource`]; the rest of the
//! import (field matching, `COPY`, report) is the same for all.

pub mod external;
pub mod file;

use super::formats::Parsed;
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use tokio::sync::mpsc;

/// What a source sends, in order: `Detected` once, then pieces, then `Failed` if it fails.
#[derive(Debug)]
pub enum Message {
    /// How the source is read, for the job's result (`format`, `encoding`, `delimiter`).
    Detected(serde_json::Map<String, serde_json::Value>),
    /// Typed columns, once before any row, from sources that know their columns' types: a
    /// new table gets fields of these types instead of text fields.
    Fields(Vec<FieldPlan>),
    /// Column names and rows, in file order, a batch at a time.
    Pieces(Vec<Parsed>),
    Failed(String),
}

/// A field a source asks for: its name (made valid and unique later), type and options.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlan {
    pub name: String,
    pub kind: &'static str,
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// How far a source has got, in thousandths.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    pub fn set_permille(&self, permille: u64) {
        self.0.store(permille.min(1000), Ordering::Relaxed);
    }

    pub fn permille(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

pub trait ImportSource: Send + 'static {
    /// Reads every row into `out` on a blocking thread; stops when `out` is closed.
    fn read(self: Box<Self>, out: &mpsc::Sender<Message>, progress: &Progress);
}

/// Rows sent per message: large enough to keep the channel cheap, small enough that a few
/// batches in flight hold little memory.
pub const BATCH_ROWS: usize = 1000;
