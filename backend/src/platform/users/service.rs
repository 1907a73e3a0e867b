//! User use cases. Each opens its own transaction where it writes.

use super::{
    User, UserError, UserSession, deletion,
    repo::{self, AccountChanges, NewUser},
    verification,
};
use crate::{
    context::AppContext,
    platform::{
        auth::{
            Actor, AuthError,
            jwt::{self, TokenType},
            password,
        },
        jobs::{self, HighJob},
        links, mail, settings, signing, throttle,
        validation::{self, ValidationError},
        workspaces::invitations,
    },
};

const RESET_PURPOSE: &str = "user-reset-password";
const RESET_MAX_AGE_SECS: i64 = 48 * 3600;
pub const LANGUAGES: &[&str] = &["en", "fr", "nl", "de", "es", "it", "pl", "ko"];
const NOTIFICATION_FREQUENCIES: &[&str] = &["instant", "daily", "weekly", "never"];

/// What a sign-up form sends.
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub language: Option<String>,
    pub workspace_invitation_token: Option<String>,
    /// The address the request came from, for the sign-up throttle.
    pub client: Option<std::net::IpAddr>,
}

/// Creates an account. The first account of the instance becomes staff.
#[tracing::instrument(skip_all)]
pub async fn sign_up(ctx: &AppContext, input: SignUp) -> Result<User, UserError> {
    let per_hour = ctx.settings.signups_per_ip_per_hour;
    if let (Some(client), true) = (input.client, per_hour > 0) {
        let limit = throttle::Limit::per(per_hour, std::time::Duration::from_secs(3600));
        throttle::hit(ctx, "signup", &client.to_string(), limit).await?;
    }
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", &input.name, 2, 150);
    let email = validation::email(&mut errors, "email", &input.email);
    validation::password(&mut errors, "password", &input.password);
    let language = input.language.unwrap_or_else(|| "en".into());
    validation::choice(&mut errors, "language", &language, LANGUAGES);
    if let Some(token) = &input.workspace_invitation_token {
        validation::free_text(&mut errors, "workspace_invitation_token", token, 1000);
    }
    errors.into_result()?;

    let password_hash = password::hash(&input.password).await?;
    let mut tx = ctx.db.begin().await?;
    // Serialise sign-ups so exactly one can be the first (staff) user.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('tessera.sign_up'))")
        .execute(&mut *tx)
        .await?;
    let instance = settings::repo::get(&mut *tx).await?;
    let invitation = match &input.workspace_invitation_token {
        Some(token) => Some(invitations::find_by_token(ctx, &mut tx, token).await?),
        None => None,
    };
    let allowed = instance.allow_new_signups
        || (invitation.is_some() && instance.allow_signups_via_workspace_invitations);
    if !allowed {
        return Err(UserError::SignupDisabled);
    }
    if let Some(inv) = &invitation
        && inv.email != email
    {
        return Err(crate::platform::workspaces::WorkspaceError::InvitationEmailMismatch.into());
    }
    let is_staff = !repo::any_exists(&mut *tx).await?;
    let new = NewUser {
        email: &email,
        first_name: &name,
        password_hash: &password_hash,
        is_staff,
        language: &language,
        email_verified: invitation.is_some(),
    };
    let user = repo::insert(&mut *tx, &new)
        .await?
        .ok_or(UserError::EmailAlreadyExists)?;
    if is_staff {
        settings::repo::mark_first_user_created(&mut *tx).await?;
    }
    if let Some(inv) = invitation {
        invitations::accept_in_tx(&mut tx, &inv, &user).await?;
    }
    if verification::Policy::of(&instance.email_verification) != verification::Policy::Off {
        verification::send_in_tx(ctx, &mut tx, &user).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// Whether a sign-up may log the new user in at once: not while verification is enforced,
/// as Baserow (the emailed link logs them in).
pub async fn may_log_in_at_sign_up(ctx: &AppContext) -> Result<bool, UserError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(verification::policy(&mut conn).await? != verification::Policy::Enforced)
}

/// Issues an access and refresh token pair for a user.
pub fn issue_session(ctx: &AppContext, user: User) -> UserSession {
    let access_token = jwt::issue(&ctx.settings, TokenType::Access, user.id, user.auth_epoch);
    let refresh_token = jwt::issue(&ctx.settings, TokenType::Refresh, user.id, user.auth_epoch);
    UserSession {
        user,
        access_token,
        refresh_token,
    }
}

/// Checks email and password; a wrong pair and an unknown email look the same.
#[tracing::instrument(skip_all)]
pub async fn log_in(
    ctx: &AppContext,
    email: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
) -> Result<UserSession, UserError> {
    let email = email.trim().to_lowercase();
    if email.contains('\0') || password.contains('\0') {
        return Err(AuthError::InvalidCredentials.into());
    }
    // Guessing is throttled per account, known or not (so the answer reveals nothing),
    // and per client address (so one client cannot try a few passwords on many accounts):
    // past either limit of failures, log-ins are refused before any password is checked.
    let failures = login_failures(ctx);
    let client = client.map(|ip| ip.to_string());
    let ip_failures = login_failures_per_ip(ctx).zip(client.as_deref());
    if let Some(limit) = failures {
        throttle::check(ctx, LOGIN_FAILURES, &email, limit).await?;
    }
    if let Some((limit, ip)) = ip_failures {
        throttle::check(ctx, LOGIN_FAILURES_PER_IP, ip, limit).await?;
    }
    let failed = || async {
        if let Some(limit) = failures {
            throttle::hit(ctx, LOGIN_FAILURES, &email, limit).await?;
        }
        if let Some((limit, ip)) = ip_failures {
            throttle::hit(ctx, LOGIN_FAILURES_PER_IP, ip, limit).await?;
        }
        Err::<UserSession, UserError>(AuthError::InvalidCredentials.into())
    };
    let user = repo::get_by_email(&ctx.db, &email).await?;
    let Some(user) = user else {
        // Spend the same time as a real check so response times do not reveal accounts.
        let _ = password::verify(password, DUMMY_HASH).await;
        return failed().await;
    };
    if !password::verify(password, &user.password_hash).await {
        return failed().await;
    }
    if !user.is_active {
        return Err(AuthError::Deactivated.into());
    }
    let mut tx = ctx.db.begin().await?;
    if !user.email_verified
        && verification::policy(&mut tx).await? == verification::Policy::Enforced
    {
        // As Baserow: a new link is on its way; staff may still log in so the instance
        // cannot lock out its administrators.
        verification::send_in_tx(ctx, &mut tx, &user).await?;
        if !user.is_staff {
            tx.commit().await?;
            return Err(UserError::EmailVerificationRequired);
        }
    }
    if user.to_be_deleted {
        deletion::cancel_in_tx(ctx, &mut tx, &user).await?;
    }
    repo::touch_last_login(&mut *tx, user.id).await?;
    repo::log_sign_in(&mut *tx, user.id).await?;
    tx.commit().await?;
    let user = User {
        to_be_deleted: false,
        ..user
    };
    Ok(issue_session(ctx, user))
}

const LOGIN_FAILURES: &str = "login-failures";
const LOGIN_FAILURES_PER_IP: &str = "login-failures-ip";
const LOGIN_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The failed log-ins an account may have per 15 minutes, unless unlimited.
fn login_failures(ctx: &AppContext) -> Option<throttle::Limit> {
    let max = ctx.settings.login_failures_per_account;
    (max > 0).then(|| throttle::Limit::per(max, LOGIN_FAILURE_WINDOW))
}

/// The failed log-ins one client address may have per 15 minutes, unless unlimited.
fn login_failures_per_ip(ctx: &AppContext) -> Option<throttle::Limit> {
    let max = ctx.settings.login_failures_per_ip;
    (max > 0).then(|| throttle::Limit::per(max, LOGIN_FAILURE_WINDOW))
}

/// One reset email per address per minute: the form cannot be used to flood a mailbox.
const RESET_EMAIL_COOLDOWN: throttle::Limit =
    throttle::Limit::per(1, std::time::Duration::from_secs(60));

const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4fL5qMd0fR3vJm9dAFc8Eq2S2CGvmHmvrI3zw5n7x6A";

/// Resolves the user of an access token, refusing retired (pre-password-change) tokens.
pub async fn authenticate_access(ctx: &AppContext, token: &str) -> Result<User, AuthError> {
    let claims = jwt::verify(&ctx.settings, TokenType::Access, token)
        .ok_or(AuthError::InvalidAccessToken)?;
    let user = repo::get(&ctx.db, claims.user_id)
        .await?
        .ok_or(AuthError::InvalidAccessToken)?;
    if !user.is_active || user.auth_epoch != claims.epoch {
        return Err(AuthError::InvalidAccessToken);
    }
    Ok(user)
}

/// The user of a valid, not logged-out refresh token.
pub async fn verify_refresh(ctx: &AppContext, token: &str) -> Result<User, UserError> {
    let claims = jwt::verify(&ctx.settings, TokenType::Refresh, token)
        .ok_or(AuthError::InvalidRefreshToken)?;
    if repo::is_blacklisted(&ctx.db, &claims.jti).await? {
        return Err(AuthError::InvalidRefreshToken.into());
    }
    let user = repo::get(&ctx.db, claims.user_id)
        .await?
        .ok_or(AuthError::InvalidRefreshToken)?;
    if !user.is_active || user.auth_epoch != claims.epoch {
        return Err(AuthError::InvalidRefreshToken.into());
    }
    // As Baserow: once verification is enforced, a refresh token issued before stops
    // working until the address is verified (log-ins are refused the same way); staff
    // keep access so the instance cannot lock out its administrators.
    if !user.email_verified && !user.is_staff {
        let mut conn = ctx.db.acquire().await?;
        if verification::policy(&mut conn).await? == verification::Policy::Enforced {
            return Err(UserError::EmailVerificationRequired);
        }
    }
    Ok(user)
}

/// A new access token for a valid refresh token.
pub async fn refresh(ctx: &AppContext, token: &str) -> Result<(User, String), UserError> {
    let user = verify_refresh(ctx, token).await?;
    let access = jwt::issue(&ctx.settings, TokenType::Access, user.id, user.auth_epoch);
    Ok((user, access))
}

/// Logs a refresh token out. A malformed or expired token is an error; logging out twice is not.
pub async fn blacklist(ctx: &AppContext, token: &str) -> Result<(), UserError> {
    let claims = jwt::verify(&ctx.settings, TokenType::Refresh, token)
        .ok_or(AuthError::InvalidRefreshToken)?;
    repo::blacklist(&ctx.db, &claims.jti, claims.exp).await?;
    Ok(())
}

/// Changes the password; every token issued before stops working.
#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn change_password(
    ctx: &AppContext,
    actor: &Actor,
    old: &str,
    new: &str,
) -> Result<(), UserError> {
    let mut errors = ValidationError::default();
    validation::password(&mut errors, "new_password", new);
    errors.into_result()?;
    if !password::verify(old, &actor.user.password_hash).await {
        return Err(UserError::InvalidOldPassword);
    }
    let hash = password::hash(new).await?;
    let mut tx = ctx.db.begin().await?;
    repo::set_password(&mut *tx, actor.id(), &hash).await?;
    let job = HighJob::ForceDisconnect {
        user_id: actor.id(),
        except_websocket_id: actor.websocket_id.clone(),
    };
    jobs::enqueue(&mut tx, &job).await?;
    tx.commit().await?;
    Ok(())
}

