//! Row history: who created, changed, trashed or restored a row, and which values from
//! what to what. Written as a change commits ([`record`]), listed per row, and deleted
//! after the retention.

pub mod diff;
mod kind;
mod record;
pub mod repo;
mod service;

pub use kind::{Command, Replay, RowAction, Tag};
pub use record::{UPDATE_ROWS, record};
pub use service::{HistoryPage, list};
