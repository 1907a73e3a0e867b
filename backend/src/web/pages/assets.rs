//! `/static/…`: CSS, JavaScript and images from the frontend directory
//! (`TESSERA_FRONTEND_DIR`, else the repository's `frontend/` found from the working
//! directory or the binary's location).

use axum::{
    Router,
    http::{HeaderValue, header},
};
use std::path::{Path, PathBuf};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// The frontend directory holding `static/` (and, at build time, `templates/`).
pub fn frontend_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TESSERA_FRONTEND_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        candidates.extend(cwd.ancestors().map(|d| d.join("frontend")));
    }
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|d| d.join("frontend")));
    }
    // Where the sources were at build time (development and tests).
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend"));
    candidates
        .into_iter()
        .find(|d| d.join("static").is_dir())
        .unwrap_or_else(|| PathBuf::from("frontend"))
}

/// Serves `<frontend>/static`. Browsers revalidate every time (`no-cache` with
/// `Last-Modified`), so a deploy is seen at once while unchanged files cost a 304.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let dir = frontend_dir().join("static");
    Router::new().nest_service(
        "/static",
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .service(ServeDir::new(dir)),
    )
}
