//! Settings → webhooks: add and edit per table (events, headers, method), delete, and the
//! call logs.

use super::{DoneQuery, notice};
use crate::web::pages::{
    csrf::{Csrf, PageForm},
    dashboard,
    forms::{self, EmptyForm, FormErrors},
    render::Chrome,
    session::PageUser,
};
use crate::{
    database::webhooks::{self, WebhookInput, event_types},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

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
    pub editor: WebhookEditor,
}

/// A table the user can pick: "Workspace / Database / Table".
pub struct TableChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

/// What the webhook form holds: a webhook's settings, or what was just submitted.
#[derive(Clone)]
pub struct WebhookFormValues {
    pub name: String,
    pub url: String,
    pub method: String,
    /// One `Name: value` a line.
    pub headers: String,
    pub all_events: bool,
    pub events: Vec<String>,
    pub use_user_field_names: bool,
    pub active: bool,
}

impl Default for WebhookFormValues {
    fn default() -> Self {
        Self {
            name: String::new(),
            url: String::new(),
            method: "POST".into(),
            headers: String::new(),
            all_events: true,
            events: Vec::new(),
            use_user_field_names: true,
            active: true,
        }
    }
}

/// An event type offered as a checkbox.
pub struct EventChoice {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

/// The form that adds a webhook, or edits one (`id`).
pub struct WebhookEditor {
    pub id: Option<i64>,
    pub action: String,
    /// Prefix of the form's element ids, unique on the page.
    pub key: String,
    pub values: WebhookFormValues,
    pub events: Vec<EventChoice>,
    pub errors: FormErrors,
}

impl WebhookEditor {
    fn new(id: Option<i64>, table: i64, values: WebhookFormValues, errors: FormErrors) -> Self {
        let events = event_types::ALL
            .iter()
            .map(|t| EventChoice {
                name: t.name,
                label: event_label(t.name),
                checked: values.events.iter().any(|e| e == t.name),
            })
            .collect();
        Self {
            action: match id {
                Some(id) => format!("/settings/webhooks/{id}"),
                None => format!("/settings/webhooks/table/{table}"),
            },
            key: match id {
                Some(id) => format!("webhook-{id}"),
                None => "webhook".into(),
            },
            id,
            values,
            events,
            errors,
        }
    }

    fn method_is(&self, method: &&str) -> bool {
        self.values.method == *method
    }

    pub fn methods(&self) -> &'static [&'static str] {
        &["POST", "PUT", "PATCH", "GET", "DELETE"]
    }
}

