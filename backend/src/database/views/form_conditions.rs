//! Form field conditions: a form field with `show_when_matching_conditions` is asked only
//! when its conditions hold for the other answers. Conditions use the view filter types
//! (`{field, type, value, group}`), joined by the field's `condition_type` and grouped by
//! `condition_groups` (`{id, filter_type}`), so a submission is checked with the same SQL
//! that filters rows.

use crate::database::{
    fields::Field,
    filters::{FilterGroup, FilterLeaf, registry::filter_types, tree::FieldRef},
};
use serde_json::{Map, Value, json};

/// Conditions one field may have.
pub const MAX_CONDITIONS: usize = 50;

/// Checks `conditions` for `field` and returns them in their stored shape
/// (`{id, field, type, value, group}`).
pub fn check_conditions(value: &Value, field: &Field, fields: &[Field]) -> Result<Value, String> {
    let Some(items) = value.as_array() else {
        return Err("conditions must be a list.".into());
    };
    if items.len() > MAX_CONDITIONS {
        return Err(format!("At most {MAX_CONDITIONS} conditions per field."));
    }
    let mut checked = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let Some(item) = item.as_object() else {
            return Err("Every condition must be an object.".into());
        };
        let target = item
            .get("field")
            .and_then(Value::as_i64)
            .and_then(|id| fields.iter().find(|f| f.id == id && f.id != field.id))
            .ok_or("A condition must name another field of this table.")?;
        let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
        let filter = filter_types()
            .get(kind)
            .ok_or_else(|| format!("The filter type {kind:?} does not exist."))?;
        if !crate::database::filters::applies(filter, target) {
            return Err(format!(
                "The filter type {kind} does not apply to {} fields.",
                target.kind
            ));
        }
        let text = match item.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(_) => return Err("A condition's value must be text.".into()),
        };
        if text.contains('\0') || text.chars().count() > 10_000 {
            return Err("A condition's value must be text without null characters.".into());
        }
        let group = item.get("group").and_then(Value::as_i64);
        let id = item
            .get("id")
            .and_then(Value::as_i64)
            .unwrap_or(n as i64 + 1);
        checked.push(json!({
            "id": id, "field": target.id, "type": kind, "value": text, "group": group,
        }));
    }
    Ok(Value::Array(checked))
}

/// Checks `condition_groups` (`[{id, filter_type}]`).
pub fn check_groups(value: &Value) -> Result<Value, String> {
    let Some(items) = value.as_array() else {
        return Err("condition_groups must be a list.".into());
    };
    if items.len() > MAX_CONDITIONS {
        return Err(format!(
            "At most {MAX_CONDITIONS} condition groups per field."
        ));
    }
    let mut checked = Vec::with_capacity(items.len());
    for item in items {
        let id = item
            .get("id")
            .and_then(Value::as_i64)
            .ok_or("Every condition group needs a numeric id.")?;
        let filter_type = match item.get("filter_type").and_then(Value::as_str) {
            None => "AND",
            Some(t @ ("AND" | "OR")) => t,
            Some(_) => return Err("filter_type must be AND or OR.".into()),
        };
        checked.push(json!({ "id": id, "filter_type": filter_type }));
    }
    Ok(Value::Array(checked))
}

/// The filter tree a field's options describe, or `None` when the field is always asked.
pub fn tree(options: &Map<String, Value>) -> Option<FilterGroup> {
    if options.get("show_when_matching_conditions") != Some(&Value::Bool(true)) {
        return None;
    }
    let conditions = options.get("conditions")?.as_array()?;
    if conditions.is_empty() {
        return None;
    }
    let leaf = |c: &Value| {
        Some(FilterLeaf {
            field: FieldRef::Id(c.get("field")?.as_i64()?),
            kind: c.get("type")?.as_str()?.to_owned(),
            value: c.get("value")?.as_str().unwrap_or_default().to_owned(),
            saved: true,
        })
    };
    let groups: Vec<(i64, bool)> = options
        .get("condition_groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| {
                    Some((
                        g.get("id")?.as_i64()?,
                        g.get("filter_type")?.as_str()? == "OR",
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let group_of = |c: &Value| {
        c.get("group")
            .and_then(Value::as_i64)
            .filter(|id| groups.iter().any(|(g, _)| g == id))
    };
    Some(FilterGroup {
        or: options.get("condition_type").and_then(Value::as_str) == Some("OR"),
        filters: conditions
            .iter()
            .filter(|c| group_of(c).is_none())
            .filter_map(leaf)
            .collect(),
        groups: groups
            .iter()
            .map(|(id, or)| FilterGroup {
                or: *or,
                filters: conditions
                    .iter()
                    .filter(|c| group_of(c) == Some(*id))
                    .filter_map(leaf)
                    .collect(),
                groups: Vec::new(),
            })
            .filter(|g| !g.filters.is_empty())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    #[test]
    fn conditions_name_other_fields_with_filters_that_fit_them() {
        let mut asked = test_field("text", json!({}));
        asked.id = 1;
        let mut age = test_field("number", json!({}));
        age.id = 2;
        let fields = vec![asked.clone(), age];
        let ok = json!([{"field": 2, "type": "higher_than", "value": 17}]);
        let stored = check_conditions(&ok, &asked, &fields).unwrap();
        assert_eq!(stored[0]["value"], "17");
        assert_eq!(stored[0]["id"], 1);
        let on_itself = json!([{"field": 1, "type": "equal", "value": "x"}]);
        assert!(check_conditions(&on_itself, &asked, &fields).is_err());
        let wrong_type = json!([{"field": 2, "type": "contains_word", "value": "x"}]);
        assert!(check_conditions(&wrong_type, &asked, &fields).is_err());
        let nul = json!([{"field": 2, "type": "equal", "value": "a\u{0}"}]);
        assert!(check_conditions(&nul, &asked, &fields).is_err());
    }

    #[test]
    fn only_fields_shown_on_conditions_get_a_tree() {
        let options = json!({
            "show_when_matching_conditions": true, "condition_type": "OR",
            "conditions": [{"field": 2, "type": "equal", "value": "1", "group": null},
                           {"field": 3, "type": "empty", "value": "", "group": 9}],
            "condition_groups": [{"id": 9, "filter_type": "AND"}],
        });
        let tree = tree(options.as_object().unwrap()).unwrap();
        assert!(tree.or);
        assert_eq!(tree.filters.len(), 1);
        assert_eq!(tree.groups.len(), 1);
        let off = json!({"show_when_matching_conditions": false, "conditions": [{"field": 2}]});
        assert!(super::tree(off.as_object().unwrap()).is_none());
    }
}
