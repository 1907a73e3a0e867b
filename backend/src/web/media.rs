//! `/media/…`: exported files (`export_files/{name}`, attachments while their export is
//! finished) and user files (`user_files/{name}`, `thumbnails/{size}/{name}`). The random
//! name is the key (as in Baserow); anything not shaped like one is not found. Nothing is
//! ever served as active content: a sandboxing CSP and `nosniff` on every answer, and
//! only raster images (recognised by content on upload) shown inline — HTML, SVG and the
//! rest are attachments.

use super::state::AppState;
use crate::{
    database::export::download,
    error::{ApiError, Code},
    platform::user_files,
};
use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub async fn export_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let Some(file) = download::find(&state.ctx, &name).await? else {
        return Err(not_found());
    };
    let response = serve(&file.path, request).await?;
    Ok(with_headers(
        response,
        [
            (header::CONTENT_TYPE, file.content_type),
            (
                header::CONTENT_DISPOSITION,
                download::content_disposition(&file.file_name),
            ),
            (header::CONTENT_SECURITY_POLICY, SANDBOX.to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
    ))
}

/// A CSP under which a served file can run nothing and load nothing (an image shown on
/// its own still displays).
const SANDBOX: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/// An uploaded file: raster images inline, everything else as an attachment under the
/// name it was uploaded with.
pub async fn user_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = user_files::by_name(&state.ctx.db, &name)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(not_found)?;
    let Some(path) = user_files::path(&state.ctx.settings.media_dir, &file.name) else {
        return Err(not_found());
    };
    let (content_type, disposition) = if file.is_image {
        (file.mime_type.clone(), "inline".to_owned())
    } else {
        (
            "application/octet-stream".to_owned(),
            download::content_disposition(&file.original_name),
        )
    };
    let response = serve(&path, request).await?;
    Ok(with_headers(
        response,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, SANDBOX.to_owned()),
            (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
        ],
    ))
}

/// A thumbnail of an uploaded image (`tiny`, `small` or `card_cover`).
pub async fn thumbnail(
    State(state): State<AppState>,
    Path((size, name)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = user_files::by_name(&state.ctx.db, &name)
        .await
        .map_err(ApiError::from)?
        .filter(|f| f.is_image)
        .ok_or_else(not_found)?;
    let Some(path) = user_files::thumbnail_path(&state.ctx.settings.media_dir, &size, &file.name)
    else {
        return Err(not_found());
    };
    let response = serve(&path, request).await?;
    Ok(with_headers(
        response,
        [
            (header::CONTENT_TYPE, file.mime_type),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
            (header::CONTENT_SECURITY_POLICY, SANDBOX.to_owned()),
            (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
        ],
    ))
}

/// A stored file's name never points at other content, so browsers may keep it.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn not_found() -> ApiError {
    ApiError::new(Code::UrlNotFound, "The file does not exist.")
}

/// Streams a file (with HEAD, ranges and conditional requests); missing → not found.
async fn serve(path: &std::path::Path, request: Request) -> Result<Response, ApiError> {
    let Ok(response) = ServeFile::new(path).oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(not_found());
    }
    Ok(response.map(Body::new))
}

/// Sets `nosniff` and the given headers.
fn with_headers<const N: usize>(
    mut response: Response,
    pairs: [(header::HeaderName, String); N],
) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}
