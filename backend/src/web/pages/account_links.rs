//! Pages reached from emails: password reset (request and confirm), email verification and workspace
//! invitations (accept or decline; sign up or log in first when needed).

use super::{
    csrf::{Csrf, PageForm},
    forms::{self, EmptyForm, FormErrors},
    render::{Chrome, error_page},
    session::{self, MaybePageUser, PageUser},
};
use crate::{
    error::{ApiError, Code},
    platform::{users, workspaces::invitations},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "pages/forgot_password.html")]
pub struct ForgotPage {
    chrome: Chrome,
    email: String,
    sent: bool,
    errors: FormErrors,
}

pub async fn forgot_page(csrf: Csrf) -> Response {
    ForgotPage {
        chrome: Chrome::anonymous(&csrf),
        email: String::new(),
        sent: false,
        errors: FormErrors::default(),
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sends the reset email. The answer is the same whether or not the account exists.
pub async fn forgot(
    State(state): State<AppState>,
    csrf: Csrf,
    PageForm(form): PageForm<EmailForm>,
) -> Response {
    let base_url = format!("{}/reset-password", state.ctx.settings.public_url);
    let result = users::send_reset_password_email(&state.ctx, &form.email, &base_url).await;
    let (sent, errors, status) = match result {
        Ok(()) => (true, FormErrors::default(), StatusCode::OK),
        Err(err) => {
            let err = ApiError::from(err);
            let errors = if err.code == Code::DisabledResetPassword {
                FormErrors::general(
                    "Resetting passwords is turned off on this server. Ask an administrator for help.",
                )
            } else {
                FormErrors::from_api(err, &[])
            };
            (false, errors, StatusCode::BAD_REQUEST)
        }
    };
    let page = ForgotPage {
        chrome: Chrome::anonymous(&csrf),
        email: form.email,
        sent,
        errors,
    };
    (status, page).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/reset_password.html")]
pub struct ResetPage {
    chrome: Chrome,
    token: String,
    errors: FormErrors,
}

pub async fn reset_page(csrf: Csrf, Path(token): Path<String>) -> Response {
    ResetPage {
        chrome: Chrome::anonymous(&csrf),
        token,
        errors: FormErrors::default(),
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    csrf: Csrf,
    Path(token): Path<String>,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    match users::reset_password(&state.ctx, &token, &form.password).await {
        Ok(()) => Redirect::to("/login?reset=1").into_response(),
        Err(err) => {
            let err = ApiError::from(err);
            let errors = match err.code {
                Code::BadTokenSignature | Code::UserNotFound => FormErrors::general(
                    "This reset link is not valid or was already used. Ask for a new one.",
                ),
                Code::ExpiredTokenSignature => {
                    FormErrors::general("This reset link has expired. Ask for a new one.")
                }
                _ => FormErrors::from_api(err, &[]),
            };
            let page = ResetPage {
                chrome: Chrome::anonymous(&csrf),
                token,
                errors,
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/invitation.html")]
pub struct InvitationPage {
    chrome: Chrome,
    token: String,
    workspace: String,
    invited_by: String,
    email: String,
    message: String,
    /// Signed in as the invited address.
    is_invitee: bool,
    /// Signed in, but as someone else.
    other_user: Option<String>,
    email_exists: bool,
    here: String,
}

pub async fn invitation_page(
    State(state): State<AppState>,
    MaybePageUser(user): MaybePageUser,
    csrf: Csrf,
    Path(token): Path<String>,
) -> Response {
    let info = match invitations::info_by_token(&state.ctx, &token).await {
        Ok(info) => info,
        Err(_) => return invalid_invitation(),
    };
    let here = format!("/workspace-invitation/{}", session::encode(&token));
    let chrome = match &user {
        Some(u) => Chrome::signed_in(&state, u, &csrf),
        None => Chrome::anonymous(&csrf),
    };
    let is_invitee = user
        .as_ref()
        .is_some_and(|u| u.user.email == info.invitation.email);
    InvitationPage {
        chrome,
        token,
        workspace: info.workspace_name,
        invited_by: info.invited_by,
        email: info.invitation.email.clone(),
        message: info.invitation.message.clone(),
        is_invitee,
        other_user: user.filter(|_| !is_invitee).map(|u| u.user.email),
        email_exists: info.email_exists,
        here,
    }
    .into_response()
}

fn invalid_invitation() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "This invitation is no longer valid",
        "It may have been accepted, declined or withdrawn. Ask the person who invited you to send a new one.",
    )
}

/// Accepts (`accept = true`) or declines the invitation as the signed-in invitee.
async fn answer(state: &AppState, user: &PageUser, token: &str, accept: bool) -> Response {
    let id = match invitations::info_by_token(&state.ctx, token).await {
        Ok(info) => info.invitation.id,
        Err(_) => return invalid_invitation(),
    };
    let actor = user.actor();
    let result = if accept {
        invitations::accept(&state.ctx, &actor, id)
            .await
            .map(|w| format!("/dashboard#ws-{}", w.workspace.id))
    } else {
        invitations::reject(&state.ctx, &actor, id)
            .await
            .map(|_| "/dashboard".to_owned())
    };
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(err) => error_page(
            StatusCode::BAD_REQUEST,
            "The invitation could not be answered",
            &forms::message(&err.into()),
        ),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    user: PageUser,
    Path(token): Path<String>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    answer(&state, &user, &token, true).await
}

pub async fn decline(
    State(state): State<AppState>,
    user: PageUser,
    Path(token): Path<String>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    answer(&state, &user, &token, false).await
}

/// The emailed email-verification link: a button to confirm (a mail scanner opening the
/// link verifies nothing), then the result.
#[derive(Template, WebTemplate)]
#[template(path = "pages/verify_email.html")]
pub struct VerifyEmailPage {
    chrome: Chrome,
    token: String,
    /// Set once the form was sent: what happened, in words.
    outcome: Option<VerifyOutcome>,
    errors: FormErrors,
}

pub struct VerifyOutcome {
    verified: bool,
    message: &'static str,
}

pub async fn verify_email_page(csrf: Csrf, Path(token): Path<String>) -> Response {
    VerifyEmailPage {
        chrome: Chrome::anonymous(&csrf),
        token,
        outcome: None,
        errors: FormErrors::default(),
    }
    .into_response()
}

pub async fn verify_email(
    State(state): State<AppState>,
    csrf: Csrf,
    Path(token): Path<String>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let (outcome, status) = match users::verification::verify(&state.ctx, &token).await {
        Ok(_) => (
            VerifyOutcome {
                verified: true,
                message: "Your email address is verified.",
            },
            StatusCode::OK,
        ),
        Err(err) => match ApiError::from(err).code {
            Code::EmailAlreadyVerified => (
                VerifyOutcome {
                    verified: true,
                    message: "Your email address was already verified.",
                },
                StatusCode::OK,
            ),
            _ => (
                VerifyOutcome {
                    verified: false,
                    message: "This link is not valid: it has expired, was sent to another address, or its account is gone. Log in to get a new one.",
                },
                StatusCode::BAD_REQUEST,
            ),
        },
    };
    let page = VerifyEmailPage {
        chrome: Chrome::anonymous(&csrf),
        token,
        outcome: Some(outcome),
        errors: FormErrors::default(),
    };
    (status, page).into_response()
}
