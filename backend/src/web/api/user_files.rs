//! `/api/user-files/upload-file/` (multipart) and `/api/user-files/upload-via-url/`:
//! files to attach to rows, answered in Baserow's shape; and the upload of a shared form.

use crate::{
    database::views::form,
    error::{ApiError, Detail},
    platform::user_files::{self, Uploader, UserFileError},
    web::{
        extract::{ApiJson, ApiPath, AuthOrToken, ClientIp},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderMap, header::CONTENT_LENGTH},
};
use serde_json::Value;

/// Room for the multipart framing around the file itself.
const FRAMING_BYTES: u64 = 64 * 1024;

#[utoipa::path(post, path = "/api/user-files/upload-file/", tag = "User files",
    request_body(content_type = "multipart/form-data", description = "A `file` part"),
    responses((status = 200, description = "`{size, mime_type, is_image, image_width, image_height, uploaded_at, url, thumbnails, name, original_name}`"),
        (status = 400, description = "`ERROR_INVALID_FILE`"),
        (status = 413, description = "`ERROR_FILE_SIZE_TOO_LARGE`, `ERROR_USER_FILE_QUOTA_EXCEEDED`")),
    security(("jwt" = [])))]
pub async fn upload_file(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    receive(&state, Uploader::User(actor.id()), &headers, multipart).await
}

#[utoipa::path(post, path = "/api/user-files/upload-via-url/", tag = "User files",
    request_body(content = Object, description = "`{url}`: an http(s) URL of a public server"),
    responses((status = 200, description = "The user file, as `upload-file/` answers"),
        (status = 400, description = "`ERROR_INVALID_FILE_URL`, `ERROR_FILE_URL_COULD_NOT_BE_REACHED`"),
        (status = 413, description = "`ERROR_FILE_SIZE_TOO_LARGE`, `ERROR_USER_FILE_QUOTA_EXCEEDED`"),
        (status = 429, description = "`ERROR_RATE_LIMIT_EXCEEDED`")),
    security(("jwt" = [])))]
pub async fn upload_via_url(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let Some(url) = body.get("url").and_then(Value::as_str) else {
        return Err(ApiError::validation(Detail::field(
            "url",
            "required",
            "This field is required.",
        )));
    };
    let file = user_files::upload_via_url(&state.ctx, actor.id(), url).await?;
    Ok(Json(file.to_json()))
}

/// A visitor's upload to a shared form that has a file field.
#[utoipa::path(post, path = "/api/database/views/form/{slug}/upload-file/", tag = "Shared views",
    params(("slug" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "A `file` part"),
    responses((status = 200, description = "The user file, as `/api/user-files/upload-file/` answers"),
        (status = 404, description = "`ERROR_VIEW_DOES_NOT_EXIST`: no such shared form, or it asks for no file"),
        (status = 413, description = "`ERROR_FILE_SIZE_TOO_LARGE`")))]
pub async fn form_upload_file(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    let token = super::database::public_views::view_token(&headers);
    form::check_upload(&state.ctx, &slug, token.as_deref(), client).await?;
    receive(&state, Uploader::PublicForm, &headers, multipart).await
}

/// Stores the `file` part of a multipart body.
async fn receive(
    state: &AppState,
    uploader: Uploader,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    let max = state.ctx.settings.user_files.max_bytes;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Refused before a byte is read when the client says up front that it is too large.
    if declared.is_some_and(|n| n > max.saturating_add(FRAMING_BYTES)) {
        return Err(UserFileError::TooLarge(max / (1024 * 1024)).into());
    }
    let mut multipart = multipart.map_err(|_| UserFileError::InvalidFile)?;
    loop {
        let Some(field) = multipart
            .next_field()
            .await
            .map_err(|_| UserFileError::InvalidFile)?
        else {
            return Err(UserFileError::InvalidFile.into());
        };
        if field.name() == Some("file") {
            let name = field.file_name().map(str::to_owned);
            let file = user_files::upload(&state.ctx, uploader, name.as_deref(), field).await?;
            return Ok(Json(file.to_json()));
        }
    }
}
