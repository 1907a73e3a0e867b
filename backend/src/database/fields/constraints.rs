//! Baserow's `db_index` and `field_constraints` of a field. A constraint is enforced by
//! PostgreSQL itself: `unique_with_empty` is a partial unique index on the field's column,
//! built inside the transaction that asks for it, so a table whose values already repeat
//! refuses it and two writers of one value cannot both win. `db_index` is a plain index,
//! built after the change commits with `CREATE INDEX CONCURRENTLY` (see `indexes`), so
//! writers are never blocked by it.

use super::{Field, FieldError, Storage, registry::field_types};
use crate::{
    database::{indexes, tables::table_name},
    platform::{
        jobs::{LowJob, enqueue_low},
        validation::ValidationError,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

/// Baserow's one constraint name: no two live rows share a value; empty cells are allowed
/// any number of times.
pub const UNIQUE_WITH_EMPTY: &str = "unique_with_empty";

/// The SQL condition, beyond being live, under which a value of a field of type `kind`
/// counts for `unique_with_empty` (`{col}` stands for the column); `None` when the type
/// does not support it. Empty is what each type shows as an empty cell: no value, an empty
/// text, a rating of zero. Texts are compared exactly, as Baserow does.
fn counted_values(kind: &str) -> Option<&'static str> {
    match kind {
        "number" | "date" | "duration" | "single_select" => Some("{col} IS NOT NULL"),
        "text" | "long_text" | "url" | "email" => Some("{col} IS NOT NULL AND {col} <> ''"),
        "rating" => Some("{col} IS NOT NULL AND {col} <> 0"),
        _ => None,
    }
}

/// Whether a field of type `kind` may have `db_index` (Baserow's list; formulas, whose
/// values are computed, are not indexed here).
pub fn supports_db_index(kind: &str) -> bool {
    matches!(
        kind,
        "text"
            | "long_text"
            | "url"
            | "email"
            | "phone_number"
            | "number"
            | "rating"
            | "boolean"
            | "date"
            | "created_on"
            | "last_modified"
            | "uuid"
            | "autonumber"
    )
}

/// The constraint names a field of type `kind` may have.
pub fn supported_constraints(kind: &str) -> &'static [&'static str] {
    if counted_values(kind).is_some() {
        &[UNIQUE_WITH_EMPTY]
    } else {
        &[]
    }
}

/// `database_table_{t}_field_{f}_unique_with_empty`: ids only.
pub fn unique_index_name(field: &Field) -> String {
    format!(
        "{}_field_{}_{UNIQUE_WITH_EMPTY}",
        table_name(field.table_id),
        field.id
    )
}

/// `database_table_{t}_field_{f}_db_index`: ids only.
pub fn db_index_name(table_id: i64, field_id: i64) -> String {
    format!("{}_field_{field_id}_db_index", table_name(table_id))
}

/// A field's `db_index` and `field_constraints` as a request asks for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub db_index: bool,
    pub constraints: Vec<String>,
}

/// Reads `db_index` and `field_constraints` from a create or update body; what the body
/// leaves out stays as `current` is (nothing on create).
pub fn parse(body: &Map<String, Value>, current: Option<&Field>) -> Result<Wanted, FieldError> {
    let mut errors = ValidationError::default();
    let db_index = match body.get("db_index") {
        None => current.is_some_and(|f| f.db_index),
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add("db_index", "invalid", "Must be a valid boolean.");
            false
        }
    };
    let constraints = match body.get("field_constraints") {
        None => current.map(|f| f.constraints.clone()).unwrap_or_default(),
        Some(Value::Array(items)) => {
            let mut names: Vec<String> = Vec::new();
            for item in items {
                match item.get("type_name") {
                    Some(Value::String(name)) if !name.contains('\0') && name.len() <= 255 => {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                    _ => errors.add(
                        "field_constraints",
                        "invalid",
                        "Each constraint must be an object with a type_name text.",
                    ),
                }
            }
            names
        }
        Some(_) => {
            errors.add(
                "field_constraints",
                "not_a_list",
                "Expected a list of items.",
            );
            Vec::new()
        }
    };
    errors.into_result()?;
    Ok(Wanted {
        db_index,
        constraints,
    })
}

