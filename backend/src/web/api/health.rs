//! `GET /api/_health/`: whether PostgreSQL and Redis answer.

use crate::web::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use fred::interfaces::ClientLike;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok` when every dependency answers, else `degraded`.
    status: &'static str,
    postgresql: &'static str,
    redis: &'static str,
}

#[utoipa::path(get, path = "/api/_health/", tag = "Health",
    responses((status = 200, body = HealthBody), (status = 503, body = HealthBody)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthBody>) {
    let timeout = Duration::from_secs(2);
    let pg = tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&state.ctx.db)).await;
    let redis = tokio::time::timeout(timeout, state.ctx.redis.ping::<String>(None)).await;
    let postgresql = if matches!(pg, Ok(Ok(_))) {
        "ok"
    } else {
        "unavailable"
    };
    let redis = if matches!(redis, Ok(Ok(_))) {
        "ok"
    } else {
        "unavailable"
    };
    let healthy = postgresql == "ok" && redis == "ok";
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(HealthBody {
            status: if healthy { "ok" } else { "degraded" },
            postgresql,
            redis,
        }),
    )
}
