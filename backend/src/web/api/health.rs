//! `GET /api/_health/`: whether PostgreSQL and Redis answer, and whether each job queue
//! has a live consumer.

use crate::{platform::jobs::consumers, web::state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use fred::interfaces::ClientLike;
use serde::Serialize;
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
