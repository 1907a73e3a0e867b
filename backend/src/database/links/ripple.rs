//! Rows of other tables whose shown values change with a write: a link added or removed
//! (seen through the related field), a linked row's primary value changed, a linked row
//! trashed or restored. They are read before and after the write and announced as
//! `rows_updated` of their own table, so open pages and webhooks there see the change,
//! and the computed fields there that read what changed are recomputed.

use crate::database::{
    computed::{
        self,
        changes::{Changed, Changes},
    },
    events::TableEvent,
    fields::{self, Field},
    rows::read::{event_rows, rows_by_ids},
    tables,
    tx::Tx,
};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::{BTreeMap, BTreeSet};

/// Table → rows whose shown values change.
pub type Touched = BTreeMap<i64, BTreeSet<i64>>;

/// Above this many rows of one table, the change is announced as a table refresh instead
/// of the rows themselves: reading and sending a hundred thousand rows for one rename
/// would make the write as slow as the table is large.
pub const MAX_ANNOUNCED_ROWS: usize = 200;

/// Adds `more` to `into`.
pub fn merge(into: &mut Touched, more: Touched) {
    for (table, rows) in more {
        into.entry(table).or_default().extend(rows);
    }
}

/// Rows of other tables (or of this one, through a self-link) that link to `row_ids` of
/// `table_id` and show them: what changes when those rows' primary value changes or they
/// are trashed or restored.
///
/// With `changes` (what the write changes), a table where no computed field reads any
/// of it and no formula looks further is only announced, as a refresh when more than
/// [`MAX_ANNOUNCED_ROWS`] rows link: then only that many are read, not the hundred
/// thousand rows linking to a popular row. Without, every linking row is read.
pub async fn linking_rows(
    conn: &mut PgConnection,
    table_id: i64,
    row_ids: &[i64],
    changes: Option<&Changes>,
) -> sqlx::Result<Touched> {
    let links: Vec<Field> = link_fields_to(conn, table_id).await?;
    let mut touched = Touched::new();
    // Several links of one table to this one ask the same question of it: asked once.
    let mut needs: BTreeMap<i64, bool> = BTreeMap::new();
    for field in links {
        let Some(rel) = super::Relation::of(&field) else {
            continue;
        };
        let linking = format!(
            "SELECT r.{own} FROM {rel_table} r JOIN {table} t ON t.id = r.{own} AND NOT t.trashed \
             WHERE r.{other} = ANY($1)",
            own = rel.own,
            other = rel.other,
            rel_table = rel.table(),
            table = tables::table_name(field.table_id),
        );
        let mut rows: BTreeSet<i64> = BTreeSet::new();
        let needed = match (changes, needs.get(&field.table_id)) {
            (None, _) => true,
            (Some(_), Some(&known)) => known,
            (Some(changes), None) => {
                let known = needs_rows(conn, field.table_id, changes).await?;
                needs.insert(field.table_id, known);
                known
            }
        };
        if !needed {
            let probe = MAX_ANNOUNCED_ROWS as i64 + 1;
            let found: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!("{linking} LIMIT $2")))
                .bind(row_ids)
                .bind(probe)
                .fetch_all(&mut *conn)
                .await?;
            let complete = (found.len() as i64) < probe;
            rows.extend(found);
            // Over the limit (and not short of it through duplicates), these rows stand
            // for all of them: the table is announced as a refresh.
            if complete || rows.len() > MAX_ANNOUNCED_ROWS {
                touched.entry(field.table_id).or_default().extend(rows);
                continue;
            }
        }
        rows.extend(
            sqlx::query_scalar::<_, i64>(AssertSqlSafe(linking))
                .bind(row_ids)
                .fetch_all(&mut *conn)
                .await?,
        );
        if !rows.is_empty() {
            touched.entry(field.table_id).or_default().extend(rows);
        }
    }
    touched.retain(|_, rows| !rows.is_empty());
    Ok(touched)
}

/// Whether every row of `table_id` linking to a change must be known: formulas of other
/// tables look its rows up (the change may travel on), or its own computed fields read
/// what changed.
async fn needs_rows(
    conn: &mut PgConnection,
    table_id: i64,
    changes: &Changes,
) -> sqlx::Result<bool> {
    if computed::refresh::is_looked_up(&mut *conn, table_id).await? {
        return Ok(true);
    }
    let fields = fields::repo::list(&mut *conn, table_id).await?;
    if computed::computed_fields(&fields).next().is_none() {
        return Ok(false);
    }
    let resolver = computed::resolver::Resolver::load(&mut *conn, &fields).await?;
    Ok(!computed::changes::affected(&resolver, table_id, &fields, changes).is_empty())
}

/// Live link fields of live tables that link to `table_id`.
async fn link_fields_to(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<Vec<Field>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT f.id FROM database_fields f JOIN database_tables t ON t.id = f.table_id AND NOT t.trashed \
         WHERE f.type = 'link_row' AND NOT f.trashed AND (f.options->>'link_row_table_id')::bigint = $1",
    )
    .bind(table_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(field) = fields::repo::get(conn, id).await? {
            out.push(field);
        }
    }
    Ok(out)
}

/// One table's touched rows as they were before the write.
struct Snapshot {
    table_id: i64,
    fields: Vec<Field>,
    ids: Vec<i64>,
    before: Vec<Value>,
}

