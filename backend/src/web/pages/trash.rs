//! The trash: what was deleted per workspace and database, restore, and empty for good.

use super::{
    csrf::{Csrf, PageForm},
    forms,
    render::Chrome,
    session::PageUser,
};
use crate::{
    platform::trash::{self, RestoreRequest},
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

pub struct ScopeLink {
    pub label: String,
    pub href: String,
    pub current: bool,
    pub trashed: bool,
    /// Databases are indented under their workspace.
    pub nested: bool,
}

pub struct EntryItem {
    pub kind: String,
    pub item_type: String,
    pub item_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub parent: Option<String>,
    pub by: Option<String>,
    pub when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/trash.html")]
pub struct TrashPage {
    chrome: Chrome,
    scopes: Vec<ScopeLink>,
    scope_name: String,
    workspace: Option<i64>,
    application: Option<i64>,
    entries: Vec<EntryItem>,
    count: i64,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ScopeQuery {
    workspace: Option<String>,
    application: Option<String>,
    done: Option<String>,
}

fn scope_href(workspace: i64, application: Option<i64>) -> String {
    match application {
        Some(app) => format!("/trash?workspace={workspace}&application={app}"),
        None => format!("/trash?workspace={workspace}"),
    }
}

fn kind_label(item_type: &str) -> &'static str {
    match item_type {
        "workspace" => "Workspace",
        "application" => "Database",
        "table" => "Table",
        "field" => "Field",
        "view" => "View",
        "row" => "Row",
        "rows" => "Rows",
        _ => "Item",
    }
}

async fn render(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    workspace: Option<i64>,
    application: Option<i64>,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let actor = user.actor();
    let structure = match trash::structure(&state.ctx, &actor).await {
        Ok(s) => s,
        Err(err) => return super::render::api_error_page(err.into()),
    };
    // Without a choice, the first workspace's trash.
    let workspace = workspace
        .filter(|id| structure.iter().any(|w| w.id == *id))
        .or_else(|| structure.first().map(|w| w.id));
    let application = application.filter(|app| {
        structure
            .iter()
            .any(|w| Some(w.id) == workspace && w.applications.iter().any(|a| a.id == *app))
    });
    let mut scopes = Vec::new();
    let mut scope_name = String::new();
    for w in &structure {
        let current = Some(w.id) == workspace && application.is_none();
        if current {
            scope_name = w.name.clone();
        }
        scopes.push(ScopeLink {
            label: w.name.clone(),
            href: scope_href(w.id, None),
            current,
            trashed: w.trashed,
            nested: false,
        });
        for a in &w.applications {
            let current = Some(a.id) == application;
            if current {
                scope_name = format!("{} / {}", w.name, a.name);
            }
            scopes.push(ScopeLink {
                label: a.name.clone(),
                href: scope_href(w.id, Some(a.id)),
                current,
                trashed: a.trashed,
                nested: true,
            });
        }
    }
    let (entries, count) = match workspace {
        Some(ws) => match trash::contents(&state.ctx, &actor, ws, application, 1, 100).await {
            Ok(page) => (
                page.entries
                    .into_iter()
                    .map(|e| EntryItem {
                        kind: kind_label(&e.entry.trash_item_type).to_owned(),
                        item_type: e.entry.trash_item_type,
                        item_id: e.entry.trash_item_id,
                        parent_id: e.entry.parent_trash_item_id,
                        name: e
                            .entry
                            .names
                            .filter(|n| !n.is_empty())
                            .map(|n| n.join(", "))
                            .unwrap_or(e.entry.name),
                        parent: e.parent_name,
                        by: e.user_who_trashed,
                        when: e.entry.trashed_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    })
                    .collect(),
                page.count,
            ),
            Err(err) => return super::render::api_error_page(err.into()),
        },
        None => (Vec::new(), 0),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = TrashPage {
        chrome: Chrome::signed_in(state, user, csrf).section("trash"),
        scopes,
        scope_name,
        workspace,
        application,
        entries,
        count,
        notice,
        error,
    };
    (status, page).into_response()
}

fn id(value: Option<&str>) -> Option<i64> {
    value.and_then(|v| v.parse().ok())
}

pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Query(q): Query<ScopeQuery>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("restored") => Some("Restored. It is back where it was.".to_owned()),
        Some("emptied") => {
            Some("The trash was emptied; those items are deleted for good.".to_owned())
        }
        _ => None,
    };
    render(
        &state,
        &user,
        &csrf,
        id(q.workspace.as_deref()),
        id(q.application.as_deref()),
        notice,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    item_type: String,
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    application: String,
}

pub async fn restore(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<RestoreForm>,
) -> Response {
    let workspace = id(Some(&form.workspace));
    let application = id(Some(&form.application));
    let Some(item_id) = id(Some(&form.item_id)) else {
        return render(
            &state,
            &user,
            &csrf,
            workspace,
            application,
            None,
            Some("Choose an item to restore.".into()),
        )
        .await;
    };
    let request = RestoreRequest {
        item_type: form.item_type,
        item_id,
        parent_id: id(Some(&form.parent_id)),
    };
    match trash::restore(&state.ctx, &user.actor(), &request).await {
        Ok(()) => {
            let back = workspace
                .map(|w| scope_href(w, application))
                .unwrap_or_else(|| "/trash".into());
            Redirect::to(&format!(
                "{back}{}done=restored",
                if back.contains('?') { "&" } else { "?" }
            ))
            .into_response()
        }
        Err(err) => {
            let message = forms::message(&err.into());
            render(
                &state,
                &user,
                &csrf,
                workspace,
                application,
                None,
                Some(message),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct EmptyForm {
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    application: String,
}

pub async fn empty(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<EmptyForm>,
) -> Response {
    let application = id(Some(&form.application));
    let Some(workspace) = id(Some(&form.workspace)) else {
        return render(
            &state,
            &user,
            &csrf,
            None,
            None,
            None,
            Some("Choose a workspace first.".into()),
        )
        .await;
    };
    match trash::empty(&state.ctx, &user.actor(), workspace, application).await {
        Ok(()) => Redirect::to(&format!(
            "{}&done=emptied",
            scope_href(workspace, application)
        ))
        .into_response(),
        Err(err) => {
            let message = forms::message(&err.into());
            render(
                &state,
                &user,
                &csrf,
                Some(workspace),
                application,
                None,
                Some(message),
            )
            .await
        }
    }
}
