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
        workspaces::{self, invitations},
    },
    web::state::AppState,
};
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};

/// Back to the dashboard at `anchor`, or the dashboard with the error.
async fn finish(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    result: Result<String, ApiError>,
) -> Response {
    match result {
        Ok(anchor) => Redirect::to(&format!("/dashboard{anchor}")).into_response(),
        Err(err) => dashboard::render(state, user, csrf, None, Some(forms::message(&err))).await,
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        Code::ApplicationDoesNotExist,
        "It no longer exists; reload the dashboard.",
    )
}

pub async fn create_workspace(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = workspaces::create(&state.ctx, &user.actor(), &form.name)
        .await
        .map(|w| format!("#ws-{}", w.workspace.id))
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn rename_workspace(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = workspaces::rename(&state.ctx, &user.actor(), id, &form.name)
        .await
        .map(|_| format!("#ws-{id}"))
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn delete_workspace(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = workspaces::delete(&state.ctx, &user.actor(), id)
        .await
        .map(|_| String::new())
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn move_workspace(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&state, &user).await?;
        let ids: Vec<i64> = list.iter().map(|w| w.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            workspaces::order(&state.ctx, &user.actor(), &order).await?;
        }
        Ok(format!("#ws-{id}"))
    }
    .await;
    finish(&state, &user, &csrf, result).await
}

pub async fn create_database(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(workspace_id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = applications::create(
        &state.ctx,
        &user.actor(),
        workspace_id,
        &form.name,
        "database",
    )
    .await
    .map(|_| format!("#ws-{workspace_id}"))
    .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn rename_database(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = applications::rename(&state.ctx, &user.actor(), id, &form.name)
        .await
        .map(|a| format!("#ws-{}", a.workspace_id))
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn delete_database(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = applications::delete(&state.ctx, &user.actor(), id)
        .await
        .map(|_| String::new())
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

/// The workspace holding database `id`, from the dashboard's data.
fn workspace_of_database(list: &[WorkspaceItem], id: i64) -> Option<&WorkspaceItem> {
    list.iter().find(|w| w.databases.iter().any(|d| d.id == id))
}

pub async fn move_database(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&state, &user).await?;
        let ws = workspace_of_database(&list, id).ok_or_else(not_found)?;
        let ids: Vec<i64> = ws.databases.iter().map(|d| d.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            applications::order(&state.ctx, &user.actor(), ws.id, &order).await?;
        }
        Ok(format!("#ws-{}", ws.id))
    }
    .await;
    finish(&state, &user, &csrf, result).await
}

pub async fn create_table(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(database_id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = tables::create(
        &state.ctx,
        &user.actor(),
        database_id,
        &form.name,
        InitialData::Default,
    )
    .await
    .map(|t| format!("#t-{}", t.id))
    .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn rename_table(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<NameForm>,
) -> Response {
    let result = tables::rename(&state.ctx, &user.actor(), id, &form.name)
        .await
        .map(|t| format!("#t-{}", t.id))
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn delete_table(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = tables::delete(&state.ctx, &user.actor(), id)
        .await
        .map(|_| String::new())
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn move_table(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<MoveForm>,
) -> Response {
    let result = async {
        let list = dashboard::load(&state, &user).await?;
        let db = list
            .iter()
            .flat_map(|w| w.databases.iter())
            .find(|d| d.tables.iter().any(|t| t.id == id))
            .ok_or_else(not_found)?;
        let ids: Vec<i64> = db.tables.iter().map(|t| t.id).collect();
        if let Some(order) = forms::moved(&ids, id, &form.direction) {
            tables::order(&state.ctx, &user.actor(), db.id, &order).await?;
        }
        Ok(format!("#t-{id}"))
    }
    .await;
    finish(&state, &user, &csrf, result).await
}

/// Accepts an invitation to the signed-in user's email; the dashboard then shows the
/// workspace joined.
pub async fn accept_invitation(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = invitations::accept(&state.ctx, &user.actor(), id)
        .await
        .map(|w| format!("#ws-{}", w.workspace.id))
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}

pub async fn decline_invitation(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = invitations::reject(&state.ctx, &user.actor(), id)
        .await
        .map(|_| String::new())
        .map_err(ApiError::from);
    finish(&state, &user, &csrf, result).await
}
