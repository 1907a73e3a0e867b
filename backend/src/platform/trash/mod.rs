//! Trash: deleting marks an item trashed and records an entry; entries can be listed,
//! restored, or emptied, and the permanent deletion job removes them for good.

pub mod cleanup_job;
mod errors;
mod item_type;
mod model;
pub mod registry;
pub mod repo;
mod service;
mod types;

pub use errors::TrashError;
pub use item_type::TrashItemType;
pub use model::{ApplicationNode, TrashEntry, TrashPage, WorkspaceNode};
pub use registry::TrashItemTypes;
pub use service::*;
pub use types::{WorkspaceTrashItemType, delete_trashed, untrash};

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
    record_with_names(db, e, None).await
}

/// Records a trash entry for several items at once (`rows`), listing their names.
pub async fn record_with_names(
    db: impl PgExecutor<'_>,
    e: &NewTrashEntry<'_>,
    names: Option<&[String]>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO trash_entries (trash_item_type, trash_item_id, parent_trash_item_id, workspace_id, \
           application_id, user_who_trashed, name, names) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
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
    .bind(names)
    .execute(db)
    .await
    .map(|_| ())
}
