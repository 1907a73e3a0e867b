//! Row history: who changed which values of a row, from what to what. Written as a change
//! commits ([`record`]), listed per row, and deleted after the retention.

pub mod diff;
mod record;
pub mod repo;
mod service;

pub use record::{UPDATE_ROWS, record};
pub use service::{HistoryPage, list};
