//! Token use cases: create, list, get, update (rename, permissions, expiry, rotate), delete,
//! and authenticating a request by its key.

use super::{KEY_PREFIX, Token, TokenError, TokenGrant, TokenPermissions, repo};
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        users::{self, User},
        validation::{self, ValidationError},
        workspaces::require_member,
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use chrono::{DateTime, Utc};
use fred::prelude::*;
use sha2::{Digest, Sha256};

/// Characters of a key after the prefix.
const KEY_LEN: usize = 28;

/// A new random key (`tsr_` + 28 URL-safe characters, 168 random bits) and its hash.
fn new_key() -> (String, Vec<u8>) {
    let mut bytes = uuid::Uuid::new_v4().as_bytes().to_vec();
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let key = format!("{KEY_PREFIX}{}", &B64.encode(bytes)[..KEY_LEN]);
    let hash = hash_key(&key);
    (key, hash)
}

fn hash_key(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

fn shown_prefix(key: &str) -> String {
    key.chars().take(KEY_PREFIX.len() + 4).collect()
}

/// Creates a token in one of the caller's workspaces, with every right unless
/// `permissions` says otherwise; the key is returned only here and on rotation.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    name: &str,
    workspace_id: i64,
    expires_at: Option<DateTime<Utc>>,
    permissions: Option<&serde_json::Value>,
) -> Result<(Token, String), TokenError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, 100);
    errors.into_result()?;
    let mut tx = ctx.db.begin().await?;
    require_member(&mut tx, actor.id(), workspace_id).await?;
    let (key, hash) = new_key();
    let new = repo::NewToken {
        user_id: actor.id(),
        workspace_id,
        name: &name,
        key_hash: &hash,
        key_prefix: &shown_prefix(&key),
        expires_at,
    };
    let mut token = repo::insert(&mut *tx, &new).await?;
    if let Some(raw) = permissions {
        let permissions = TokenPermissions::parse(raw)?;
        check_scopes(&mut tx, workspace_id, &permissions).await?;
        repo::update(&mut *tx, token.id, &token.name, &permissions, expires_at).await?;
        token.permissions = permissions;
    }
    tx.commit().await?;
    Ok((token, key))
}

/// Every database and table the rights name must be in the token's workspace.
async fn check_scopes(
    conn: &mut sqlx::PgConnection,
    workspace_id: i64,
    permissions: &TokenPermissions,
) -> Result<(), TokenError> {
    for (kind, named_id) in permissions.named() {
        let sql = match kind.as_str() {
            "database" => {
                "SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1 AND workspace_id = $2 AND NOT trashed)"
            }
            _ => {
                "SELECT EXISTS (SELECT 1 FROM database_tables t JOIN applications a ON a.id = t.database_id WHERE t.id = $1 AND a.workspace_id = $2 AND NOT t.trashed)"
            }
        };
        let exists: bool = sqlx::query_scalar(sql)
            .bind(named_id)
            .bind(workspace_id)
            .fetch_one(&mut *conn)
            .await?;
        if !exists {
            return Err(TokenError::InvalidScope(kind, named_id));
        }
    }
    Ok(())
}

pub async fn list(ctx: &AppContext, actor: &Actor) -> Result<Vec<Token>, TokenError> {
    Ok(repo::list_for_user(&ctx.db, actor.id()).await?)
}

pub async fn get(ctx: &AppContext, actor: &Actor, id: i64) -> Result<Token, TokenError> {
    repo::get_for_user(&ctx.db, id, actor.id())
        .await?
        .ok_or(TokenError::NotFound)
}

/// Changes to a token; `None` keeps what it has.
#[derive(Default)]
pub struct TokenUpdate {
    pub name: Option<String>,
    pub permissions: Option<serde_json::Value>,
    /// `Some(None)` removes the expiry.
    pub expires_at: Option<Option<DateTime<Utc>>>,
    pub rotate_key: bool,
}

