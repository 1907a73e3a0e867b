//! The PostgreSQL pool, migrations (ours and the job queue's) and database creation.

pub mod tx;

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
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query(PLANNER_CACHE_SQL).execute(conn).await?;
                Ok(())
            })
        })
        .connect(url)
        .await
}

/// Caps the cache the planner assumes at twice `shared_buffers`, never raising an
/// operator's own `effective_cache_size`. A page outside PostgreSQL's buffers costs a
/// system call and a copy even when the OS has it cached, but the stock 4 GB make such
/// reads look almost free: with it, a filtered and sorted page walks a sort index through
/// tens of thousands of random rows (100–180 ms on a 1M-row table) where reading the few
/// thousand matches and sorting them takes 30–60 ms. See docs/benchmarks.md.
pub const PLANNER_CACHE_SQL: &str = "SELECT set_config('effective_cache_size', \
     (LEAST(pg_size_bytes(current_setting('effective_cache_size')), \
            2 * pg_size_bytes(current_setting('shared_buffers'))) / 1024)::bigint || 'kB', false)";

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
