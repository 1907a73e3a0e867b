//! `autonumber`: a read-only number given to each row in creation order.

use crate::database::fields::{CellValue, Field, FieldType, Storage};
use serde_json::Value;

pub struct AutonumberFieldType;

impl FieldType for AutonumberFieldType {
    fn name(&self) -> &'static str {
        "autonumber"
    }

    fn can_contain(&self, term: &str) -> bool {
        super::has_digit(term)
    }

    fn storage(&self, field: &Field) -> Storage {
        let _ = field;
        Storage::Column {
            sql_type: "BIGINT".into(),
            not_null_default: None,
        }
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn parse_cell(&self, _field: &Field, _value: &Value) -> Result<CellValue, String> {
        Err("This field is read only.".into())
    }

    fn text_to_value_sql(&self, _field: &Field, _text: &str) -> String {
        "NULL".into()
    }

    /// Numbers existing rows in their order, then lets a sequence number new ones.
    fn column_setup_sql(&self, field: &Field, table: &str) -> Vec<String> {
        let col = field.column();
        let seq = format!("{table}_{col}_seq");
        vec![
            format!("CREATE SEQUENCE IF NOT EXISTS {seq}"),
            format!(
                "UPDATE {table} t SET {col} = n.num FROM (SELECT id, row_number() OVER (ORDER BY \"order\", id) AS num FROM {table}) n WHERE n.id = t.id"
            ),
            format!(
                "SELECT setval('{seq}', GREATEST((SELECT COALESCE(MAX({col}), 0) FROM {table}), 1), (SELECT COUNT(*) > 0 FROM {table}))"
            ),
            format!("ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT nextval('{seq}')"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::fields::test_field;
    use serde_json::json;

    #[test]
    fn autonumbers_are_read_only_and_numbered_by_a_sequence() {
        let f = test_field("autonumber", json!({}));
        assert!(AutonumberFieldType.parse_cell(&f, &json!(5)).is_err());
        let setup = AutonumberFieldType.column_setup_sql(&f, "database_table_9");
        assert!(setup[0].contains("CREATE SEQUENCE IF NOT EXISTS database_table_9_field_1_seq"));
        assert!(setup[1].contains("row_number() OVER (ORDER BY \"order\", id)"));
        assert!(setup[3].contains("SET DEFAULT nextval('database_table_9_field_1_seq')"));
    }
}
