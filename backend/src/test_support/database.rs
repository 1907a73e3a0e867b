//! A migrated database of its own for each test, dropped when the test ends.

use crate::db;
use sqlx::PgPool;

pub struct TestDatabase {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
}

impl TestDatabase {
    /// Creates `tessera_test_<uuid>` and applies every migration.
    pub async fn create() -> anyhow::Result<Self> {
        let name = format!("tessera_test_{}", uuid::Uuid::new_v4().simple());
        let url = format!("{}/{name}", super::database_server_url());
        db::ensure_database(&url).await?;
        let pool = db::connect(&url, 10).await?;
        db::migrate(&pool).await?;
        Ok(Self { name, url, pool })
    }
}

impl Drop for TestDatabase {
    /// Drops the database from a thread of its own: `Drop` cannot await, and the test's
    /// runtime is blocked while it runs. `FORCE` ends the connections the test still holds.
    fn drop(&mut self) {
        let name = self.name.clone();
        let server = format!("{}/postgres", super::database_server_url());
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = sqlx::PgPool::connect(&server).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&admin).await;
                }
            });
        })
        .join();
    }
}
