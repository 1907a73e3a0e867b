//! Settings: the account (name, password), API tokens (`tokens`), and webhooks per table
//! with their call logs (`webhooks`).

mod tokens;
mod webhooks;

pub use tokens::{token_create, token_delete, token_rotate, token_update, tokens_list};
pub use webhooks::{webhook_create, webhook_delete, webhook_update, webhooks_list};

use super::{
    csrf::{Csrf, PageForm},
    forms::FormErrors,
    render::Chrome,
    session::{self, PageUser},
};
use crate::{
    error::ApiError,
    platform::users::{self, AccountUpdate},
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

/// A notice chosen by key, so no text from the URL is ever shown.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
    table: Option<String>,
}

fn notice(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "name" => "Your name was saved.",
            "password" => "Your password was changed. Other browsers and apps were logged out.",
            "token-deleted" => "The token was deleted. Apps using it can no longer connect.",
            "token-saved" => "The token was saved.",
            "webhook-deleted" => "The webhook was deleted.",
            "webhook-saved" => "The webhook was saved.",
            _ => return None,
        }
        .to_owned(),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/settings_account.html")]
pub struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    notice: Option<String>,
    name_errors: FormErrors,
    password_errors: FormErrors,
}

pub async fn index() -> Redirect {
    Redirect::to("/settings/account")
}

pub async fn account(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Query(q): Query<DoneQuery>,
) -> Response {
    AccountPage {
        chrome: Chrome::signed_in(&state, &user, &csrf).section("settings"),
        name: user.user.first_name.clone(),
        email: user.user.email.clone(),
        notice: notice(q.done.as_deref()),
        name_errors: FormErrors::default(),
        password_errors: FormErrors::default(),
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

pub async fn save_name(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let update = AccountUpdate {
        first_name: Some(form.name.clone()),
        ..AccountUpdate::default()
    };
    match users::update_account(&state.ctx, &user.actor(), update).await {
        Ok(_) => Redirect::to("/settings/account?done=name").into_response(),
        Err(err) => {
            let page = AccountPage {
                chrome: Chrome::signed_in(&state, &user, &csrf).section("settings"),
                name: form.name,
                email: user.user.email.clone(),
                notice: None,
                name_errors: FormErrors::from_api(err.into(), &[("first_name", "name")]),
                password_errors: FormErrors::default(),
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the password. Every earlier session ends; this browser gets a new one.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    let changed = users::change_password(
        &state.ctx,
        &user.actor(),
        &form.old_password,
        &form.new_password,
    )
    .await
    .map_err(ApiError::from);
    let fresh = match changed {
        Ok(()) => users::repo::get(&state.ctx.db, user.user.id)
            .await
            .map_err(ApiError::from),
        Err(err) => Err(err),
    };
    match fresh {
        Ok(Some(updated)) => {
            let session = users::issue_session(&state.ctx, updated);
            let mut response = Redirect::to("/settings/account?done=password").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::session_cookie(&session.refresh_token, &headers, &state),
            );
            response
        }
        Ok(None) => Redirect::to("/login").into_response(),
        Err(err) => {
            let errors = if err.code == crate::error::Code::InvalidOldPassword {
                let mut e = FormErrors::general("Please correct the marked fields.");
                e.set("old_password", "The current password is incorrect.");
                e
            } else {
                FormErrors::from_api(err, &[])
            };
            let page = AccountPage {
                chrome: Chrome::signed_in(&state, &user, &csrf).section("settings"),
                name: user.user.first_name.clone(),
                email: user.user.email.clone(),
                notice: None,
                name_errors: FormErrors::default(),
                password_errors: errors,
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}