/// Checks `wanted` against the field type `kind` and its type properties `options`
/// (Baserow's order: constraints, then the default value, then the index).
pub fn check(kind: &str, options: &Value, wanted: &Wanted) -> Result<(), FieldError> {
    let supported = supported_constraints(kind);
    for name in &wanted.constraints {
        if !supported.contains(&name.as_str()) {
            return Err(FieldError::InvalidConstraint {
                constraint: name.clone(),
                field_type: kind.to_owned(),
            });
        }
    }
    if !wanted.constraints.is_empty() && has_default(kind, options) {
        return Err(FieldError::ConstraintDoesNotSupportDefaultValue);
    }
    if wanted.db_index && !supports_db_index(kind) {
        return Err(FieldError::DbIndexNotSupported(kind.to_owned()));
    }
    Ok(())
}

/// Whether the type's default value (`{type}_default`) is set to something that is not
/// empty: every new row would get it, so the second new row would already repeat it.
fn has_default(kind: &str, options: &Value) -> bool {
    match options.get(format!("{kind}_default")) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => {
            let s = s.trim();
            !s.is_empty() && s.parse::<f64>() != Ok(0.0)
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// Makes the field's unique index match its constraints: dropped when `rebuild` (the
/// column was replaced, or the constraints changed) and made again if the field has the
/// constraint. Values that already repeat refuse it with `ERROR_FIELD_CONSTRAINT`.
pub async fn apply_unique(
    conn: &mut PgConnection,
    field: &Field,
    rebuild: bool,
) -> Result<(), FieldError> {
    if !rebuild {
        return Ok(());
    }
    let name = unique_index_name(field);
    sqlx::query(AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}")))
        .execute(&mut *conn)
        .await?;
    let wants = field.constraints.iter().any(|c| c == UNIQUE_WITH_EMPTY);
    let (Some(counted), Some(ft)) = (counted_values(&field.kind), field_types().get(&field.kind))
    else {
        return Ok(());
    };
    if !wants || !matches!(ft.storage(field), Storage::Column { .. }) {
        return Ok(());
    }
    let col = field.column();
    let sql = format!(
        "CREATE UNIQUE INDEX {name} ON {} ({col}) WHERE NOT trashed AND {}",
        table_name(field.table_id),
        counted.replace("{col}", &col)
    );
    sqlx::query(AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                FieldError::ConstraintConflict
            } else {
                e.into()
            }
        })?;
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "23505")
}

/// Whether a write failed because it broke a field's constraint (a value that another
/// live row already holds): Baserow's `ERROR_FIELD_DATA_CONSTRAINT`, not a server error.
pub fn violated(e: &sqlx::Error) -> bool {
    is_unique_violation(e)
        && e.as_database_error()
            .and_then(|d| d.constraint())
            .is_some_and(|c| c.ends_with(UNIQUE_WITH_EMPTY))
}

/// Baserow's message for [`violated`].
pub const VIOLATED: &str = "The operation violates a field constraint";

/// Turns a write's error that broke a constraint into [`VIOLATED`] for places that report
/// a message rather than a code (a failed import job).
pub fn explain(e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<sqlx::Error>() {
        Some(db) if violated(db) => anyhow::anyhow!("ERROR_FIELD_DATA_CONSTRAINT: {VIOLATED}."),
        _ => e,
    }
}

