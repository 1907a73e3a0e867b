//! `/api/user/…`: sign-up, log-in, tokens, passwords and the account.

use crate::dto::{InvitationBody, UserBody};
use crate::web::extract::{ClientIp, MaybeAuth};
use crate::{
    error::ApiError,
    platform::{
        users::{self, AccountUpdate, SignUp, User, UserSession},
        workspaces,
    },
    web::{
        extract::{ApiJson, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    name: String,
    email: String,
    password: String,
    language: Option<String>,
    #[serde(default)]
    authenticate: bool,
    workspace_invitation_token: Option<String>,
}

/// The log-in payload: tokens, the user, and what the UI needs at start.
#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    /// Deprecated alias of `access_token`, kept for older clients.
    token: String,
    access_token: String,
    refresh_token: String,
    user: UserBody,
    #[schema(value_type = Object)]
    permissions: Value,
    #[schema(value_type = Object)]
    user_notifications: Value,
}

/// `unread` is the user's unread notifications of no workspace (Baserow's
/// `user_notifications.unread_count`).
pub(crate) fn session_body(s: &UserSession, unread: i64) -> SessionBody {
    SessionBody {
        token: s.access_token.clone(),
        access_token: s.access_token.clone(),
        refresh_token: s.refresh_token.clone(),
        user: UserBody::from(&s.user),
        permissions: permissions(&s.user),
        user_notifications: json!({ "unread_count": unread }),
    }
}

/// Instance-level permissions the UI checks (core has one: staff).
fn permissions(user: &User) -> Value {
    json!([{ "name": "staff", "permissions": { "is_staff": user.is_staff } }])
}

/// Creates an account; with `authenticate` the response also carries tokens, unless email
/// verification is enforced (the new user logs in once the address is confirmed).
#[utoipa::path(post, path = "/api/user/", tag = "User", request_body = RegisterBody,
    responses((status = 200, description = "`{user}`, plus the log-in payload when `authenticate` is true")))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<Json<Value>, ApiError> {
    let input = SignUp {
        name: body.name,
        email: body.email,
        password: body.password,
        language: body.language,
        workspace_invitation_token: body.workspace_invitation_token,
        client: Some(client),
    };
    let user = users::sign_up(&state.ctx, input).await?;
    if body.authenticate && users::may_log_in_at_sign_up(&state.ctx).await? {
        let session = users::issue_session(&state.ctx, user);
        return Ok(Json(
            // A new account has no notifications yet.
            serde_json::to_value(session_body(&session, 0)).unwrap_or_default(),
        ));
    }
    Ok(Json(json!({ "user": UserBody::from(&user) })))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: Option<String>,
    /// Deprecated alias of `email`.
    username: Option<String>,
    password: String,
}

#[utoipa::path(post, path = "/api/user/token-auth/", tag = "User", request_body = LoginBody,
    responses((status = 200, body = SessionBody), (status = 401, description = "ERROR_INVALID_CREDENTIALS")))]
pub async fn token_auth(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<SessionBody>, ApiError> {
    let Some(email) = body.email.or(body.username) else {
        return Err(ApiError::validation(crate::error::Detail::field(
            "email",
            "required",
            "This field is required.",
        )));
    };
    let session = users::log_in(&state.ctx, &email, &body.password, Some(client)).await?;
    let unread =
        crate::platform::notifications::unread_outside_workspaces(&state.ctx, session.user.id)
            .await?;
    Ok(Json(session_body(&session, unread)))
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    refresh_token: Option<String>,
    /// Deprecated alias of `refresh_token`.
    token: Option<String>,
}

impl RefreshBody {
    fn token(self) -> Result<String, ApiError> {
        self.refresh_token.or(self.token).ok_or_else(|| {
            ApiError::validation(crate::error::Detail::field(
                "refresh_token",
                "required",
                "This field is required.",
            ))
        })
    }
}

#[utoipa::path(post, path = "/api/user/token-refresh/", tag = "User", request_body = RefreshBody,
    responses((status = 200, description = "`{token, access_token, user}`"), (status = 401, description = "ERROR_INVALID_REFRESH_TOKEN, ERROR_EMAIL_VERIFICATION_REQUIRED (verification enforced, address not verified)")))]
pub async fn token_refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<Json<Value>, ApiError> {
    let (user, access) = users::refresh(&state.ctx, &body.token()?).await?;
    let unread =
        crate::platform::notifications::unread_outside_workspaces(&state.ctx, user.id).await?;
    Ok(Json(json!({
        "token": access,
        "access_token": access,
        "user": UserBody::from(&user),
        "permissions": permissions(&user),
        "user_notifications": { "unread_count": unread },
    })))
}

#[utoipa::path(post, path = "/api/user/token-verify/", tag = "User", request_body = RefreshBody,
    responses((status = 200, description = "`{user}`"), (status = 401, description = "ERROR_INVALID_REFRESH_TOKEN, ERROR_EMAIL_VERIFICATION_REQUIRED (verification enforced, address not verified)")))]
pub async fn token_verify(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<Json<Value>, ApiError> {
    let user = users::verify_refresh(&state.ctx, &body.token()?).await?;
    Ok(Json(json!({ "user": UserBody::from(&user) })))
}

#[utoipa::path(post, path = "/api/user/token-blacklist/", tag = "User", request_body = RefreshBody,
    responses((status = 204, description = "Logged out")))]
