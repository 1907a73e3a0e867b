//! `POST /session/token/`: a fresh access token for the page's script, from the session
//! cookie. Only the site's own script may ask: it must send `X-Requested-With: tessera`
//! (which a cross-site form cannot) and a same-origin `Origin`.

use super::{csrf, session::PageUser};
use crate::{
    error::{ApiError, Code},
    web::state::AppState,
};
use axum::{
    Json,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde_json::json;

pub async fn access_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Option<PageUser>,
) -> Response {
    let from_script = headers
        .get("x-requested-with")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "tessera");
    if !from_script || !csrf::origin_is_ours(&headers, &state) {
        return ApiError::new(
            Code::CsrfCheckFailed,
            "Only this site's own pages may ask for a token.",
        )
        .into_response();
    }
    let Some(user) = user else {
        return ApiError::new(
            Code::InvalidRefreshToken,
            "The session has ended; log in again.",
        )
        .into_response();
    };
    let access = user.access_token(&state);
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(json!({ "access_token": access })),
    )
        .into_response()
}
