//! Every export format. Adding one is a file in `formats/` and a line here.

use super::{exporter::Exporter, formats};

static ALL: &[&dyn Exporter] = &[
    &formats::csv::Csv,
    &formats::json::Json,
    &formats::xml::Xml,
    &formats::excel::Excel,
];

pub fn all() -> &'static [&'static dyn Exporter] {
    ALL
}

pub fn get(name: &str) -> Option<&'static dyn Exporter> {
    ALL.iter().copied().find(|e| e.name() == name)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|e| e.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_extensions_are_unique() {
        let unique: HashSet<_> = ALL.iter().map(|e| e.name()).collect();
        let extensions: HashSet<_> = ALL.iter().map(|e| e.extension()).collect();
        assert_eq!(unique.len(), ALL.len());
        assert_eq!(extensions.len(), ALL.len());
        assert_eq!(names(), ["csv", "json", "xml", "excel"]);
    }
}
