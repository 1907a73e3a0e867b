//! Records the undoable action a committing transaction amounts to.

use super::{model::Params, repo};
use crate::db::tx::EventOrigin;
use sqlx::PgConnection;

/// Records `params` as one undoable action when the origin carries an undo stack; `None`
/// is a change that cannot be undone.
pub async fn record(
    conn: &mut PgConnection,
    origin: &EventOrigin,
    params: Option<Params>,
) -> sqlx::Result<()> {
    match (&origin.session, origin.user_id, params) {
        (Some(session), Some(user_id), Some(params)) => {
            repo::insert(conn, user_id, session, &params).await
        }
        _ => Ok(()),
    }
}
