//! Checking a password against a `password` cell (Baserow's
//! `password-authentication/`): lets an application use a table as its own list of
//! accounts without ever reading the hash.

use super::{FieldError, repo, service::table_scope_for};
use crate::{
    context::AppContext,
    database::{tables::table_name, tokens::Operation},
    platform::{
        auth::{Actor, password},
        throttle::{self, Limit},
        validation::ValidationError,
    },
};
use std::time::Duration;

/// Wrong passwords allowed per caller and field before the check answers 429: the
/// endpoint must not become a fast way to guess a cell's password.
const FAILURES: Limit = Limit::per(20, Duration::from_secs(60));
const FAILURES_SCOPE: &str = "password-field";

/// Whether `candidate` is the password stored in `row_id`'s cell of `field_id`. Only
/// fields with `allow_endpoint_authentication` can be checked (others read as missing,
/// as in Baserow); the caller needs read access to the table, a token its read right.
pub async fn authenticate(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
    row_id: i64,
    candidate: &str,
) -> Result<(), FieldError> {
    if candidate.is_empty() {
        return Err(
            ValidationError::single("password", "blank", "This field may not be blank.").into(),
        );
    }
    if candidate.contains('\0') {
        return Err(ValidationError::single(
            "password",
            "invalid",
            "Null characters are not allowed.",
        )
        .into());
    }
    let mut conn = ctx.db.acquire().await?;
    let field = repo::get(&mut conn, field_id)
        .await?
        .filter(|f| f.kind == "password" && f.opt_bool("allow_endpoint_authentication"))
        .ok_or(FieldError::NotFound)?;
    table_scope_for(&mut conn, actor, field.table_id, Some(Operation::Read)).await?;
    let key = format!("{} {field_id}", actor.id());
    throttle::check(ctx, FAILURES_SCOPE, &key, FAILURES).await?;
    // Table and column names come from numeric ids only.
    let sql = format!(
        "SELECT {} FROM {} WHERE id = $1 AND NOT trashed",
        field.column(),
        table_name(field.table_id)
    );
    let stored: Option<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(row_id)
        .fetch_optional(&mut *conn)
        .await?;
    drop(conn);
    let stored = stored.ok_or(FieldError::RowNotFound(row_id))?;
    let matches = match stored {
        Some(hash) => password::verify(candidate, &hash).await,
        None => false,
    };
    if !matches {
        throttle::hit(ctx, FAILURES_SCOPE, &key, FAILURES).await?;
        return Err(FieldError::InvalidPasswordFieldPassword);
    }
    Ok(())
}
