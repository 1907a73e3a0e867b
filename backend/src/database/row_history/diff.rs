//! What one row's update changed, as a history entry keeps it: the values before and
//! after of the fields that really changed (keyed by `field_<id>`), and each such field's
//! metadata. Values are stored as Baserow's row history stores them: select options and
//! links by id (their texts go to the metadata), everything else as the API shows it.

use crate::database::fields::registry::field_types;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// What the diff needs to know of a field.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FieldInfo {
    pub id: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub options: sqlx::types::Json<Value>,
    #[sqlx(rename = "is_primary")]
    pub primary: bool,
}

/// One row's change, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub row_id: i64,
    pub before: Map<String, Value>,
    pub after: Map<String, Value>,
    pub fields_metadata: Map<String, Value>,
}

/// The change of the row `after` (from `before`) in the fields `updated`; `None` when no
/// value of them changed. Read-only fields (formulas, lookups, …) are followed, never
/// recorded, as in Baserow.
pub fn row_change(
    fields: &[FieldInfo],
    updated: &[i64],
    before: &Value,
    after: &Value,
) -> Option<RowChange> {
    let row_id = after.get("id")?.as_i64()?;
    let primary_value = primary_text(fields, after);
    let mut change = RowChange {
        row_id,
        before: Map::new(),
        after: Map::new(),
        fields_metadata: Map::new(),
    };
    for id in updated {
        let Some(field) = fields.iter().find(|f| f.id == *id) else {
            continue;
        };
        if field_types()
            .get(&field.kind)
            .is_none_or(|t| t.is_read_only())
        {
            continue;
        }
        let key = format!("field_{id}");
        let (Some(old), Some(new)) = (before.get(&key), after.get(&key)) else {
            continue;
        };
        if same(&field.kind, old, new) {
            continue;
        }
        change
            .fields_metadata
            .insert(key.clone(), metadata(field, old, new, &primary_value));
        change.before.insert(key.clone(), stored(&field.kind, old));
        change.after.insert(key, stored(&field.kind, new));
    }
    (!change.after.is_empty()).then_some(change)
}

/// What a new row was created with: its writable fields that hold a value, each from
/// `null` (Baserow's create entries; like Baserow, empty values, `false` and zero count as
/// nothing to show).
pub fn row_created(fields: &[FieldInfo], row: &Value) -> Option<RowChange> {
    let row_id = row.get("id")?.as_i64()?;
    let primary_value = primary_text(fields, row);
    let mut change = RowChange {
        row_id,
        before: Map::new(),
        after: Map::new(),
        fields_metadata: Map::new(),
    };
    for field in fields {
        if field_types()
            .get(&field.kind)
            .is_none_or(|t| t.is_read_only())
        {
            continue;
        }
        let key = format!("field_{}", field.id);
        let Some(value) = row.get(&key) else {
            continue;
        };
        if is_blank(&field.kind, value) {
            continue;
        }
        change.fields_metadata.insert(
            key.clone(),
            metadata(field, &Value::Null, value, &primary_value),
        );
        change.before.insert(key.clone(), Value::Null);
        change.after.insert(key, stored(&field.kind, value));
    }
    Some(change)
}

/// Whether a new row's value is nothing worth listing: empty, `false` or zero.
fn is_blank(kind: &str, value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => {
            s.is_empty()
                || (matches!(kind, "number" | "rating" | "duration")
                    && s.parse::<f64>().is_ok_and(|n| n == 0.0))
        }
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(items) => items.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(true) => false,
    }
}

/// The row's primary value as text (linked rows' entries name the row by it).
fn primary_text(fields: &[FieldInfo], row: &Value) -> String {
    fields
        .iter()
        .find(|f| f.primary)
        .and_then(|f| row.get(format!("field_{}", f.id)))
        .map(as_text)
        .unwrap_or_default()
}

/// Whether two API values of a field are the same value (Baserow's
/// `are_row_values_equal`: many-valued fields compare as sets).
fn same(kind: &str, a: &Value, b: &Value) -> bool {
    match kind {
        "link_row" | "multiple_select" | "multiple_collaborators" => ids(a) == ids(b),
        "file" => names(a) == names(b),
        _ => a == b,
    }
}

