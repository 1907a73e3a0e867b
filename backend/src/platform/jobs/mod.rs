//! Background jobs on two durable PostgreSQL queues (apalis): `high` for the worker, `low`
//! for the export worker. Jobs are enqueued inside the transaction that causes them.

pub mod consumers;
mod high;
mod low;
mod notices;
mod queue;
mod runner;
mod user_job_type;
pub mod user_jobs;

pub use high::HighJob;
pub use low::LowJob;
pub use queue::{Queue, enqueue, enqueue_low, enqueue_low_after};
pub use runner::{RunnerOptions, run};
pub use user_job_type::UserJobType;
