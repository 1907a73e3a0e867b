//! Old → new ids while tables are copied (table and database duplication): settings that
//! name a table, field, select option or view are rewritten through it. An id that was not
//! copied maps to itself, so a reference to something outside the copy keeps pointing there.

use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct IdMap {
    pub tables: HashMap<i64, i64>,
    pub fields: HashMap<i64, i64>,
    pub select_options: HashMap<i64, i64>,
    pub views: HashMap<i64, i64>,
}

fn lookup(map: &HashMap<i64, i64>, id: i64) -> i64 {
    map.get(&id).copied().unwrap_or(id)
}

impl IdMap {
    pub fn table(&self, id: i64) -> i64 {
        lookup(&self.tables, id)
    }

    pub fn field(&self, id: i64) -> i64 {
        lookup(&self.fields, id)
    }

    pub fn option(&self, id: i64) -> i64 {
        lookup(&self.select_options, id)
    }

    pub fn view(&self, id: i64) -> i64 {
        lookup(&self.views, id)
    }

    /// A JSON field id (a number, or null) mapped; anything else is left as it is.
    pub fn field_value(&self, value: &Value) -> Value {
        match value.as_i64() {
            Some(id) => Value::from(self.field(id)),
            None => value.clone(),
        }
    }

    /// A filter value mapped for its filter type: select filters hold comma-separated
    /// option ids (Baserow maps them the same way on import); other values stay.
    pub fn filter_value(&self, kind: &str, value: &str) -> String {
        let holds_options =
            kind.starts_with("single_select_") || kind.starts_with("multiple_select_");
        if !holds_options || value.trim().is_empty() {
            return value.to_owned();
        }
        value
            .split(',')
            .map(|part| match part.trim().parse::<i64>() {
                Ok(id) => self.option(id).to_string(),
                Err(_) => part.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The select option map as JSON (`{"old": new}`), for SQL that rewrites cells.
    pub fn options_json(&self) -> Value {
        Value::Object(
            self.select_options
                .iter()
                .map(|(old, new)| (old.to_string(), Value::from(*new)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn copied_ids_map_and_others_stay() {
        let mut map = IdMap::default();
        map.fields.insert(3, 30);
        map.select_options.insert(7, 70);
        map.select_options.insert(8, 80);
        assert_eq!(map.field(3), 30);
        assert_eq!(map.field(4), 4, "a field outside the copy stays");
        assert_eq!(map.field_value(&json!(3)), json!(30));
        assert_eq!(map.field_value(&json!(null)), json!(null));
        assert_eq!(
            map.filter_value("single_select_is_any_of", "7,8,9"),
            "70,80,9"
        );
        assert_eq!(map.filter_value("multiple_select_has", "8"), "80");
        assert_eq!(
            map.filter_value("equal", "7"),
            "7",
            "a number is not an option"
        );
        assert_eq!(map.filter_value("single_select_equal", ""), "");
        assert_eq!(map.options_json(), json!({"7": 70, "8": 80}));
    }
}
