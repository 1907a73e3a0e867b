//! What the platform asks of an application type about the data it keeps beside the
//! platform's own tables. Tessera has one, the database (`database::application_type`),
//! registered in `crate::registries`; the platform never names it.

use super::Application;
use crate::{db::tx::Tx, dto::ApplicationBody};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub trait ApplicationType: Send + Sync + 'static {
    /// The wire name, `type`.
    fn name(&self) -> &'static str;

    /// The API shape of `apps` with what they hold (a database's tables), for events that
    /// describe whole applications.
    fn bodies<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        apps: &'a [Application],
    ) -> BoxFuture<'a, sqlx::Result<Vec<ApplicationBody>>>;

    /// Takes a user who left (or was removed from) a workspace out of what its
    /// applications hold (a database's collaborator cells), in the transaction removing the
    /// membership.
    fn member_removed<'a>(
        &'a self,
        tx: &'a mut Tx,
        workspace_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>>;

    /// Drops one of the PostgreSQL tables of a trashed application for good, with its
    /// metadata; a table already gone is not an error.
    fn drop_table<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>>;
}
