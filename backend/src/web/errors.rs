//! Errors as HTTP responses: `ApiError` → JSON, unknown URLs, and axum's own bare errors.

use super::{routes, state::AppState};
use crate::error::{ApiError, Code};
use axum::{
    Json,
    extract::State,
    http::{StatusCode, Uri, header},
    response::{IntoResponse, Response},
};

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = self.code.as_str(), cause = ?self.source, "request failed");
        }
        let mut response = (status, Json(self.body())).into_response();
        if let Some(retry_after) = self.retry_after()
            && let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self.code == Code::NotAuthenticated {
            // DRF advertises the scheme, which is why this is 401 rather than 403.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("JWT realm=\"api\""),
            );
        }
        response
    }
}

/// Fallback: an API URL that only lacks its trailing slash gets Baserow's hint; a URL
/// outside the API gets an HTML page.
pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path();
    if !path.starts_with("/api/") && !path.starts_with("/ws/") && !path.starts_with("/media/") {
        return super::pages::render::not_found_page();
    }
    api_not_found(&state, path).into_response()
}

fn api_not_found(state: &AppState, path: &str) -> ApiError {
    let with_slash = format!("{path}/");
    if !path.ends_with('/')
        && state
            .route_patterns
            .iter()
            .any(|p| routes::matches(p, &with_slash))
    {
        return ApiError::new(
            Code::UrlTrailingSlashMissing,
            "A valid URL must end with a trailing slash. Please, redirect requests to a URL ending with a slash.",
        );
    }
    let shown: String = path.chars().filter(|c| !c.is_control()).take(500).collect();
    ApiError::new(Code::UrlNotFound, format!("URL {shown} not found."))
}

/// Gives axum's own plain responses (405, 413, 415) the API's JSON shape.
pub async fn json_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !status.is_client_error() || is_json {
        return response;
    }
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => Code::RequestBodyTooLarge,
        _ => return response,
    };
    let detail = match code {
        Code::MethodNotAllowed => "This method is not allowed on this URL.",
        _ => "The request body is too large.",
    };
    let mut fresh = ApiError::new(code, detail).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fresh.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fresh
}
