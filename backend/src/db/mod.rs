//! The PostgreSQL pool, migrations (ours and the job queue's) and database creation.

use sqlx::{
    PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::{str::FromStr, time::Duration};

/// The product's own migrations in `migrations/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens a pool on an existing, migrated database.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
}

/// Creates the database named in `url` when it does not exist yet, by connecting to the
/// server's `postgres` maintenance database. Used by `migrate` and by test set-up.
pub async fn ensure_database(url: &str) -> Result<(), sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    // Most starts find the database in place; only a missing one ("3D000") needs the
    // maintenance database, which a production role may not be allowed to reach.
    match PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
    {
        Ok(pool) => {
            pool.close().await;
            return Ok(());
        }
        Err(e) if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("3D000") => {}
        Err(e) => return Err(e),
    }
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.database("postgres"))
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&admin)
            .await?;
    if !exists {
        // A database name is an identifier and cannot be bound; quote it and double inner quotes.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let created = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {quoted}")))
            .execute(&admin)
            .await;
        // Two processes may race to create it; losing that race is fine.
        if let Err(e) = created {
            let duplicate =
                e.as_database_error().and_then(|d| d.code()).as_deref() == Some("42P04");
            if !duplicate {
                return Err(e);
            }
        }
    }
    admin.close().await;
    Ok(())
}

/// Applies the job queue's schema, then the product's migrations.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    apalis_postgres::PostgresStorage::<()>::migrations()
        .run(pool)
        .await?;
    MIGRATOR.run(pool).await
}
