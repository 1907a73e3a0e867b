//! SQL for `trash_entries` and for the trash's view of workspaces and databases, which
//! includes trashed ones.

use super::{
    ApplicationNode, TrashEntry, TrashItemType, model::ListedEntry, registry::TrashItemTypes,
};
use sqlx::{AssertSqlSafe, PgConnection, PgExecutor, Postgres, QueryBuilder};

const ENTRY: &str = "e.id, e.trash_item_type, e.trash_item_id, e.parent_trash_item_id, \
    e.workspace_id, e.application_id, e.name, e.names, e.trashed_at";

/// A workspace's name and whether it is trashed; `None` when it does not exist or is being
/// deleted for good.
pub async fn workspace(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT w.id, w.name, w.trashed FROM workspaces w WHERE w.id = $1 AND NOT EXISTS \
           (SELECT 1 FROM trash_entries e WHERE e.trash_item_type = 'workspace' \
            AND e.trash_item_id = w.id AND e.should_be_permanently_deleted)",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The workspaces `user_id` is a member of, trashed or not, minus those being deleted for
/// good, in the user's order.
pub async fn workspaces_of_user(
    db: impl PgExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT w.id, w.name, w.trashed FROM workspaces w \
         JOIN workspace_users wu ON wu.workspace_id = w.id AND wu.user_id = $1 \
         WHERE NOT EXISTS (SELECT 1 FROM trash_entries e WHERE e.trash_item_type = 'workspace' \
            AND e.trash_item_id = w.id AND e.should_be_permanently_deleted) \
         ORDER BY wu.\"order\", w.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Snapshots' hidden copies are trashed applications too, but never the trash's.
const APPLICATION: &str = "SELECT a.id, a.workspace_id, a.name, a.trashed, a.type FROM applications a \
    WHERE NOT EXISTS (SELECT 1 FROM trash_entries e WHERE e.trash_item_type = 'application' \
      AND e.trash_item_id = a.id AND e.should_be_permanently_deleted) \
    AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.snapshot_to_application_id = a.id)";

/// Applications of the given workspaces, trashed or not, minus those being deleted for good.
pub async fn applications_of(
    db: impl PgExecutor<'_>,
    workspace_ids: &[i64],
) -> sqlx::Result<Vec<ApplicationNode>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{APPLICATION} AND a.workspace_id = ANY($1) ORDER BY a.\"order\", a.id"
    )))
    .bind(workspace_ids)
    .fetch_all(db)
    .await
}

/// An application, trashed or not.
pub async fn application(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<ApplicationNode>> {
    sqlx::query_as(AssertSqlSafe(format!("{APPLICATION} AND a.id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Entries of a workspace (`application_id` `None`: its own entries, i.e. the workspace
/// itself) or of one of its databases, not yet emptied.
fn push_scope(sql: &mut QueryBuilder<Postgres>, workspace_id: i64, application_id: Option<i64>) {
    sql.push(" WHERE e.workspace_id = ")
        .push_bind(workspace_id)
        .push(" AND e.application_id IS NOT DISTINCT FROM ")
        .push_bind(application_id)
        .push(" AND NOT e.should_be_permanently_deleted");
}

pub async fn count(
    conn: &mut PgConnection,
    workspace_id: i64,
    application_id: Option<i64>,
) -> sqlx::Result<i64> {
    let mut sql = QueryBuilder::new("SELECT count(*) FROM trash_entries e");
    push_scope(&mut sql, workspace_id, application_id);
    sql.build_query_scalar().fetch_one(conn).await
}

/// One page of entries, newest first, with who trashed them and their parent's name.
pub async fn page(
    conn: &mut PgConnection,
    types: &TrashItemTypes,
    workspace_id: i64,
    application_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListedEntry>> {
    let mut sql = QueryBuilder::new(format!(
        "SELECT {ENTRY}, u.first_name AS user_who_trashed, CASE e.trash_item_type"
    ));
    for t in types.iter() {
        sql.push(" WHEN ")
            .push_bind(t.name())
            .push(format!(" THEN {}", t.parent_name_sql()));
    }
    sql.push(
        " END AS parent_name FROM trash_entries e LEFT JOIN users u ON u.id = e.user_who_trashed",
    );
    push_scope(&mut sql, workspace_id, application_id);
    sql.push(" ORDER BY e.trashed_at DESC, e.id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    sql.build_query_as().fetch_all(conn).await
}

/// The entry a restore names, locked until the transaction ends; entries marked for
/// permanent deletion cannot be restored any more.
pub async fn lock_for_restore(
    conn: &mut PgConnection,
    item_type: &str,
    item_id: i64,
    parent_id: Option<i64>,
) -> sqlx::Result<Option<TrashEntry>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {ENTRY} FROM trash_entries e WHERE e.trash_item_type = $1 AND e.trash_item_id = $2 \
         AND e.parent_trash_item_id IS NOT DISTINCT FROM $3 AND NOT e.should_be_permanently_deleted \
         FOR UPDATE"
    )))
    .bind(item_type)
    .bind(item_id)
    .bind(parent_id)
    .fetch_optional(conn)
    .await
}

/// Whether a parent of the entry's item is in the trash.
pub async fn parent_trashed(
    conn: &mut PgConnection,
    item_type: &dyn TrashItemType,
    entry_id: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COALESCE(({}), FALSE) FROM trash_entries e WHERE e.id = $1",
        item_type.parent_trashed_sql()
    )))
    .bind(entry_id)
    .fetch_optional(conn)
    .await
    .map(|trashed| trashed.unwrap_or(false))
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM trash_entries WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Marks a workspace's (or database's) entries for permanent deletion; returns their types.
pub async fn mark_for_deletion(
    conn: &mut PgConnection,
    workspace_id: i64,
    application_id: Option<i64>,
) -> sqlx::Result<Vec<String>> {
    let mut sql =
        QueryBuilder::new("UPDATE trash_entries e SET should_be_permanently_deleted = TRUE");
    push_scope(&mut sql, workspace_id, application_id);
    sql.push(" RETURNING e.trash_item_type");
    sql.build_query_scalar().fetch_all(conn).await
}

/// Marks the entries trashed longer than `retention` ago for permanent deletion.
pub async fn mark_expired(
    db: impl PgExecutor<'_>,
    retention: std::time::Duration,
) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE trash_entries SET should_be_permanently_deleted = TRUE \
         WHERE NOT should_be_permanently_deleted AND trashed_at < now() - make_interval(secs => $1)",
    )
    .bind(retention.as_secs_f64())
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Ids and types of the entries marked for permanent deletion.
pub async fn marked(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, trash_item_type FROM trash_entries WHERE should_be_permanently_deleted ORDER BY id",
    )
    .fetch_all(db)
    .await
}

/// A marked entry, locked; `None` when it is gone or another run is deleting it.
pub async fn lock_marked(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<TrashEntry>> {
    sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {ENTRY} FROM trash_entries e WHERE e.id = $1 AND e.should_be_permanently_deleted \
         FOR UPDATE SKIP LOCKED"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Drops the entries whose items went with a parent deleted for good.
pub async fn delete_orphans(conn: &mut PgConnection, types: &TrashItemTypes) -> sqlx::Result<u64> {
    let mut removed = 0;
    for t in types.iter() {
        removed += sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM trash_entries e WHERE e.trash_item_type = $1 AND ({})",
            t.orphaned_sql()
        )))
        .bind(t.name())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(removed)
}
