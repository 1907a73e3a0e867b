//! Who is viewing a table: every socket subscribed to a table page is listed in a Redis
//! hash per table (so all backends see the same set), and every change of the set is
//! published to the table page's subscribers as `table_viewers`. Entries are refreshed
//! while the socket lives and ignored once stale, so a backend that dies without saying
//! goodbye drops out of the list on its own.
//!
//! A viewer's entry also says which cell that socket is editing, if any: a change of it is
//! published at once as `cell_editing` (to the others), and `table_viewers` carries every
//! cell being edited, so a page that opens later, or after an editor's socket closed, has
//! the whole picture.

use super::envelope::{Envelope, Target, table_page};
use crate::{context::AppContext, platform::users::User};
use fred::prelude::*;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The message type sent to a table page's subscribers.
pub const MESSAGE_TYPE: &str = "table_viewers";
/// The message type of one socket starting or ending the edit of a cell.
pub const EDITING_MESSAGE_TYPE: &str = "cell_editing";

/// The cell a socket is editing. `editor` tells one socket of a user from another (it is
/// not the socket's id, which must stay private to its tab).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    pub editor: String,
    pub row_id: i64,
    pub field_id: i64,
}
/// An entry not refreshed for this long is no longer shown (sockets refresh every 30 s).
pub const STALE_AFTER_SECS: i64 = 75;

fn key(ctx: &AppContext, table_id: i64) -> String {
    ctx.redis_key(&format!("presence:table:{table_id}"))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Records (or refreshes) a socket viewing a table, with the cell it is editing.
async fn record(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
    editing: Option<&Editing>,
) -> anyhow::Result<()> {
    let key = key(ctx, table_id);
    let mut entry = json!({ "id": user.id, "name": user.first_name, "at": now() });
    if let Some(cell) = editing {
        entry["editing"] =
            json!({ "editor": cell.editor, "row_id": cell.row_id, "field_id": cell.field_id });
    }
    let entry = entry.to_string();
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
    record(ctx, table_id, websocket_id, user, None).await?;
    announce(ctx, table_id).await
}

/// Keeps a socket's entry fresh (called periodically while the socket lives).
pub async fn refresh(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
    editing: Option<&Editing>,
) -> anyhow::Result<()> {
    record(ctx, table_id, websocket_id, user, editing).await
}

/// A socket started editing a cell (`editing`) or stopped (`None`, with the `editor` it
/// had): record it and tell the table page's other subscribers.
pub async fn editing_changed(
    ctx: &AppContext,
    table_id: i64,
    websocket_id: &str,
    user: &User,
    editor: &str,
    editing: Option<&Editing>,
) -> anyhow::Result<()> {
    record(ctx, table_id, websocket_id, user, editing).await?;
    let message = json!({
        "type": EDITING_MESSAGE_TYPE,
        "table_id": table_id,
        "editor": editor,
        "user": { "id": user.id, "name": user.first_name },
        "row_id": editing.map(|e| e.row_id),
        "field_id": editing.map(|e| e.field_id),
    });
    publish(ctx, table_id, Some(websocket_id.to_owned()), message).await
}

/// A socket left a table page (or closed): drop it and tell the remaining subscribers.
pub async fn leave(ctx: &AppContext, table_id: i64, websocket_id: &str) -> anyhow::Result<()> {
    let _: i64 = ctx.redis.hdel(key(ctx, table_id), websocket_id).await?;
    announce(ctx, table_id).await
}

/// The users viewing a table now (each once, whatever their number of tabs), by name,
/// and the cells being edited (`{editor, user, row_id, field_id}`).
pub async fn viewers(ctx: &AppContext, table_id: i64) -> anyhow::Result<(Vec<Value>, Vec<Value>)> {
    let key = key(ctx, table_id);
    let entries: HashMap<String, String> = ctx.redis.hgetall(&key).await?;
    let fresh_since = now() - STALE_AFTER_SECS;
    let mut users: Vec<(i64, String)> = Vec::new();
    let mut editing = Vec::new();
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
        let name = value["name"].as_str().unwrap_or_default();
        if let Some(cell) = value.get("editing").filter(|c| c.is_object()) {
            editing.push(json!({
                "editor": cell["editor"],
                "user": { "id": id, "name": name },
                "row_id": cell["row_id"],
                "field_id": cell["field_id"],
            }));
        }
        if !users.iter().any(|(u, _)| *u == id) {
            users.push((id, name.to_owned()));
        }
    }
    if !stale.is_empty() {
        let _: i64 = ctx.redis.hdel(&key, stale).await?;
    }
    users.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    editing.sort_by(|a, b| a["editor"].as_str().cmp(&b["editor"].as_str()));
    let users = users
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect();
    Ok((users, editing))
}

/// Publishes the current viewers to every backend's subscribers of the table page.
async fn announce(ctx: &AppContext, table_id: i64) -> anyhow::Result<()> {
    let (users, editing) = viewers(ctx, table_id).await?;
    let message =
        json!({ "type": MESSAGE_TYPE, "table_id": table_id, "users": users, "editing": editing });
    publish(ctx, table_id, None, message).await
}

/// Sends `message` to the table page's subscribers on every backend, but `skip`.
async fn publish(
    ctx: &AppContext,
    table_id: i64,
    skip: Option<String>,
    message: Value,
) -> anyhow::Result<()> {
    // Who views a table is for its readers only: stamped like table events, so a
    // subscriber who lost access is re-checked before this reaches them.
    let mut conn = ctx.db.acquire().await?;
    let access_epoch = Some(super::access::current_epoch(&mut conn).await?);
    drop(conn);
    let envelope = Envelope {
        target: Target::Page {
            page: table_page(table_id),
        },
        skip_websocket_id: skip,
        table_seq: None,
        access_epoch,
        message,
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