/// Builds (or drops) the field's `db_index` index so that it matches the field as it is
/// now: built when the field is live and asks for it, dropped otherwise (runs in the export
/// worker, in the table's turn, giving way to users' changes).
pub async fn sync_db_index(db: &sqlx::PgPool, table_id: i64, field_id: i64) -> anyhow::Result<()> {
    let mut conn = db.acquire().await?;
    let name = db_index_name(table_id, field_id);
    let field = super::repo::get(&mut conn, field_id)
        .await?
        .filter(|f| f.table_id == table_id && f.db_index && supports_db_index(&f.kind));
    let target = field.as_ref().and_then(|f| {
        let ft = field_types().get(&f.kind)?;
        match ft.storage(f) {
            Storage::Column { .. } => Some(f.column()),
            Storage::System(system) => Some(system.to_string()),
            Storage::Virtual => None,
        }
    });
    let create = target.map(|col| {
        format!(
            "CREATE INDEX CONCURRENTLY {name} ON {} ({col})",
            table_name(table_id)
        )
    });
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(&name)
        .fetch_one(&mut *conn)
        .await?;
    if create.is_none() && !exists {
        return Ok(());
    }
    indexes::change_concurrently(db, &mut conn, table_id, &name, create.as_deref()).await?;
    tracing::info!(
        table_id,
        field_id,
        built = create.is_some(),
        "field index synced"
    );
    Ok(())
}

/// Queues [`sync_db_index`] in the caller's transaction, so it runs once the change that
/// asked for it commits (and never if it does not).
pub async fn request_db_index(
    conn: &mut PgConnection,
    table_id: i64,
    field_id: i64,
) -> Result<(), FieldError> {
    enqueue_low(conn, &LowJob::SyncFieldIndex { table_id, field_id })
        .await
        .map_err(|e| FieldError::Database(sqlx::Error::Protocol(e.to_string())))
}

/// The two properties as the API shows them.
pub fn api_props(field: &Field) -> (Value, Value) {
    let constraints: Vec<Value> = field
        .constraints
        .iter()
        .map(|c| json!({ "type_name": c }))
        .collect();
    (json!(field.db_index), Value::Array(constraints))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(db_index: bool, constraints: &[&str]) -> Wanted {
        Wanted {
            db_index,
            constraints: constraints.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn unique_fits_baserows_types_only() {
        for kind in [
            "text",
            "long_text",
            "url",
            "email",
            "number",
            "rating",
            "date",
        ] {
            assert!(check(kind, &json!({}), &wanted(false, &[UNIQUE_WITH_EMPTY])).is_ok());
        }
        for kind in ["boolean", "link_row", "file", "formula", "multiple_select"] {
            assert!(matches!(
                check(kind, &json!({}), &wanted(false, &[UNIQUE_WITH_EMPTY])),
                Err(FieldError::InvalidConstraint { .. })
            ));
        }
        assert!(matches!(
            check("text", &json!({}), &wanted(false, &["unique"])),
            Err(FieldError::InvalidConstraint { .. })
        ));
    }

    #[test]
    fn a_default_value_refuses_the_constraint_but_an_empty_one_does_not() {
        let unique = wanted(false, &[UNIQUE_WITH_EMPTY]);
        assert!(matches!(
            check("text", &json!({"text_default": "x"}), &unique),
            Err(FieldError::ConstraintDoesNotSupportDefaultValue)
        ));
        assert!(check("text", &json!({"text_default": ""}), &unique).is_ok());
        assert!(check("number", &json!({"number_default": "0"}), &unique).is_ok());
        assert!(check("number", &json!({"number_default": "2.5"}), &unique).is_err());
        assert!(check("text", &json!({"text_default": "x"}), &wanted(true, &[])).is_ok());
    }

    #[test]
    fn db_index_is_refused_where_baserow_refuses_it() {
        assert!(check("boolean", &json!({}), &wanted(true, &[])).is_ok());
        assert!(matches!(
            check("link_row", &json!({}), &wanted(true, &[])),
            Err(FieldError::DbIndexNotSupported(_))
        ));
    }

    #[test]
    fn parsing_keeps_what_the_body_leaves_out() {
        let body = json!({"field_constraints": [{"type_name": "unique_with_empty"}, {"type_name": "unique_with_empty"}]});
        let parsed = parse(body.as_object().unwrap(), None).unwrap();
        assert_eq!(parsed, wanted(false, &[UNIQUE_WITH_EMPTY]));
        let bad = json!({"db_index": "yes", "field_constraints": [{"name": 1}]});
        assert!(matches!(
            parse(bad.as_object().unwrap(), None),
            Err(FieldError::Validation(_))
        ));
    }
}
