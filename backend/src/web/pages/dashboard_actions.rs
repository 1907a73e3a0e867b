//! The dashboard's forms: create, rename, delete and reorder workspaces, databases and
//! tables; accept or decline an invitation. Each redirects back to the dashboard, or shows
//! it again with the error.

use super::{
    csrf::{Csrf, PageForm},
    dashboard::{self, WorkspaceItem},
    forms::{self, EmptyForm, MoveForm, NameForm},
    session::PageUser,
};
use crate::{
    database::tables::{self, InitialData},
    error::{ApiError, Code},
    platform::{
        applications,
        auth::Actor,
        workspaces::{self, invitations},
    },
    web::state::AppState,
};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};

/// What every dashboard form works with besides its own values: the signed-in user, and the
/// CSRF token for showing the dashboard again with an error.
pub struct Dashboard {
    state: AppState,
    user: PageUser,
    csrf: Csrf,
}

impl FromRequestParts<AppState> for Dashboard {
    /// Without a session: the way to the login page.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = PageUser::from_request_parts(parts, state).await?;
        let Ok(csrf) = Csrf::from_request_parts(parts, state).await;
        Ok(Self {
            state: state.clone(),
            user,
            csrf,
        })
    }
}

impl Dashboard {
    fn actor(&self) -> Actor {
        self.user.actor()
    }

    /// Back to the dashboard at the anchor `result` holds, or the dashboard with the error.
    async fn finish(&self, result: Result<String, impl Into<ApiError>>) -> Response {
        match result {
            Ok(anchor) => Redirect::to(&format!("/dashboard{anchor}")).into_response(),
            Err(err) => {
                let message = forms::message(&err.into());
                dashboard::render(&self.state, &self.user, &self.csrf, None, Some(message)).await
            }
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        Code::ApplicationDoesNotExist,
        "It no longer exists; reload the dashboard.",
    )
}

pub async fn create_workspace(page: Dashboard, PageForm(form): PageForm<NameForm>) -> Response {
    let result = workspaces::create(&page.state.ctx, &page.actor(), &form.name).await;
    page.finish(result.map(|w| format!("#ws-{}", w.workspace.id)))
        .await
}

pub async fn rename_workspace(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = workspaces::rename(&page.state.ctx, &page.actor(), id, &form.name).await;
    page.finish(result.map(|_| format!("#ws-{id}"))).await
}

pub async fn delete_workspace(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = workspaces::delete(&page.state.ctx, &page.actor(), id).await;
    page.finish(result.map(|_| String::new())).await
}

pub async fn move_workspace(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&page.state, &page.user).await?;
        let ids: Vec<i64> = list.iter().map(|w| w.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            workspaces::order(&page.state.ctx, &page.actor(), &order).await?;
        }
        Ok::<_, ApiError>(format!("#ws-{id}"))
    }
    .await;
    page.finish(result).await
}

pub async fn create_database(
    page: Dashboard,
    Path(workspace_id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = applications::create(
        &page.state.ctx,
        &page.actor(),
        workspace_id,
        &form.name,
        "database",
    )
    .await;
    page.finish(result.map(|_| format!("#ws-{workspace_id}")))
        .await
}

pub async fn rename_database(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = applications::rename(&page.state.ctx, &page.actor(), id, &form.name).await;
    page.finish(result.map(|a| format!("#ws-{}", a.workspace_id)))
        .await
}

pub async fn delete_database(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = applications::delete(&page.state.ctx, &page.actor(), id).await;
    page.finish(result.map(|_| String::new())).await
}

/// The workspace holding database `id`, from the dashboard's data.
fn workspace_of_database(list: &[WorkspaceItem], id: i64) -> Option<&WorkspaceItem> {
    list.iter().find(|w| w.databases.iter().any(|d| d.id == id))
}

pub async fn move_database(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&page.state, &page.user).await?;
        let ws = workspace_of_database(&list, id).ok_or_else(not_found)?;
        let ids: Vec<i64> = ws.databases.iter().map(|d| d.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            applications::order(&page.state.ctx, &page.actor(), ws.id, &order).await?;
        }
        Ok::<_, ApiError>(format!("#ws-{}", ws.id))
    }
    .await;
    page.finish(result).await
}

pub async fn create_table(
    page: Dashboard,
    Path(database_id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = tables::create(
        &page.state.ctx,
        &page.actor(),
        database_id,
        &form.name,
        InitialData::Default,
    )
    .await;
    page.finish(result.map(|t| format!("#t-{}", t.id))).await
}

pub async fn rename_table(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = tables::rename(&page.state.ctx, &page.actor(), id, &form.name).await;
    page.finish(result.map(|t| format!("#t-{}", t.id))).await
}

pub async fn delete_table(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = tables::delete(&page.state.ctx, &page.actor(), id).await;
    page.finish(result.map(|_| String::new())).await
}

pub async fn move_table(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&page.state, &page.user).await?;
        let db = list
            .iter()
            .flat_map(|w| w.databases.iter())
            .find(|d| d.tables.iter().any(|t| t.id == id))
            .ok_or_else(not_found)?;
        let ids: Vec<i64> = db.tables.iter().map(|t| t.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            tables::order(&page.state.ctx, &page.actor(), db.id, &order).await?;
        }
        Ok::<_, ApiError>(format!("#t-{id}"))
    }
    .await;
    page.finish(result).await
}

/// Accepts an invitation to the signed-in user's email; the dashboard then shows the
/// workspace joined.
pub async fn accept_invitation(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = invitations::accept(&page.state.ctx, &page.actor(), id).await;
    page.finish(result.map(|w| format!("#ws-{}", w.workspace.id)))
        .await
}

pub async fn decline_invitation(
    page: Dashboard,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = invitations::reject(&page.state.ctx, &page.actor(), id).await;
    page.finish(result.map(|_| String::new())).await
}