/// The value as the history keeps it.
fn stored(kind: &str, value: &Value) -> Value {
    match kind {
        "single_select" => value.get("id").cloned().unwrap_or(Value::Null),
        "link_row" | "multiple_select" | "multiple_collaborators" => {
            Value::Array(ids_in_order(value).into_iter().map(Value::from).collect())
        }
        _ => value.clone(),
    }
}

/// Baserow's `serialize_metadata_for_row_history`: the type and what the values need to
/// be shown (select options and linked rows by id, number and date formats).
fn metadata(field: &FieldInfo, old: &Value, new: &Value, primary_value: &str) -> Value {
    let mut meta = Map::new();
    meta.insert("id".into(), json!(field.id));
    meta.insert("type".into(), json!(field.kind));
    let opt = |key: &str| field.options.0.get(key).cloned().unwrap_or(Value::Null);
    let mut copy = |keys: &[&str]| {
        for key in keys {
            meta.insert((*key).into(), opt(key));
        }
    };
    match field.kind.as_str() {
        "long_text" => copy(&["long_text_enable_rich_text"]),
        "number" => copy(&[
            "number_decimal_places",
            "number_negative",
            "number_prefix",
            "number_suffix",
            "number_separator",
        ]),
        "date" => copy(&[
            "date_format",
            "date_include_time",
            "date_time_format",
            "date_show_tzinfo",
            "date_force_timezone",
        ]),
        "duration" => copy(&["duration_format"]),
        "single_select" | "multiple_select" => {
            let mut options = Map::new();
            for value in [old, new] {
                for option in items(value) {
                    if let Some(id) = option.get("id").and_then(Value::as_i64) {
                        options.insert(
                            id.to_string(),
                            json!({"id": id, "value": option.get("value"), "color": option.get("color")}),
                        );
                    }
                }
            }
            meta.insert("select_options".into(), Value::Object(options));
        }
        "link_row" => {
            let mut linked = Map::new();
            for value in [old, new] {
                for row in items(value) {
                    if let Some(id) = row.get("id").and_then(Value::as_i64) {
                        let text = row.get("value").map(as_text).unwrap_or_default();
                        linked.insert(id.to_string(), json!({ "value": text }));
                    }
                }
            }
            meta.insert("linked_rows".into(), Value::Object(linked));
            meta.insert("linked_table_id".into(), opt("link_row_table_id"));
            meta.insert("linked_field_id".into(), opt("link_row_related_field_id"));
            meta.insert("primary_value".into(), json!(primary_value));
        }
        "multiple_collaborators" => {
            let mut users = Map::new();
            for value in [old, new] {
                for user in items(value) {
                    if let Some(id) = user.get("id").and_then(Value::as_i64) {
                        users.insert(id.to_string(), json!({"id": id, "name": user.get("name")}));
                    }
                }
            }
            meta.insert("collaborators".into(), Value::Object(users));
        }
        _ => {}
    }
    Value::Object(meta)
}

/// A single value (`{id, …}`) or a list of them, as a list.
fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![value],
        _ => Vec::new(),
    }
}

fn ids_in_order(value: &Value) -> Vec<i64> {
    items(value)
        .into_iter()
        .filter_map(|v| v.get("id").and_then(Value::as_i64).or_else(|| v.as_i64()))
        .collect()
}

fn ids(value: &Value) -> BTreeSet<i64> {
    ids_in_order(value).into_iter().collect()
}

