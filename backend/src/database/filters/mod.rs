//! View filters: a registry of filter types and the AND/OR tree that combines them.

pub mod computed;
mod errors;
pub mod filter_type;
pub mod registry;
pub mod tree;
mod types;

pub use computed::applies;
pub use errors::FilterError;
pub use filter_type::{FilterTarget, FilterType};
pub use tree::{FilterGroup, FilterLeaf, FilterNode};
pub use types::like_pattern;
