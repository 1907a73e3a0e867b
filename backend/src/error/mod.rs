//! The one error vocabulary: domain errors map to a [`Code`], the wire shape is `{"error", "detail"}`.

mod code;

pub use code::Code;

use serde::Serialize;
use std::{collections::BTreeMap, sync::Arc};

/// What a client sees as `detail`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Detail {
    Message(String),
    /// Baserow's validation shape: `{"name": [{"error": "...", "code": "required"}]}`.
    Fields(BTreeMap<String, Vec<FieldIssue>>),
    /// Nested validation detail that mirrors the input (batch rows: `{"items": {"0": {…}}}`).
    Json(serde_json::Value),
}

/// One validation problem of one input field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldIssue {
    pub error: String,
    pub code: String,
}

impl Detail {
    /// A single-field validation detail.
    pub fn field(name: &str, code: &str, error: impl Into<String>) -> Self {
        let mut map = BTreeMap::new();
        map.insert(
            name.to_owned(),
            vec![FieldIssue {
                error: error.into(),
                code: code.into(),
            }],
        );
        Detail::Fields(map)
    }
}

/// Implemented by every domain error enum: which wire code it becomes.
pub trait HasCode: std::error::Error {
    fn code(&self) -> Code;
    /// What the client sees as `detail`; defaults to the Display text.
    fn detail(&self) -> Detail {
        Detail::Message(self.to_string())
    }
}

/// An error on its way to a client. Server-side causes are kept for the log only.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: Code,
    pub detail: Detail,
    pub source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: Detail::Message(detail.into()),
            source: None,
        }
    }

    pub fn validation(detail: Detail) -> Self {
        Self {
            code: Code::RequestBodyValidation,
            detail,
            source: None,
        }
    }

    pub fn query_validation(detail: Detail) -> Self {
        Self {
            code: Code::QueryParameterValidation,
            detail,
            source: None,
        }
    }

    /// The JSON body sent to the client.
    pub fn body(&self) -> serde_json::Value {
        if self.code == Code::NotAuthenticated {
            // DRF produces this one itself, without an `error` key.
            return serde_json::json!({ "detail": "Authentication credentials were not provided." });
        }
        serde_json::json!({ "error": self.code.as_str(), "detail": self.detail })
    }
}

impl<E: HasCode + Send + Sync + 'static> From<E> for ApiError {
    fn from(err: E) -> Self {
        let mut code = err.code();
        // A lost database (a restart, a failover, a full pool) is an outage the client
        // should wait out and retry, not a bug: 503 rather than 500, whichever domain
        // error carries it.
        if code == Code::Internal && database_unavailable(&err) {
            code = Code::ServiceUnavailable;
        }
        let detail = if code == Code::ServiceUnavailable {
            Detail::Message("The database is unavailable; try again shortly.".into())
        } else if code.status() >= 500 {
            Detail::Message("An internal server error occurred.".into())
        } else {
            err.detail()
        };
        Self {
            code,
            detail,
            source: Some(Arc::new(err)),
        }
    }
}

/// Whether `err` or one of its causes says the database cannot be reached right now:
/// no connection (refused, reset, timed out waiting for the pool), or the server ending
/// the session (SQLSTATE class 08 connection exception, 57P01–57P03 shutdown and start-up).
/// Domain errors wrap `sqlx::Error` transparently, which hides it from the chain but not
/// its own cause (the I/O error or the server's error), so those are looked for too.
fn database_unavailable(err: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind;
    let server_gone =
        |code: &str| code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03");
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(db) = e.downcast_ref::<sqlx::Error>() {
            match db {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => return true,
                sqlx::Error::Database(d) => return d.code().is_some_and(|c| server_gone(&c)),
                _ => {}
            }
        }
        // What `sqlx::Error::Database` gives as its source.
        if let Some(db) = e.downcast_ref::<Box<dyn sqlx::error::DatabaseError>>() {
            return db.code().is_some_and(|c| server_gone(&c));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::BrokenPipe
                    | ErrorKind::TimedOut
            )
        {
            return true;
        }
        // sqlx sometimes passes a broken connection on as a `Protocol` error holding
        // only the text of its I/O error (seen when PostgreSQL restarts mid-request).
        if e.to_string().contains(SQLX_IO_ERROR) {
            return true;
        }
        cause = e.source();
    }
    false
}

/// How sqlx's `Error::Io` begins its message, kept when it is flattened into text.
const SQLX_IO_ERROR: &str = "error communicating with database";

/// A database failure nobody expected: logged, shown as a 500 without details.
impl HasCode for sqlx::Error {
    fn code(&self) -> Code {
        Code::Internal
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code.as_str())
    }
}

impl ApiError {
    /// Seconds to wait before retrying, for rate-limited requests (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        if self.code != Code::RateLimitExceeded {
            return None;
        }
        let source = self.source.as_ref()?;
        if let Some(crate::database::tokens::TokenError::RateLimited(secs)) =
            source.downcast_ref::<crate::database::tokens::TokenError>()
        {
            return Some(*secs);
        }
        // A throttle anywhere in the chain (a service error wrapping it).
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
        while let Some(e) = cause {
            if let Some(t) = e.downcast_ref::<crate::platform::throttle::Throttled>() {
                return Some(t.retry_after);
            }
            cause = e.source();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::rows::RowError;

    #[test]
    fn a_database_that_cannot_be_reached_is_a_503_whichever_error_carries_it() {
        let direct = ApiError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(direct.code, Code::ServiceUnavailable);
        assert_eq!(direct.code.status(), 503);
        // Domain errors wrap it transparently: its cause still tells.
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let wrapped = ApiError::from(RowError::Database(sqlx::Error::Io(reset)));
        assert_eq!(wrapped.code, Code::ServiceUnavailable);
        assert_eq!(
            wrapped.body()["detail"],
            "The database is unavailable; try again shortly."
        );
        let flattened = sqlx::Error::Protocol(
            "error communicating with database: Connection reset by peer (os error 104)".into(),
        );
        assert_eq!(
            ApiError::from(RowError::Database(flattened)).code,
            Code::ServiceUnavailable
        );
        // Anything else the database says is still a bug of ours.
        let other = ApiError::from(RowError::Database(sqlx::Error::RowNotFound));
        assert_eq!(other.code, Code::Internal);
    }
}
