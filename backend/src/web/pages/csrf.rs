//! CSRF protection of HTML forms: a random `tessera_csrf` cookie, a hidden `csrf` field
//! holding an HMAC of it (so a page on another site can neither read nor forge it), and a
//! same-origin check of `Origin` / `Referer` on every POST.

use super::{render::error_page, session};
use crate::web::state::AppState;
use axum::{
    extract::{FromRequest, FromRequestParts, Request, State},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

pub const CSRF_COOKIE: &str = "tessera_csrf";

/// The request's CSRF cookie value (set by [`layer`] when the browser had none).
#[derive(Clone)]
struct CsrfCookie(String);

/// The token to put in a form's hidden `csrf` field.
pub struct Csrf(pub String);

impl FromRequestParts<AppState> for Csrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let cookie = parts
            .extensions
            .get::<CsrfCookie>()
            .map(|c| c.0.clone())
            .or_else(|| session::cookie(&parts.headers, CSRF_COOKIE))
            .unwrap_or_default();
        Ok(Csrf(token_for(&state.ctx.settings.secret_key, &cookie)))
    }
}

fn token_for(secret: &str, cookie: &str) -> String {
    let key = format!("tessera.csrf.{secret}");
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(cookie.as_bytes());
            B64.encode(mac.finalize().into_bytes())
        }
        // HMAC accepts keys of any length.
        Err(_) => String::new(),
    }
}

fn valid_cookie(value: &str) -> bool {
    (20..=100).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware of every page: gives the browser a CSRF cookie when it has none, and
/// refuses cross-site POSTs (by `Origin`, else `Referer`) before any handler runs.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == Method::POST && !same_origin(request.headers(), &state) {
        return refused();
    }
    let existing =
        session::cookie(request.headers(), CSRF_COOKIE).filter(|value| valid_cookie(value));
    let fresh = existing.is_none();
    let value = existing.unwrap_or_else(|| {
        format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
    });
    let secure = session::is_https(request.headers(), &state);
    request.extensions_mut().insert(CsrfCookie(value.clone()));
    let mut response = next.run(request).await;
    if fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(CSRF_COOKIE, &value, None, secure),
        );
    }
    response
}

/// Whether the request's `Origin` (or, lacking it, `Referer`) is this site. Requests with
/// neither (old browsers, privacy settings) still need the form token.
pub fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let allowed = allowed_origins(headers, state);
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        return allowed.iter().any(|a| a == origin);
    }
    if let Some(referer) = headers.get(header::REFERER) {
        let referer = referer.to_str().unwrap_or("");
        return allowed
            .iter()
            .any(|a| referer == a || referer.starts_with(&format!("{a}/")));
    }
    true
}

/// Whether the request carries an `Origin` header naming this site (stricter than
/// [`same_origin`]: for JSON endpoints a browser always sends it).
pub fn origin_is_ours(headers: &HeaderMap, state: &AppState) -> bool {
    let allowed = allowed_origins(headers, state);
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| allowed.iter().any(|a| a == o))
}

/// The public URL's origin, and the origin the request was addressed to.
fn allowed_origins(headers: &HeaderMap, state: &AppState) -> Vec<String> {
    let mut allowed = Vec::new();
    if let Ok(url) = url::Url::parse(&state.ctx.settings.public_url) {
        allowed.push(url.origin().ascii_serialization());
    }
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        let scheme = if session::is_https(headers, state) {
            "https"
        } else {
            "http"
        };
        allowed.push(format!("{scheme}://{host}"));
    }
    allowed
}

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "This form could not be accepted",
        "It expired or was sent from another site. Go back, reload the page and try again.",
    )
    .into_response()
}

/// An HTML form body whose hidden `csrf` field matches the browser's CSRF cookie.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let cookie = session::cookie(request.headers(), CSRF_COOKIE).unwrap_or_default();
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let expected = token_for(&state.ctx.settings.secret_key, &cookie);
        if cookie.is_empty() || !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(refused());
        }
        // Re-read the body as a form (axum's `Form` parses only whole requests).
        let again = Request::builder()
            .method(Method::POST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(bytes))
            .map_err(|_| refused())?;
        let axum::Form(value) = axum::Form::<T>::from_request(again, &())
            .await
            .map_err(|e| {
                error_page(
                    StatusCode::BAD_REQUEST,
                    "This form was incomplete",
                    &format!(
                        "Reload the page and fill the form in again ({}).",
                        e.body_text()
                    ),
                )
                .into_response()
            })?;
        Ok(PageForm(value))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_depend_on_cookie_and_secret() {
        let a = token_for("s", "cookie-one-aaaaaaaaaaaaaaaa");
        assert_eq!(a, token_for("s", "cookie-one-aaaaaaaaaaaaaaaa"));
        assert_ne!(a, token_for("s", "cookie-two-aaaaaaaaaaaaaaaa"));
        assert_ne!(a, token_for("t", "cookie-one-aaaaaaaaaaaaaaaa"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!valid_cookie("short"));
        assert!(!valid_cookie("has spaces and ; semicolons 0123456789"));
    }
}
