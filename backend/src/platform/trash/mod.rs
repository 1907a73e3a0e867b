//! Trash: deleting marks an item trashed and records an entry; restore and cleanup come later.

use sqlx::PgExecutor;

/// What was trashed, by whom, and where it lived.
pub struct NewTrashEntry<'a> {
    pub item_type: &'a str,
    pub item_id: i64,
    pub parent_item_id: Option<i64>,
    pub workspace_id: i64,
    pub application_id: Option<i64>,
    pub user_id: i64,
    pub name: &'a str,
}

/// Records a trash entry; trashing the same item again refreshes it.
pub async fn record(db: impl PgExecutor<'_>, e: &NewTrashEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO trash_entries (trash_item_type, trash_item_id, parent_trash_item_id, workspace_id, \
           application_id, user_who_trashed, name) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (trash_item_type, trash_item_id, parent_trash_item_id) \
           DO UPDATE SET trashed_at = now(), user_who_trashed = EXCLUDED.user_who_trashed",
    )
    .bind(e.item_type)
    .bind(e.item_id)
    .bind(e.parent_item_id)
    .bind(e.workspace_id)
    .bind(e.application_id)
    .bind(e.user_id)
    .bind(e.name)
    .execute(db)
    .await
    .map(|_| ())
}
