//! Every built-in filter type.

use super::{FilterType, types::*};

pub struct FilterTypes {
    types: Vec<Box<dyn FilterType>>,
}

impl FilterTypes {
    pub fn builtin() -> Self {
        let mut types: Vec<Box<dyn FilterType>> = vec![
            Box::new(EqualFilter {
                name: "equal",
                negate: false,
            }),
            Box::new(EqualFilter {
                name: "not_equal",
                negate: true,
            }),
            Box::new(ContainsFilter {
                name: "contains",
                negate: false,
            }),
            Box::new(ContainsFilter {
                name: "contains_not",
                negate: true,
            }),
            Box::new(ContainsWordFilter {
                name: "contains_word",
                negate: false,
            }),
            Box::new(ContainsWordFilter {
                name: "doesnt_contain_word",
                negate: true,
            }),
            Box::new(LengthIsLowerThanFilter),
            Box::new(CompareFilter {
                name: "higher_than",
                op: ">",
            }),
            Box::new(CompareFilter {
                name: "higher_than_or_equal",
                op: ">=",
            }),
            Box::new(CompareFilter {
                name: "lower_than",
                op: "<",
            }),
            Box::new(CompareFilter {
                name: "lower_than_or_equal",
                op: "<=",
            }),
            Box::new(IsEvenAndWholeFilter),
            Box::new(EmptyFilter {
                name: "empty",
                negate: false,
            }),
            Box::new(EmptyFilter {
                name: "not_empty",
                negate: true,
            }),
            Box::new(BooleanFilter),
            Box::new(SingleSelectFilter {
                name: "single_select_equal",
                any_of: false,
                negate: false,
            }),
            Box::new(SingleSelectFilter {
                name: "single_select_not_equal",
                any_of: false,
                negate: true,
            }),
            Box::new(SingleSelectFilter {
                name: "single_select_is_any_of",
                any_of: true,
                negate: false,
            }),
            Box::new(SingleSelectFilter {
                name: "single_select_is_none_of",
                any_of: true,
                negate: true,
            }),
            Box::new(MultipleSelectHasFilter {
                name: "multiple_select_has",
                negate: false,
            }),
            Box::new(MultipleSelectHasFilter {
                name: "multiple_select_has_not",
                negate: true,
            }),
            Box::new(LinkRowHasFilter {
                name: "link_row_has",
                negate: false,
            }),
            Box::new(LinkRowHasFilter {
                name: "link_row_has_not",
                negate: true,
            }),
            Box::new(LinkRowContainsFilter {
                name: "link_row_contains",
                negate: false,
            }),
            Box::new(LinkRowContainsFilter {
                name: "link_row_not_contains",
                negate: true,
            }),
            Box::new(CollaboratorsHasFilter {
                name: "multiple_collaborators_has",
                negate: false,
            }),
            Box::new(CollaboratorsHasFilter {
                name: "multiple_collaborators_has_not",
                negate: true,
            }),
            Box::new(FilenameContainsFilter),
            Box::new(HasFileTypeFilter),
            Box::new(FilesLowerThanFilter),
            Box::new(UserIsFilter {
                name: "user_is",
                negate: false,
            }),
            Box::new(UserIsFilter {
                name: "user_is_not",
                negate: true,
            }),
        ];
        types.extend(date_filters());
        types.extend(array_filters());
        Self { types }
    }

    pub fn get(&self, name: &str) -> Option<&dyn FilterType> {
        self.types.iter().find(|t| t.name() == name).map(|t| &**t)
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn FilterType> {
        self.types.iter().map(|t| &**t)
    }
}

pub fn filter_types() -> &'static FilterTypes {
    static TYPES: std::sync::OnceLock<FilterTypes> = std::sync::OnceLock::new();
    TYPES.get_or_init(FilterTypes::builtin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::registry::field_types;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_every_field_type_has_a_filter() {
        let names: Vec<_> = filter_types().iter().map(|t| t.name()).collect();
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len());
        for field_type in field_types().names() {
            // Computed fields take filters by their formula type, see `filters::computed`.
            if crate::database::computed::is_computed(field_type) {
                assert!(filter_types().iter().any(|f| f.accepts_any_computed()));
                continue;
            }
            assert!(
                filter_types().iter().any(|f| f.supports(field_type)),
                "no filter for {field_type}"
            );
        }
        for t in filter_types().iter() {
            for ft in t.compatible_field_types() {
                assert!(
                    field_types().get(ft).is_some(),
                    "{} names unknown field type {ft}",
                    t.name()
                );
            }
        }
    }
}
