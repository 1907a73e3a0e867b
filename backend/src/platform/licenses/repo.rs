//! SQL for `licenses` and `license_users`.

use super::LicenseUser;
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};
use std::time::Duration;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LicenseRow {
    pub id: i64,
    pub license: String,
    pub license_id: String,
    pub last_check: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, license, license_id, last_check";

pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<LicenseRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM licenses ORDER BY id"
    )))
    .fetch_all(db)
    .await
}

/// Whether some license was not checked for `interval` (less a minute, so a check that
/// took a few seconds to start is not put off by a whole round).
pub async fn any_due(db: impl PgExecutor<'_>, interval: Duration) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM licenses WHERE last_attempt IS NULL \
           OR last_attempt < now() - make_interval(secs => $1) + interval '1 minute')",
    )
    .bind(interval.as_secs_f64())
    .fetch_one(db)
    .await
}

/// Claims the licenses due for a check by stamping their attempt. A row claimed by a
/// concurrent check is re-evaluated after its update and no longer matches, so each
/// license is claimed once.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    interval: Duration,
) -> sqlx::Result<Vec<LicenseRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE licenses SET last_attempt = now() WHERE last_attempt IS NULL \
           OR last_attempt < now() - make_interval(secs => $1) + interval '1 minute' \
         RETURNING {COLUMNS}"
    )))
    .bind(interval.as_secs_f64())
    .fetch_all(db)
    .await
}

pub async fn mark_attempt(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE licenses SET last_attempt = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<LicenseRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM licenses WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Locks the row so seat changes on one license take turns.
pub async fn lock(tx: &mut Transaction<'_, Postgres>, id: i64) -> sqlx::Result<Option<LicenseRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM licenses WHERE id = $1 FOR UPDATE"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn lock_by_license_id(
    tx: &mut Transaction<'_, Postgres>,
    license_id: &str,
) -> sqlx::Result<Option<LicenseRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM licenses WHERE license_id = $1 FOR UPDATE"
    )))
    .bind(license_id)
    .fetch_optional(&mut **tx)
    .await
}

/// `None` when a license with this id was registered meanwhile.
pub async fn insert(
    db: impl PgExecutor<'_>,
    token: &str,
    license_id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO licenses (license, license_id) VALUES ($1, $2) \
         ON CONFLICT (license_id) DO NOTHING RETURNING id",
    )
    .bind(token)
    .bind(license_id)
    .fetch_optional(db)
    .await
}