/// `rows.created` → "Rows created".
fn event_label(name: &str) -> String {
    let text = name.replace('.', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn values_of(w: &webhooks::Webhook) -> WebhookFormValues {
    WebhookFormValues {
        name: w.name.clone(),
        url: w.url.clone(),
        method: w.request_method.clone(),
        headers: w
            .header_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        all_events: w.include_all_events,
        events: w.events.clone(),
        use_user_field_names: w.use_user_field_names,
        active: w.active,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/settings_webhooks.html")]
pub struct WebhooksPage {
    chrome: Chrome,
    tables: Vec<TableChoice>,
    table: Option<i64>,
    webhooks: Vec<WebhookItem>,
    notice: Option<String>,
    /// A failure outside any form (a delete that did not happen).
    errors: FormErrors,
    /// Signing secret of a webhook just created, shown this once.
    new_secret: Option<String>,
    creator: Option<WebhookEditor>,
}

/// A form that failed: which one (`None` = the add form), what it held and why.
struct Failed {
    id: Option<i64>,
    values: WebhookFormValues,
    errors: FormErrors,
}

async fn webhooks_page(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    table: Option<i64>,
    notice: Option<String>,
    new_secret: Option<String>,
    failed: Option<Failed>,
) -> Response {
    let spaces = match dashboard::load(state, user).await {
        Ok(spaces) => spaces,
        Err(err) => return crate::web::pages::render::api_error_page(err),
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
    let status = if failed.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (mut failed_edit, failed_add, page_errors) = match failed {
        Some(f) if f.id.is_some() => (Some(f), None, FormErrors::default()),
        Some(f) if table.is_some() => (None, Some(f), FormErrors::default()),
        Some(f) => (None, None, f.errors),
        None => (None, None, FormErrors::default()),
    };
    let webhooks = match table {
        Some(id) => match webhooks::list(&state.ctx, &user.actor(), id).await {
            Ok(list) => list
                .into_iter()
                .map(|v| {
                    let editor = match failed_edit.take_if(|f| f.id == Some(v.webhook.id)) {
                        Some(f) => WebhookEditor::new(Some(v.webhook.id), id, f.values, f.errors),
                        None => WebhookEditor::new(
                            Some(v.webhook.id),
                            id,
                            values_of(&v.webhook),
                            FormErrors::default(),
                        ),
                    };
                    WebhookItem {
                        id: v.webhook.id,
                        name: v.webhook.name,
                        url: v.webhook.url,
                        method: v.webhook.request_method,
                        active: v.webhook.active,
                        events: if v.webhook.include_all_events {
                            "All events".into()
                        } else if v.webhook.events.is_empty() {
                            "No events".into()
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
                        editor,
                    }
                })
                .collect(),
            Err(err) => return crate::web::pages::render::api_error_page(err.into()),
        },
        None => Vec::new(),
    };
    let creator = table.map(|id| match failed_add {
        Some(f) => WebhookEditor::new(None, id, f.values, f.errors),
        None => WebhookEditor::new(
            None,
            id,
            WebhookFormValues::default(),
            FormErrors::default(),
        ),
    });
    let page = WebhooksPage {
        chrome: Chrome::signed_in(state, user, csrf).section("settings"),
        tables,
        table,
        webhooks,
        notice,
        errors: page_errors,
        new_secret,
        creator,
    };
    (status, page).into_response()
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
        None,
        None,
    )
    .await
}

/// Reads the webhook form (its `events` checkboxes repeat, so it arrives as pairs).
fn read_webhook_form(pairs: &[(String, String)]) -> WebhookFormValues {
    let get = |key: &str| forms::first(pairs, key).to_owned();
    let method = get("method");
    WebhookFormValues {
        name: get("name"),
        url: get("url"),
        method: if method.is_empty() {
            "POST".into()
        } else {
            method
        },
        headers: get("headers"),
        all_events: get("event_choice") != "some",
        events: forms::all(pairs, "events"),
        use_user_field_names: !get("use_user_field_names").is_empty(),
        active: !get("active").is_empty(),
    }
}

/// The form's values as the service's input, or the form's own errors (headers written
/// wrongly, particular events with none chosen). The service validates the rest.
fn webhook_input(values: &WebhookFormValues) -> Result<WebhookInput, FormErrors> {
    let mut headers = serde_json::Map::new();
    let mut errors = FormErrors::default();
    for line in values
        .headers
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match line.split_once(':') {
            Some((name, value)) if !name.trim().is_empty() => {
                headers.insert(
                    name.trim().to_owned(),
                    serde_json::Value::String(value.trim().to_owned()),
                );
            }
            _ => errors.set("headers", "Write one header a line, as Name: value."),
        }
    }
    if !values.all_events && values.events.is_empty() {
        errors.set("events", "Choose at least one event, or all events.");
    }
    if !errors.is_empty() {
        errors.general = Some("Please correct the marked fields.".into());
        return Err(errors);
    }
    Ok(WebhookInput {
        name: Some(values.name.clone()),
        url: Some(values.url.clone()),
        request_method: Some(values.method.clone()),
        headers: Some(serde_json::Value::Object(headers)),
        include_all_events: Some(values.all_events),
        events: Some(if values.all_events {
            Vec::new()
        } else {
            values.events.clone()
        }),
        use_user_field_names: Some(values.use_user_field_names),
        ..WebhookInput::default()
    })
}

fn webhook_errors(err: webhooks::WebhookError) -> FormErrors {
    FormErrors::from_api(err.into(), &[("request_method", "method")])
}

pub async fn webhook_create(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(table): Path<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let mut values = read_webhook_form(&pairs);
    // A new webhook is active; pausing it is an edit.
    values.active = true;
    let result = match webhook_input(&values) {
        Ok(input) => webhooks::create(&state.ctx, &user.actor(), table, input)
            .await
            .map_err(webhook_errors),
        Err(errors) => Err(errors),
    };
    match result {
        Ok((_, secret)) => {
            webhooks_page(&state, &user, &csrf, Some(table), None, Some(secret), None).await
        }
        Err(errors) => {
            let failed = Failed {
                id: None,
                values,
                errors,
            };
            webhooks_page(&state, &user, &csrf, Some(table), None, None, Some(failed)).await
        }
    }
}

pub async fn webhook_update(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let values = read_webhook_form(&pairs);
    let table = match webhooks::get(&state.ctx, &user.actor(), id).await {
        Ok(v) => v.webhook.table_id,
        Err(err) => {
            let failed = Failed {
                id: None,
                values,
                errors: FormErrors::general(forms::message(&err.into())),
            };
            return webhooks_page(&state, &user, &csrf, None, None, None, Some(failed)).await;
        }
    };
    let result = match webhook_input(&values) {
        Ok(input) => {
            let input = WebhookInput {
                active: Some(values.active),
                ..input
            };
            webhooks::update(&state.ctx, &user.actor(), id, input)
                .await
                .map_err(webhook_errors)
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(_) => Redirect::to(&format!(
            "/settings/webhooks?table={table}&done=webhook-saved"
        ))
        .into_response(),
        Err(errors) => {
            let failed = Failed {
                id: Some(id),
                values,
                errors,
            };
            webhooks_page(&state, &user, &csrf, Some(table), None, None, Some(failed)).await
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
            let failed = Failed {
                id: None,
                values: WebhookFormValues::default(),
                errors: FormErrors::general(forms::message(&err.into())),
            };
            webhooks_page(&state, &user, &csrf, None, None, None, Some(failed)).await
        }
    }
}
