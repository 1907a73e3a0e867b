//! `PATCH /api/user/undo/` and `/api/user/redo/`: replay the newest action of the caller's
//! tab (`ClientSessionId`) in the scopes the page names.

use crate::{
    error::ApiError,
    platform::actions::{self, Outcome, Scopes},
    web::{
        extract::{ApiJson, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoRedoBody {
    /// `{"root": true, "workspace": 1, "application": 2, "table": 3, "view": 4}`.
    scopes: Scopes,
}

#[utoipa::path(patch, path = "/api/user/undo/", tag = "User", request_body = UndoRedoBody,
    params(("ClientSessionId" = String, Header, description = "The tab whose action is undone")),
    responses((status = 200, description = "`{actions: [{action_type, action_scope}], result_code}`"),
        (status = 400, description = "`ERROR_CLIENT_SESSION_ID_HEADER_NOT_SET`"),
        (status = 409, description = "`ERROR_UNDO_REDO_LOCK_CONFLICT`")),
    security(("jwt" = [])))]
pub async fn undo(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<UndoRedoBody>,
) -> Result<Json<Outcome>, ApiError> {
    Ok(Json(actions::undo(&state.ctx, &actor, &body.scopes).await?))
}

#[utoipa::path(patch, path = "/api/user/redo/", tag = "User", request_body = UndoRedoBody,
    params(("ClientSessionId" = String, Header, description = "The tab whose action is redone")),
    responses((status = 200, description = "`{actions: [{action_type, action_scope}], result_code}`"),
        (status = 400, description = "`ERROR_CLIENT_SESSION_ID_HEADER_NOT_SET`"),
        (status = 409, description = "`ERROR_UNDO_REDO_LOCK_CONFLICT`")),
    security(("jwt" = [])))]
pub async fn redo(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<UndoRedoBody>,
) -> Result<Json<Outcome>, ApiError> {
    Ok(Json(actions::redo(&state.ctx, &actor, &body.scopes).await?))
}
