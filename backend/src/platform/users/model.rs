//! The user record and a freshly issued session.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub password_hash: String,
    pub is_staff: bool,
    pub is_active: bool,
    pub language: String,
    pub email_notification_frequency: String,
    /// An IANA time zone name; `None` is UTC.
    pub timezone: Option<String>,
    pub email_verified: bool,
    pub completed_onboarding: bool,
    pub completed_guided_tours: Json<Vec<String>>,
    pub auth_epoch: i32,
    /// Asked for deletion; logging in again cancels it.
    pub to_be_deleted: bool,
    pub date_joined: DateTime<Utc>,
}

/// A user with a new access/refresh token pair.
#[derive(Debug, Clone)]
pub struct UserSession {
    pub user: User,
    pub access_token: String,
    pub refresh_token: String,
}
