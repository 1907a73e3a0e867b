//! How history names a change: the action type of a row's creation, import, deletion or
//! return from the trash (Baserow's `create_row(s)`, `import_rows`, `delete_row(s)`,
//! `restore_from_trash`), and
//! whether the change was done, undone or redone (`action_command_type`).

/// What a change did to whole rows, as the history entry's `action_type` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// One row created with `POST /api/database/rows/table/{t}/`.
    CreateRow,
    /// Rows created with the batch endpoint (one or more).
    CreateRows,
    /// Rows an import wrote (into a new table or after a table's rows).
    ImportRows,
    /// One row trashed with `DELETE …/{row}/`.
    DeleteRow,
    /// Rows trashed with the batch endpoint (one or more).
    DeleteRows,
    /// A row, or a batch of rows, taken out of the trash.
    RestoreFromTrash,
}

impl RowAction {
    pub fn action_type(self) -> &'static str {
        match self {
            RowAction::CreateRow => "create_row",
            RowAction::CreateRows => "create_rows",
            RowAction::ImportRows => "import_rows",
            RowAction::DeleteRow => "delete_row",
            RowAction::DeleteRows => "delete_rows",
            RowAction::RestoreFromTrash => "restore_from_trash",
        }
    }

    /// The row action an undoable action's type names, if it is one.
    pub fn from_action_type(action_type: &str) -> Option<Self> {
        [
            RowAction::CreateRow,
            RowAction::CreateRows,
            RowAction::ImportRows,
            RowAction::DeleteRow,
            RowAction::DeleteRows,
            RowAction::RestoreFromTrash,
        ]
        .into_iter()
        .find(|a| a.action_type() == action_type)
    }

    /// Whether the entry of a row this action made keeps the values it was created with.
    pub fn is_creation(self) -> bool {
        matches!(self, RowAction::CreateRow | RowAction::CreateRows)
    }
}

pub use crate::db::tx::Command;

/// An undo or redo being replayed: its events are entries of the replayed action's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub command: Command,
    pub action_type: String,
}

/// What history knows of one emitted event besides the event: which row action emitted
/// it, and which undo or redo was being replayed then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag {
    pub rows: Option<RowAction>,
    pub replay: Option<Replay>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_types_are_baserows_and_read_back() {
        for action in [
            RowAction::CreateRow,
            RowAction::CreateRows,
            RowAction::ImportRows,
            RowAction::DeleteRow,
            RowAction::DeleteRows,
            RowAction::RestoreFromTrash,
        ] {
            assert_eq!(
                RowAction::from_action_type(action.action_type()),
                Some(action)
            );
        }
        assert_eq!(
            RowAction::from_action_type("import_rows"),
            Some(RowAction::ImportRows)
        );
        assert!(
            !RowAction::ImportRows.is_creation(),
            "imports keep no values"
        );
        assert_eq!(RowAction::from_action_type("update_rows"), None);
        assert_eq!(Command::Undo.as_str(), "UNDO");
    }
}
