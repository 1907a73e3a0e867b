//! SQL of `database_row_history`.

use super::{diff::FieldInfo, kind::Command};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, types::Json};

/// One stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub table_id: i64,
    pub row_id: i64,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action_type: String,
    pub action_command_type: String,
    pub timestamp: DateTime<Utc>,
    pub before: Json<Value>,
    pub after: Json<Value>,
    pub fields_metadata: Json<Value>,
}

impl Entry {
    /// Baserow's `RowHistorySerializer` shape.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "action_type": self.action_type,
            "action_command_type": self.action_command_type,
            "user": { "id": self.user_id, "name": self.user_name },
            "timestamp": self.timestamp.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "before": self.before.0,
            "after": self.after.0,
            "fields_metadata": self.fields_metadata.0,
        })
    }
}

/// The fields of a table, trashed ones included (a change may name them).
pub async fn fields(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<Vec<FieldInfo>> {
    sqlx::query_as("SELECT id, type, options, is_primary FROM database_fields WHERE table_id = $1")
        .bind(table_id)
        .fetch_all(conn)
        .await
}

/// A new entry, before it is stored.
pub struct NewEntry {
    pub table_id: i64,
    pub row_id: i64,
    pub action_type: String,
    pub command: Command,
    pub before: Map<String, Value>,
    pub after: Map<String, Value>,
    pub fields_metadata: Map<String, Value>,
}

/// Stores the entries in one statement and returns them, in the same order. Ids are taken
/// from the sequence first, so each entry is matched to its row even when one row changed
/// twice in the transaction.
pub async fn insert(
    conn: &mut PgConnection,
    user_id: i64,
    entries: Vec<NewEntry>,
) -> sqlx::Result<Vec<Entry>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('database_row_history', 'id')) \
         FROM generate_series(1, $1)",
    )
    .bind(entries.len() as i64)
    .fetch_all(&mut *conn)
    .await?;
    let mut table_ids = Vec::with_capacity(entries.len());
    let mut row_ids = Vec::with_capacity(entries.len());
    let mut befores = Vec::with_capacity(entries.len());
    let mut afters = Vec::with_capacity(entries.len());
    let mut metas = Vec::with_capacity(entries.len());
    let mut action_types = Vec::with_capacity(entries.len());
    let mut commands = Vec::with_capacity(entries.len());
    for e in entries {
        table_ids.push(e.table_id);
        row_ids.push(e.row_id);
        action_types.push(e.action_type);
        commands.push(e.command.as_str());
        befores.push(Json(Value::Object(e.before)));
        afters.push(Json(Value::Object(e.after)));
        metas.push(Json(Value::Object(e.fields_metadata)));
    }
    let stored: Vec<Entry> = sqlx::query_as(
        "INSERT INTO database_row_history \
           (id, table_id, row_id, user_id, user_name, action_type, action_command_type, \
            before, after, fields_metadata) \
         SELECT e.id, e.table_id, e.row_id, $7, COALESCE((SELECT first_name FROM users WHERE id = $7), ''), \
                e.action_type, e.command, e.before, e.after, e.meta \
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::jsonb[], $5::jsonb[], $6::jsonb[], \
                     $8::text[], $9::text[]) \
              AS e(id, table_id, row_id, before, after, meta, action_type, command) \
         RETURNING id, table_id, row_id, user_id, user_name, action_type, action_command_type, \
                   \"timestamp\", before, after, fields_metadata",
    )
    .bind(&ids)
    .bind(&table_ids)
    .bind(&row_ids)
    .bind(&befores)
    .bind(&afters)
    .bind(&metas)
    .bind(user_id)
    .bind(&action_types)
    .bind(&commands)
    .fetch_all(&mut *conn)
    .await?;
    // Back in the order given, whatever order `RETURNING` used.
    let mut by_id: std::collections::HashMap<i64, Entry> =
        stored.into_iter().map(|e| (e.id, e)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Stores one entry of `action_type`, without values, for each row of the table past
/// `after_id`, in one statement: an import writes up to millions of rows, whose values the
/// rows themselves hold.
pub async fn insert_marks_after(
    conn: &mut PgConnection,
    table_id: i64,
    user_id: i64,
    after_id: i64,
    action_type: &str,
) -> sqlx::Result<u64> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_row_history \
           (table_id, row_id, user_id, user_name, action_type, action_command_type, \
            before, after, fields_metadata) \
         SELECT $1, r.id, $2, COALESCE((SELECT first_name FROM users WHERE id = $2), ''), \
                $4, 'DO', '{{}}', '{{}}', '{{}}' \
         FROM {} r WHERE r.id > $3 ORDER BY r.id",
        crate::database::tables::table_name(table_id)
    )))
    .bind(table_id)
    .bind(user_id)
    .bind(after_id)
    .bind(action_type)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// A row's entries, newest first.
pub async fn list(
    conn: &mut PgConnection,
    table_id: i64,
    row_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(
        "SELECT id, table_id, row_id, user_id, user_name, action_type, action_command_type, \
                \"timestamp\", before, after, fields_metadata \
         FROM database_row_history WHERE table_id = $1 AND row_id = $2 \
         ORDER BY \"timestamp\" DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(table_id)
    .bind(row_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
}

pub async fn count(conn: &mut PgConnection, table_id: i64, row_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM database_row_history WHERE table_id = $1 AND row_id = $2",
    )
    .bind(table_id)
    .bind(row_id)
    .fetch_one(conn)
    .await
}

/// Deletes the entries older than `retention`.
pub async fn prune(
    db: impl sqlx::PgExecutor<'_>,
    retention: std::time::Duration,
) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM database_row_history WHERE \"timestamp\" < now() - make_interval(secs => $1)",
    )
    .bind(retention.as_secs_f64())
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
