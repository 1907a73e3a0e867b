//! What an action records (`Params`, stored as JSON), the scopes undo and redo look in,
//! and what they answer.

use crate::database::events::ViewPart;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Enough to undo and redo one action, per kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Params {
    /// Rows created (or restored from the trash): undo trashes them, redo restores them.
    CreateRows {
        table_id: i64,
        row_ids: Vec<i64>,
    },
    /// Rows changed: `before` and `after` hold only the changed fields (`field_{id}` keys).
    UpdateRows {
        table_id: i64,
        before: Vec<Map<String, Value>>,
        after: Vec<Map<String, Value>>,
    },
    /// Rows an import appended to a table (Baserow's `import_rows`): undo trashes
    /// them, redo restores them.
    ImportRows {
        table_id: i64,
        row_ids: Vec<i64>,
    },
    /// Rows trashed: undo restores them, redo trashes them again.
    DeleteRows {
        table_id: i64,
        row_ids: Vec<i64>,
    },
    CreateField {
        table_id: i64,
        field_id: i64,
    },
    /// The table's primary field changed: the primary field before and after.
    ChangePrimaryField {
        table_id: i64,
        before: i64,
        after: i64,
    },
    /// A field copied (by its job): undo trashes the copy, redo restores it.
    DuplicateField {
        table_id: i64,
        field_id: i64,
    },
    /// A field changed: its API shape before and after, and the backup of its column
    /// when the change converted its type.
    UpdateField {
        table_id: i64,
        field_id: i64,
        before: Value,
        after: Value,
        backup: Option<i64>,
        /// What the conversion changed in the table's views (filters and sorts it
        /// deleted, aggregations it cleared), undone after the field is converted back.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        views: Vec<Params>,
    },
    DeleteField {
        table_id: i64,
        field_id: i64,
    },
    /// A view created (or duplicated, or restored from the trash): undo trashes it.
    CreateView {
        table_id: i64,
        view_id: i64,
    },
    DeleteView {
        table_id: i64,
        view_id: i64,
    },
    /// A view's settings changed: the view as the API showed it before and after.
    UpdateView {
        table_id: i64,
        view_id: i64,
        before: Value,
        after: Value,
    },
    /// A view decoration created: undo deletes it, redo creates it again with its id.
    CreateDecoration {
        view_id: i64,
        decoration: Value,
    },
    /// A decoration changed: as the API showed it before and after.
    UpdateDecoration {
        view_id: i64,
        decoration_id: i64,
        before: Value,
        after: Value,
    },
    /// A decoration deleted: undo creates it again with its id.
    DeleteDecoration {
        view_id: i64,
        decoration: Value,
    },
    /// A view copied: undo trashes the copy, redo restores it.
    DuplicateView {
        table_id: i64,
        view_id: i64,
    },
    /// A view's public slug replaced: the slug before and after.
    RotateViewSlug {
        view_id: i64,
        before: String,
        after: String,
    },
    /// A table copied (by its job): undo trashes the copy, redo restores it.
    DuplicateTable {
        database_id: i64,
        table_id: i64,
    },
    /// Views reordered: the table's view ids in their order before and after.
    OrderViews {
        table_id: i64,
        before: Vec<i64>,
        after: Vec<i64>,
    },
    /// A row moved: its `order` before and after.
    MoveRow {
        table_id: i64,
        row_id: i64,
        before: String,
        after: String,
    },
    /// A filter, filter group, sort or group-by created, as the API showed it.
    CreateViewPart {
        view_id: i64,
        part: ViewPart,
        value: Value,
    },
    UpdateViewPart {
        view_id: i64,
        part: ViewPart,
        before: Value,
        after: Value,
    },
    /// A part deleted: the part first, then what its deletion took with it (a filter
    /// group's groups and filters), parents first.
    DeleteViewPart {
        view_id: i64,
        part: ViewPart,
        id: i64,
        removed: Vec<(ViewPart, Value)>,
    },
    /// Field options changed: the changed fields' options before and after
    /// (`{"<field id>": {…}}`).
    UpdateViewFieldOptions {
        view_id: i64,
        before: Value,
        after: Value,
    },
    /// A table created (or restored from the trash): undo trashes it.
    CreateTable {
        database_id: i64,
        table_id: i64,
    },
    /// A table renamed: its API shape before and after.
    UpdateTable {
        database_id: i64,
        table_id: i64,
        before: Value,
        after: Value,
    },
    DeleteTable {
        database_id: i64,
        table_id: i64,
    },
    /// The database's table ids in their order before and after.
    OrderTables {
        database_id: i64,
        before: Vec<i64>,
        after: Vec<i64>,
    },
    /// An application created: undo trashes it, redo restores it.
    CreateApplication {
        workspace_id: i64,
        application_id: i64,
    },
    /// A database copied (by its job): undo trashes the copy, redo restores it.
    DuplicateApplication {
        workspace_id: i64,
        application_id: i64,
    },
    /// An application renamed: its name before and after.
    UpdateApplication {
        workspace_id: i64,
        application_id: i64,
        before: String,
        after: String,
    },
    DeleteApplication {
        workspace_id: i64,
        application_id: i64,
    },
    /// The workspace's application ids in their order before and after.
    OrderApplications {
        workspace_id: i64,
        before: Vec<i64>,
        after: Vec<i64>,
    },
    /// A workspace created: undo trashes it, redo restores it.
    CreateWorkspace {
        workspace_id: i64,
    },
    /// A workspace renamed: its name before and after.
    UpdateWorkspace {
        workspace_id: i64,
        before: String,
        after: String,
    },
    DeleteWorkspace {
        workspace_id: i64,
    },
    /// The user's workspace ids in their order before and after.
    OrderWorkspaces {
        before: Vec<i64>,
        after: Vec<i64>,
    },
}

