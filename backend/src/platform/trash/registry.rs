//! Every trashable item type. Adding one is a file in `types/` and a line here.

use super::{TrashItemType, types::*};

/// Name → trash item type.
pub struct TrashItemTypes {
    types: Vec<Box<dyn TrashItemType>>,
}

impl TrashItemTypes {
    pub fn builtin() -> Self {
        let types: Vec<Box<dyn TrashItemType>> = vec![
            Box::new(WorkspaceTrashItemType),
            Box::new(ApplicationTrashItemType),
            Box::new(TableTrashItemType),
            Box::new(FieldTrashItemType),
            Box::new(ViewTrashItemType),
            Box::new(RowTrashItemType),
            Box::new(RowsTrashItemType),
            Box::new(RowCommentTrashItemType),
        ];
        Self { types }
    }

    pub fn get(&self, name: &str) -> Option<&dyn TrashItemType> {
        self.types.iter().find(|t| t.name() == name).map(|t| &**t)
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn TrashItemType> {
        self.types.iter().map(|t| &**t)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.types.iter().map(|t| t.name()).collect()
    }
}

/// The process-wide registry: built once, immutable.
pub fn item_types() -> &'static TrashItemTypes {
    static TYPES: std::sync::OnceLock<TrashItemTypes> = std::sync::OnceLock::new();
    TYPES.get_or_init(TrashItemTypes::builtin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_snake_case_and_parents_rank_first() {
        let types = item_types();
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
    }

    #[test]
    fn only_row_entries_name_their_parent() {
        for t in item_types().iter() {
            assert_eq!(
                t.requires_parent_id(),
                matches!(t.name(), "row" | "rows"),
                "{}",
                t.name()
            );
        }
    }
}
