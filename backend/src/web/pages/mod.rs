//! Server-rendered pages (askama templates in `frontend/templates/pages/`): the session
//! cookie, CSRF-checked forms, security headers and static files.
//!
//! Every page template has a `chrome: render::Chrome` field that `pages/base.html` reads.
//! Handlers call the same services as the API; nothing here calls the API over HTTP.

pub mod assets;
pub mod auth;
pub mod csrf;
pub mod dashboard;
pub mod forms;
pub mod render;
pub mod session;
pub mod token;

use super::state::AppState;
use axum::{
    Router, middleware,
    routing::{get, post},
};

/// Every page route, with CSRF cookie and security headers; static files under `/static`.
pub fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(dashboard::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/logout", post(auth::logout))
        .route("/dashboard", get(dashboard::page))
        .route("/session/token/", post(token::access_token))
        .layer(middleware::from_fn_with_state(state, csrf::layer))
        .layer(middleware::from_fn(render::security_headers));
    pages.merge(assets::router())
}
