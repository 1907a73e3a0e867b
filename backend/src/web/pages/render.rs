//! What every page shares: the layout's data (`Chrome`), the script bootstrap JSON, the
//! error page and the security headers.

use super::{csrf::Csrf, session::PageUser};
use crate::web::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

/// The layout's data, a field named `chrome` of every page template.
pub struct Chrome {
    /// The signed-in user's name and email, for the top bar.
    pub user: Option<NavUser>,
    /// The token for hidden `csrf` form fields.
    pub csrf: String,
    /// What the page's script reads from `<script type="application/json" id="bootstrap">`.
    pub bootstrap: Option<Map<String, Value>>,
    /// Which top-bar link is the current page (`dashboard`, `trash`, `settings`).
    pub section: &'static str,
}

pub struct NavUser {
    pub name: String,
    pub email: String,
}

impl Chrome {
    /// A page without a signed-in user (log in, sign up, public views).
    pub fn anonymous(csrf: &Csrf) -> Self {
        Self {
            user: None,
            csrf: csrf.0.clone(),
            bootstrap: None,
            section: "",
        }
    }

    /// A signed-in page. Its bootstrap carries a fresh access token and the user, which
    /// `frontend/static/js/session.js` uses to call the API.
    pub fn signed_in(state: &AppState, user: &PageUser, csrf: &Csrf) -> Self {
        let mut bootstrap = Map::new();
        bootstrap.insert("access_token".into(), json!(user.access_token(state)));
        bootstrap.insert(
            "user".into(),
            json!({ "id": user.user.id, "first_name": user.user.first_name, "email": user.user.email }),
        );
        Self {
            user: Some(NavUser {
                name: user.user.first_name.clone(),
                email: user.user.email.clone(),
            }),
            csrf: csrf.0.clone(),
            bootstrap: Some(bootstrap),
            section: "",
        }
    }

    pub fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }

    /// Adds `key` to the bootstrap JSON.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.bootstrap
            .get_or_insert_with(Map::new)
            .insert(key.to_owned(), value);
        self
    }

    /// The bootstrap JSON, safe inside `<script type="application/json">`.
    pub fn bootstrap_json(&self) -> String {
        self.bootstrap
            .as_ref()
            .map(|b| script_json(&Value::Object(b.clone())))
            .unwrap_or_default()
    }
}

/// JSON that cannot end its `<script>` element or open a comment: `<`, `>`, `&` and the
/// JavaScript line separators become `\uXXXX` escapes, which parse back to the same data.
pub fn script_json(value: &Value) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub title: String,
    pub message: String,
}

/// A page that says what went wrong and what to do, with `status`.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        chrome: Chrome {
            user: None,
            csrf: String::new(),
            bootstrap: None,
            section: "",
        },
        title: title.to_owned(),
        message: message.to_owned(),
    };
    (status, page).into_response()
}

/// A service error as a page: its status and message, logged when it is the server's fault.
pub fn api_error_page(err: crate::error::ApiError) -> Response {
    let status =
        StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!(code = err.code.as_str(), cause = ?err.source, "page failed");
        return error_page(
            status,
            "Something went wrong",
            "The page could not be loaded. Try again in a moment.",
        );
    }
    error_page(
        status,
        "This page cannot be shown",
        &super::forms::message(&err),
    )
}

/// The page for a URL nothing answers.
pub fn not_found_page() -> Response {
    let mut response = error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "This page does not exist, or you do not have access to it. Go back to the dashboard.",
    );
    add_security_headers(&mut response);
    response
}

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Middleware of every page: CSP, no sniffing, no cross-site referrers, no framing, no caching
/// of pages that show private data.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(&mut response);
    response
}

/// The page security headers, for responses made outside the pages router.
pub fn add_security_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_break_out_and_round_trips() {
        let value = json!({ "name": "</script><!-- & \u{2028}" });
        let out = script_json(&value);
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap_or_default(),
            value
        );
    }
}
