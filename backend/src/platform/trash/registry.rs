//! The registry of trashable item types. The platform contributes the workspace; the
//! applications register their own items. It is built once, in `crate::registries`.

use super::TrashItemType;

/// Name → trash item type.
pub struct TrashItemTypes {
    types: Vec<Box<dyn TrashItemType>>,
}

impl TrashItemTypes {
    pub fn new() -> Self {
        Self { types: Vec::new() }
    }

    /// Adds `item`; a name registered twice is a programming error.
    pub fn with(mut self, item: Box<dyn TrashItemType>) -> Self {
        assert!(
            self.get(item.name()).is_none(),
            "trash item type `{}` registered twice",
            item.name()
        );
        self.types.push(item);
        self
    }

    /// Adds every item of `items`, in order.
    pub fn with_all(self, items: impl IntoIterator<Item = Box<dyn TrashItemType>>) -> Self {
        items.into_iter().fold(self, Self::with)
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

impl Default for TrashItemTypes {
    fn default() -> Self {
        Self::new()
    }
}
