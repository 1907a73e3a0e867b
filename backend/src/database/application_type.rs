//! The database as an application type: what the platform asks of it about its tables.

use super::{collaborators, tables, tx::Tx};
use crate::{
    dto::ApplicationBody,
    platform::applications::{Application, ApplicationType},
};
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub struct DatabaseApplicationType;

impl ApplicationType for DatabaseApplicationType {
    fn name(&self) -> &'static str {
        "database"
    }

    fn bodies<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        apps: &'a [Application],
    ) -> BoxFuture<'a, sqlx::Result<Vec<ApplicationBody>>> {
        Box::pin(async move {
            let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
            let all_tables = tables::repo::list_for_databases(conn, &ids).await?;
            Ok(apps
                .iter()
                .map(|app| {
                    let own: Vec<_> = all_tables
                        .iter()
                        .filter(|t| t.database_id == app.id)
                        .cloned()
                        .collect();
                    ApplicationBody::new(app, &own)
                })
                .collect())
        })
    }

    fn member_removed<'a>(
        &'a self,
        tx: &'a mut Tx,
        workspace_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(collaborators::remove_user(tx, workspace_id, user_id))
    }

    fn drop_table<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(tables::repo::drop_for_good(conn, table_id))
    }
}
