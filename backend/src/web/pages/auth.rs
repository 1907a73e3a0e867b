//! Log in, sign up and log out.

use super::{
    csrf::{Csrf, PageForm},
    forms::FormErrors,
    render::Chrome,
    session::{self, MaybePageUser, PageUser},
};
use crate::web::extract::ClientIp;
use crate::{
    error::{ApiError, Code},
    platform::users::{self, SignUp},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

/// Where to go after logging in.
pub const HOME: &str = "/dashboard";

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    /// A workspace invitation token carried into sign up.
    invitation: Option<String>,
    /// The invited address, filled in on sign up.
    email: Option<String>,
    /// Set after a password reset.
    reset: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/login.html")]
pub struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    errors: FormErrors,
    /// Shown after a password reset or log out.
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn checked_next(next: Option<&str>) -> String {
    next.and_then(session::safe_next).unwrap_or("").to_owned()
}

pub async fn login_page(
    MaybePageUser(user): MaybePageUser,
    csrf: Csrf,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = checked_next(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(if next.is_empty() { HOME } else { &next }).into_response();
    }
    LoginPage {
        chrome: Chrome::anonymous(&csrf),
        email: String::new(),
        next,
        errors: FormErrors::default(),
        notice: q
            .reset
            .is_some()
            .then(|| "Your password was changed. Log in with the new one.".to_owned()),
    }
    .into_response()
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(client): ClientIp,
    csrf: Csrf,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let next = checked_next(Some(&form.next));
    match users::log_in(&state.ctx, &form.email, &form.password, Some(client)).await {
        Ok(session) => start_session(
            &state,
            &headers,
            &session.refresh_token,
            if next.is_empty() { HOME } else { &next },
        ),
        Err(err) => {
            let err = ApiError::from(err);
            let message = match err.code {
                Code::InvalidCredentials => {
                    "The email or password is incorrect. Check them, or reset your password."
                        .to_owned()
                }
                Code::DeactivatedUser => {
                    "This account is deactivated. Ask an administrator to enable it.".to_owned()
                }
                _ => "Logging in failed. Try again in a moment.".to_owned(),
            };
            let page = LoginPage {
                chrome: Chrome::anonymous(&csrf),
                email: form.email,
                next,
                errors: FormErrors::general(message),
                notice: None,
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}

/// Sets the session cookie and sends the browser on.
fn start_session(state: &AppState, headers: &HeaderMap, refresh_token: &str, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::session_cookie(refresh_token, headers, state),
    );
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/signup.html")]
pub struct SignupPage {
    chrome: Chrome,
    name: String,
    email: String,
    next: String,
    invitation: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    invitation: String,
}

pub async fn signup_page(
    MaybePageUser(user): MaybePageUser,
    csrf: Csrf,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = checked_next(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(if next.is_empty() { HOME } else { &next }).into_response();
    }
    SignupPage {
        chrome: Chrome::anonymous(&csrf),
        name: String::new(),
        email: q.email.unwrap_or_default(),
        next,
        invitation: q.invitation.unwrap_or_default(),
        errors: FormErrors::default(),
    }
    .into_response()
}

pub async fn signup(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    csrf: Csrf,
    PageForm(form): PageForm<SignupForm>,
) -> Response {
    let next = checked_next(Some(&form.next));
    let input = SignUp {
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password,
        language: None,
        workspace_invitation_token: Some(form.invitation.clone()).filter(|t| !t.is_empty()),
        client: Some(client),
    };
    match users::sign_up(&state.ctx, input).await {
        Ok(user) => {
            let session = users::issue_session(&state.ctx, user);
            start_session(
                &state,
                &headers,
                &session.refresh_token,
                if next.is_empty() { HOME } else { &next },
            )
        }
        Err(err) => {
            let err = ApiError::from(err);
            let errors = match err.code {
                Code::EmailAlreadyExists => FormErrors::general(
                    "An account with this email already exists. Log in instead, or reset its password.",
                ),
                Code::DisabledSignup => FormErrors::general(
                    "Sign up is closed on this server. Ask an administrator for an invitation.",
                ),
                _ => FormErrors::from_api(err, &[]),
            };
            let page = SignupPage {
                chrome: Chrome::anonymous(&csrf),
                name: form.name,
                email: form.email,
                next,
                invitation: form.invitation,
                errors,
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {}

/// Ends the session: the token is blacklisted and the cookie cleared.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<PageUser>,
    PageForm(_): PageForm<LogoutForm>,
) -> Response {
    if let Some(user) = user
        && let Err(err) = users::blacklist(&state.ctx, &user.session_token).await
    {
        tracing::warn!(error = %err, "logging a session out failed");
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::clear_session_cookie(&headers, &state),
    );
    response
}
