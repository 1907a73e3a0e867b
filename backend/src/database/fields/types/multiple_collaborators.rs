//! `multiple_collaborators`: members of the table's workspace, kept as a `bigint[]` of user
//! ids in the order chosen and read back as `[{"id", "name"}]`.

use crate::{
    database::fields::{CellValue, Field, FieldType, Storage, field_type::column},
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};

/// Collaborators one cell may hold; far more than any workspace has members.
const MAX_PER_CELL: usize = 1000;

pub struct MultipleCollaboratorsFieldType;

impl MultipleCollaboratorsFieldType {
    /// A user id given as `5`, `"5"` or `{"id": 5}`.
    fn user_id(item: &Value) -> Option<i64> {
        match item {
            Value::Object(map) => map.get("id").and_then(Self::user_id),
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl FieldType for MultipleCollaboratorsFieldType {
    fn name(&self) -> &'static str {
        "multiple_collaborators"
    }

    /// Baserow would notify users added to a cell; the setting is kept for clients, and
    /// nobody is notified here.
    fn parse_options(
        &self,
        body: &Map<String, Value>,
        current: Option<&Value>,
    ) -> Result<Value, ValidationError> {
        let mut errors = ValidationError::default();
        let notify = super::bool_prop(body, current, "notify_user_when_added", true, &mut errors);
        errors.into_result()?;
        Ok(json!({ "notify_user_when_added": notify }))
    }

    fn storage(&self, _field: &Field) -> Storage {
        column("BIGINT[]")
    }

    fn select_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT COALESCE(json_agg(json_build_object('id', u.id, 'name', u.first_name) \
             ORDER BY array_position({col}, u.id)), '[]'::json) FROM users u WHERE u.id = ANY({col}))"
        )
    }

    /// Takes ids of the field's collaborators (the workspace's members as loaded with the
    /// field); the write locks their memberships and checks them again.
    fn parse_cell(&self, field: &Field, value: &Value) -> Result<CellValue, String> {
        let items: &[Value] = match value {
            Value::Null => &[],
            Value::Array(items) => items,
            _ => return Err("Expected a list of users, each {\"id\": user_id}.".into()),
        };
        if items.len() > MAX_PER_CELL {
            return Err(format!(
                "A cell holds at most {MAX_PER_CELL} collaborators."
            ));
        }
        let mut ids = Vec::with_capacity(items.len());
        let mut strangers = Vec::new();
        for item in items {
            let id = Self::user_id(item)
                .ok_or("Each collaborator must be a user id or an object with an id.")?;
            if !field.collaborators.iter().any(|c| c.id == id) {
                strangers.push(id);
            } else if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if !strangers.is_empty() {
            return Err(crate::database::collaborators::not_members_message(
                &strangers,
            ));
        }
        Ok(CellValue::Collaborators(ids))
    }

    /// Comma-separated members, each by email (any case; also `Name <email>`, as exports
    /// write them) or by a name only one member has.
    fn parse_text_cell(&self, field: &Field, text: &str) -> Result<CellValue, String> {
        let mut ids = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, email) = match part.rsplit_once('<') {
                Some((name, rest)) if rest.ends_with('>') => (name.trim(), &rest[..rest.len() - 1]),
                _ => (part, part),
            };
            let by_email = field
                .collaborators
                .iter()
                .find(|c| c.email.eq_ignore_ascii_case(email.trim()));
            let mut by_name = field.collaborators.iter().filter(|c| c.name == name);
            let found = by_email.or_else(|| match (by_name.next(), by_name.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            });
            let Some(member) = found else {
                return Err(format!(
                    "\"{part}\" is not one member of the workspace (by email, or a name only one member has)."
                ));
            };
            if !ids.contains(&member.id) {
                ids.push(member.id);
            }
        }
        self.parse_cell(
            field,
            &Value::Array(ids.into_iter().map(Value::from).collect()),
        )
    }

    fn text_sql(&self, _field: &Field, col: &str) -> String {
        format!(
            "(SELECT string_agg(u.first_name, ', ' ORDER BY array_position({col}, u.id)) \
             FROM users u WHERE u.id = ANY({col}))"
        )
    }

    /// Each comma-separated part names a member of the table's workspace: by email (any
    /// case, also as the `Name <email>` exports write), or by name when exactly one member
    /// has it. Parts naming nobody, or several people, are dropped; duplicates kept once.
    fn text_to_value_sql(&self, field: &Field, text: &str) -> String {
        let members = format!(
            "workspace_users wu JOIN users u ON u.id = wu.user_id \
             WHERE wu.workspace_id = (SELECT a.workspace_id FROM database_tables dt \
             JOIN applications a ON a.id = dt.database_id WHERE dt.id = {})",
            field.table_id
        );
        format!(
            "ARRAY(SELECT m.user_id FROM unnest(string_to_array({text}, ',')) WITH ORDINALITY AS v(val, n) \
             CROSS JOIN LATERAL (SELECT COALESCE(substring(btrim(v.val) from '<([^<>]+)>$'), btrim(v.val)) AS email, \
             btrim(regexp_replace(btrim(v.val), '\\s*<[^<>]+>$', '')) AS name) k \
             CROSS JOIN LATERAL (SELECT COALESCE(\
             (SELECT wu.user_id FROM {members} AND lower(u.email) = lower(k.email) LIMIT 1), \
             (SELECT min(wu.user_id) FROM {members} AND u.first_name = k.name HAVING count(*) = 1)) AS user_id) m \
             WHERE m.user_id IS NOT NULL GROUP BY m.user_id ORDER BY min(v.n))"
        )
    }

    fn push_contains(
        &self,
        field: &Field,
        col: &str,
        sql: &mut QueryBuilder<Postgres>,
        term: &str,
    ) {
        let ids = field.collaborators_containing(term);
        if ids.is_empty() {
            sql.push("FALSE");
        } else {
            sql.push(format!("{col} && "))
                .push_bind(ids)
                .push("::bigint[]");
        }
    }

    fn empty_sql(&self, _field: &Field, col: &str) -> String {
        format!("COALESCE(cardinality({col}), 0) = 0")
    }

    /// By the names in the cell's order, as multiple selects sort by their options' text.
    fn sort_sql(&self, field: &Field, col: &str) -> String {
        self.text_sql(field, col)
    }

    fn to_text(&self, _field: &Field, value: &Value) -> String {
        value
            .as_array()
            .map(|users| {
                users
                    .iter()
                    .filter_map(|u| u.get("name").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::{collaborators::Collaborator, fields::test_field};

    fn field() -> Field {
        let mut f = test_field("multiple_collaborators", json!({}));
        f.collaborators = vec![
            Collaborator {
                id: 3,
                name: "Ann".into(),
                email: "ann@x.io".into(),
            },
            Collaborator {
                id: 7,
                name: "Bob".into(),
                email: "bob@x.io".into(),
            },
            Collaborator {
                id: 8,
                name: "Bob".into(),
                email: "bob.two@x.io".into(),
            },
        ];
        f
    }

    #[test]
    fn imported_text_finds_members_by_email_or_a_name_only_one_has() {
        let t = MultipleCollaboratorsFieldType;
        let f = field();
        assert_eq!(
            t.parse_text_cell(&f, "Ann, BOB@x.io, Bob <bob.two@x.io>, ann@x.io"),
            Ok(CellValue::Collaborators(vec![3, 7, 8]))
        );
        assert_eq!(
            t.parse_text_cell(&f, " "),
            Ok(CellValue::Collaborators(vec![]))
        );
        // Two members are called Bob; nobody is Cat.
        for bad in ["Bob", "Ann, Cat", "cat@x.io"] {
            let refused = t.parse_text_cell(&f, bad).unwrap_err();
            assert!(refused.contains("not one member"), "{bad}: {refused}");
        }
    }

    #[test]
    fn members_are_written_by_id_once_in_order() {
        let t = MultipleCollaboratorsFieldType;
        let f = field();
        assert_eq!(
            t.parse_cell(&f, &json!([{"id": 7}, 3, {"id": 7}])),
            Ok(CellValue::Collaborators(vec![7, 3]))
        );
        assert_eq!(
            t.parse_cell(&f, &Value::Null),
            Ok(CellValue::Collaborators(vec![]))
        );
        let refused = t.parse_cell(&f, &json!([3, {"id": 9}])).unwrap_err();
        assert!(refused.contains('9'), "{refused}");
        for bad in [
            json!(3),
            json!([{"name": "Ann"}]),
            json!([true]),
            json!("3"),
        ] {
            assert!(t.parse_cell(&f, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_search_and_text() {
        let t = MultipleCollaboratorsFieldType;
        let f = field();
        assert_eq!(
            t.parse_options(&Map::new(), None).unwrap(),
            json!({"notify_user_when_added": true})
        );
        let body = json!({"notify_user_when_added": false});
        assert_eq!(
            t.parse_options(body.as_object().unwrap(), None).unwrap(),
            json!({"notify_user_when_added": false})
        );
        assert_eq!(f.collaborators_containing("an"), vec![3]);
        assert_eq!(
            t.to_text(
                &f,
                &json!([{"id": 7, "name": "Bob"}, {"id": 3, "name": "Ann"}])
            ),
            "Bob, Ann"
        );
    }
}