/// Returns the token and, when rotated, its new key (the old one stops working at once).
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    update: TokenUpdate,
) -> Result<(Token, Option<String>), TokenError> {
    let mut tx = ctx.db.begin().await?;
    let token = repo::get_for_user(&mut *tx, id, actor.id())
        .await?
        .ok_or(TokenError::NotFound)?;
    let name = match &update.name {
        Some(n) => {
            let mut errors = ValidationError::default();
            let n = validation::text(&mut errors, "name", n, 1, 100);
            errors.into_result()?;
            n
        }
        None => token.name.clone(),
    };
    let permissions = match &update.permissions {
        Some(raw) => TokenPermissions::parse(raw)?,
        None => token.permissions.clone(),
    };
    check_scopes(&mut tx, token.workspace_id, &permissions).await?;
    let expires_at = update.expires_at.unwrap_or(token.expires_at);
    repo::update(&mut *tx, id, &name, &permissions, expires_at).await?;
    let key = if update.rotate_key {
        let (key, hash) = new_key();
        repo::rotate(&mut *tx, id, &hash, &shown_prefix(&key)).await?;
        Some(key)
    } else {
        None
    };
    let token = repo::get(&mut *tx, id).await?.ok_or(TokenError::NotFound)?;
    tx.commit().await?;
    Ok((token, key))
}

pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), TokenError> {
    repo::get_for_user(&ctx.db, id, actor.id())
        .await?
        .ok_or(TokenError::NotFound)?;
    repo::delete(&ctx.db, id).await?;
    Ok(())
}

/// Why a key did not authenticate.
#[derive(Debug)]
pub enum KeyRejection {
    Invalid,
    RateLimited(u64),
    Failed(sqlx::Error),
}

/// The owner and rights of a key; counts the request against the token's rate limit.
pub async fn authenticate(ctx: &AppContext, key: &str) -> Result<(User, TokenGrant), KeyRejection> {
    if !key.starts_with(KEY_PREFIX) || key.len() != KEY_PREFIX.len() + KEY_LEN {
        return Err(KeyRejection::Invalid);
    }
    let hash = hash_key(key);
    let (token, stored) = repo::by_key_hash(&ctx.db, &hash)
        .await
        .map_err(KeyRejection::Failed)?
        .ok_or(KeyRejection::Invalid)?;
    // The lookup found it by hash; compare again in constant time so no timing reveals how much matched.
    if !constant_time_eq(&stored, &hash) || token.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(KeyRejection::Invalid);
    }
    let user = users::repo::get(&ctx.db, token.user_id)
        .await
        .map_err(KeyRejection::Failed)?
        .ok_or(KeyRejection::Invalid)?;
    if !user.is_active {
        return Err(KeyRejection::Invalid);
    }
    rate_limit(ctx, token.id).await?;
    Ok((
        user,
        TokenGrant {
            token_id: token.id,
            workspace_id: token.workspace_id,
            permissions: token.permissions,
        },
    ))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fixed one-minute window per token in Redis, shared by every backend. When Redis is
/// unreachable requests are let through: the limit protects, it must not take the API down.
async fn rate_limit(ctx: &AppContext, token_id: i64) -> Result<(), KeyRejection> {
    let limit = ctx.settings.token_rate_limit_per_minute;
    if limit == 0 {
        return Ok(());
    }
    let now = Utc::now().timestamp();
    let window = now / 60;
    let key = ctx.redis_key(&format!("ratelimit:token:{token_id}:{window}"));
    let count: Result<i64, _> = ctx.redis.incr(&key).await;
    match count {
        Ok(1) => {
            let _: Result<bool, _> = ctx.redis.expire(&key, 120, None).await;
            Ok(())
        }
        Ok(n) if n as u64 > limit => Err(KeyRejection::RateLimited((60 - now % 60) as u64)),
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, "rate limit unavailable; request allowed");
            Ok(())
        }
    }
}

/// The token's owner as an actor for the services, carrying the token's rights.
pub fn actor_for(user: User, grant: TokenGrant) -> Actor {
    Actor {
        user,
        websocket_id: None,
        session: None,
        token: Some(std::sync::Arc::new(grant)),
    }
}
