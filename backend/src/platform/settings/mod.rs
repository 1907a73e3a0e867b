//! Instance-wide settings (one row), readable by anyone, changeable by staff.

pub mod repo;

use crate::{
    context::AppContext,
    error::{Code, Detail, HasCode},
    platform::{
        auth::{Actor, AuthError},
        validation::{self, ValidationError},
    },
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstanceSettings {
    pub instance_id: String,
    pub allow_new_signups: bool,
    pub allow_signups_via_workspace_invitations: bool,
    pub allow_reset_password: bool,
    pub allow_global_workspace_creation: bool,
    pub account_deletion_grace_delay: i32,
    pub show_admin_signup_page: bool,
    pub track_workspace_usage: bool,
    pub show_baserow_help_request: bool,
    pub email_verification: String,
    pub verify_import_signature: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for SettingsError {
    fn code(&self) -> Code {
        match self {
            Self::Auth(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }
    fn detail(&self) -> Detail {
        match self {
            Self::Auth(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            Self::Database(_) => Detail::Message(String::new()),
        }
    }
}

/// A partial update; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct SettingsUpdate {
    pub allow_new_signups: Option<bool>,
    pub allow_signups_via_workspace_invitations: Option<bool>,
    pub allow_reset_password: Option<bool>,
    pub allow_global_workspace_creation: Option<bool>,
    pub account_deletion_grace_delay: Option<i32>,
    pub track_workspace_usage: Option<bool>,
    pub show_baserow_help_request: Option<bool>,
    pub email_verification: Option<String>,
    pub verify_import_signature: Option<bool>,
}

pub async fn get(ctx: &AppContext) -> Result<InstanceSettings, SettingsError> {
    Ok(repo::get(&ctx.db).await?)
}

/// Staff only.
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    update: SettingsUpdate,
) -> Result<InstanceSettings, SettingsError> {
    require_staff(actor)?;
    let mut errors = ValidationError::default();
    if let Some(v) = &update.email_verification {
        validation::choice(
            &mut errors,
            "email_verification",
            v,
            &["no_verification", "recommended", "enforced"],
        );
    }
    if let Some(days) = update.account_deletion_grace_delay
        && !(1..=32000).contains(&days)
    {
        errors.add(
            "account_deletion_grace_delay",
            "invalid",
            "Ensure this value is between 1 and 32000.",
        );
    }
    errors.into_result()?;
    Ok(repo::update(&ctx.db, &update).await?)
}

/// The instance id, which license checks send. Staff only.
pub async fn instance_id(ctx: &AppContext, actor: &Actor) -> Result<String, SettingsError> {
    require_staff(actor)?;
    Ok(repo::get(&ctx.db).await?.instance_id)
}

fn require_staff(actor: &Actor) -> Result<(), AuthError> {
    if actor.user.is_staff {
        Ok(())
    } else {
        Err(AuthError::PermissionDenied)
    }
}