fn names(value: &Value) -> BTreeSet<String> {
    items(value)
        .into_iter()
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// A value as plain text (a linked row's or the primary field's).
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items
            .iter()
            .map(|v| v.get("value").map(as_text).unwrap_or_else(|| as_text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => o.get("value").map(as_text).unwrap_or_default(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: i64, kind: &str, options: Value, primary: bool) -> FieldInfo {
        FieldInfo {
            id,
            kind: kind.into(),
            options: sqlx::types::Json(options),
            primary,
        }
    }

    #[test]
    fn only_changed_writable_fields_are_kept() {
        let fields = [
            field(1, "text", json!({}), true),
            field(2, "number", json!({"number_decimal_places": 2}), false),
            field(3, "formula", json!({}), false),
        ];
        let before = json!({"id": 7, "field_1": "a", "field_2": "1.00", "field_3": "x"});
        let after = json!({"id": 7, "field_1": "b", "field_2": "1.00", "field_3": "y"});
        let change = row_change(&fields, &[1, 2, 3], &before, &after).unwrap();
        assert_eq!(change.row_id, 7);
        assert_eq!(Value::Object(change.before), json!({"field_1": "a"}));
        assert_eq!(Value::Object(change.after), json!({"field_1": "b"}));
        assert_eq!(
            Value::Object(change.fields_metadata),
            json!({"field_1": {"id": 1, "type": "text"}})
        );
        assert_eq!(row_change(&fields, &[2, 3], &before, &after), None);
        assert_eq!(row_change(&fields, &[1], &after, &after), None);
    }

    #[test]
    fn a_created_row_keeps_its_values_from_null_and_leaves_out_blank_ones() {
        let fields = [
            field(1, "text", json!({}), true),
            field(2, "number", json!({"number_decimal_places": 2}), false),
            field(3, "boolean", json!({}), false),
            field(4, "single_select", json!({}), false),
            field(5, "formula", json!({}), false),
            field(6, "long_text", json!({}), false),
        ];
        let row = json!({"id": 9, "field_1": "Ann", "field_2": "0.00", "field_3": false,
            "field_4": {"id": 3, "value": "On", "color": "blue"}, "field_5": "x", "field_6": ""});
        let change = row_created(&fields, &row).unwrap();
        assert_eq!(change.row_id, 9);
        assert_eq!(
            Value::Object(change.before),
            json!({"field_1": null, "field_4": null})
        );
        assert_eq!(
            Value::Object(change.after),
            json!({"field_1": "Ann", "field_4": 3})
        );
        assert_eq!(
            change.fields_metadata["field_4"]["select_options"],
            json!({"3": {"id": 3, "value": "On", "color": "blue"}})
        );
        let empty = row_created(&fields, &json!({"id": 10, "field_1": null})).unwrap();
        assert!(empty.after.is_empty() && empty.fields_metadata.is_empty());
        assert!(!is_blank("number", &json!("0.5")));
        assert!(is_blank("rating", &json!(0)));
    }

    #[test]
    fn options_and_links_are_kept_by_id_with_their_texts_in_the_metadata() {
        let fields = [
            field(1, "text", json!({}), true),
            field(2, "single_select", json!({}), false),
            field(
                3,
                "link_row",
                json!({"link_row_table_id": 9, "link_row_related_field_id": 10}),
                false,
            ),
            field(4, "multiple_select", json!({}), false),
        ];
        let before = json!({"id": 1, "field_1": "Ann", "field_2": null,
            "field_3": [{"id": 5, "value": "x"}], "field_4": [{"id": 1, "value": "a", "color": "red"}]});
        let after = json!({"id": 1, "field_1": "Ann", "field_2": {"id": 3, "value": "On", "color": "blue"},
            "field_3": [{"id": 5, "value": "x"}, {"id": 6, "value": "y"}],
            "field_4": [{"id": 1, "value": "a", "color": "red"}]});
        let change = row_change(&fields, &[2, 3, 4], &before, &after).unwrap();
        assert_eq!(
            Value::Object(change.before),
            json!({"field_2": null, "field_3": [5]})
        );
        assert_eq!(
            Value::Object(change.after),
            json!({"field_2": 3, "field_3": [5, 6]})
        );
        let meta = Value::Object(change.fields_metadata);
        assert_eq!(
            meta["field_2"]["select_options"],
            json!({"3": {"id": 3, "value": "On", "color": "blue"}})
        );
        assert_eq!(
            meta["field_3"],
            json!({"id": 3, "type": "link_row", "linked_rows": {"5": {"value": "x"}, "6": {"value": "y"}},
                   "linked_table_id": 9, "linked_field_id": 10, "primary_value": "Ann"})
        );
        // The same options in another order are no change.
        let reordered = json!({"id": 1, "field_4": [{"id": 2}, {"id": 1}]});
        let again = json!({"id": 1, "field_4": [{"id": 1}, {"id": 2}]});
        assert_eq!(row_change(&fields, &[4], &reordered, &again), None);
    }
}
