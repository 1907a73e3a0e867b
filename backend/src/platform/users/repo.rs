//! SQL for the `users` and `blacklisted_tokens` tables.

use super::User;
use sqlx::PgExecutor;

const COLUMNS: &str = "id, email, first_name, password_hash, is_staff, is_active, language, \
    email_notification_frequency, timezone, email_verified, completed_onboarding, completed_guided_tours, \
    auth_epoch, to_be_deleted, date_joined";

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn get_by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE email = $1"
    )))
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn any_exists(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(db)
        .await
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub password_hash: &'a str,
    pub is_staff: bool,
    pub language: &'a str,
    pub email_verified: bool,
}

/// Inserts a user; `None` when the email is taken.
pub async fn insert(db: impl PgExecutor<'_>, new: &NewUser<'_>) -> sqlx::Result<Option<User>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO users (email, first_name, password_hash, is_staff, language, email_verified) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING RETURNING {COLUMNS}"
    )))
    .bind(new.email)
    .bind(new.first_name)
    .bind(new.password_hash)
    .bind(new.is_staff)
    .bind(new.language)
    .bind(new.email_verified)
    .fetch_optional(db)
    .await
}

/// Stores a new password hash and retires every token issued before.
pub async fn set_password(
    db: impl PgExecutor<'_>,
    id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2, auth_epoch = auth_epoch + 1 WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// Sets the password when the account's epoch is still `epoch` (a reset link's); false
/// when it moved on (the link was used already, or the password changed since).
pub async fn set_password_from_epoch(
    db: impl PgExecutor<'_>,
    id: i64,
    epoch: i32,
    password_hash: &str,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE users SET password_hash = $3, auth_epoch = auth_epoch + 1 \
         WHERE id = $1 AND auth_epoch = $2",
    )
    .bind(id)
    .bind(epoch)
    .bind(password_hash)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn touch_last_login(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_login = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Records a log-in, which the staff dashboard counts as activity.
pub async fn log_sign_in(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO user_sign_ins (user_id) VALUES ($1)")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub struct AccountChanges {
    pub first_name: Option<String>,
    pub language: Option<String>,
    pub email_notification_frequency: Option<String>,
    pub timezone: Option<String>,
    pub completed_onboarding: Option<bool>,
    pub completed_guided_tours: Option<Vec<String>>,
}

pub async fn update_account(
    db: impl PgExecutor<'_>,
    id: i64,
    c: &AccountChanges,
) -> sqlx::Result<User> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET first_name = COALESCE($2, first_name), language = COALESCE($3, language), \
         email_notification_frequency = COALESCE($4, email_notification_frequency), \
         completed_onboarding = COALESCE($5, completed_onboarding), \
         completed_guided_tours = COALESCE($6, completed_guided_tours), \
         timezone = COALESCE($7, timezone) \
         WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(&c.first_name)
    .bind(&c.language)
    .bind(&c.email_notification_frequency)
    .bind(c.completed_onboarding)
    .bind(c.completed_guided_tours.as_ref().map(sqlx::types::Json))
    .bind(&c.timezone)
    .fetch_one(db)
    .await
}

/// Marks the address verified; `false` when it was verified already (or the user is gone).
pub async fn verify_email(db: impl PgExecutor<'_>, id: i64, email: &str) -> sqlx::Result<bool> {
    sqlx::query("UPDATE users SET email_verified = TRUE WHERE id = $1 AND email = $2 AND NOT email_verified")
        .bind(id)
        .bind(email)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Flags (or unflags) the account for deletion; scheduling also stamps `last_login`, from
/// which the grace delay counts.
pub async fn set_to_be_deleted(db: impl PgExecutor<'_>, id: i64, on: bool) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET to_be_deleted = $2, \
         last_login = CASE WHEN $2 THEN now() ELSE last_login END WHERE id = $1",
    )
    .bind(id)
    .bind(on)
    .execute(db)
    .await
    .map(|_| ())
}

/// Whether another active staff account exists.
pub async fn other_staff_exists(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE is_staff AND id <> $1 AND NOT to_be_deleted)",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

pub async fn mark_email_verified(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET email_verified = TRUE WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn blacklist(db: impl PgExecutor<'_>, jti: &str, expires_at: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO blacklisted_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING",
    )
    .bind(jti)
    .bind(expires_at as f64)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn is_blacklisted(db: impl PgExecutor<'_>, jti: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM blacklisted_tokens WHERE jti = $1)")
        .bind(jti)
        .fetch_one(db)
        .await
}

/// Forgets blacklist entries whose tokens have expired anyway; returns how many.
pub async fn flush_expired_blacklist(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM blacklisted_tokens WHERE expires_at < now()")
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
