//! What the benchmark binaries share: the in-process server with its job runners, the API
//! client, the machine-load sampler and percentile helpers.

pub mod machine;
pub mod server;
pub mod stats;
