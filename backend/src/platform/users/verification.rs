//! Email verification: signed links that confirm an address, and the instance setting
//! (`email_verification`) that recommends or enforces them.

use super::{User, UserError, repo};
use crate::{
    context::AppContext,
    platform::{
        jobs::{self, HighJob},
        mail, settings, signing, throttle,
        validation::{self, ValidationError},
    },
};
use sqlx::PgConnection;

const PURPOSE: &str = "verify-email";
/// A link works for a day, as Baserow's.
const MAX_AGE_SECS: i64 = 24 * 3600;
/// Five emails per account per hour; past that, requests are ignored without an error so
/// the answer reveals nothing about the account.
const PER_HOUR: throttle::Limit = throttle::Limit::per(5, std::time::Duration::from_secs(3600));

/// The instance's `email_verification` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Off,
    Recommended,
    Enforced,
}

impl Policy {
    pub fn of(setting: &str) -> Self {
        match setting {
            "enforced" => Self::Enforced,
            "recommended" => Self::Recommended,
            _ => Self::Off,
        }
    }
}

pub async fn policy(conn: &mut PgConnection) -> sqlx::Result<Policy> {
    Ok(Policy::of(
        &settings::repo::get(&mut *conn).await?.email_verification,
    ))
}

/// Queues a verification email for `user` inside the caller's transaction, unless the
/// address is verified or the account had its share of emails this hour.
pub async fn send_in_tx(
    ctx: &AppContext,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: &User,
) -> Result<(), UserError> {
    if user.email_verified {
        return Ok(());
    }
    if throttle::hit(ctx, "verify-email", &user.id.to_string(), PER_HOUR)
        .await
        .is_err()
    {
        return Ok(());
    }
    let token = signing::sign(
        &ctx.settings.secret_key,
        PURPOSE,
        &format!("{}:{}", user.id, user.email),
        chrono::Utc::now().timestamp(),
    );
    let public_url = ctx.settings.public_url.trim_end_matches('/');
    let link = format!("{public_url}/verify-email-address/{token}");
    let message = mail::templates::verify_email(user, &link, &ctx.settings.public_url)?;
    jobs::enqueue(tx, &HighJob::SendEmail(message)).await?;
    Ok(())
}

/// `send-verify-email/`: emails a link when the address belongs to an active account whose
/// address is not verified yet; answers the same either way.
#[tracing::instrument(skip_all)]
pub async fn send(ctx: &AppContext, email: &str) -> Result<(), UserError> {
    let mut errors = ValidationError::default();
    let email = validation::email(&mut errors, "email", email);
    errors.into_result()?;
    let mut tx = ctx.db.begin().await?;
    let Some(user) = repo::get_by_email(&mut *tx, &email).await? else {
        return Ok(());
    };
    if !user.is_active {
        return Ok(());
    }
    send_in_tx(ctx, &mut tx, &user).await?;
    tx.commit().await?;
    Ok(())
}

/// `verify-email/`: marks the address of the token's account verified.
#[tracing::instrument(skip_all)]
pub async fn verify(ctx: &AppContext, token: &str) -> Result<User, UserError> {
    let mut errors = ValidationError::default();
    validation::free_text(&mut errors, "token", token, 1000);
    errors.into_result()?;
    let now = chrono::Utc::now().timestamp();
    let payload = signing::unsign(&ctx.settings.secret_key, PURPOSE, token, MAX_AGE_SECS, now)
        .map_err(|_| UserError::InvalidVerificationToken)?;
    let (id, email) = payload
        .split_once(':')
        .ok_or(UserError::InvalidVerificationToken)?;
    let id: i64 = id
        .parse()
        .map_err(|_| UserError::InvalidVerificationToken)?;
    let mut tx = ctx.db.begin().await?;
    let user = repo::get(&mut *tx, id)
        .await?
        .filter(|u| u.is_active)
        .ok_or(UserError::InvalidVerificationToken)?;
    if user.email_verified {
        return Err(UserError::EmailAlreadyVerified);
    }
    // A link sent to an address the account no longer has proves nothing.
    if user.email != email {
        return Err(UserError::InvalidVerificationToken);
    }
    if !repo::verify_email(&mut *tx, user.id, email).await? {
        return Err(UserError::EmailAlreadyVerified);
    }
    let user = repo::get(&mut *tx, id)
        .await?
        .ok_or(UserError::InvalidVerificationToken)?;
    tx.commit().await?;
    Ok(user)
}
