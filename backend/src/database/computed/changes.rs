//! What a write changed, table by table, and which computed fields of a table reached by
//! that write read any of it: the formulas a ripple through links has to recompute.
//!
//! Renaming a row that a hundred thousand rows link to changes what their link cells
//! show, but not their counts, their own formulas or lookups of other fields; only the
//! computed fields reading a changed value are recomputed.

use super::{Compiled, compile_field, computed_fields, resolver::Resolver};
use crate::database::{
    fields::Field,
    links::{LINK_ROW, Relation},
};
use std::collections::{BTreeMap, BTreeSet};

/// What changed in the touched rows of one table.
#[derive(Debug, Clone, PartialEq)]
pub enum Changed {
    /// Anything: rows created, trashed or restored, links added or removed.
    All,
    /// The values of these fields.
    Fields(BTreeSet<i64>),
}

impl Changed {
    /// Adds `other` to what changed.
    pub fn merge(&mut self, other: Changed) {
        match (&mut *self, other) {
            (Changed::All, _) => {}
            (_, Changed::All) => *self = Changed::All,
            (Changed::Fields(mine), Changed::Fields(theirs)) => mine.extend(theirs),
        }
    }
}

/// Table → what changed in its touched rows.
#[derive(Debug, Clone, Default)]
pub struct Changes(BTreeMap<i64, Changed>);

impl Changes {
    /// Nothing changed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes that `changed` happened in rows of `table_id`.
    pub fn add(&mut self, table_id: i64, changed: Changed) {
        match self.0.get_mut(&table_id) {
            Some(known) => known.merge(changed),
            None => {
                self.0.insert(table_id, changed);
            }
        }
    }

    /// Notes that anything may have changed in rows of each of `tables`.
    pub fn add_all(&mut self, tables: impl IntoIterator<Item = i64>) {
        for table_id in tables {
            self.add(table_id, Changed::All);
        }
    }

    /// What changed in `table_id`, if anything.
    pub fn of(&self, table_id: i64) -> Option<&Changed> {
        self.0.get(&table_id)
    }

    /// Whether the field `field_id` of `table_id` may have a new value.
    fn touches(&self, table_id: i64, field_id: i64) -> bool {
        match self.of(table_id) {
            Some(Changed::All) => true,
            Some(Changed::Fields(ids)) => ids.contains(&field_id),
            None => false,
        }
    }
}

/// The computed fields of `fields` (of table `table_id`) whose value may change with
/// `changes`: those naming a changed field of their own table, and those reading, through
/// a link, a changed field of the linked table or its rows' being there (a count changes
/// when a linked row goes to the trash). Fields naming these are not included; the
/// recompute follows them.
pub fn affected(
    resolver: &Resolver,
    table_id: i64,
    fields: &[Field],
    changes: &Changes,
) -> BTreeSet<i64> {
    computed_fields(fields)
        .filter(|field| {
            let compiled = compile_field(resolver, field);
            compiled.used.iter().any(|&used| {
                if changes.touches(table_id, used) {
                    return true;
                }
                let Some(link) = fields.iter().find(|f| f.id == used && f.kind == LINK_ROW) else {
                    return false;
                };
                let Some(rel) = Relation::of(link) else {
                    return false;
                };
                match changes.of(rel.target_table) {
                    None => false,
                    Some(Changed::All) => true,
                    Some(Changed::Fields(changed)) => match linked_reads(&compiled, link.id) {
                        LinkedReads::Any => !changed.is_empty(),
                        LinkedReads::Columns(read) => resolver
                            .linked(rel.target_table)
                            .iter()
                            .any(|f| changed.contains(&f.id) && read.contains(&f.column())),
                    },
                }
            })
        })
        .map(|f| f.id)
        .collect()
}

/// What a compiled formula reads of the rows linked through one of its link fields.
#[derive(Debug, PartialEq)]
enum LinkedReads {
    /// Something every update changes (their last modification time).
    Any,
    /// These columns (none for a count, which reads only which rows are linked).
    Columns(BTreeSet<String>),
}

/// The columns of the linked row alias `l{link_id}` the compiled SQL reads. The SQL is
/// the ground truth of what a formula reads: `count(field('link'))` names the link (and
/// with it the linked primary) but reads no value of the linked rows.
fn linked_reads(compiled: &Compiled, link_id: i64) -> LinkedReads {
    let Some(sql) = compiled.sql.as_deref() else {
        return LinkedReads::Columns(BTreeSet::new());
    };
    let alias = format!("l{link_id}.");
    let mut read = BTreeSet::new();
    for (at, _) in sql.match_indices(&alias) {
        let starts_word = sql[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
        if !starts_word {
            continue;
        }
        let column: String = sql[at + alias.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if column == "updated_on" {
            return LinkedReads::Any;
        }
        read.insert(column);
    }
    LinkedReads::Columns(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::formula::types::FormulaType;

    fn compiled(sql: &str) -> Compiled {
        Compiled {
            ty: FormulaType::text(),
            sql: Some(sql.into()),
            used: BTreeSet::new(),
        }
    }

    #[test]
    fn linked_columns_are_read_from_the_sql_by_whole_alias_and_name() {
        let sql = "(SELECT json_agg(l5.field_7 ORDER BY r5.id) FROM database_relation_5 r5 \
                   JOIN database_table_2 l5 ON l5.id = r5.b_id AND NOT l5.trashed \
                   WHERE r5.a_id = t.id) || (SELECT count(*) FROM x l55 WHERE l55.field_9 > 0) \
                   || col5.field_8";
        let LinkedReads::Columns(read) = linked_reads(&compiled(sql), 5) else {
            panic!("no last-modified read");
        };
        let expected: BTreeSet<String> = ["field_7", "id", "trashed"].map(String::from).into();
        assert_eq!(read, expected);
    }

    #[test]
    fn a_count_reads_no_value_and_last_modified_reads_everything() {
        let count = "(SELECT count(*) FROM database_relation_5 r5 JOIN database_table_2 l5 \
                     ON l5.id = r5.b_id AND NOT l5.trashed WHERE r5.a_id = t.id)";
        let LinkedReads::Columns(read) = linked_reads(&compiled(count), 5) else {
            panic!("a count reads columns only");
        };
        assert!(!read.iter().any(|c| c.starts_with("field_")));
        let modified = "(SELECT max(l5.updated_on) FROM database_table_2 l5)";
        assert_eq!(linked_reads(&compiled(modified), 5), LinkedReads::Any);
    }

    #[test]
    fn changes_merge_up_to_everything() {
        let mut changes = Changes::new();
        changes.add(1, Changed::Fields([10].into()));
        changes.add(1, Changed::Fields([11].into()));
        assert!(changes.touches(1, 10) && changes.touches(1, 11));
        assert!(!changes.touches(1, 12) && !changes.touches(2, 10));
        changes.add_all([1]);
        assert!(changes.touches(1, 12));
        changes.add(1, Changed::Fields([13].into()));
        assert_eq!(changes.of(1), Some(&Changed::All));
    }
}
