//! `Auth`: the user behind `Authorization: JWT …` (or `Bearer …`) plus the `WebSocketId`,
//! `ClientSessionId` and `ClientUndoRedoActionGroupId` headers.

use crate::{
    database::tokens::{self, KeyRejection, TokenError},
    error::{ApiError, Code},
    platform::{
        actions::ActionSession,
        auth::{Actor, AuthError},
        users,
    },
    web::state::AppState,
};
use axum::{extract::FromRequestParts, http::request::Parts};
use tracing::Instrument;

/// The authenticated caller; rejects with DRF's "credentials were not provided" or
/// `ERROR_INVALID_ACCESS_TOKEN`.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(AuthError::NotAuthenticated)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(AuthError::NotAuthenticated)?;
        if !scheme.eq_ignore_ascii_case("JWT") && !scheme.eq_ignore_ascii_case("Bearer") {
            return Err(AuthError::NotAuthenticated.into());
        }
        let user = users::authenticate_access(&state.ctx, token.trim()).await?;
        let websocket_id = parts
            .headers
            .get("websocketid")
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .map(str::to_owned);
        // Read only for JWT requests, as Baserow does: database tokens have no undo stack.
        let session = ActionSession::from_headers(
            parts.headers.get("clientsessionid").map(|v| v.as_bytes()),
            parts
                .headers
                .get("clientundoredoactiongroupid")
                .map(|v| v.as_bytes()),
        )?;
        Ok(Auth(Actor {
            user,
            websocket_id,
            token: None,
            session,
        }))
    }
}

/// The caller of an endpoint that also accepts database tokens (`Authorization: Token …`,
/// Baserow's row and field-listing endpoints). Token requests never carry a `WebSocketId`,
/// so their changes reach every socket.
pub struct AuthOrToken(pub Actor);

impl FromRequestParts<AppState> for AuthOrToken {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        async {
            match header.trim().split_once(' ') {
                Some((scheme, key)) if scheme.eq_ignore_ascii_case("Token") => {
                    let (user, grant) = tokens::authenticate(&state.ctx, key.trim())
                        .await
                        .map_err(token_rejection)?;
                    Ok(AuthOrToken(tokens::actor_for(user, grant)))
                }
                _ => Auth::from_request_parts(parts, state)
                    .await
                    .map(|Auth(actor)| AuthOrToken(actor)),
            }
        }
        .instrument(tracing::trace_span!(target: "tessera::phase", "auth"))
        .await
    }
}

/// A failed key as the API reports it.
pub fn token_rejection(rejection: KeyRejection) -> ApiError {
    match rejection {
        KeyRejection::Invalid => ApiError::new(Code::TokenAuthFailed, "The token does not exist."),
        KeyRejection::RateLimited(retry_after) => {
            ApiError::from(TokenError::RateLimited(retry_after))
        }
        KeyRejection::Failed(e) => ApiError::from(e),
    }
}

/// The caller when the request carries `Authorization`, else nobody (endpoints open to
/// anonymous callers that answer differently to a signed-in one). Bad credentials are still
/// refused rather than treated as anonymous.
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            return Ok(MaybeAuth(None));
        }
        let Auth(actor) = Auth::from_request_parts(parts, state).await?;
        Ok(MaybeAuth(Some(actor)))
    }
}
