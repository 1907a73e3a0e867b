//! Rows of user tables: reading pages, writing cells, ordering, trashing.

mod errors;
pub mod order;
pub mod query;
pub mod read;
mod service;
mod write;

pub use errors::RowError;
pub use query::{ListQuery, Page, Paging};
pub use read::RowKeys;
pub use service::*;
pub use write::insert_initial_rows;
