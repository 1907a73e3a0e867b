//! Links between rows: the relation table behind each `link_row` field, how links are
//! read in SQL, written, set up and torn down, and which rows of other tables show a
//! change.
//!
//! A link field and its related field in the other table share one relation table
//! `database_relation_{id}`, whose id is the id of the field that created it. Its column
//! `a_id` holds rows of that field's table and `b_id` rows of the linked table, each with
//! a foreign key to its table (deleting a row for good deletes its links) and an index
//! leading with it, so links are found from either side without a scan.

pub mod ripple;
pub mod schema;
pub mod write;

use super::{
    fields::{Field, registry::field_types},
    rows::read::column_expr_as,
    tables::table_name,
};

/// The link field type's name.
pub const LINK_ROW: &str = "link_row";

/// Where a link field's links live, seen from its own table.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The relation table's id (`database_relation_{id}`).
    pub id: i64,
    /// The column holding rows of the field's own table.
    pub own: &'static str,
    /// The column holding rows of the linked table.
    pub other: &'static str,
    /// The linked table.
    pub target_table: i64,
}

impl Relation {
    /// The relation of a link field; `None` for other fields or one not set up yet.
    pub fn of(field: &Field) -> Option<Self> {
        if field.kind != LINK_ROW {
            return None;
        }
        let id = field.opt("link_row_relation_id").as_i64()?;
        let target_table = field.opt("link_row_table_id").as_i64()?;
        // The field that made the relation owns side `a`; its related field sees it from `b`.
        let (own, other) = if id == field.id {
            ("a_id", "b_id")
        } else {
            ("b_id", "a_id")
        };
        Some(Self {
            id,
            own,
            other,
            target_table,
        })
    }

    pub fn table(&self) -> String {
        format!("database_relation_{}", self.id)
    }

    /// `FROM <relation> r JOIN <target> l ON … WHERE r.own = <row>`: the live linked rows
    /// of the row `row_sql`, with relation alias `r{n}` and linked row alias `l{n}` (`n`
    /// keeps nested link reads apart).
    pub fn from_linked(&self, n: i64, row_sql: &str) -> String {
        self.linked_rows_where(n, &format!("= {row_sql}"))
    }

    /// [`Relation::from_linked`] for the rows whose ids `rows_sql` (a query of one `id`
    /// column) selects; the row a link belongs to is `r{n}.{own}`.
    pub fn from_linked_to_any(&self, n: i64, rows_sql: &str) -> String {
        // An array, not `IN (…)`: the rows are few, and each is then found by the index.
        self.linked_rows_where(n, &format!("= ANY(ARRAY({rows_sql}))"))
    }

    fn linked_rows_where(&self, n: i64, own_condition: &str) -> String {
        format!(
            "FROM {rel} r{n} JOIN {target} l{n} ON l{n}.id = r{n}.{other} AND NOT l{n}.trashed \
             WHERE r{n}.{own} {own_condition}",
            rel = self.table(),
            target = table_name(self.target_table),
            other = self.other,
            own = self.own,
        )
    }
}

/// SQL giving the text of the linked row `l{field.id}`'s primary field (what a link shows).
pub fn primary_text_sql(field: &Field) -> String {
    let alias = format!("l{}", field.id);
    let Some(primary) = field.linked_primary.as_deref() else {
        return "NULL::text".into();
    };
    let Some(ft) = field_types().get(&primary.kind) else {
        return "NULL::text".into();
    };
    ft.text_sql(primary, &column_expr_as(primary, ft, &alias))
}

/// SQL condition: the row `t` links to at least one live row.
pub fn has_links_sql(field: &Field) -> Option<String> {
    let rel = Relation::of(field)?;
    Some(format!(
        "EXISTS (SELECT 1 {})",
        rel.from_linked(field.id, "t.id")
    ))
}

/// Appends a condition true when the row `t` links to a live row whose primary text
/// contains `term`, ignoring case; `FALSE` for a link not set up.
pub fn push_linked_text_contains(
    sql: &mut sqlx::QueryBuilder<sqlx::Postgres>,
    field: &Field,
    term: &str,
) {
    let Some(rel) = Relation::of(field) else {
        sql.push("FALSE");
        return;
    };
    sql.push(format!(
        "EXISTS (SELECT 1 {} AND {} ILIKE ",
        rel.from_linked(field.id, "t.id"),
        primary_text_sql(field)
    ))
    .push_bind(crate::database::filters::like_pattern(term))
    .push(")");
}
