//! Throttles for what anyone can call and what costs the server: log-ins, sign-ups,
//! password-reset emails. A fixed window per scope and key in Redis (`INCR`, `EXPIRE`),
//! shared by every backend. Keys (addresses, emails) are hashed before they reach Redis.
//! When Redis is unreachable requests are let through: a throttle protects, it must not
//! take the product down.

use crate::{
    context::AppContext,
    error::{Code, HasCode},
};
use fred::prelude::*;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// At most `max` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u64,
    pub window: Duration,
}

impl Limit {
    pub const fn per(max: u64, window: Duration) -> Self {
        Self { max, window }
    }
}

/// Too many requests: try again after `retry_after` seconds.
#[derive(Debug, thiserror::Error)]
#[error("Too many requests. Try again in {retry_after} seconds.")]
pub struct Throttled {
    pub retry_after: u64,
}

impl HasCode for Throttled {
    fn code(&self) -> Code {
        Code::RateLimitExceeded
    }
}

fn redis_key(ctx: &AppContext, scope: &str, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    ctx.redis_key(&format!("throttle:{scope}:{hex}"))
}

/// Counts one hit of `key` in `scope`; `Err` once the limit is passed in this window.
pub async fn hit(ctx: &AppContext, scope: &str, key: &str, limit: Limit) -> Result<(), Throttled> {
    let key = redis_key(ctx, scope, key);
    let window = limit.window.as_secs().max(1) as i64;
    let count: Result<i64, _> = ctx.redis.incr(&key).await;
    match count {
        Ok(1) => {
            let _: Result<bool, _> = ctx.redis.expire(&key, window, None).await;
            Ok(())
        }
        Ok(n) if n as u64 > limit.max => {
            let ttl: i64 = ctx.redis.ttl(&key).await.unwrap_or(window);
            if ttl < 0 {
                // A key left without expiry (its EXPIRE was lost) must not block forever.
                let _: Result<bool, _> = ctx.redis.expire(&key, window, None).await;
            }
            Err(Throttled {
                retry_after: ttl.clamp(1, window) as u64,
            })
        }
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, scope, "throttle unavailable; request allowed");
            Ok(())
        }
    }
}

/// Whether `key` is past the limit in `scope`, without counting a hit (to refuse a
/// log-in before checking its password, counting only the failures).
pub async fn check(
    ctx: &AppContext,
    scope: &str,
    key: &str,
    limit: Limit,
) -> Result<(), Throttled> {
    let key = redis_key(ctx, scope, key);
    let count: Result<Option<i64>, _> = ctx.redis.get(&key).await;
    match count {
        Ok(Some(n)) if n as u64 >= limit.max => {
            let window = limit.window.as_secs().max(1) as i64;
            let ttl: i64 = ctx.redis.ttl(&key).await.unwrap_or(window);
            Err(Throttled {
                retry_after: ttl.clamp(1, window) as u64,
            })
        }
        _ => Ok(()),
    }
}
