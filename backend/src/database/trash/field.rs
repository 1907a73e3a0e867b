//! `field`: a field keeps its column while trashed; restoring it under a name that has been
//! taken meanwhile gives it a free one, as Baserow does.

use super::{InTable, in_table, untrash_in_table};
use crate::{
    database::{access, computed, events::TableEvent, fields, links, tables, tx::Tx},
    platform::{
        auth::Actor,
        trash::{TrashEntry, TrashError, TrashItemType},
    },
};
use futures::future::BoxFuture;
use sqlx::PgConnection;
use std::collections::HashSet;

pub struct FieldTrashItemType;

const SQL: InTable = in_table!("database_fields");

/// `name` when free, else `name (Restored)`, else that with ` 2`, ` 3`, … appended, each
/// cut to the longest allowed field name (Baserow's `find_next_unused_field_name`).
pub(crate) fn free_name(name: &str, taken: &HashSet<String>) -> String {
    let max = fields::MAX_NAME_LENGTH;
    let cut = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
    let name = cut(name, max);
    if !taken.contains(&name) {
        return name;
    }
    let restored = cut(&format!("{name} (Restored)"), max);
    if !taken.contains(&restored) {
        return restored;
    }
    (2u64..)
        .map(|i| {
            let suffix = format!(" {i}");
            let room = max.saturating_sub(suffix.chars().count());
            format!("{}{suffix}", cut(&restored, room))
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(restored)
}

impl TrashItemType for FieldTrashItemType {
    fn name(&self) -> &'static str {
        "field"
    }

    fn deletion_rank(&self) -> u8 {
        3
    }

    fn parent_trashed_sql(&self) -> &'static str {
        SQL.parent_trashed
    }

    fn parent_name_sql(&self) -> &'static str {
        SQL.parent_name
    }

    fn orphaned_sql(&self) -> &'static str {
        SQL.orphaned
    }

    fn restore<'a>(
        &'a self,
        tx: &'a mut Tx,
        _actor: &'a Actor,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, Result<(), TrashError>> {
        Box::pin(async move {
            let conn: &mut PgConnection = tx;
            let id = entry.trash_item_id;
            let table_id: i64 = sqlx::query_scalar(
                "SELECT table_id FROM database_fields WHERE id = $1 AND trashed",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(TrashError::ItemNotFound)?;
            // Field changes of one table queue on its row, so the free name stays free.
            tables::repo::lock(&mut *conn, table_id).await?;
            let (name, primary): (String, bool) = sqlx::query_as(
                "SELECT name, is_primary FROM database_fields WHERE id = $1 AND trashed FOR UPDATE",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(TrashError::ItemNotFound)?;
            let live: Vec<(String, bool)> = sqlx::query_as(
                "SELECT name, is_primary FROM database_fields WHERE table_id = $1 AND NOT trashed",
            )
            .bind(table_id)
            .fetch_all(&mut *conn)
            .await?;
            let taken: HashSet<String> = live.iter().map(|(n, _)| n.clone()).collect();
            // A table has one primary field; a restored one never displaces the current.
            let primary = primary && !live.iter().any(|(_, p)| *p);
            sqlx::query(
                "UPDATE database_fields SET trashed = FALSE, name = $2, is_primary = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(free_name(&name, &taken))
            .bind(primary)
            .execute(&mut *conn)
            .await?;
            let scope = access::scope(&mut *conn, table_id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let field = fields::repo::get(&mut *conn, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            // A link's related field was trashed with it and comes back with it.
            let mut related_fields = Vec::new();
            if let Some(related_id) = links::schema::related_id(&field) {
                let related_table = untrash_in_table(tx, "database_fields", related_id).await?;
                if let Some(related) = fields::repo::get(tx, related_id).await? {
                    let json = fields::field_json(&related, &scope);
                    if let Some(related_table) = related_table {
                        tx.emit(
                            related_table,
                            TableEvent::FieldRestored {
                                field: json.clone(),
                                related_fields: vec![fields::field_json(&field, &scope)],
                            },
                        );
                    }
                    related_fields.push(json);
                }
            }
            computed::refresh::field_changed(tx, table_id, id, None).await?;
            if let Some(related_id) = links::schema::related_id(&field)
                && let Some(related) = fields::repo::get(tx, related_id).await?
            {
                computed::refresh::field_changed(tx, related.table_id, related.id, None).await?;
            }
            // Its own type may have changed with the fields it names.
            let field = fields::repo::get(tx, id)
                .await?
                .ok_or(TrashError::ItemNotFound)?;
            let field = fields::field_json(&field, &scope);
            tx.emit(
                table_id,
                TableEvent::FieldRestored {
                    field,
                    related_fields,
                },
            );
            Ok(())
        })
    }

    fn delete_for_good<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        entry: &'a TrashEntry,
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        Box::pin(async move {
            let id = entry.trash_item_id;
            let table_id: Option<i64> = sqlx::query_scalar(
                "SELECT table_id FROM database_fields WHERE id = $1 AND trashed",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(table_id) = table_id {
                fields::ddl::drop_column(conn, table_id, id).await?;
                if let Some(field) = fields::repo::get_any(&mut *conn, id).await? {
                    links::schema::tear_down(conn, &field).await?;
                }
                // Select options, filters, sorts and field options go with it.
                sqlx::query("DELETE FROM database_fields WHERE id = $1")
                    .bind(id)
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::free_name;
    use std::collections::HashSet;

    fn taken(names: &[&str]) -> HashSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn taken_names_get_restored_and_then_numbered() {
        assert_eq!(free_name("Notes", &taken(&[])), "Notes");
        assert_eq!(free_name("Notes", &taken(&["Notes"])), "Notes (Restored)");
        assert_eq!(
            free_name("Notes", &taken(&["Notes", "Notes (Restored)"])),
            "Notes (Restored) 2"
        );
        assert_eq!(
            free_name(
                "Notes",
                &taken(&["Notes", "Notes (Restored)", "Notes (Restored) 2"])
            ),
            "Notes (Restored) 3"
        );
    }

    #[test]
    fn long_names_stay_within_the_limit() {
        let long = "é".repeat(255);
        // " (Restored)" does not fit, so the name is numbered right away.
        let name = free_name(&long, &taken(&[&long]));
        assert_eq!(name.chars().count(), 255);
        assert!(name.ends_with("é 2"), "{name}");
        let twice = free_name(&long, &taken(&[&long, &name]));
        assert_eq!(twice.chars().count(), 255);
        assert!(twice.ends_with("é 3"), "{twice}");
    }
}
