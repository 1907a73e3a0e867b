//! What the benchmark binaries share: the in-process server with its job runners, the API
//! client, and the machine-load sampler.

pub mod machine;
pub mod server;
