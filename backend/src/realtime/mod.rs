//! Live collaboration: table events published through Redis to every backend, which
//! delivers them to its subscribed WebSocket clients; sequence numbers and replay keep
//! clients from ever being stale. Workspace-level events go by user id to the members.

pub mod envelope;
pub mod fan_out;
pub mod hub;
pub mod notify;
pub mod replay;

pub use envelope::Envelope;
pub use hub::Hub;

/// The Redis channel all backends listen on (under the installation's prefix).
pub fn channel(prefix: &str) -> String {
    format!("{prefix}realtime")
}
