//! What the benchmark binaries share: their command-line flags, the in-process server
//! with its job runners, the product's binaries run as child processes, the API client,
//! the benchmark user and database, the 20-field benchmark table and its data, the large
//! three-field table of the first-page benchmarks, the file the import benchmarks upload,
//! the machine-load sampler and percentile helpers.

pub mod account;
pub mod big_table;
pub mod cli;
pub mod fill;
pub mod import_file;
pub mod machine;
pub mod process;
pub mod server;
pub mod setup;
pub mod stats;
pub mod words;
