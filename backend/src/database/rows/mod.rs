//! Rows of user tables: reading pages, writing cells, ordering, trashing.

mod adjacent;
mod errors;
mod names;
pub mod order;
pub mod query;
pub mod read;
mod service;
mod write;

pub use adjacent::adjacent;
pub use errors::RowError;
pub use names::names;
pub use query::{ListQuery, Page, Paging};
pub use read::RowKeys;
pub use service::*;
pub use write::insert_initial_rows;
