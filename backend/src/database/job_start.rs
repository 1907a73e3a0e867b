//! What a failed job start means to the use case that queued the job.

use crate::platform::jobs::user_jobs::JobError;

/// `too_many` when the user already has an unfinished job of the type; otherwise the
/// database's error (no other failure of a start is the client's to act on).
pub fn error<E>(e: JobError, too_many: E, database: impl FnOnce(sqlx::Error) -> E) -> E {
    match e {
        JobError::MaxJobCountExceeded => too_many,
        JobError::Database(e) => database(e),
        other => database(sqlx::Error::Protocol(other.to_string())),
    }
}
