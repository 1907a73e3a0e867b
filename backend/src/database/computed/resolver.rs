//! The fields a formula can name, as the type checker sees them: each field's value as
//! a formula type and the trusted SQL reading it, over the row alias `t` or, through a
//! link, over the linked row alias `l{link field id}`.

use crate::database::{
    fields::{self, Field},
    formula::types::{FieldLookup, FormulaType, LookupError, Many, RefField, TypeKind},
    links::{LINK_ROW, Relation},
};
use sqlx::PgConnection;
use std::{
    cell::RefCell,
    collections::{BTreeSet, HashMap},
};

/// A table's live fields and those of the tables its links reach.
pub struct Resolver {
    fields: Vec<Field>,
    linked: HashMap<i64, Vec<Field>>,
}

impl Resolver {
    /// Loads the fields of the tables `fields`' links point to.
    pub async fn load(conn: &mut PgConnection, fields: &[Field]) -> sqlx::Result<Self> {
        let mut linked = HashMap::new();
        for field in fields {
            if let Some(rel) = Relation::of(field)
                && !linked.contains_key(&rel.target_table)
            {
                let target = fields::repo::list(&mut *conn, rel.target_table).await?;
                linked.insert(rel.target_table, target);
            }
        }
        Ok(Self {
            fields: fields.to_vec(),
            linked,
        })
    }

    /// The fields as the formula of field `id` sees them (it may not name itself).
    pub fn excluding(&self, id: Option<i64>) -> FormulaView<'_> {
        FormulaView {
            resolver: self,
            exclude: id,
            used: RefCell::default(),
        }
    }

    /// The table's live fields.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The live fields of `table_id`, a table the links reach (empty for any other).
    pub fn linked(&self, table_id: i64) -> &[Field] {
        self.linked
            .get(&table_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// One formula's view of the fields: all but its own, noting the ones it names.
pub struct FormulaView<'a> {
    resolver: &'a Resolver,
    /// The formula's own field, which it may not name.
    exclude: Option<i64>,
    /// Fields of this table the formula named (a lookup names its link field).
    used: RefCell<BTreeSet<i64>>,
}

impl FormulaView<'_> {
    /// The ids of this table's fields named so far.
    pub fn used(&self) -> BTreeSet<i64> {
        self.used.borrow().clone()
    }

    fn named(&self, name: &str) -> Option<&Field> {
        (self.resolver.fields.iter()).find(|f| f.name == name && Some(f.id) != self.exclude)
    }
}

impl FieldLookup for FormulaView<'_> {
    fn field(&self, name: &str) -> Option<RefField> {
        let field = self.named(name)?;
        self.used.borrow_mut().insert(field.id);
        if field.kind == LINK_ROW {
            let Some(rel) = Relation::of(field) else {
                return Some(unusable(field, "its link is not set up"));
            };
            let primary = (self.resolver.linked)
                .get(&rel.target_table)?
                .iter()
                .find(|f| f.primary)?;
            let alias = format!("l{}", field.id);
            let (formula_type, column_sql) = value_of(primary, &alias);
            return Some(RefField {
                id: field.id,
                formula_type,
                column_sql,
                many: Some(many(field.id, &rel)),
            });
        }
        let (formula_type, column_sql) = value_of(field, "t");
        Some(RefField {
            id: field.id,
            formula_type,
            column_sql,
            many: None,
        })
    }

    fn lookup(&self, link: &str, target: &str) -> Result<RefField, LookupError> {
        let field = self.named(link).ok_or(LookupError::NoSuchField)?;
        let rel = Relation::of(field).ok_or(LookupError::NotALink)?;
        self.used.borrow_mut().insert(field.id);
        let looked_up = (self.resolver.linked)
            .get(&rel.target_table)
            .and_then(|fields| fields.iter().find(|f| f.name == target))
            .ok_or(LookupError::NoSuchTarget)?;
        let alias = format!("l{}", field.id);
        let (formula_type, column_sql) = if looked_up.kind == LINK_ROW {
            (
                FormulaType::invalid(format!(
                    "looking up the link field '{target}' through '{link}' is not supported yet"
                )),
                "NULL".into(),
            )
        } else {
            value_of(looked_up, &alias)
        };
        Ok(RefField {
            id: looked_up.id,
            formula_type,
            column_sql,
            many: Some(many(field.id, &rel)),
        })
    }
}

fn many(link_id: i64, rel: &Relation) -> Many {
    Many {
        from_sql: rel.from_linked(link_id, "t.id"),
        id_sql: format!("l{link_id}.id"),
    }
}

fn unusable(field: &Field, why: &str) -> RefField {
    RefField {
        id: field.id,
        formula_type: FormulaType::invalid(format!("field '{}' cannot be used: {why}", field.name)),
        column_sql: "NULL".into(),
        many: None,
    }
}

/// A field's value as a formula type and the SQL reading it from the row `alias`, in the
/// representation the compiler expects (numbers numeric, durations intervals, select
/// options jsonb objects).
fn value_of(field: &Field, alias: &str) -> (FormulaType, String) {
    let col = format!("{alias}.{}", field.column());
    let nullable = |t: FormulaType| t.nullable(true);
    match field.kind.as_str() {
        "text" | "long_text" | "email" | "phone_number" => (nullable(FormulaType::text()), col),
        "url" => (nullable(FormulaType::new(TypeKind::Url)), col),
        "uuid" => (FormulaType::text(), format!("({col})::text")),
        "number" => (
            nullable(FormulaType::number(
                field.opt_i64("number_decimal_places", 0).clamp(0, 10) as u32,
            )),
            col,
        ),
        "rating" => (FormulaType::number(0), format!("({col})::numeric")),
        "autonumber" => (
            nullable(FormulaType::number(0)),
            format!("({col})::numeric"),
        ),
        "boolean" => (FormulaType::boolean(), col),
        "date" => (
            nullable(FormulaType::date(field.opt_bool("date_include_time"))),
            col,
        ),
        "created_on" => (FormulaType::date(true), format!("{alias}.created_on")),
        "last_modified" => (FormulaType::date(true), format!("{alias}.updated_on")),
        "duration" => (
            nullable(FormulaType::duration()),
            format!("({col} * interval '1 second')"),
        ),
        "single_select" => (
            nullable(FormulaType::new(TypeKind::SingleSelect)),
            format!(
                "(SELECT jsonb_build_object('id', o.id, 'value', o.value, 'color', o.color) \
                 FROM database_select_options o WHERE o.id = {col})"
            ),
        ),
        "multiple_select" => (
            FormulaType::new(TypeKind::MultipleSelect),
            format!(
                "(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', o.id, 'value', o.value, \
                 'color', o.color) ORDER BY array_position({col}, o.id)), '[]'::jsonb) \
                 FROM database_select_options o WHERE o.id = ANY({col}))"
            ),
        ),
        kind if super::is_computed(kind) => {
            let ty = super::stored::stored_type(&field.options);
            match &ty.kind {
                TypeKind::Invalid { .. } => (
                    FormulaType::invalid(format!("field '{}' is not valid", field.name)),
                    "NULL".into(),
                ),
                TypeKind::Array(_) => (
                    FormulaType::invalid(format!(
                        "field '{}' gives a list, and a list of lists is not supported yet",
                        field.name
                    )),
                    "NULL".into(),
                ),
                _ => (ty, col),
            }
        }
        other => (
            FormulaType::invalid(format!(
                "fields of type {other} cannot be used in formulas yet ('{}')",
                field.name
            )),
            "NULL".into(),
        ),
    }
}
