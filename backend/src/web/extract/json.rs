//! `ApiJson<T>`: a JSON body whose problems become `ERROR_REQUEST_BODY_VALIDATION` with
//! per-field detail, and whose size problems become 413.

use crate::error::{ApiError, Code, Detail};
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(Code::RequestBodyTooLarge, "The request body is too large.")
            } else {
                ApiError::validation(Detail::Message(
                    "The request body could not be read.".into(),
                ))
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses a body; an empty body counts as `{}` so that missing fields are reported by name.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(bytes)
            .map_err(|e| ApiError::validation(Detail::Message(format!("JSON parse error - {e}"))))?
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        ApiError::validation(describe(&path, &inner))
    })
}

/// Turns serde's message into Baserow's `{"field": [{"error", "code"}]}` shape.
fn describe(path: &str, message: &str) -> Detail {
    let parent = if path == "." {
        String::new()
    } else {
        format!("{path}.")
    };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return Detail::field(
            &format!("{parent}{field}"),
            "required",
            "This field is required.",
        );
    }
    let key = if path == "." {
        "non_field_errors".to_string()
    } else {
        path.to_string()
    };
    let code = if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "invalid"
    } else if message.starts_with("unknown variant") {
        "invalid_choice"
    } else {
        "invalid"
    };
    // serde's text can quote the offending input; keep it short and printable.
    let text: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    Detail::field(&key, code, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        age: Option<u8>,
    }

    fn detail(bytes: &[u8]) -> serde_json::Value {
        let err = parse::<Body>(bytes).unwrap_err();
        assert_eq!(err.code, Code::RequestBodyValidation);
        serde_json::to_value(&err.detail).unwrap()
    }

    #[test]
    fn missing_fields_are_required_by_name() {
        assert_eq!(detail(b"{}")["name"][0]["code"], "required");
        assert_eq!(detail(b"")["name"][0]["code"], "required");
    }

    #[test]
    fn wrong_types_name_the_field() {
        assert_eq!(
            detail(br#"{"name": "x", "age": "old"}"#)["age"][0]["code"],
            "invalid"
        );
        assert_eq!(detail(br#"{"name": 5}"#)["name"][0]["code"], "invalid");
    }

    #[test]
    fn syntax_errors_and_wrong_shapes_are_messages() {
        assert!(
            detail(b"{not json")
                .as_str()
                .unwrap()
                .starts_with("JSON parse error")
        );
        assert_eq!(
            detail(br#""text""#)["non_field_errors"][0]["code"],
            "invalid"
        );
    }
}
