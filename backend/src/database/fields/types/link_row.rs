//! `link_row`: links to rows of a table of the same database, stored in a relation table
//! (see [`crate::database::links`]). Values read as `[{id, value, order}]`, `value` being
//! the linked row's primary field as text.

use super::bool_prop;
use crate::{
    database::{
        fields::{CellValue, Field, FieldType, GroupedSql, LinkInput, Storage},
        links::{Relation, has_links_sql, primary_text_sql, push_linked_text_contains},
    },
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};

pub struct LinkRowFieldType;

/// The most rows one cell may link to in one write: bounds the work of a request.
pub const MAX_LINKS_PER_CELL: usize = 5_000;

/// An optional id property (`null` clears it).
fn id_prop(
    body: &Map<String, Value>,
    current: Option<&Value>,
    keys: &[&str],
    errors: &mut ValidationError,
) -> Value {
    let value = keys
        .iter()
        .find_map(|k| body.get(*k))
        .or_else(|| current.and_then(|c| c.get(keys[0])));
    match value {
        None | Some(Value::Null) => Value::Null,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        {
            Some(id) if id > 0 => json!(id),
            _ => {
                errors.add(keys[0], "invalid", "A valid integer is required.");
                Value::Null
            }
        },
    }
}

impl FieldType for LinkRowFieldType {
    fn name(&self) -> &'static str {
        "link_row"
    }

    /// Reads the linked table (`link_row_table_id`, or the older `link_row_table`), the
    /// selection view and whether several rows may be linked. The relation and related
    /// field ids are kept from `current`: they are set by the service, never by a body.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let table = id_prop(
            body,
            current,
            &["link_row_table_id", "link_row_table"],
            &mut errors,
        );
        let view = id_prop(
            body,
            current,
            &["link_row_limit_selection_view_id"],
            &mut errors,
        );
        let multiple = bool_prop(
            body,
            current,
            "link_row_multiple_relationships",
            true,
            &mut errors,
        );
        let kept = |key: &str| {
            current
                .and_then(|c| c.get(key))
                .cloned()
                .unwrap_or(Value::Null)
        };
        errors.into_result()?;
        Ok(json!({
            "link_row_table_id": table,
            "link_row_limit_selection_view_id": view,
            "link_row_multiple_relationships": multiple,
            "link_row_related_field_id": kept("link_row_related_field_id"),
            "link_row_relation_id": kept("link_row_relation_id"),
        }))
    }

    fn storage(&self, _field: &Field) -> Storage {
        Storage::Virtual
    }

    fn can_be_primary(&self) -> bool {
        false
    }

    fn select_sql(&self, field: &Field, _col: &str) -> String {
        let Some(rel) = Relation::of(field) else {
            return "'[]'::json".into();
        };
        let n = field.id;
        format!(
            "(SELECT COALESCE(json_agg(json_build_object('id', l{n}.id, 'value', {text}, 'order', l{n}.\"order\"::text) \
             ORDER BY r{n}.id), '[]'::json) {from})",
            text = primary_text_sql(field),
            from = rel.from_linked(n, "t.id"),
        )
    }

    fn grouped_sql(&self, field: &Field, rows_sql: &str) -> Option<GroupedSql> {
        let rel = Relation::of(field)?;
        let n = field.id;
        Some(GroupedSql {
            query: format!(
                "SELECT r{n}.{own} AS id, json_agg(json_build_object('id', l{n}.id, 'value', {text}, \
                 'order', l{n}.\"order\"::text) ORDER BY r{n}.id) AS v {from} GROUP BY r{n}.{own}",
                own = rel.own,
                text = primary_text_sql(field),
                from = rel.from_linked_to_any(n, rows_sql),
            ),
            absent: "'[]'::json".into(),
        })
    }

    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let input = parse_links(value)?;
        let count = match &input {
            LinkInput::Ids(ids) => ids.len(),
            LinkInput::Names(names) => names.len(),
        };
        if count > 1 && !field.opt_bool("link_row_multiple_relationships") {
            return Err("This link row field only accepts one relationship.".into());
        }
        if count > MAX_LINKS_PER_CELL {
            return Err(format!(
                "A cell can link to at most {MAX_LINKS_PER_CELL} rows at once."
            ));
        }
        Ok(CellValue::Links(input))
    }

    fn text_sql(&self, field: &Field, _col: &str) -> String {
        let Some(rel) = Relation::of(field) else {
            return "NULL::text".into();
        };
        format!(
            "(SELECT string_agg({}, ', ' ORDER BY r{n}.id) {})",
            primary_text_sql(field),
            rel.from_linked(field.id, "t.id"),
            n = field.id
        )
    }

    /// Links are made from text by the conversion itself (see `links::schema`).
    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }

    fn push_contains(
        &self,
        field: &Field,
        _col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        push_linked_text_contains(sql, field, term);
    }

    fn empty_sql(&self, field: &Field, _col: &str) -> String {
        match has_links_sql(field) {
            Some(linked) => format!("NOT {linked}"),
            None => "TRUE".into(),
        }
    }

    fn sort_sql(&self, field: &Field, col: &str) -> String {
        self.text_sql(field, col)
    }

    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .as_array()
            .map(|links| {
                links
                    .iter()
                    .map(|l| match l.get("value") {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(other) => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    fn default_value(&self, _field: &Field) -> CellValue {
        CellValue::Links(LinkInput::Ids(Vec::new()))
    }
}

/// Ids, primary texts, a comma-separated text or one id; every item of one kind;
/// duplicates dropped in order.
fn parse_links(value: &Value) -> Result<LinkInput, String> {
    let items: Vec<Value> = match value {
        Value::Null => return Ok(LinkInput::Ids(Vec::new())),
        Value::Number(_) => vec![value.clone()],
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Value::String(p.to_owned()))
            .collect(),
        Value::Array(items) => items.clone(),
        _ => return Err("Expected a list of row ids or primary field values.".into()),
    };
    if items.iter().all(Value::is_number) {
        let mut ids = Vec::with_capacity(items.len());
        for item in &items {
            let id = item
                .as_i64()
                .filter(|id| *id > 0)
                .ok_or("Row ids must be positive integers.")?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        return Ok(LinkInput::Ids(ids));
    }
    if items.iter().all(Value::is_string) {
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for item in &items {
            let name = item.as_str().unwrap_or_default().trim();
            if name.contains('\0') {
                return Err("Null characters are not allowed.".into());
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        return Ok(LinkInput::Names(names));
    }
    Err("The provided values must be all row ids or all primary field values.".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;

    fn field(multiple: bool) -> Field {
        test_field(
            "link_row",
            json!({"link_row_multiple_relationships": multiple, "link_row_table_id": 2, "link_row_relation_id": 1}),
        )
    }

    #[test]
    fn ids_names_text_and_one_id_are_read_without_duplicates() {
        let f = field(true);
        let parse = |v: Value| LinkRowFieldType.parse_cell(&f, &v);
        assert_eq!(
            parse(json!([3, 1, 3])),
            Ok(CellValue::Links(LinkInput::Ids(vec![3, 1])))
        );
        assert_eq!(
            parse(json!(["Bob", " Ann", "Bob"])),
            Ok(CellValue::Links(LinkInput::Names(vec![
                "Bob".into(),
                "Ann".into()
            ])))
        );
        assert_eq!(
            parse(json!("Bob, Ann")),
            Ok(CellValue::Links(LinkInput::Names(vec![
                "Bob".into(),
                "Ann".into()
            ])))
        );
        assert_eq!(
            parse(json!(7)),
            Ok(CellValue::Links(LinkInput::Ids(vec![7])))
        );
        assert_eq!(
            parse(Value::Null),
            Ok(CellValue::Links(LinkInput::Ids(vec![])))
        );
    }

    #[test]
    fn mixed_kinds_bad_ids_nul_and_too_many_are_refused() {
        let f = field(true);
        for bad in [
            json!(["Bob", 1]),
            json!([0]),
            json!([-4]),
            json!([1.5]),
            json!(["a\u{0}"]),
            json!({"id": 1}),
            json!([true]),
        ] {
            assert!(LinkRowFieldType.parse_cell(&f, &bad).is_err(), "{bad}");
        }
        let many: Vec<i64> = (1..=MAX_LINKS_PER_CELL as i64 + 1).collect();
        assert!(LinkRowFieldType.parse_cell(&f, &json!(many)).is_err());
        let single = field(false);
        assert!(
            LinkRowFieldType
                .parse_cell(&single, &json!([1, 2]))
                .is_err()
        );
        assert!(LinkRowFieldType.parse_cell(&single, &json!([1])).is_ok());
    }

    #[test]
    fn the_side_of_the_relation_follows_the_field_that_made_it() {
        let forward = field(true);
        let rel = Relation::of(&forward).unwrap();
        assert_eq!(
            (rel.own, rel.other, rel.table()),
            ("a_id", "b_id", "database_relation_1".into())
        );
        let mut related = field(true);
        related.id = 9;
        let rel = Relation::of(&related).unwrap();
        assert_eq!((rel.own, rel.other), ("b_id", "a_id"));
    }
}
