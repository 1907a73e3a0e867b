//! Settings: the account (name, password), API tokens, and webhooks per table with their
//! call logs.

use super::{
    csrf::{Csrf, PageForm},
    dashboard,
    forms::{self, EmptyForm, FormErrors},
    render::Chrome,
    session::{self, PageUser},
};
use crate::{
    database::{
        tokens,
        webhooks::{self, WebhookInput},
    },
    error::ApiError,
    platform::users::{self, AccountUpdate},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
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
            "webhook-deleted" => "The webhook was deleted.",
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

pub struct TokenItem {
    pub id: i64,
    pub name: String,
    pub workspace: String,
    pub prefix: String,
    pub created: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/settings_tokens.html")]
pub struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenItem>,
    workspaces: Vec<(i64, String)>,
    /// The key of a token just created, shown this once.
    new_key: Option<String>,
    notice: Option<String>,
    errors: FormErrors,
    name: String,
}

async fn tokens_page(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    new_key: Option<String>,
    notice: Option<String>,
    errors: FormErrors,
    name: String,
) -> Response {
    let actor = user.actor();
    let (list, spaces) = match (
        tokens::list(&state.ctx, &actor).await,
        dashboard::load(state, user).await,
    ) {
        (Ok(list), Ok(spaces)) => (list, spaces),
        (Err(err), _) => return super::render::api_error_page(err.into()),
        (_, Err(err)) => return super::render::api_error_page(err),
    };
    let workspace_name = |id: i64| {
        spaces
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
            .unwrap_or_default()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = TokensPage {
        chrome: Chrome::signed_in(state, user, csrf).section("settings"),
        tokens: list
            .into_iter()
            .map(|t| TokenItem {
                id: t.id,
                workspace: workspace_name(t.workspace_id),
                name: t.name,
                prefix: t.key_prefix,
                created: t.created_on.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        workspaces: spaces.iter().map(|w| (w.id, w.name.clone())).collect(),
        new_key,
        notice,
        errors,
        name,
    };
    (status, page).into_response()
}

pub async fn tokens_list(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Query(q): Query<DoneQuery>,
) -> Response {
    tokens_page(
        &state,
        &user,
        &csrf,
        None,
        notice(q.done.as_deref()),
        FormErrors::default(),
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    workspace: String,
}

/// Creates a token and shows its key once (in this response only, never in a URL).
pub async fn token_create(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    let Ok(workspace) = form.workspace.parse::<i64>() else {
        let mut errors = FormErrors::general("Please correct the marked fields.");
        errors.set("workspace", "Choose a workspace.");
        return tokens_page(&state, &user, &csrf, None, None, errors, form.name).await;
    };
    match tokens::create(&state.ctx, &user.actor(), &form.name, workspace, None).await {
        Ok((_, key)) => {
            let mut response = tokens_page(
                &state,
                &user,
                &csrf,
                Some(key),
                None,
                FormErrors::default(),
                String::new(),
            )
            .await;
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            response
        }
        Err(err) => {
            let errors = FormErrors::from_api(err.into(), &[]);
            tokens_page(&state, &user, &csrf, None, None, errors, form.name).await
        }
    }
}

pub async fn token_delete(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    match tokens::delete(&state.ctx, &user.actor(), id).await {
        Ok(()) => Redirect::to("/settings/tokens?done=token-deleted").into_response(),
        Err(err) => {
            let errors = FormErrors::general(forms::message(&err.into()));
            tokens_page(&state, &user, &csrf, None, None, errors, String::new()).await
        }
    }
}

pub struct CallItem {
    pub time: String,
    pub event_type: String,
    pub status: Option<i32>,
    pub ok: bool,
    pub error: Option<String>,
    pub request: String,
    pub response: Option<String>,
}

pub struct WebhookItem {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub method: String,
    pub active: bool,
    pub events: String,
    pub calls: Vec<CallItem>,
}

/// A table the user can pick: "Workspace / Database / Table".
pub struct TableChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/settings_webhooks.html")]
pub struct WebhooksPage {
    chrome: Chrome,
    tables: Vec<TableChoice>,
    table: Option<i64>,
    webhooks: Vec<WebhookItem>,
    notice: Option<String>,
    errors: FormErrors,
    /// Signing secret of a webhook just created, shown this once.
    new_secret: Option<String>,
    form_name: String,
    form_url: String,
}

struct WebhookFormValues {
    name: String,
    url: String,
}

#[allow(clippy::too_many_arguments)]
async fn webhooks_page(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    table: Option<i64>,
    notice: Option<String>,
    errors: FormErrors,
    new_secret: Option<String>,
    values: WebhookFormValues,
) -> Response {
    let spaces = match dashboard::load(state, user).await {
        Ok(spaces) => spaces,
        Err(err) => return super::render::api_error_page(err),
    };
    let tables: Vec<TableChoice> = spaces
        .iter()
        .flat_map(|w| {
            w.databases.iter().flat_map(move |d| {
                d.tables.iter().map(move |t| TableChoice {
                    id: t.id,
                    label: format!("{} / {} / {}", w.name, d.name, t.name),
                    selected: Some(t.id) == table,
                })
            })
        })
        .collect();
    let table = table.filter(|id| tables.iter().any(|t| t.id == *id));
    let webhooks = match table {
        Some(id) => match webhooks::list(&state.ctx, &user.actor(), id).await {
            Ok(list) => list
                .into_iter()
                .map(|v| WebhookItem {
                    id: v.webhook.id,
                    name: v.webhook.name,
                    url: v.webhook.url,
                    method: v.webhook.request_method,
                    active: v.webhook.active,
                    events: if v.webhook.include_all_events {
                        "All events".into()
                    } else {
                        v.webhook.events.join(", ")
                    },
                    calls: v
                        .calls
                        .into_iter()
                        .map(|c| CallItem {
                            time: c.called_time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                            event_type: c.event_type,
                            ok: c.response_status.is_some_and(|s| (200..300).contains(&s)),
                            status: c.response_status,
                            error: c.error,
                            request: c.request,
                            response: c.response,
                        })
                        .collect(),
                })
                .collect(),
            Err(err) => return super::render::api_error_page(err.into()),
        },
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = WebhooksPage {
        chrome: Chrome::signed_in(state, user, csrf).section("settings"),
        tables,
        table,
        webhooks,
        notice,
        errors,
        new_secret,
        form_name: values.name,
        form_url: values.url,
    };
    (status, page).into_response()
}

fn empty_values() -> WebhookFormValues {
    WebhookFormValues {
        name: String::new(),
        url: String::new(),
    }
}

pub async fn webhooks_list(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Query(q): Query<DoneQuery>,
) -> Response {
    let table = q.table.as_deref().and_then(|t| t.parse().ok());
    webhooks_page(
        &state,
        &user,
        &csrf,
        table,
        notice(q.done.as_deref()),
        FormErrors::default(),
        None,
        empty_values(),
    )
    .await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    method: String,
}

pub async fn webhook_create(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(table): Path<i64>,
    PageForm(form): PageForm<WebhookForm>,
) -> Response {
    let input = WebhookInput {
        name: Some(form.name.clone()),
        url: Some(form.url.clone()),
        request_method: Some(if form.method.is_empty() {
            "POST".into()
        } else {
            form.method.clone()
        }),
        include_all_events: Some(true),
        ..WebhookInput::default()
    };
    match webhooks::create(&state.ctx, &user.actor(), table, input).await {
        Ok((_, secret)) => {
            webhooks_page(
                &state,
                &user,
                &csrf,
                Some(table),
                None,
                FormErrors::default(),
                Some(secret),
                empty_values(),
            )
            .await
        }
        Err(err) => {
            let errors = FormErrors::from_api(err.into(), &[]);
            let values = WebhookFormValues {
                name: form.name,
                url: form.url,
            };
            webhooks_page(
                &state,
                &user,
                &csrf,
                Some(table),
                None,
                errors,
                None,
                values,
            )
            .await
        }
    }
}

pub async fn webhook_delete(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let table = webhooks::get(&state.ctx, &user.actor(), id)
        .await
        .map(|v| v.webhook.table_id);
    let result = match table {
        Ok(table) => webhooks::delete(&state.ctx, &user.actor(), id)
            .await
            .map(|_| table),
        Err(err) => Err(err),
    };
    match result {
        Ok(table) => Redirect::to(&format!(
            "/settings/webhooks?table={table}&done=webhook-deleted"
        ))
        .into_response(),
        Err(err) => {
            let errors = FormErrors::general(forms::message(&err.into()));
            webhooks_page(
                &state,
                &user,
                &csrf,
                None,
                None,
                errors,
                None,
                empty_values(),
            )
            .await
        }
    }
}
