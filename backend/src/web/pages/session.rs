//! The browser session: cookie `tessera_session` holding a refresh-type JWT, and the
//! `PageUser` / `MaybePageUser` extractors of server-rendered pages.
//!
//! A refresh token (not an access token) lives in the cookie so that the page can mint
//! short-lived access tokens for its script, while password changes (auth epoch) and log
//! outs (blacklist) still end the browser session.

use crate::{
    platform::{
        auth::{
            Actor,
            jwt::{self, TokenType},
        },
        users::{self, User},
    },
    web::state::AppState,
};
use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::{HeaderMap, HeaderValue, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use std::convert::Infallible;

pub const SESSION_COOKIE: &str = "tessera_session";

/// The signed-in user of a page; redirects to `/login?next=…` when there is none.
pub struct PageUser {
    pub user: User,
    /// The refresh token from the cookie (blacklisted on log out).
    pub session_token: String,
}

impl PageUser {
    /// The user as a service caller. Pages carry no `WebSocketId`, so their changes reach
    /// every open tab.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.clone(),
            websocket_id: None,
            session: None,
            token: None,
        }
    }

    /// A fresh access token for the page's script.
    pub fn access_token(&self, state: &AppState) -> String {
        jwt::issue(
            &state.ctx.settings,
            TokenType::Access,
            self.user.id,
            self.user.auth_epoch,
        )
    }
}

/// The signed-in user, if any (log-in and public pages).
pub struct MaybePageUser(pub Option<PageUser>);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_user(&parts.headers, state).await {
            Some(user) => Ok(user),
            None => {
                let here = parts
                    .uri
                    .path_and_query()
                    .map(|pq| pq.as_str())
                    .unwrap_or("/");
                Err(Redirect::to(&login_url(Some(here))).into_response())
            }
        }
    }
}

impl FromRequestParts<AppState> for MaybePageUser {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(MaybePageUser(session_user(&parts.headers, state).await))
    }
}

impl OptionalFromRequestParts<AppState> for PageUser {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Infallible> {
        Ok(session_user(&parts.headers, state).await)
    }
}

/// The user behind the session cookie, when it holds a valid, not logged-out token.
async fn session_user(headers: &HeaderMap, state: &AppState) -> Option<PageUser> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let user = users::verify_refresh(&state.ctx, &token).await.ok()?;
    Some(PageUser {
        user,
        session_token: token,
    })
}

/// `/login`, with `next` when it is a safe place to come back to.
pub fn login_url(next: Option<&str>) -> String {
    match next.and_then(safe_next) {
        Some(next) if next != "/" => format!("/login?next={}", encode(next)),
        _ => "/login".to_owned(),
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `next` only when it is a path on this site: starts with one `/`, no scheme, no host,
/// no backslashes (browsers read `/\evil` as `//evil`), no control characters.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(next)
}

/// One cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether cookies must carry `Secure`: the public URL is https, or the proxy says the
/// request came over https.
pub fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.ctx.settings.public_url.starts_with("https://")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for an httpOnly, SameSite=Lax cookie on the whole site.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<u64>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    // Names and values are base64/JWT characters only.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The cookie that starts a session for `refresh_token`.
pub fn session_cookie(refresh_token: &str, headers: &HeaderMap, state: &AppState) -> HeaderValue {
    let age = state.ctx.settings.refresh_token_lifetime.as_secs();
    set_cookie(
        SESSION_COOKIE,
        refresh_token,
        Some(age),
        is_https(headers, state),
    )
}

/// The cookie that ends the session.
pub fn clear_session_cookie(headers: &HeaderMap, state: &AppState) -> HeaderValue {
    set_cookie(SESSION_COOKIE, "", Some(0), is_https(headers, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next("/dashboard"), Some("/dashboard"));
        assert_eq!(safe_next("/a?b=c"), Some("/a?b=c"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
        assert_eq!(login_url(Some("https://evil.example")), "/login");
        assert_eq!(login_url(Some("/x?y=1")), "/login?next=%2Fx%3Fy%3D1");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tessera_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
