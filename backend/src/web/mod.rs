//! The HTTP layer (feature `web`): JSON API, docs, and the server itself.

mod api;
mod errors;
mod extract;
mod media;
mod openapi;
pub mod pages;
mod routes;
mod state;
mod trace;
mod ws;

pub use state::AppState;

use crate::context::AppContext;
use axum::{Router, extract::DefaultBodyLimit, middleware};
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let max_body = state.ctx.settings.max_body_bytes;
    api::routes()
        .into_router()
        .route("/ws/core/", axum::routing::get(ws::upgrade))
        .route(
            "/media/export_files/{name}",
            axum::routing::get(media::export_file),
        )
        .route(
            "/media/user_files/{name}",
            axum::routing::get(media::user_file),
        )
        .route(
            "/media/thumbnails/{size}/{name}",
            axum::routing::get(media::thumbnail),
        )
        .merge(openapi::docs_router())
        .merge(pages::router(state.clone()))
        .fallback(errors::not_found)
        .layer(middleware::map_response(errors::json_for_bare_errors))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TraceLayer::new_for_http().make_span_with(trace::make_span))
        .with_state(state)
}

/// Every API route pattern (for documentation checks).
pub fn route_patterns() -> Vec<&'static str> {
    api::routes().patterns()
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    ctx: AppContext,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState::new(ctx, api::routes().patterns());
    // Read before any socket can open a page (see `Fence::start`).
    let fence = crate::realtime::access::Fence::start(&state.ctx).await;
    // Every backend listens for realtime messages for as long as it serves.
    let subscriber = tokio::spawn(crate::realtime::hub::run_subscriber(
        state.ctx.clone(),
        state.hub.clone(),
        fence,
    ));
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    subscriber.abort();
    served
}
