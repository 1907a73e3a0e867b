//! What the benchmark binaries share: the in-process server with its job runners, the API
//! client, the 20-field benchmark table and its data, the command line of the binaries
//! that use that table, the file the import benchmarks upload, the machine-load sampler
//! and percentile helpers.

pub mod cli;
pub mod fill;
pub mod import_file;
pub mod machine;
pub mod server;
pub mod setup;
pub mod stats;
pub mod words;
