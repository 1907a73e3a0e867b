//! The dashboard: invitations waiting for the user's answer, then the user's workspaces,
//! their databases and tables.

use super::{csrf::Csrf, render::Chrome, session::PageUser, sidebar::Sidebar};
use crate::{
    database::tables,
    error::ApiError,
    platform::{
        applications,
        workspaces::{self, invitations},
    },
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};

pub struct WorkspaceItem {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
    pub member_count: usize,
    pub databases: Vec<DatabaseItem>,
}

pub struct DatabaseItem {
    pub id: i64,
    pub name: String,
    pub tables: Vec<TableItem>,
}

pub struct TableItem {
    pub id: i64,
    pub name: String,
    pub row_count: i64,
}

/// An invitation to the user's email address, answered on the dashboard.
pub struct InvitationItem {
    pub id: i64,
    pub workspace: String,
    pub invited_by: String,
    pub role: &'static str,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/dashboard.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub invitations: Vec<InvitationItem>,
    /// The sidebar, whose workspaces the dashboard also lists.
    pub nav: Sidebar,
    /// A message about the last change (`?done=…`), or an error to show.
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// `/`: the dashboard for the signed-in, the log-in page for everyone else.
pub async fn home(user: Option<PageUser>) -> Redirect {
    Redirect::to(if user.is_some() {
        super::auth::HOME
    } else {
        "/login"
    })
}

/// The user's workspaces, each with its databases and their tables, in the user's order.
pub async fn load(state: &AppState, user: &PageUser) -> Result<Vec<WorkspaceItem>, ApiError> {
    let actor = user.actor();
    let spaces = workspaces::list(&state.ctx, &actor).await?;
    let apps = applications::list(&state.ctx, &actor).await?;
    let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
    let mut tables_by_db = tables::by_database(&state.ctx, &ids).await?;
    Ok(spaces
        .into_iter()
        .map(|w| WorkspaceItem {
            id: w.workspace.id,
            name: w.workspace.name,
            is_admin: w.membership.is_admin(),
            member_count: w.members.len(),
            databases: apps
                .iter()
                .filter(|a| a.workspace_id == w.workspace.id && a.kind == "database")
                .map(|a| DatabaseItem {
                    id: a.id,
                    name: a.name.clone(),
                    tables: tables_by_db
                        .remove(&a.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| TableItem {
                            id: t.id,
                            name: t.name,
                            row_count: t.row_count,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect())
}

pub async fn page(State(state): State<AppState>, user: PageUser, csrf: Csrf) -> Response {
    render(&state, &user, &csrf, None, None).await
}

/// Renders the dashboard with an optional notice or error.
pub async fn render(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let loaded = async {
        let nav = Sidebar::load(state, user).await?;
        let invitations = invitations::described_for_user(&state.ctx, &user.actor()).await?;
        Ok::<_, ApiError>((nav, invitations))
    };
    match loaded.await {
        Ok((nav, invitations)) => {
            let status = if error.is_some() {
                axum::http::StatusCode::BAD_REQUEST
            } else {
                axum::http::StatusCode::OK
            };
            let page = DashboardPage {
                chrome: Chrome::signed_in(state, user, csrf).section("dashboard"),
                invitations: invitations
                    .into_iter()
                    .map(|i| InvitationItem {
                        id: i.invitation.id,
                        workspace: i.workspace_name,
                        invited_by: i.invited_by,
                        role: super::members::role_label(&i.invitation.permissions),
                        message: i.invitation.message,
                    })
                    .collect(),
                nav,
                notice,
                error,
            };
            (status, page).into_response()
        }
        Err(err) => super::render::api_error_page(err),
    }
}
