//! Table events: what a change did to a table, typed ([`TableEvent`]), emitted on a
//! [`Tx`](crate::database::tx::Tx) and written to the per-table event log when it commits.

mod log;
mod table_event;

pub use crate::db::tx::EventOrigin;
pub use log::{append, prune, since};
pub use table_event::{FieldBefore, TableEvent, ViewPart};
