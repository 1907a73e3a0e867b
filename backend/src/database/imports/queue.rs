//! What starting any import shares, a file or an external database alike: the table the
//! rows go into, checked against the caller's access, and the job queued in the caller's
//! name.

use super::ImportError;
use crate::{
    database::{job_start, tables},
    platform::{
        applications,
        auth::Actor,
        jobs::user_jobs::{self, UserJob},
        validation::ValidationError,
    },
};
use serde_json::Value;
use sqlx::PgConnection;

/// The database an import writes into and the name of its table: a new table `name` in
/// the database `database_id`, or the existing table `table_id` the rows are added to.
/// Either must be the caller's to change.
pub(super) async fn target(
    conn: &mut PgConnection,
    actor: &Actor,
    database_id: Option<i64>,
    table_id: Option<i64>,
    name: Option<String>,
) -> Result<(i64, String), ImportError> {
    match (database_id, table_id) {
        (Some(database_id), _) => {
            applications::accessible(conn, actor, database_id).await?;
            Ok((database_id, name.unwrap_or_default()))
        }
        (None, Some(table_id)) => {
            let (table, _) = tables::accessible(conn, actor, table_id).await?;
            Ok((table.database_id, table.name))
        }
        // The request checks have refused a request without a target already.
        (None, None) => {
            Err(ValidationError::single("database_id", "required", "No target.").into())
        }
    }
}

/// Queues the job `job_type` with `params` for the caller: one unfinished import of a
/// type per user.
pub(super) async fn start_job(
    conn: &mut PgConnection,
    actor: &Actor,
    job_type: &str,
    params: Value,
) -> Result<UserJob, ImportError> {
    user_jobs::start(conn, actor.id(), job_type, params)
        .await
        .map_err(|e| job_start::error(e, ImportError::MaxJobCount, ImportError::Database))
}
