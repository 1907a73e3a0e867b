//! SQL for `database_tokens`.

use super::{Token, TokenPermissions};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, types::Json};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    workspace_id: i64,
    name: String,
    key_prefix: String,
    permissions: Json<Value>,
    expires_at: Option<DateTime<Utc>>,
    created_on: DateTime<Utc>,
}

impl From<Row> for Token {
    fn from(r: Row) -> Self {
        Token {
            id: r.id,
            user_id: r.user_id,
            workspace_id: r.workspace_id,
            name: r.name,
            key_prefix: r.key_prefix,
            permissions: TokenPermissions::from_stored(&r.permissions.0),
            expires_at: r.expires_at,
            created_on: r.created_on,
        }
    }
}

const COLUMNS: &str =
    "id, user_id, workspace_id, name, key_prefix, permissions, expires_at, created_on";

pub struct NewToken<'a> {
    pub user_id: i64,
    pub workspace_id: i64,
    pub name: &'a str,
    pub key_hash: &'a [u8],
    pub key_prefix: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert(db: impl PgExecutor<'_>, t: &NewToken<'_>) -> sqlx::Result<Token> {
    sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_tokens (user_id, workspace_id, name, key_hash, key_prefix, permissions, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    )))
    .bind(t.user_id)
    .bind(t.workspace_id)
    .bind(t.name)
    .bind(t.key_hash)
    .bind(t.key_prefix)
    .bind(Json(TokenPermissions::all().to_json()))
    .bind(t.expires_at)
    .fetch_one(db)
    .await
    .map(Token::from)
}

pub async fn list_for_user(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<Token>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_tokens WHERE user_id = $1 ORDER BY id"
    )))
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Token::from).collect())
}

/// A token of this user (another user's token id is "not found").
pub async fn get_for_user(
    db: impl PgExecutor<'_>,
    id: i64,
    user_id: i64,
) -> sqlx::Result<Option<Token>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_tokens WHERE id = $1 AND user_id = $2"
    )))
    .bind(id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Token::from))
}

#[derive(sqlx::FromRow)]
struct RowWithHash {
    #[sqlx(flatten)]
    row: Row,
    key_hash: Vec<u8>,
}

/// The token whose key hashes to `key_hash`, with the stored hash for a constant-time check.
pub async fn by_key_hash(
    db: impl PgExecutor<'_>,
    key_hash: &[u8],
) -> sqlx::Result<Option<(Token, Vec<u8>)>> {
    let row: Option<RowWithHash> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, key_hash FROM database_tokens WHERE key_hash = $1"
    )))
    .bind(key_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (Token::from(r.row), r.key_hash)))
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Token>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_tokens WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Token::from))
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    name: &str,
    permissions: &TokenPermissions,
    expires_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE database_tokens SET name = $2, permissions = $3, expires_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(name)
    .bind(Json(permissions.to_json()))
    .bind(expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn rotate(
    db: impl PgExecutor<'_>,
    id: i64,
    key_hash: &[u8],
    key_prefix: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_tokens SET key_hash = $2, key_prefix = $3 WHERE id = $1")
        .bind(id)
        .bind(key_hash)
        .bind(key_prefix)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM database_tokens WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