pub async fn token_blacklist(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<StatusCode, ApiError> {
    users::blacklist(&state.ctx, &body.token()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SendResetBody {
    email: String,
    /// Where the emailed link points: `base_url/<token>`; must be on the public host.
    base_url: String,
}

#[utoipa::path(post, path = "/api/user/send-reset-password-email/", tag = "User", request_body = SendResetBody,
    responses((status = 204, description = "Sent when the account exists; the same answer when it does not")))]
pub async fn send_reset_password_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SendResetBody>,
) -> Result<StatusCode, ApiError> {
    users::send_reset_password_email(&state.ctx, &body.email, &body.base_url).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    token: String,
    password: String,
}

#[utoipa::path(post, path = "/api/user/reset-password/", tag = "User", request_body = ResetBody,
    responses((status = 204, description = "Password changed"), (status = 400, description = "BAD_TOKEN_SIGNATURE, EXPIRED_TOKEN_SIGNATURE")))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<StatusCode, ApiError> {
    users::reset_password(&state.ctx, &body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordBody {
    old_password: String,
    new_password: String,
}

/// Changes the password; every token issued before (this session's included) stops working.
#[utoipa::path(post, path = "/api/user/change-password/", tag = "User", request_body = ChangePasswordBody,
    responses((status = 204, description = "Changed; log in again")), security(("jwt" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<ChangePasswordBody>,
) -> Result<StatusCode, ApiError> {
    users::change_password(&state.ctx, &actor, &body.old_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AccountBody {
    first_name: Option<String>,
    language: Option<String>,
    email_notification_frequency: Option<String>,
    timezone: Option<String>,
    completed_onboarding: Option<bool>,
    completed_guided_tours: Option<Vec<String>>,
}

#[utoipa::path(patch, path = "/api/user/account/", tag = "User", request_body = AccountBody,
    responses((status = 200, body = UserBody)), security(("jwt" = [])))]
pub async fn update_account(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<AccountBody>,
) -> Result<Json<UserBody>, ApiError> {
    let update = AccountUpdate {
        first_name: body.first_name,
        language: body.language,
        email_notification_frequency: body.email_notification_frequency,
        timezone: body.timezone,
        completed_onboarding: body.completed_onboarding,
        completed_guided_tours: body.completed_guided_tours,
    };
    let user = users::update_account(&state.ctx, &actor, update).await?;
    Ok(Json(UserBody::from(&user)))
}

/// Pending invitations addressed to the caller.
#[utoipa::path(get, path = "/api/user/dashboard/", tag = "User",
    responses((status = 200, description = "`{workspace_invitations}`")), security(("jwt" = [])))]
pub async fn dashboard(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Value>, ApiError> {
    let invitations = workspaces::invitations::addressed_to_user(&state.ctx, &actor).await?;
    let list: Vec<InvitationBody> = invitations.iter().map(InvitationBody::from).collect();
    Ok(Json(json!({ "workspace_invitations": list })))
}

#[derive(Deserialize, ToSchema)]
pub struct SendVerifyBody {
    email: String,
}

/// Emails a verification link when the address belongs to an active, unverified account.
#[utoipa::path(post, path = "/api/user/send-verify-email/", tag = "User", request_body = SendVerifyBody,
    responses((status = 204, description = "The same answer whether or not a link was sent")))]
pub async fn send_verify_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SendVerifyBody>,
) -> Result<StatusCode, ApiError> {
    users::verification::send(&state.ctx, &body.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct VerifyEmailBody {
    token: String,
}

/// Confirms the address of the token's account. An anonymous caller is logged in (the log-in
/// payload); a signed-in one gets `{email}`.
#[utoipa::path(post, path = "/api/user/verify-email/", tag = "User", request_body = VerifyEmailBody,
    responses((status = 200, description = "The log-in payload, or `{email}` when signed in"),
        (status = 400, description = "ERROR_INVALID_VERIFICATION_TOKEN, ERROR_EMAIL_ALREADY_VERIFIED")))]
pub async fn verify_email(
    State(state): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ApiJson(body): ApiJson<VerifyEmailBody>,
) -> Result<Json<Value>, ApiError> {
    let user = users::verification::verify(&state.ctx, &body.token).await?;
    if actor.is_some() {
        return Ok(Json(json!({ "email": user.email })));
    }
    let session = users::issue_session(&state.ctx, user);
    let unread =
        crate::platform::notifications::unread_outside_workspaces(&state.ctx, session.user.id)
            .await?;
    Ok(Json(
        serde_json::to_value(session_body(&session, unread)).unwrap_or_default(),
    ))
}

/// Flags the caller's account for deletion after the instance's grace delay; logging in
/// again cancels it.
#[utoipa::path(post, path = "/api/user/schedule-account-deletion/", tag = "User",
    responses((status = 204, description = "Scheduled"), (status = 400, description = "ERROR_USER_IS_LAST_ADMIN")),
    security(("jwt" = [])))]
pub async fn schedule_account_deletion(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<StatusCode, ApiError> {
    users::deletion::schedule(&state.ctx, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
