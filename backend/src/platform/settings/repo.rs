//! SQL for the single `instance_settings` row.

use super::{InstanceSettings, SettingsUpdate};
use sqlx::PgExecutor;

const COLUMNS: &str = "instance_id, allow_new_signups, allow_signups_via_workspace_invitations, \
    allow_reset_password, allow_global_workspace_creation, account_deletion_grace_delay, \
    show_admin_signup_page, track_workspace_usage, show_baserow_help_request, email_verification, \
    verify_import_signature";

pub async fn get(db: impl PgExecutor<'_>) -> sqlx::Result<InstanceSettings> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM instance_settings WHERE id = 1"
    )))
    .fetch_one(db)
    .await
}

pub async fn mark_first_user_created(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query("UPDATE instance_settings SET show_admin_signup_page = FALSE WHERE id = 1")
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn update(db: impl PgExecutor<'_>, u: &SettingsUpdate) -> sqlx::Result<InstanceSettings> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE instance_settings SET \
           allow_new_signups = COALESCE($1, allow_new_signups), \
           allow_signups_via_workspace_invitations = COALESCE($2, allow_signups_via_workspace_invitations), \
           allow_reset_password = COALESCE($3, allow_reset_password), \
           allow_global_workspace_creation = COALESCE($4, allow_global_workspace_creation), \
           account_deletion_grace_delay = COALESCE($5, account_deletion_grace_delay), \
           track_workspace_usage = COALESCE($6, track_workspace_usage), \
           show_baserow_help_request = COALESCE($7, show_baserow_help_request), \
           email_verification = COALESCE($8, email_verification), \
           verify_import_signature = COALESCE($9, verify_import_signature) \
         WHERE id = 1 RETURNING {COLUMNS}"
    )))
    .bind(u.allow_new_signups)
    .bind(u.allow_signups_via_workspace_invitations)
    .bind(u.allow_reset_password)
    .bind(u.allow_global_workspace_creation)
    .bind(u.account_deletion_grace_delay)
    .bind(u.track_workspace_usage)
    .bind(u.show_baserow_help_request)
    .bind(&u.email_verification)
    .bind(u.verify_import_signature)
    .fetch_one(db)
    .await
}
