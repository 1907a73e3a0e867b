//! `/media/export_files/{name}`: exported files, downloaded as attachments while their
//! export is finished. The random name is the key (as in Baserow); anything not shaped
//! like one, or of an expired export, is not found.

use super::state::AppState;
use crate::{
    database::export::download,
    error::{ApiError, Code},
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
    let not_found = || ApiError::new(Code::UrlNotFound, "The file does not exist.");
    let Some(file) = download::find(&state.ctx, &name).await? else {
        return Err(not_found());
    };
    // ServeFile streams the file and answers HEAD, ranges and conditional requests.
    let Ok(response) = ServeFile::new(&file.path).oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(not_found());
    }
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    let pairs = [
        (header::CONTENT_TYPE, file.content_type),
        (
            header::CONTENT_DISPOSITION,
            download::content_disposition(&file.file_name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}