/// Replaces the token of a license (a newer issue of it); the last check no longer applies.
pub async fn replace(db: impl PgExecutor<'_>, id: i64, token: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE licenses SET license = $2, last_check = NULL WHERE id = $1")
        .bind(id)
        .bind(token)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM licenses WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The license server's answers apply only to the token that was sent: a license that
/// staff replaced or deleted during the call is left alone.
pub async fn mark_checked(db: impl PgExecutor<'_>, id: i64, sent: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE licenses SET last_check = now() WHERE id = $1 AND license = $2")
        .bind(id)
        .bind(sent)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn renew(
    db: impl PgExecutor<'_>,
    id: i64,
    sent: &str,
    token: &str,
    license_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE licenses SET license = $3, license_id = $4, last_check = now() \
         WHERE id = $1 AND license = $2",
    )
    .bind(id)
    .bind(sent)
    .bind(token)
    .bind(license_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke(db: impl PgExecutor<'_>, id: i64, sent: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM licenses WHERE id = $1 AND license = $2")
        .bind(id)
        .bind(sent)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn active_user_count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE is_active")
        .fetch_one(db)
        .await
}

/// Seats taken on each license, by license row id.
pub async fn seat_counts(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("SELECT license_id, count(*) FROM license_users GROUP BY license_id")
        .fetch_all(db)
        .await
}

pub async fn seat_count(db: impl PgExecutor<'_>, license: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM license_users WHERE license_id = $1")
        .bind(license)
        .fetch_one(db)
        .await
}

pub async fn seat_holders(db: impl PgExecutor<'_>, license: i64) -> sqlx::Result<Vec<LicenseUser>> {
    sqlx::query_as(
        "SELECT u.id, u.first_name, u.email FROM license_users lu \
         JOIN users u ON u.id = lu.user_id WHERE lu.license_id = $1 ORDER BY u.id",
    )
    .bind(license)
    .fetch_all(db)
    .await
}

/// The highest workspace role of every user with one, as the license server counts them.
pub async fn highest_roles(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT user_id, CASE WHEN bool_or(permissions = 'ADMIN') THEN 'ADMIN' ELSE 'MEMBER' END \
         FROM workspace_users GROUP BY user_id ORDER BY user_id",
    )
    .fetch_all(db)
    .await
}

pub async fn user(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<LicenseUser>> {
    sqlx::query_as("SELECT id, first_name, email FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// `false` when the user already holds a seat.
pub async fn add_seat(db: impl PgExecutor<'_>, license: i64, user: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO license_users (license_id, user_id) VALUES ($1, $2) \
         ON CONFLICT (license_id, user_id) DO NOTHING",
    )
    .bind(license)
    .bind(user)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove_seat(db: impl PgExecutor<'_>, license: i64, user: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM license_users WHERE license_id = $1 AND user_id = $2")
        .bind(license)
        .bind(user)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn remove_all_seats(db: impl PgExecutor<'_>, license: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM license_users WHERE license_id = $1")
        .bind(license)
        .execute(db)
        .await
        .map(|_| ())
}

/// Frees the seats beyond `seats`, newest assignments first (a renewal with fewer seats).
pub async fn trim_seats(db: impl PgExecutor<'_>, license: i64, seats: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM license_users WHERE id IN ( \
           SELECT id FROM license_users WHERE license_id = $1 \
           ORDER BY created_on, id OFFSET $2)",
    )
    .bind(license)
    .bind(seats.max(0))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Gives up to `limit` seats to active users without one, oldest accounts first.
pub async fn fill_seats(
    db: impl PgExecutor<'_>,
    license: i64,
    limit: i64,
) -> sqlx::Result<Vec<LicenseUser>> {
    sqlx::query_as(
        "WITH picked AS ( \
           SELECT u.id FROM users u WHERE u.is_active AND NOT EXISTS ( \
             SELECT 1 FROM license_users lu WHERE lu.license_id = $1 AND lu.user_id = u.id) \
           ORDER BY u.id LIMIT $2), \
         added AS ( \
           INSERT INTO license_users (license_id, user_id) SELECT $1, id FROM picked \
           ON CONFLICT (license_id, user_id) DO NOTHING RETURNING user_id) \
         SELECT u.id, u.first_name, u.email FROM added JOIN users u ON u.id = added.user_id \
         ORDER BY u.id",
    )
    .bind(license)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Users without a seat on the license whose name or email contains `search`, a page of
/// them and how many match in all.
pub async fn lookup_users(
    db: &sqlx::PgPool,
    license: i64,
    search: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(i64, Vec<LicenseUser>)> {
    const MATCH: &str = "FROM users u WHERE NOT EXISTS ( \
           SELECT 1 FROM license_users lu WHERE lu.license_id = $1 AND lu.user_id = u.id) \
         AND (u.first_name ILIKE $2 OR u.email ILIKE $2)";
    let pattern = format!("%{}%", escape_like(search));
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) {MATCH}")))
        .bind(license)
        .bind(&pattern)
        .fetch_one(db)
        .await?;
    let users = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT u.id, u.first_name, u.email {MATCH} ORDER BY u.id LIMIT $3 OFFSET $4"
    )))
    .bind(license)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    Ok((count, users))
}

/// `%` and `_` in a search are literal characters, not wildcards.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