impl Params {
    /// Baserow's action type name. A single row's creation and deletion have their own
    /// names there; updates are `update_rows` whatever their count.
    pub fn action_type(&self) -> &'static str {
        match self {
            Params::CreateRows { row_ids, .. } if row_ids.len() == 1 => "create_row",
            Params::CreateRows { .. } => "create_rows",
            Params::UpdateRows { .. } => "update_rows",
            Params::ImportRows { .. } => "import_rows",
            Params::DeleteRows { row_ids, .. } if row_ids.len() == 1 => "delete_row",
            Params::DeleteRows { .. } => "delete_rows",
            Params::CreateField { .. } => "create_field",
            Params::DuplicateField { .. } => "duplicate_field",
            Params::ChangePrimaryField { .. } => "change_primary_field",
            Params::UpdateField { .. } => "update_field",
            Params::DeleteField { .. } => "delete_field",
            Params::CreateView { .. } => "create_view",
            Params::DeleteView { .. } => "delete_view",
            Params::UpdateView { .. } => "update_view",
            Params::CreateDecoration { .. } => "create_decoration",
            Params::UpdateDecoration { .. } => "update_decoration",
            Params::DeleteDecoration { .. } => "delete_decoration",
            Params::OrderViews { .. } => "order_views",
            Params::DuplicateView { .. } => "duplicate_view",
            Params::RotateViewSlug { .. } => "rotate_view_slug",
            Params::DuplicateTable { .. } => "duplicate_table",
            Params::MoveRow { .. } => "move_row",
            Params::CreateViewPart { part, .. } => match part {
                ViewPart::Filter => "create_view_filter",
                ViewPart::FilterGroup => "create_view_filter_group",
                ViewPart::Sort => "create_view_sort",
                ViewPart::GroupBy => "create_view_group",
                ViewPart::Decoration => "create_decoration",
            },
            Params::UpdateViewPart { part, .. } => match part {
                ViewPart::Filter => "update_view_filter",
                ViewPart::FilterGroup => "update_view_filter_group",
                ViewPart::Sort => "update_view_sort",
                ViewPart::GroupBy => "update_view_group",
                ViewPart::Decoration => "update_decoration",
            },
            Params::DeleteViewPart { part, .. } => match part {
                ViewPart::Filter => "delete_view_filter",
                ViewPart::FilterGroup => "delete_view_filter_group",
                ViewPart::Sort => "delete_view_sort",
                ViewPart::GroupBy => "delete_view_group",
                ViewPart::Decoration => "delete_decoration",
            },
            Params::UpdateViewFieldOptions { .. } => "update_view_field_options",
            Params::CreateTable { .. } => "create_table",
            Params::UpdateTable { .. } => "update_table",
            Params::DeleteTable { .. } => "delete_table",
            Params::OrderTables { .. } => "order_tables",
            Params::CreateApplication { .. } => "create_application",
            Params::DuplicateApplication { .. } => "duplicate_application",
            Params::UpdateApplication { .. } => "update_application",
            Params::DeleteApplication { .. } => "delete_application",
            Params::OrderApplications { .. } => "order_applications",
            // Baserow still calls workspaces groups in its action types.
            Params::CreateWorkspace { .. } => "create_group",
            Params::UpdateWorkspace { .. } => "update_group",
            Params::DeleteWorkspace { .. } => "delete_group",
            Params::OrderWorkspaces { .. } => "order_groups",
        }
    }

    /// Baserow's scopes: row, field and view creation, deletion and order actions belong
    /// to their table (`table42`), changes of a view and its parts to the view (`view7`),
    /// table actions to their database (`application3`), application actions to their
    /// workspace (`workspace2`), workspace actions to `root`.
    pub fn scope(&self) -> String {
        let table_id = match self {
            Params::CreateApplication { workspace_id, .. }
            | Params::DuplicateApplication { workspace_id, .. }
            | Params::UpdateApplication { workspace_id, .. }
            | Params::DeleteApplication { workspace_id, .. }
            | Params::OrderApplications { workspace_id, .. } => {
                return format!("workspace{workspace_id}");
            }
            Params::CreateWorkspace { .. }
            | Params::UpdateWorkspace { .. }
            | Params::DeleteWorkspace { .. }
            | Params::OrderWorkspaces { .. } => return "root".to_owned(),
            Params::UpdateView { view_id, .. }
            | Params::CreateViewPart { view_id, .. }
            | Params::UpdateViewPart { view_id, .. }
            | Params::DeleteViewPart { view_id, .. }
            | Params::UpdateViewFieldOptions { view_id, .. }
            | Params::RotateViewSlug { view_id, .. }
            | Params::CreateDecoration { view_id, .. }
            | Params::UpdateDecoration { view_id, .. }
            | Params::DeleteDecoration { view_id, .. } => return format!("view{view_id}"),
            Params::CreateTable { database_id, .. }
            | Params::DuplicateTable { database_id, .. }
            | Params::UpdateTable { database_id, .. }
            | Params::DeleteTable { database_id, .. }
            | Params::OrderTables { database_id, .. } => {
                return format!("application{database_id}");
            }
            Params::OrderViews { table_id, .. }
            | Params::MoveRow { table_id, .. }
            | Params::DuplicateView { table_id, .. } => *table_id,
            Params::CreateRows { table_id, .. }
            | Params::UpdateRows { table_id, .. }
            | Params::ImportRows { table_id, .. }
            | Params::DeleteRows { table_id, .. }
            | Params::CreateField { table_id, .. }
            | Params::DuplicateField { table_id, .. }
            | Params::ChangePrimaryField { table_id, .. }
            | Params::UpdateField { table_id, .. }
            | Params::DeleteField { table_id, .. }
            | Params::CreateView { table_id, .. }
            | Params::DeleteView { table_id, .. } => *table_id,
        };
        format!("table{table_id}")
    }
}