/// Emails a reset link when the address belongs to an account; says nothing either way.
#[tracing::instrument(skip_all)]
pub async fn send_reset_password_email(
    ctx: &AppContext,
    email: &str,
    base_url: &str,
) -> Result<(), UserError> {
    let mut errors = ValidationError::default();
    let email = validation::email(&mut errors, "email", email);
    validation::free_text(&mut errors, "base_url", base_url, 2000);
    errors.into_result()?;
    let base_url =
        links::checked_base_url(&ctx.settings, base_url).ok_or(UserError::HostnameNotAllowed)?;
    throttle::hit(ctx, "reset-email", &email, RESET_EMAIL_COOLDOWN).await?;
    let mut tx = ctx.db.begin().await?;
    if !settings::repo::get(&mut *tx).await?.allow_reset_password {
        return Err(UserError::ResetPasswordDisabled);
    }
    let Some(user) = repo::get_by_email(&mut *tx, &email).await? else {
        return Ok(());
    };
    if !user.is_active {
        return Ok(());
    }
    let now = chrono::Utc::now().timestamp();
    // The epoch in the payload makes the link single-use: resetting bumps it.
    let token = signing::sign(
        &ctx.settings.secret_key,
        RESET_PURPOSE,
        &format!("{}:{}", user.id, user.auth_epoch),
        now,
    );
    let message = mail::templates::reset_password(
        &user,
        &format!("{base_url}/{token}"),
        &ctx.settings.public_url,
    )?;
    jobs::enqueue(&mut tx, &HighJob::SendEmail(message)).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from an emailed reset token.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    ctx: &AppContext,
    token: &str,
    new_password: &str,
) -> Result<(), UserError> {
    let mut errors = ValidationError::default();
    validation::password(&mut errors, "password", new_password);
    validation::free_text(&mut errors, "token", token, 1000);
    errors.into_result()?;
    if !settings::repo::get(&ctx.db).await?.allow_reset_password {
        return Err(UserError::ResetPasswordDisabled);
    }
    let now = chrono::Utc::now().timestamp();
    let payload = signing::unsign(
        &ctx.settings.secret_key,
        RESET_PURPOSE,
        token,
        RESET_MAX_AGE_SECS,
        now,
    )
    .map_err(|e| match e {
        signing::SignError::Bad => UserError::BadToken,
        signing::SignError::Expired => UserError::ExpiredToken,
    })?;
    let (id, epoch) = payload.split_once(':').ok_or(UserError::BadToken)?;
    let id: i64 = id.parse().map_err(|_| UserError::BadToken)?;
    let epoch: i32 = epoch.parse().map_err(|_| UserError::BadToken)?;
    let user = repo::get(&ctx.db, id).await?.ok_or(UserError::NotFound)?;
    if user.auth_epoch != epoch {
        // Already used, or the password changed since the link was sent.
        return Err(UserError::BadToken);
    }
    let hash = password::hash(new_password).await?;
    let mut tx = ctx.db.begin().await?;
    // Only one use of the link wins: the epoch it carries must still be current.
    if !repo::set_password_from_epoch(&mut *tx, user.id, epoch, &hash).await? {
        return Err(UserError::BadToken);
    }
    // As after a password change, every open socket of the account is closed: whoever
    // held the old password loses the live session too.
    let job = HighJob::ForceDisconnect {
        user_id: user.id,
        except_websocket_id: None,
    };
    jobs::enqueue(&mut tx, &job).await?;
    tx.commit().await?;
    Ok(())
}

