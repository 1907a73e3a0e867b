//! What every kind of trashable item does: how it is restored, how its parents are
//! checked, and how it is deleted for good. The workspace's is in `types/`; the database
//! application's items implement it in `database/trash/`.

use super::{TrashEntry, TrashError};
use crate::db::tx::Tx;
use crate::platform::auth::Actor;
use futures::future::BoxFuture;
use sqlx::PgConnection;

/// A kind of item that goes to the trash: `workspace`, `application`, `table`, `field`,
/// `row`, `rows`, `view`, `row_comment`. The I/O methods return boxed futures so the
/// registry can hold `dyn` values.
///
/// The SQL fragments are static text over the entry aliased `e` (a `trash_entries` row);
/// they never contain user input.
pub trait TrashItemType: Send + Sync + 'static {
    /// The wire name, `trash_item_type`.
    fn name(&self) -> &'static str;

    /// Whether entries of this type are identified with their parent (rows: the table),
    /// so restore requests must name it.
    fn requires_parent_id(&self) -> bool {
        false
    }

    /// Whether restoring or emptying it takes the workspace's admin role (as deleting does).
    fn admin_only(&self) -> bool {
        false
    }

    /// Order of permanent deletion, lowest first: parents go before their children, whose
    /// entries then disappear with them.
    fn deletion_rank(&self) -> u8;

    /// Boolean SQL over `e`: a parent of the item (table, database, workspace) is trashed.
    fn parent_trashed_sql(&self) -> &'static str;

    /// Text SQL over `e`: the name of the item's parent, for the listing.
    fn parent_name_sql(&self) -> &'static str {
        "NULL::text"
    }

    /// Boolean SQL over `e`: the item no longer exists (it went with its parent), so the
    /// entry is dropped too.
    fn orphaned_sql(&self) -> &'static str;

    /// Takes the item out of the trash inside the caller's transaction, keeps derived state
    /// right and emits the events a live client needs. The entry is already removed;
    /// `TrashError::ItemNotFound` when the item is no longer in the trash.
    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>>;

    /// User tables inside the item, which permanent deletion drops a few per transaction
    /// (with [`TrashItemType::drop_table_inside`]) before
    /// [`TrashItemType::delete_for_good`] so that no transaction holds the locks of a
    /// whole workspace.
    fn tables_inside<'a>(
        &'a self,
        _conn: &'a mut PgConnection,
        _entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<Vec<i64>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Drops one of the [`TrashItemType::tables_inside`] for good, with its metadata.
    fn drop_table_inside<'a>(
        &'a self,
        _conn: &'a mut PgConnection,
        _table_id: i64,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Deletes the item for good inside the caller's transaction, schema changes and
    /// metadata together. An item that is already gone is not an error.
    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>>;
}
