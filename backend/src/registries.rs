//! The registries and hooks that let the platform call into the applications without
//! naming them: built once per process, here, and held by `AppContext`.

use crate::{
    database::{
        actions::ServiceReplayer, application_type::DatabaseApplicationType,
        trash as database_trash, user_job_types::user_job_types,
    },
    platform::{
        actions::Replayer,
        applications::ApplicationType,
        jobs::UserJobType,
        trash::{TrashItemTypes, WorkspaceTrashItemType},
    },
};
use std::sync::Arc;

pub struct Registries {
    /// How undo and redo replay recorded actions.
    pub actions: Box<dyn Replayer>,
    /// The one application type, the database.
    pub application: Arc<dyn ApplicationType>,
    /// Every trashable item type: the workspace, then the database's items.
    pub trash: TrashItemTypes,
    /// What runs each kind of user-visible job.
    pub user_jobs: Vec<UserJobType>,
}

impl Registries {
    pub fn builtin() -> Self {
        let application: Arc<dyn ApplicationType> = Arc::new(DatabaseApplicationType);
        let trash = TrashItemTypes::new()
            .with(Box::new(WorkspaceTrashItemType::new(application.clone())))
            .with_all(database_trash::item_types());
        Self {
            actions: Box::new(ServiceReplayer),
            application,
            trash,
            user_jobs: user_job_types(),
        }
    }

    /// The user-visible job type named `name`.
    pub fn user_job(&self, name: &str) -> Option<&UserJobType> {
        self.user_jobs.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn trash_names_are_unique_snake_case_and_parents_rank_first() {
        let registries = Registries::builtin();
        let types = &registries.trash;
        let mut seen = HashSet::new();
        for t in types.iter() {
            assert!(seen.insert(t.name()), "{} registered twice", t.name());
            assert!(t.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
        let rank = |name: &str| types.get(name).map(|t| t.deletion_rank());
        assert!(rank("workspace") < rank("application"));
        assert!(rank("application") < rank("table"));
        assert!(rank("table") < rank("field") && rank("table") < rank("view"));
        assert!(rank("table") < rank("row") && rank("table") < rank("rows"));
        assert!(rank("row") < rank("row_comment"));
        assert_eq!(
            types.names(),
            [
                "workspace",
                "application",
                "table",
                "field",
                "view",
                "row",
                "rows",
                "row_comment"
            ]
        );
    }

    #[test]
    fn only_row_entries_name_their_parent() {
        for t in Registries::builtin().trash.iter() {
            assert_eq!(
                t.requires_parent_id(),
                matches!(t.name(), "row" | "rows"),
                "{}",
                t.name()
            );
        }
    }

    #[test]
    fn every_user_job_type_is_registered_once() {
        let registries = Registries::builtin();
        let names: Vec<&str> = registries.user_jobs.iter().map(|t| t.name).collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for name in [
            "duplicate_table",
            "duplicate_field",
            "duplicate_application",
            "create_snapshot",
            "restore_snapshot",
            "export_table",
            "file_import",
            "external_database_import",
        ] {
            assert!(registries.user_job(name).is_some(), "{name}");
        }
        assert!(registries.user_job("unknown").is_none());
    }

    #[test]
    fn the_application_type_is_the_one_workspaces_hold() {
        let registries = Registries::builtin();
        assert_eq!(
            crate::platform::applications::TYPES,
            [registries.application.name()]
        );
    }
}
