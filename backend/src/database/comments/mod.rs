//! Comments on rows: a rich-text message per comment, `@mentions` of workspace members
//! (who are notified), followed per user (every comment, or mentions only), edited and deleted by their author only, announced on the table's
//! and the row's pages, counted per row for listings. A row's comments are hidden while
//! it is in the trash and deleted with it for good.

pub mod errors;
pub mod notification_mode;
pub mod repo;
pub mod service;

pub use errors::CommentError;
pub use service::{create, delete, list, row_metadata, row_metadata_of_view, update};
