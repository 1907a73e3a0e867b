//! `GET /api/_health/`: whether PostgreSQL and Redis answer, and whether each job queue
//! has a live consumer; Baserow's `GET /_health/` (a plain `OK`) and staff-only
//! `GET /api/_health/full/` (the same checks, with each queue's backlog) and
//! `POST /api/_health/email/` (the email tester).

use crate::{
    error::ApiError,
    platform::{admin, auth::AuthError, jobs::consumers},
    web::{
        extract::{ApiJson, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State, http::StatusCode};
use fred::interfaces::ClientLike;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::{collections::BTreeMap, time::Duration};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok` when every dependency answers and every queue has a consumer, else `degraded`.
    status: &'static str,
    postgresql: &'static str,
    redis: &'static str,
    /// Per queue (`high`, `low`): `ok`, `no_consumer` (no worker has reported for three
    /// heartbeats: its jobs wait) or `unknown` (PostgreSQL did not answer).
    queues: BTreeMap<&'static str, &'static str>,
}

/// 503 when this backend cannot serve (PostgreSQL or Redis does not answer); a queue
/// without a consumer makes the status `degraded` but keeps 200, as requests are still
/// served: a load balancer keeps the backend, a monitor sees the stopped worker.
#[utoipa::path(get, path = "/api/_health/", tag = "Health",
    responses((status = 200, body = HealthBody), (status = 503, body = HealthBody)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthBody>) {
    let timeout = Duration::from_secs(2);
    let ctx = &state.ctx;
    let (pg, redis) = tokio::join!(
        tokio::time::timeout(
            timeout,
            consumers::live(&ctx.db, ctx.settings.job_heartbeat)
        ),
        tokio::time::timeout(timeout, ctx.redis.ping::<String>(None)),
    );
    let live = match pg {
        Ok(Ok(live)) => Some(live),
        _ => None,
    };
    let postgresql = if live.is_some() { "ok" } else { "unavailable" };
    let redis = if matches!(redis, Ok(Ok(_))) {
        "ok"
    } else {
        "unavailable"
    };
    let queues: BTreeMap<_, _> = match &live {
        Some(live) => live
            .iter()
            .map(|(q, n)| (q.name(), if *n > 0 { "ok" } else { "no_consumer" }))
            .collect(),
        None => crate::platform::jobs::Queue::ALL
            .iter()
            .map(|q| (q.name(), "unknown"))
            .collect(),
    };
    let serving = postgresql == "ok" && redis == "ok";
    let healthy = serving && queues.values().all(|s| *s == "ok");
    (
        if serving {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(HealthBody {
            status: if healthy { "ok" } else { "degraded" },
            postgresql,
            redis,
            queues,
        }),
    )
}

/// Baserow's public liveness check: answers while the process serves requests.
#[utoipa::path(get, path = "/_health/", tag = "Health", responses((status = 200, description = "`OK`")))]
pub async fn alive() -> &'static str {
    "OK"
}

/// Staff only: `{passing, checks: {name: "working" | problem}, celery_queue_size,
/// celery_export_queue_size}` in Baserow's shape; the queue sizes are the jobs waiting or
/// running on `high` and `low`.
#[utoipa::path(get, path = "/api/_health/full/", tag = "Health",
    responses((status = 200, description = "`{passing, checks, celery_queue_size, celery_export_queue_size}`"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn full(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<Value>, ApiError> {
    if !actor.user.is_staff {
        return Err(AuthError::PermissionDenied.into());
    }
    let (status, Json(body)) = health(State(state.clone())).await;
    let waiting = consumers::waiting(&state.ctx.db).await.unwrap_or_default();
    let size = |name: &str| {
        waiting
            .iter()
            .find(|(q, _)| q.name() == name)
            .map_or(0, |(_, n)| *n)
    };
    let word = |s: &str| {
        if s == "ok" {
            "working".to_owned()
        } else {
            s.to_owned()
        }
    };
    let mut checks = serde_json::Map::new();
    checks.insert("postgresql".into(), json!(word(body.postgresql)));
    checks.insert("redis".into(), json!(word(body.redis)));
    for (queue, queue_state) in &body.queues {
        checks.insert(format!("queue_{queue}"), json!(word(queue_state)));
    }
    Ok(Json(json!({
        "passing": status == StatusCode::OK && body.status == "ok",
        "checks": checks,
        "celery_queue_size": size("high"),
        "celery_export_queue_size": size("low"),
    })))
}

#[derive(Deserialize, ToSchema)]
pub struct EmailTestBody {
    target_email: String,
}

/// Staff only: sends a test email through the configured SMTP relay now and answers
/// Baserow's `{succeeded}`, or `{succeeded: false, error_type, error, error_stack}` with
/// the relay's refusal (or the missing configuration).
#[utoipa::path(post, path = "/api/_health/email/", tag = "Health", request_body = EmailTestBody,
    responses((status = 200, description = "`{succeeded: true}` or `{succeeded: false, error_type, error, error_stack}`"),
        (status = 400, description = "ERROR_REQUEST_BODY_VALIDATION"),
        (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn email(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(body): ApiJson<EmailTestBody>,
) -> Result<Json<Value>, ApiError> {
    admin::require_staff(&actor)?;
    Ok(Json(
        match admin::email_test::send(&state.ctx, &actor, &body.target_email).await? {
            Ok(()) => json!({ "succeeded": true }),
            Err(f) => json!({
                "succeeded": false,
                "error_type": f.error_type,
                "error": f.error,
                "error_stack": f.error_stack,
            }),
        },
    ))
}
