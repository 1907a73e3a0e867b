//! `GET /api/auth-provider/login-options/`: the ways to log in that the log-in page offers.

use axum::Json;
use serde_json::{Value, json};

/// Baserow's shape, keyed by provider type. Passwords are the only provider (single
/// sign-on is in Baserow's enterprise edition), and they cannot be turned off.
#[utoipa::path(get, path = "/api/auth-provider/login-options/", tag = "User",
    responses((status = 200, description = "`{\"password\": {\"type\": \"password\"}}`")))]
pub async fn login_options() -> Json<Value> {
    Json(json!({"password": {"type": "password"}}))
}
