//! Server-rendered pages (askama templates in `frontend/templates/pages/`): the session
//! cookie, CSRF-checked forms, security headers and static files.
//!
//! Every page template has a `chrome: render::Chrome` field that `pages/base.html` reads.
//! Handlers call the same services as the API; nothing here calls the API over HTTP.

pub mod account_links;
pub mod assets;
pub mod auth;
pub mod cells;
pub mod csrf;
pub mod dashboard;
pub mod dashboard_actions;
pub mod forms;
pub mod members;
pub mod public_cards;
pub mod public_views;
pub mod render;
pub mod session;
pub mod settings;
pub mod sidebar;
pub mod table;
pub mod token;
pub mod trash;

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
        .merge(dashboard_routes())
        .merge(settings_routes())
        .merge(members_routes())
        .route(
            "/forgot-password",
            get(account_links::forgot_page).post(account_links::forgot),
        )
        .route(
            "/reset-password/{token}",
            get(account_links::reset_page).post(account_links::reset),
        )
        .route(
            "/verify-email-address/{token}",
            get(account_links::verify_email_page).post(account_links::verify_email),
        )
        .route(
            "/workspace-invitation/{token}",
            get(account_links::invitation_page),
        )
        .route(
            "/workspace-invitation/{token}/accept",
            post(account_links::accept),
        )
        .route(
            "/workspace-invitation/{token}/decline",
            post(account_links::decline),
        )
        .route("/trash", get(trash::page))
        .route("/trash/restore", post(trash::restore))
        .route("/trash/empty", post(trash::empty))
        .route("/public/grid/{slug}", get(public_views::grid))
        .route("/public/gallery/{slug}", get(public_cards::gallery))
        .route("/public/kanban/{slug}", get(public_cards::kanban))
        .route("/public/calendar/{slug}", get(public_cards::calendar))
        .route("/public/view/{slug}/auth", post(public_views::authenticate))
        .route(
            "/form/{slug}",
            get(public_views::form_page).post(public_views::form_submit),
        )
        .route("/database/{database}/table/{table}", get(table::first_view))
        .route(
            "/database/{database}/table/{table}/{view}",
            get(table::view),
        )
        .route(
            "/database/{database}/table/{table}/{view}/row/{row}",
            get(table::row),
        )
        .route(
            "/database/{database}/table/{table}/row/{row}",
            get(table::first_view_row),
        )
        .layer(middleware::from_fn_with_state(state, csrf::layer))
        // JSON for scripts, with its own stricter origin check (outside the form layer).
        .route("/session/token/", post(token::access_token))
        .layer(middleware::from_fn(render::security_headers));
    pages.merge(assets::router())
}

fn dashboard_routes() -> Router<AppState> {
    use dashboard_actions as a;
    Router::new()
        .route("/dashboard/workspaces", post(a::create_workspace))
        .route(
            "/dashboard/workspaces/{id}/rename",
            post(a::rename_workspace),
        )
        .route(
            "/dashboard/workspaces/{id}/delete",
            post(a::delete_workspace),
        )
        .route("/dashboard/workspaces/{id}/move", post(a::move_workspace))
        .route(
            "/dashboard/workspaces/{id}/databases",
            post(a::create_database),
        )
        .route("/dashboard/databases/{id}/rename", post(a::rename_database))
        .route("/dashboard/databases/{id}/delete", post(a::delete_database))
        .route("/dashboard/databases/{id}/move", post(a::move_database))
        .route("/dashboard/databases/{id}/tables", post(a::create_table))
        .route("/dashboard/tables/{id}/rename", post(a::rename_table))
        .route("/dashboard/tables/{id}/delete", post(a::delete_table))
        .route("/dashboard/tables/{id}/move", post(a::move_table))
        .route(
            "/dashboard/invitations/{id}/accept",
            post(a::accept_invitation),
        )
        .route(
            "/dashboard/invitations/{id}/decline",
            post(a::decline_invitation),
        )
}

fn members_routes() -> Router<AppState> {
    use members as m;
    Router::new()
        .route("/workspace/{id}/members", get(m::page))
        .route(
            "/workspace/{id}/members/{member}/role",
            post(m::change_role),
        )
        .route(
            "/workspace/{id}/members/{member}/remove",
            post(m::remove_member),
        )
        .route("/workspace/{id}/leave", post(m::leave))
        .route("/workspace/{id}/invitations", post(m::invite))
        .route(
            "/workspace/{id}/invitations/{invitation}/resend",
            post(m::resend_invitation),
        )
        .route(
            "/workspace/{id}/invitations/{invitation}/cancel",
            post(m::cancel_invitation),
        )
}

fn settings_routes() -> Router<AppState> {
    use settings as s;
    Router::new()
        .route("/settings", get(s::index))
        .route("/settings/account", get(s::account).post(s::save_name))
        .route("/settings/password", post(s::change_password))
        .route(
            "/settings/tokens",
            get(s::tokens_list).post(s::token_create),
        )
        .route("/settings/tokens/{id}", post(s::token_update))
        .route("/settings/tokens/{id}/rotate", post(s::token_rotate))
        .route("/settings/tokens/{id}/delete", post(s::token_delete))
        .route("/settings/webhooks", get(s::webhooks_list))
        .route("/settings/webhooks/table/{id}", post(s::webhook_create))
        .route("/settings/webhooks/{id}", post(s::webhook_update))
        .route("/settings/webhooks/{id}/delete", post(s::webhook_delete))
}