/// Touched rows read before the write, announced after it.
#[derive(Default)]
pub struct Ripple {
    snapshots: Vec<Snapshot>,
    /// Tables with too many touched rows to list, with those rows: announced as a refresh.
    refresh: Vec<(i64, Vec<i64>)>,
    /// The touched tables in the order their formulas are recomputed: a table after the
    /// tables whose rows it looks up.
    order: Vec<i64>,
    /// What the write changed; each recompute adds the fields it recomputed.
    changes: Changes,
}

/// How many tables away a change reaches through formulas that look up formulas (A's
/// change shows in B's lookup, which C looks up, ...). Deeper chains are cut here.
pub const MAX_HOPS: usize = 4;

/// Adds to `touched` the rows that look up touched rows through formulas, hop by hop,
/// and gives the touched tables in the order to recompute them.
async fn widen(conn: &mut PgConnection, touched: &mut Touched) -> sqlx::Result<Vec<i64>> {
    let mut order: Vec<i64> = touched.keys().copied().collect();
    let mut frontier: Touched = touched.clone();
    for _ in 0..MAX_HOPS {
        let mut next = Touched::new();
        for (table_id, rows) in &frontier {
            if rows.is_empty() || !computed::refresh::is_looked_up(&mut *conn, *table_id).await? {
                continue;
            }
            let ids: Vec<i64> = rows.iter().copied().collect();
            merge(
                &mut next,
                linking_rows(&mut *conn, *table_id, &ids, None).await?,
            );
        }
        // Only rows not seen yet go on; a cycle of links ends here.
        for (table_id, rows) in next.iter_mut() {
            if let Some(seen) = touched.get(table_id) {
                rows.retain(|id| !seen.contains(id));
            }
        }
        next.retain(|_, rows| !rows.is_empty());
        if next.is_empty() {
            break;
        }
        for table_id in next.keys() {
            order.retain(|t| t != table_id);
            order.push(*table_id);
        }
        merge(touched, next.clone());
        frontier = next;
    }
    computed::recompute::tables_in_order(conn, &order).await
}

impl Ripple {
    /// Reads the touched rows before the write. `except` are rows of `except_table` the
    /// write announces itself; `changes` is what the write changes (in those rows, and
    /// in rows whose links it adds or removes).
    pub async fn capture(
        conn: &mut PgConnection,
        mut touched: Touched,
        changes: Changes,
        except_table: i64,
        except: &[i64],
    ) -> sqlx::Result<Self> {
        let order = widen(conn, &mut touched).await?;
        if let Some(own) = touched.get_mut(&except_table) {
            own.retain(|id| !except.contains(id));
        }
        let mut ripple = Self {
            order,
            changes,
            ..Self::default()
        };
        for (table_id, rows) in touched {
            if rows.is_empty() {
                continue;
            }
            if rows.len() > MAX_ANNOUNCED_ROWS {
                ripple.refresh.push((table_id, rows.into_iter().collect()));
                continue;
            }
            let fields = fields::repo::list(&mut *conn, table_id).await?;
            let ids: Vec<i64> = rows.into_iter().collect();
            let before = event_rows(&fields, rows_by_ids(conn, table_id, &fields, &ids).await?);
            ripple.snapshots.push(Snapshot {
                table_id,
                fields,
                ids,
                before,
            });
        }
        Ok(ripple)
    }

    /// Notes a change the write made after the capture (values it recomputed itself).
    pub fn note(&mut self, table_id: i64, changed: Changed) {
        self.changes.add(table_id, changed);
    }

    /// Recomputes the touched rows' computed fields that read what changed, table by
    /// table (a table's recomputed fields are a change for the tables reading them), and
    /// announces the rows as they are now, one `rows_updated` per table.
    pub async fn emit(mut self, tx: &mut Tx) -> sqlx::Result<()> {
        for &table_id in &self.order {
            let recomputed = if let Some(snap) =
                self.snapshots.iter().find(|s| s.table_id == table_id)
            {
                computed::recompute::recompute_affected(
                    tx,
                    table_id,
                    &snap.fields,
                    &snap.ids,
                    &self.changes,
                )
                .await?
            } else if let Some((_, ids)) = self.refresh.iter().find(|(t, _)| *t == table_id) {
                let fields = fields::repo::list(tx, table_id).await?;
                computed::recompute::recompute_affected(tx, table_id, &fields, ids, &self.changes)
                    .await?
            } else {
                continue;
            };
            if !recomputed.is_empty() {
                self.changes.add(table_id, Changed::Fields(recomputed));
            }
        }
        for snap in self.snapshots {
            let after = event_rows(
                &snap.fields,
                rows_by_ids(tx, snap.table_id, &snap.fields, &snap.ids).await?,
            );
            let link_fields: Vec<i64> = snap
                .fields
                .iter()
                .filter(|f| f.kind == super::LINK_ROW || computed::is_computed(&f.kind))
                .map(|f| f.id)
                .collect();
            tx.emit(
                snap.table_id,
                TableEvent::RowsUpdated {
                    table_id: snap.table_id,
                    rows_before_update: snap.before,
                    rows: after,
                    updated_field_ids: link_fields,
                    metadata: json!({}),
                },
            );
        }
        for (table_id, _) in self.refresh {
            if let Some(table) = tables::repo::get(&mut **tx, table_id).await? {
                tx.emit(
                    table_id,
                    TableEvent::TableUpdated {
                        table_id,
                        table: table.to_json(),
                        force_table_refresh: true,
                        before: None,
                    },
                );
            }
        }
        Ok(())
    }
}
