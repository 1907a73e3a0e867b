//! Who is viewing a table: every socket subscribed to a table page is listed in a Redis
//! hash per table (so all backends see the same set), and every change of the set is
//! published to the table page's subscribers as `table_viewers`. Entries are refreshed
//! while the socket lives and ignored once stale, so a backend that dies without saying
//! goodbye drops out of the list on its own.

use super::envelope::{Envelope, Target, table_page};
use crate::{context::AppContext, platform::users::User};
use fred::prelude::*;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The message type sent to a table page's subscribers.
pub const MESSAGE_TYPE: &str = "table_viewers";
/// An entry not refreshed for this long is no longer shown (sockets refresh every 30 s).
pub const STALE_AFTER_SECS: i64 = 75;

fn key(ctx: &AppContext, table_id: i64) -> String {
    ctx.redis_key(&format!("presence:table:{table_id}"))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Records (or refreshes) a socket viewing a table.
async fn record(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
) -> anyhow::Result<()> {
    let key = key(ctx, table_id);
    let entry = json!({ "id": user.id, "name": user.first_name, "at": now() }).to_string();
    let _: i64 = ctx.redis.hset(&key, (websocket_id, entry)).await?;
    let _: bool = ctx.redis.expire(&key, STALE_AFTER_SECS * 2, None).await?;
    Ok(())
}

/// A socket opened a table page: record it and tell the page's subscribers.
pub async fn join(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
) -> anyhow::Result<()> {
    record(ctx, table_id, websocket_id, user).await?;
    announce(ctx, table_id).await
}

/// Keeps a socket's entry fresh (called periodically while the socket lives).
pub async fn refresh(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
) -> anyhow::Result<()> {
    record(ctx, table_id, websocket_id, user).await
}

/// A socket left a table page (or closed): drop it and tell the remaining subscribers.
pub async fn leave(ctx: &AppContext, table_id: i64, websocket_id: &str) -> anyhow::Result<()> {
    let _: i64 = ctx.redis.hdel(key(ctx, table_id), websocket_id).await?;
    announce(ctx, table_id).await
}

/// The users viewing a table now (each once, whatever their number of tabs), by name.
pub async fn viewers(ctx: &AppContext, table_id: i64) -> anyhow::Result<Vec<Value>> {
    let key = key(ctx, table_id);
    let entries: HashMap<String, String> = ctx.redis.hgetall(&key).await?;
    let fresh_since = now() - STALE_AFTER_SECS;
    let mut users: Vec<(i64, String)> = Vec::new();
    let mut stale = Vec::new();
    for (socket, entry) in entries {
        let Ok(value) = serde_json::from_str::<Value>(&entry) else {
            stale.push(socket);
            continue;
        };
        let (Some(id), Some(at)) = (value["id"].as_i64(), value["at"].as_i64()) else {
            stale.push(socket);
            continue;
        };
        if at < fresh_since {
            stale.push(socket);
            continue;
        }
        if !users.iter().any(|(u, _)| *u == id) {
            users.push((id, value["name"].as_str().unwrap_or_default().to_owned()));
        }
    }
    if !stale.is_empty() {
        let _: i64 = ctx.redis.hdel(&key, stale).await?;
    }
    users.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(users
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect())
}

/// Publishes the current viewers to every backend's subscribers of the table page.
async fn announce(ctx: &AppContext, table_id: i64) -> anyhow::Result<()> {
    let users = viewers(ctx, table_id).await?;
    // Who views a table is for its readers only: stamped like table events, so a
    // subscriber who lost access is re-checked before this reaches them.
    let mut conn = ctx.db.acquire().await?;
    let access_epoch = Some(super::access::current_epoch(&mut conn).await?);
    drop(conn);
    let envelope = Envelope {
        target: Target::Page {
            page: table_page(table_id),
        },
        skip_websocket_id: None,
        table_seq: None,
        access_epoch,
        message: json!({ "type": MESSAGE_TYPE, "table_id": table_id, "users": users }),
    };
    let _: i64 = ctx
        .redis
        .publish(
            super::channel(&ctx.settings.redis_prefix),
            serde_json::to_string(&envelope)?,
        )
        .await?;
    Ok(())
}
