//! Field names for imported columns: printable, trimmed, valid as field names, and unique
//! (`Name`, `Name 2`, …); an empty header becomes `Field <position>`, as in Baserow's importer.

use crate::database::fields::{self, MAX_NAME_LENGTH};
use std::collections::HashSet;

#[derive(Default)]
pub struct FieldNames {
    used: HashSet<String>,
}

impl FieldNames {
    /// The name for the column at 1-based `position` whose header is `raw`.
    pub fn make(&mut self, raw: Option<&str>, position: usize) -> String {
        let printable: String = raw
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let trimmed: String = printable.trim().chars().take(MAX_NAME_LENGTH).collect();
        let base = match trimmed.trim_end() {
            "" => format!("Field {position}"),
            other => other.to_owned(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name) || fields::check_name(&name).is_err() {
            let suffix = format!(" {n}");
            let keep = MAX_NAME_LENGTH - suffix.len();
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_blanks_reserved_and_odd_names_become_valid_and_unique() {
        let mut names = FieldNames::default();
        let got: Vec<String> = [
            Some("Name"),
            Some(" Name "),
            Some(""),
            None,
            Some("id"),
            Some("a\0b\nc"),
            Some("Field 3"),
        ]
        .iter()
        .enumerate()
        .map(|(i, raw)| names.make(*raw, i + 1))
        .collect();
        assert_eq!(
            got,
            [
                "Name",
                "Name 2",
                "Field 3",
                "Field 4",
                "id 2",
                "abc",
                "Field 3 2"
            ]
        );
        let long = "x".repeat(300);
        let first = names.make(Some(&long), 8);
        let second = names.make(Some(&long), 9);
        assert_eq!(first.chars().count(), MAX_NAME_LENGTH);
        assert!(second.ends_with(" 2") && second.chars().count() == MAX_NAME_LENGTH);
    }
}
