//! Trash entries and the trash's structure, as the use cases return them.

use chrono::{DateTime, Utc};

/// One trashed item (or batch of rows), as recorded when it was trashed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrashEntry {
    pub id: i64,
    pub trash_item_type: String,
    pub trash_item_id: i64,
    pub parent_trash_item_id: Option<i64>,
    pub workspace_id: i64,
    pub application_id: Option<i64>,
    pub name: String,
    pub names: Option<Vec<String>>,
    pub trashed_at: DateTime<Utc>,
}

/// An entry as the trash listing shows it: with who trashed it and its parent's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedEntry {
    #[sqlx(flatten)]
    pub entry: TrashEntry,
    /// First name of the user who trashed it (`None` when that account is gone).
    pub user_who_trashed: Option<String>,
    pub parent_name: Option<String>,
}

/// One page of a workspace's or database's trash.
#[derive(Debug, Clone)]
pub struct TrashPage {
    pub count: i64,
    pub entries: Vec<ListedEntry>,
}

/// A workspace of the caller, trashed or not, with its databases.
#[derive(Debug, Clone)]
pub struct WorkspaceNode {
    pub id: i64,
    pub name: String,
    pub trashed: bool,
    pub applications: Vec<ApplicationNode>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationNode {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
    pub trashed: bool,
    #[sqlx(rename = "type")]
    pub kind: String,
}
