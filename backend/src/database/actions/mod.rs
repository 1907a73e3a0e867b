//! The database side of undo and redo: which action a transaction's table events amount
//! to, how every action is replayed through the services, the column backups a field's
//! type change keeps, and the clean-up of old actions with them. The log itself is
//! `platform::actions`.

mod apply;
pub mod backup;
pub mod cleanup;
mod record;

pub use apply::ServiceReplayer;
pub use record::derive_action;