/// Editable account fields; `None` leaves a field unchanged.
#[derive(Default)]
pub struct AccountUpdate {
    pub first_name: Option<String>,
    pub language: Option<String>,
    pub email_notification_frequency: Option<String>,
    /// An IANA time zone name, for when daily and weekly summaries go out.
    pub timezone: Option<String>,
    pub completed_onboarding: Option<bool>,
    pub completed_guided_tours: Option<Vec<String>>,
}

/// Whether PostgreSQL knows the time zone (the names `AT TIME ZONE` takes).
async fn known_timezone(db: &sqlx::PgPool, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)")
        .bind(name)
        .fetch_one(db)
        .await
}

pub async fn update_account(
    ctx: &AppContext,
    actor: &Actor,
    update: AccountUpdate,
) -> Result<User, UserError> {
    let mut errors = ValidationError::default();
    let first_name = update
        .first_name
        .map(|n| validation::text(&mut errors, "first_name", &n, 1, 150));
    if let Some(language) = &update.language {
        validation::choice(&mut errors, "language", language, LANGUAGES);
    }
    if let Some(freq) = &update.email_notification_frequency {
        validation::choice(
            &mut errors,
            "email_notification_frequency",
            freq,
            NOTIFICATION_FREQUENCIES,
        );
    }
    for tour in update.completed_guided_tours.iter().flatten() {
        validation::text(&mut errors, "completed_guided_tours", tour, 1, 255);
    }
    if let Some(tz) = &update.timezone {
        let name = validation::text(&mut errors, "timezone", tz, 1, 255);
        if !name.is_empty() && !known_timezone(&ctx.db, &name).await? {
            errors.add(
                "timezone",
                "invalid_choice",
                format!("{name} is not a known time zone."),
            );
        }
    }
    errors.into_result()?;
    let changes = AccountChanges {
        first_name,
        language: update.language,
        email_notification_frequency: update.email_notification_frequency,
        timezone: update.timezone.map(|tz| tz.trim().to_owned()),
        completed_onboarding: update.completed_onboarding,
        completed_guided_tours: update.completed_guided_tours,
    };
    if changes.first_name.is_none()
        && changes.language.is_none()
        && changes.email_notification_frequency.is_none()
        && changes.timezone.is_none()
        && changes.completed_onboarding.is_none()
        && changes.completed_guided_tours.is_none()
    {
        return Err(UserError::NothingToUpdate);
    }
    Ok(repo::update_account(&ctx.db, actor.id(), &changes).await?)
}
