//! `ApiPath<T>`: path parameters; a malformed id is an unknown URL (404), as in Baserow.

use crate::error::{ApiError, Code};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(_) => {
                let shown: String = parts
                    .uri
                    .path()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(500)
                    .collect();
                Err(ApiError::new(
                    Code::UrlNotFound,
                    format!("URL {shown} not found."),
                ))
            }
        }
    }
}
