//! Outbound HTTP guard: requests to user-supplied URLs (webhooks, imports) may reach only
//! public addresses, so they cannot be turned against the server's own network (SSRF).

mod address;
mod client;
mod handle;

pub use address::{InvalidIpNet, IpNet, is_public};
pub use client::{
    Lookup, OutboundError, OutboundPolicy, SendError, check_url, client, install_crypto_provider,
    send,
};
pub use handle::{Outbound, parse_allowed};
