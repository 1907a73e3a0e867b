//! Every built-in field type, in the order the "add field" menu shows them.

use super::{FieldType, types::*};

/// Name → field type. Adding a type is one file in `types/` and one line here.
pub struct FieldTypes {
    types: Vec<Box<dyn FieldType>>,
}

impl FieldTypes {
    pub fn builtin() -> Self {
        let types: Vec<Box<dyn FieldType>> = vec![
            Box::new(TextFieldType),
            Box::new(LongTextFieldType),
            Box::new(UrlFieldType),
            Box::new(EmailFieldType),
            Box::new(PhoneNumberFieldType),
            Box::new(NumberFieldType),
            Box::new(RatingFieldType),
            Box::new(BooleanFieldType),
            Box::new(DateFieldType),
            Box::new(DurationFieldType),
            Box::new(SingleSelectFieldType),
            Box::new(MultipleSelectFieldType),
            Box::new(LinkRowFieldType),
            Box::new(FileFieldType),
            Box::new(FormulaFieldType),
            Box::new(ThroughFieldType { name: LOOKUP }),
            Box::new(ThroughFieldType { name: ROLLUP }),
            Box::new(ThroughFieldType { name: COUNT }),
            Box::new(MultipleCollaboratorsFieldType),
            Box::new(PasswordFieldType),
            Box::new(TimestampFieldType {
                name: "created_on",
                system_column: "created_on",
            }),
            Box::new(TimestampFieldType {
                name: "last_modified",
                system_column: "updated_on",
            }),
            Box::new(UserStampFieldType {
                name: "created_by",
                system_column: "created_by",
            }),
            Box::new(UserStampFieldType {
                name: "last_modified_by",
                system_column: "last_modified_by",
            }),
            Box::new(AutonumberFieldType),
            Box::new(UuidFieldType),
        ];
        Self { types }
    }

    pub fn get(&self, name: &str) -> Option<&dyn FieldType> {
        self.types.iter().find(|t| t.name() == name).map(|t| &**t)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.types.iter().map(|t| t.name())
    }
}

/// The process-wide registry: built once, immutable.
pub fn field_types() -> &'static FieldTypes {
    static TYPES: std::sync::OnceLock<FieldTypes> = std::sync::OnceLock::new();
    TYPES.get_or_init(FieldTypes::builtin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_snake_case_and_baserows() {
        let names: Vec<_> = field_types().names().collect();
        let unique: HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        for expected in [
            "text",
            "long_text",
            "number",
            "rating",
            "boolean",
            "date",
            "url",
            "email",
            "phone_number",
            "single_select",
            "multiple_select",
            "created_on",
            "last_modified",
            "created_by",
            "last_modified_by",
            "autonumber",
            "uuid",
            "duration",
            "link_row",
            "formula",
            "lookup",
            "rollup",
            "count",
            "multiple_collaborators",
            "password",
        ] {
            assert!(names.contains(&expected), "{expected} missing");
        }
    }
}
