//! Settings → API tokens: create with rights per operation, rename, re-scope and change the
//! expiry, a new key (shown once), delete.

use super::{DoneQuery, notice};
use crate::web::pages::{
    csrf::{Csrf, PageForm},
    dashboard,
    forms::{self, EmptyForm, FormErrors},
    render::Chrome,
    session::PageUser,
};
use crate::{
    database::tokens::{self, Operation, Scope, TokenPermissions},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

/// The operations a token's rights are set for, with what they mean on the page.
const OPERATIONS: &[(&str, &str)] = &[
    ("create", "Create rows"),
    ("read", "Read rows"),
    ("update", "Update rows"),
    ("delete", "Delete rows"),
];

/// A database or table a right can be limited to (`database:5`, `table:9`).
pub struct ScopeChoice {
    pub value: String,
    pub label: String,
    pub table: bool,
    pub workspace: i64,
    pub checked: bool,
}

/// One operation's right in the form: `all`, `none` or `some` (the ticked choices).
pub struct OperationChoice {
    pub key: &'static str,
    pub label: &'static str,
    pub mode: String,
    pub choices: Vec<ScopeChoice>,
}

/// What the token form holds: a token's settings, or what was just submitted.
#[derive(Clone)]
pub struct TokenFormValues {
    pub name: String,
    pub workspace: Option<i64>,
    pub expires: String,
    /// Per operation: the mode and the ticked `database:5` / `table:9` values.
    pub rights: Vec<(String, Vec<String>)>,
}

impl Default for TokenFormValues {
    fn default() -> Self {
        Self {
            name: String::new(),
            workspace: None,
            expires: String::new(),
            rights: OPERATIONS
                .iter()
                .map(|_| ("all".to_owned(), Vec::new()))
                .collect(),
        }
    }
}

fn scope_value(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

fn values_of_token(t: &tokens::Token) -> TokenFormValues {
    TokenFormValues {
        name: t.name.clone(),
        workspace: Some(t.workspace_id),
        expires: t
            .expires_at
            .map(|e| e.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        rights: Operation::ALL
            .iter()
            .map(|op| match t.permissions.get(*op) {
                Scope::All => ("all".to_owned(), Vec::new()),
                Scope::Nothing => ("none".to_owned(), Vec::new()),
                Scope::Some(items) => (
                    "some".to_owned(),
                    items.iter().map(|(k, id)| scope_value(k, *id)).collect(),
                ),
            })
            .collect(),
    }
}

/// The form that creates a token, or edits one (`id`).
pub struct TokenEditor {
    pub id: Option<i64>,
    pub action: String,
    /// Prefix of the form's element ids, unique on the page.
    pub key: String,
    pub values: TokenFormValues,
    pub operations: Vec<OperationChoice>,
    pub errors: FormErrors,
}

impl TokenEditor {
    /// `workspaces` are the user's; an edit offers only the token's own workspace.
    fn new(
        id: Option<i64>,
        values: TokenFormValues,
        errors: FormErrors,
        workspaces: &[dashboard::WorkspaceItem],
    ) -> Self {
        let offered: Vec<&dashboard::WorkspaceItem> = workspaces
            .iter()
            .filter(|w| id.is_none() || Some(w.id) == values.workspace)
            .collect();
        let several = offered.len() > 1;
        let operations = OPERATIONS
            .iter()
            .zip(&values.rights)
            .map(|((key, label), (mode, picked))| {
                let mut choices = Vec::new();
                for w in &offered {
                    for d in &w.databases {
                        let value = scope_value("database", d.id);
                        choices.push(ScopeChoice {
                            checked: picked.contains(&value),
                            label: if several {
                                format!("{} / {} (whole database)", w.name, d.name)
                            } else {
                                format!("{} (whole database)", d.name)
                            },
                            value,
                            table: false,
                            workspace: w.id,
                        });
                        for t in &d.tables {
                            let value = scope_value("table", t.id);
                            choices.push(ScopeChoice {
                                checked: picked.contains(&value),
                                label: format!("{} / {}", d.name, t.name),
                                value,
                                table: true,
                                workspace: w.id,
                            });
                        }
                    }
                }
                OperationChoice {
                    key,
                    label,
                    mode: mode.clone(),
                    choices,
                }
            })
            .collect();
        Self {
            action: match id {
                Some(id) => format!("/settings/tokens/{id}"),
                None => "/settings/tokens".into(),
            },
            key: match id {
                Some(id) => format!("token-{id}"),
                None => "token".into(),
            },
            id,
            values,
            operations,
            errors,
        }
    }
}

pub struct TokenItem {
    pub id: i64,
    pub name: String,
    pub workspace: String,
    pub prefix: String,
    pub created: String,
    /// `Never`, `2026-12-01`, or `Expired 2026-12-01`.
    pub expires: String,
    pub expired: bool,
    /// "Create: all · Read: all · …".
    pub rights: String,
    pub editor: TokenEditor,
}

fn rights_summary(p: &TokenPermissions) -> String {
    Operation::ALL
        .iter()
        .map(|op| {
            let scope = match p.get(*op) {
                Scope::All => "all tables".to_owned(),
                Scope::Nothing => "none".to_owned(),
                Scope::Some(items) => {
                    let (dbs, tables) = items.iter().fold((0, 0), |(d, t), (k, _)| {
                        if k == "database" {
                            (d + 1, t)
                        } else {
                            (d, t + 1)
                        }
                    });
                    let mut parts = Vec::new();
                    if dbs > 0 {
                        parts.push(format!("{dbs} database{}", if dbs == 1 { "" } else { "s" }));
                    }
                    if tables > 0 {
                        parts.push(format!(
                            "{tables} table{}",
                            if tables == 1 { "" } else { "s" }
                        ));
                    }
                    parts.join(", ")
                }
            };
            let key = op.key();
            format!("{}{}: {scope}", key[..1].to_uppercase(), &key[1..])
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/settings_tokens.html")]
pub struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenItem>,
    workspaces: Vec<(i64, String)>,
    /// The key of a token just created or rotated, shown this once.
    new_key: Option<String>,
    /// Whether `new_key` replaced an older key.
    rotated: bool,
    notice: Option<String>,
    /// A failure outside any form (a delete or rotation that did not happen).
    errors: FormErrors,
    creator: TokenEditor,
}

/// A form that failed: which one (`None` = the create form), what it held and why.
struct FailedToken {
    id: Option<i64>,
    values: TokenFormValues,
    errors: FormErrors,
}

async fn tokens_page(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    new_key: Option<(String, bool)>,
    notice: Option<String>,
    errors: FormErrors,
    failed: Option<FailedToken>,
) -> Response {
    let actor = user.actor();
    let (list, spaces) = match (
        tokens::list(&state.ctx, &actor).await,
        dashboard::load(state, user).await,
    ) {
        (Ok(list), Ok(spaces)) => (list, spaces),
        (Err(err), _) => return crate::web::pages::render::api_error_page(err.into()),
        (_, Err(err)) => return crate::web::pages::render::api_error_page(err),
    };
    let workspace_name = |id: i64| {
        spaces
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
            .unwrap_or_default()
    };
    let status = if errors.is_empty() && failed.is_none() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let (mut failed_edit, failed_create) = match failed {
        Some(f) if f.id.is_some() => (Some(f), None),
        other => (None, other),
    };
    let now = chrono::Utc::now();
    let page = TokensPage {
        chrome: Chrome::signed_in(state, user, csrf).section("settings"),
        tokens: list
            .into_iter()
            .map(|t| {
                let editor = match failed_edit.take_if(|f| f.id == Some(t.id)) {
                    Some(f) => TokenEditor::new(Some(t.id), f.values, f.errors, &spaces),
                    None => TokenEditor::new(
                        Some(t.id),
                        values_of_token(&t),
                        FormErrors::default(),
                        &spaces,
                    ),
                };
                let expired = t.expires_at.is_some_and(|e| e <= now);
                TokenItem {
                    id: t.id,
                    workspace: workspace_name(t.workspace_id),
                    prefix: t.key_prefix.clone(),
                    created: t.created_on.format("%Y-%m-%d").to_string(),
                    expires: match t.expires_at {
                        None => "Never".into(),
                        Some(e) if expired => format!("Expired {}", e.format("%Y-%m-%d")),
                        Some(e) => e.format("%Y-%m-%d %H:%M UTC").to_string(),
                    },
                    expired,
                    rights: rights_summary(&t.permissions),
                    name: t.name,
                    editor,
                }
            })
            .collect(),
        workspaces: spaces.iter().map(|w| (w.id, w.name.clone())).collect(),
        rotated: new_key.as_ref().is_some_and(|(_, rotated)| *rotated),
        new_key: new_key.map(|(key, _)| key),
        notice,
        errors,
        creator: match failed_create {
            Some(f) => TokenEditor::new(None, f.values, f.errors, &spaces),
            None => TokenEditor::new(
                None,
                TokenFormValues::default(),
                FormErrors::default(),
                &spaces,
            ),
        },
    };
    let mut response = (status, page).into_response();
    // A page that shows a key must not be kept by any cache.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
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
        None,
    )
    .await
}

/// Reads the token form; its choice boxes repeat, so it arrives as pairs.
fn read_token_form(pairs: &[(String, String)]) -> TokenFormValues {
    let get = |key: &str| forms::first(pairs, key).trim().to_owned();
    TokenFormValues {
        name: get("name"),
        workspace: get("workspace").parse().ok(),
        expires: get("expires"),
        rights: OPERATIONS
            .iter()
            .map(|(op, _)| (get(op), forms::all(pairs, &format!("{op}_scope"))))
            .collect(),
    }
}

/// The rights as the API's `permissions` object, or the form's errors.
fn permissions_of(values: &TokenFormValues) -> Result<serde_json::Value, FormErrors> {
    let mut permissions = serde_json::Map::new();
    let mut errors = FormErrors::default();
    for ((op, label), (mode, picked)) in OPERATIONS.iter().zip(&values.rights) {
        let scope = match mode.as_str() {
            "all" => serde_json::Value::Bool(true),
            "none" => serde_json::Value::Bool(false),
            "some" => {
                let items: Vec<serde_json::Value> = picked
                    .iter()
                    .filter_map(|v| {
                        let (kind, id) = v.split_once(':')?;
                        let id = id.parse::<i64>().ok()?;
                        matches!(kind, "database" | "table").then(|| serde_json::json!([kind, id]))
                    })
                    .collect();
                if items.is_empty() {
                    errors.set(
                        op,
                        format!(
                            "{label}: tick at least one database or table, or choose No tables."
                        ),
                    );
                }
                serde_json::Value::Array(items)
            }
            _ => {
                errors.set(
                    op,
                    format!("{label}: choose All tables, No tables or Only these."),
                );
                serde_json::Value::Bool(false)
            }
        };
        permissions.insert((*op).to_owned(), scope);
    }
    if errors.is_empty() {
        Ok(serde_json::Value::Object(permissions))
    } else {
        errors.general = Some("Please correct the marked fields.".into());
        Err(errors)
    }
}

/// A service error on the token form; a database or table outside the token's workspace
/// is named in the message.
fn token_errors(err: tokens::TokenError) -> FormErrors {
    FormErrors::from_api(err.into(), &[])
}

/// Creates a token and shows its key once (in this response only, never in a URL).
pub async fn token_create(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let values = read_token_form(&pairs);
    let created = match create_input(&values) {
        Ok((workspace, expires_at, permissions)) => tokens::create(
            &state.ctx,
            &user.actor(),
            &values.name,
            workspace,
            expires_at,
            Some(&permissions),
        )
        .await
        .map_err(token_errors),
        Err(errors) => Err(errors),
    };
    let (key, failed) = match created {
        Ok((_, key)) => (Some((key, false)), None),
        Err(errors) => (
            None,
            Some(FailedToken {
                id: None,
                values,
                errors,
            }),
        ),
    };
    tokens_page(
        &state,
        &user,
        &csrf,
        key,
        None,
        FormErrors::default(),
        failed,
    )
    .await
}

/// The create form's workspace, expiry (midnight UTC of a day after today) and rights,
/// or the form's errors.
fn create_input(
    values: &TokenFormValues,
) -> Result<
    (
        i64,
        Option<chrono::DateTime<chrono::Utc>>,
        serde_json::Value,
    ),
    FormErrors,
> {
    let workspace = values
        .workspace
        .ok_or_else(|| marked("workspace", "Choose a workspace."))?;
    let expires_at = expiry_of(values, None)?;
    Ok((workspace, expires_at, permissions_of(values)?))
}

/// Form errors with one field marked.
fn marked(field: &str, message: &str) -> FormErrors {
    let mut errors = FormErrors::general("Please correct the marked fields.");
    errors.set(field, message);
    errors
}

/// The form's expiry: none when empty, else midnight UTC of a day after today. The day
/// of the token's `current` expiry is kept as it is, even when it has passed.
fn expiry_of(
    values: &TokenFormValues,
    current: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, FormErrors> {
    if values.expires.is_empty() {
        return Ok(None);
    }
    let day = chrono::NaiveDate::parse_from_str(&values.expires, "%Y-%m-%d").ok();
    match (day, current) {
        (Some(day), Some(current)) if day == current.date_naive() => Ok(Some(current)),
        (Some(day), _) if day > chrono::Utc::now().date_naive() => {
            Ok(Some(day.and_time(chrono::NaiveTime::MIN).and_utc()))
        }
        _ => Err(marked(
            "expires",
            "Choose a day after today, or leave it empty.",
        )),
    }
}

/// Renames a token and sets its rights and expiry.
pub async fn token_update(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let mut values = read_token_form(&pairs);
    let current = match tokens::get(&state.ctx, &user.actor(), id).await {
        Ok(t) => t,
        Err(err) => {
            let errors = FormErrors::general(forms::message(&err.into()));
            return tokens_page(&state, &user, &csrf, None, None, errors, None).await;
        }
    };
    values.workspace = Some(current.workspace_id);
    let checked = expiry_of(&values, current.expires_at)
        .and_then(|expiry| Ok((expiry, permissions_of(&values)?)));
    let result = match checked {
        Ok((expires_at, permissions)) => {
            let update = tokens::TokenUpdate {
                name: Some(values.name.clone()),
                permissions: Some(permissions),
                expires_at: Some(expires_at),
                rotate_key: false,
            };
            tokens::update(&state.ctx, &user.actor(), id, update)
                .await
                .map_err(token_errors)
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(_) => Redirect::to("/settings/tokens?done=token-saved").into_response(),
        Err(errors) => {
            let failed = FailedToken {
                id: Some(id),
                values,
                errors,
            };
            tokens_page(
                &state,
                &user,
                &csrf,
                None,
                None,
                FormErrors::default(),
                Some(failed),
            )
            .await
        }
    }
}

/// Gives a token a new key (shown once); the old key stops working at once.
pub async fn token_rotate(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let update = tokens::TokenUpdate {
        rotate_key: true,
        ..Default::default()
    };
    match tokens::update(&state.ctx, &user.actor(), id, update).await {
        Ok((_, Some(key))) => {
            tokens_page(
                &state,
                &user,
                &csrf,
                Some((key, true)),
                None,
                FormErrors::default(),
                None,
            )
            .await
        }
        Ok((_, None)) => Redirect::to("/settings/tokens").into_response(),
        Err(err) => {
            let errors = FormErrors::general(forms::message(&err.into()));
            tokens_page(&state, &user, &csrf, None, None, errors, None).await
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
            tokens_page(&state, &user, &csrf, None, None, errors, None).await
        }
    }
}
