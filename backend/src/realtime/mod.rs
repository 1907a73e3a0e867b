//! Live collaboration: table events published through Redis to every backend, which
//! delivers them to its subscribed WebSocket pages (a table, one row, a shared view);
//! sequence numbers and replay keep clients from ever being stale. Workspace-level and
//! job events go by user id; who is viewing a table goes to its table page.

pub mod access;
pub mod envelope;
pub mod fan_out;
pub mod hub;
pub mod notify;
pub mod page;
pub mod page_type;
pub mod page_types;
pub mod presence;
pub mod projector;
pub mod replay;

pub use envelope::Envelope;
pub use hub::Hub;

/// The Redis channel all backends listen on (under the installation's prefix).
pub fn channel(prefix: &str) -> String {
    format!("{prefix}realtime")
}
