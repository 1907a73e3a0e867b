//! `multiple_select`: any number of the field's options, in the order chosen.

use super::single_select::find_option;
use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};

pub struct MultipleSelectFieldType;

impl FieldType for MultipleSelectFieldType {
    fn name(&self) -> &'static str {
        "multiple_select"
    }

    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let default = super::prop(body, current, "multiple_select_default")
            .cloned()
            .unwrap_or(json!([]));
        if !default
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_i64))
        {
            return Err(ValidationError::single(
                "multiple_select_default",
                "invalid",
                "Must be a list of option ids.",
            ));
        }
        Ok(json!({ "multiple_select_default": default }))
    }

    fn push_contains(
        &self,
        field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        let ids = field.options_containing(term);
        if ids.is_empty() {
            sql.push("FALSE");
        } else {
            sql.push(format!("{col} && ")).push_bind(ids);
        }
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("BIGINT[]")
    }

    fn has_select_options(&self) -> bool {
        true
    }

    fn can_order_by(&self) -> bool {
        true
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT COALESCE(json_agg(json_build_object('id', o.id, 'value', o.value, 'color', o.color) ORDER BY array_position({col}, o.id)), '[]'::json) \
             FROM database_select_options o WHERE o.id = ANY({col}))"
        )
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let items: Vec<Value> = match value {
            Value::Null => return Ok(CellValue::Ids(Vec::new())),
            Value::Array(items) => items.clone(),
            Value::String(s) if s.trim().is_empty() => return Ok(CellValue::Ids(Vec::new())),
            Value::String(s) => s
                .split(',')
                .map(|p| Value::String(p.trim().to_owned()))
                .collect(),
            Value::Number(_) => vec![value.clone()],
            _ => return Err("Expected a list of option ids or values.".into()),
        };
        let mut ids = Vec::new();
        for item in &items {
            let id = find_option(field, item)
                .ok_or("The provided select option value does not exist.")?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(CellValue::Ids(ids))
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT string_agg(o.value, ', ' ORDER BY array_position({col}, o.id)) FROM database_select_options o WHERE o.id = ANY({col}))"
        )
    }

    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        format!(
            "ARRAY(SELECT o.id FROM unnest(string_to_array({text}, ',')) WITH ORDINALITY AS v(val, n) \
             JOIN database_select_options o ON o.field_id = {} AND o.value = btrim(v.val) ORDER BY v.n)",
            field.id
        )
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        self.text_sql(field, col)
    }

    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o.get("value").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    fn default_value(&self, field: &Field) -> CellValue {
        let ids = field
            .opt("multiple_select_default")
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        CellValue::Ids(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::{SelectOption, test_field};

    #[test]
    fn lists_csv_and_ids_pick_options_once_in_order() {
        let mut f = test_field("multiple_select", json!({}));
        f.select_options = vec![
            SelectOption {
                id: 1,
                value: "A".into(),
                color: "red".into(),
                order: 0,
            },
            SelectOption {
                id: 2,
                value: "B".into(),
                color: "blue".into(),
                order: 1,
            },
        ];
        assert_eq!(
            MultipleSelectFieldType.parse_cell(&f, &json!(["B", 1, "B"])),
            Ok(CellValue::Ids(vec![2, 1]))
        );
        assert_eq!(
            MultipleSelectFieldType.parse_cell(&f, &json!("A, B")),
            Ok(CellValue::Ids(vec![1, 2]))
        );
        assert_eq!(
            MultipleSelectFieldType.parse_cell(&f, &Value::Null),
            Ok(CellValue::Ids(vec![]))
        );
        assert!(
            MultipleSelectFieldType
                .parse_cell(&f, &json!(["C"]))
                .is_err()
        );
        assert_eq!(
            MultipleSelectFieldType.to_text(&f, &json!([{"value": "B"}, {"value": "A"}])),
            "B, A"
        );
    }
}