/// The scopes of a request body, Baserow's `{"root": true, "workspace": 1, …}`; unknown
/// keys are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scopes {
    pub root: Option<bool>,
    pub workspace: Option<i64>,
    pub application: Option<i64>,
    pub table: Option<i64>,
    pub view: Option<i64>,
}

impl Scopes {
    /// The scope strings actions are stored under.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.root == Some(true) {
            names.push("root".to_owned());
        }
        let ids = [
            ("workspace", self.workspace),
            ("application", self.application),
            ("table", self.table),
            ("view", self.view),
        ];
        for (kind, id) in ids {
            if let Some(id) = id {
                names.push(format!("{kind}{id}"));
            }
        }
        names
    }
}

/// One undone or redone action, as the response lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionDone {
    pub action_type: String,
    pub action_scope: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResultCode {
    Success,
    NothingToDo,
    SkippedDueToError,
}

/// The answer of undo and redo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub actions: Vec<ActionDone>,
    pub result_code: ResultCode,
}

impl Outcome {
    pub fn nothing() -> Self {
        Self {
            actions: Vec::new(),
            result_code: ResultCode::NothingToDo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scopes_read_baserows_body_and_refuse_unknown_keys() {
        let s: Scopes =
            serde_json::from_value(json!({"root": true, "table": 3, "view": 4})).unwrap();
        assert_eq!(s.names(), ["root", "table3", "view4"]);
        assert!(serde_json::from_value::<Scopes>(json!({"tables": 3})).is_err());
        let none: Scopes = serde_json::from_value(json!({"root": false})).unwrap();
        assert!(none.names().is_empty());
    }

    #[test]
    fn single_rows_have_their_own_action_names() {
        let one = Params::CreateRows {
            table_id: 2,
            row_ids: vec![1],
        };
        assert_eq!(
            (one.action_type(), one.scope().as_str()),
            ("create_row", "table2")
        );
        let two = Params::DeleteRows {
            table_id: 2,
            row_ids: vec![1, 2],
        };
        assert_eq!(two.action_type(), "delete_rows");
        let back: Params = serde_json::from_value(serde_json::to_value(&two).unwrap()).unwrap();
        assert_eq!(back, two);
    }
}
