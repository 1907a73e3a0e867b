//! Row use cases: list, get, create (one or a batch), update, delete, move. Each write
//! runs in one transaction with its event.

use super::{
    RowError, order,
    query::{self, ListQuery, Page},
    read::{RowKeys, rows_by_ids, to_api_row},
    write::{self, Cells},
};
use crate::{
    context::AppContext,
    database::{
        access::TableScope,
        computed::{
            self,
            changes::{Changed, Changes},
        },
        events::{EventOrigin, TableEvent},
        fields::{self, Field, FieldError},
        indexes,
        links::{
            self,
            ripple::{Ripple, Touched},
        },
        metadata_cache::{MetadataCache, TableMeta},
        row_history::RowAction,
        tables,
        tokens::Operation,
        tx::Tx,
    },
    platform::{auth::Actor, trash},
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use tracing::Instrument;

/// A span timing one phase of a row request (see [`crate::telemetry::PHASE`]).
macro_rules! phase_span {
    ($name:literal) => {
        tracing::trace_span!(target: "tessera::phase", $name)
    };
}
pub(super) use phase_span;

/// How a write was asked for.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    pub keys: RowKeys,
    /// `send_webhook_events=false` suppresses webhook calls (realtime still fires).
    pub send_webhooks: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            keys: RowKeys::Ids,
            send_webhooks: true,
        }
    }
}

/// The table (locked for writing when `lock`), its scope and live fields.
pub(super) async fn open(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
    op: Operation,
) -> Result<(tables::Table, TableScope, Vec<Field>), RowError> {
    let scope = fields::table_scope_for(conn, actor, table_id, Some(op))
        .await
        .map_err(|e| match e {
            FieldError::TableNotFound => RowError::TableNotFound,
            other => other.into(),
        })?;
    let table = tables::repo::get(&mut *conn, table_id)
        .await?
        .ok_or(RowError::TableNotFound)?;
    let field_list = fields::repo::list(conn, table_id).await?;
    Ok((table, scope, field_list))
}

/// [`open`] through the process's metadata cache: one statement when the table's
/// metadata and the caller's membership are cached and current.
pub(super) async fn open_cached(
    ctx: &AppContext,
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
    op: Operation,
) -> Result<(tables::Table, TableScope, Vec<Field>), RowError> {
    let cache = &ctx.metadata;
    async {
        if !ctx.settings.metadata_cache {
            return open(conn, actor, table_id, op).await;
        }
        let now = MetadataCache::current(conn, table_id).await?;
        if let Some(meta) = cache.get(&now, table_id, actor.id()) {
            fields::check_token(actor, &meta.scope, Some(op))?;
            return Ok((meta.table, meta.scope, meta.fields));
        }
        let stamp = MetadataCache::stamp(conn).await?;
        let (table, scope, field_list) = open(conn, actor, table_id, op).await?;
        if let Some(stamp) = stamp {
            let meta = TableMeta {
                table,
                scope,
                fields: field_list,
            };
            cache.store(stamp, &meta, actor.id());
            return Ok((meta.table, meta.scope, meta.fields));
        }
        Ok((table, scope, field_list))
    }
    .instrument(tracing::trace_span!(target: "tessera::phase", "metadata"))
    .await
}

fn origin(actor: &Actor, opts: WriteOptions) -> EventOrigin {
    EventOrigin {
        user_id: Some(actor.id()),
        websocket_id: actor.websocket_id.clone(),
        send_webhooks: opts.send_webhooks,
        session: actor.session.clone(),
    }
}

/// Rows as JSON values, for an event.
fn json_rows(rows: Vec<Map<String, Value>>) -> Vec<Value> {
    rows.into_iter().map(Value::Object).collect()
}

fn api_rows(
    fields: &[Field],
    raw: Vec<Map<String, Value>>,
    keys: RowKeys,
) -> Vec<Map<String, Value>> {
    raw.into_iter()
        .map(|r| to_api_row(fields, r, keys))
        .collect()
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    q: &ListQuery,
) -> Result<Page, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let (table, _, field_list) =
        open_cached(ctx, &mut conn, actor, table_id, Operation::Read).await?;
    let page = page_of(&mut conn, &table, &field_list, q).await?;
    indexes::request_sort_index(ctx, table_id, &query::indexable_sort_fields(&field_list, q)).await;
    Ok(page)
}

/// The exact number of rows `q` matches in a table the actor may read.
pub async fn count(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    q: &ListQuery,
) -> Result<i64, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let (_, _, field_list) = open_cached(ctx, &mut conn, actor, table_id, Operation::Read).await?;
    query::exact_count(&mut conn, table_id, &field_list, q).await
}

/// Lists rows without a caller: for shared views, whose service has checked the link and
/// narrowed the query to the fields the view shows.
pub async fn list_shared(ctx: &AppContext, table_id: i64, q: &ListQuery) -> Result<Page, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let table = tables::repo::get(&mut *conn, table_id)
        .await?
        .ok_or(RowError::TableNotFound)?;
    let field_list = fields::repo::list(&mut conn, table_id).await?;
    page_of(&mut conn, &table, &field_list, q).await
}

/// One page, with its `count` (see `query`'s documentation).
async fn page_of(
    conn: &mut PgConnection,
    table: &tables::Table,
    field_list: &[Field],
    q: &ListQuery,
) -> Result<Page, RowError> {
    if query::is_filtered(q) {
        query::list_filtered(conn, table.id, field_list, q).await
    } else {
        query::list(conn, table.id, table.row_count, field_list, q).await
    }
}

pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    keys: RowKeys,
) -> Result<Map<String, Value>, RowError> {
    let mut conn = ctx.db.acquire().await?;
    let (_, _, field_list) = open_cached(ctx, &mut conn, actor, table_id, Operation::Read).await?;
    query::get_row(&mut conn, table_id, &field_list, row_id, keys)
        .await?
        .ok_or(RowError::NotFound(vec![row_id]))
}

/// Parses every item; errors are reported per item index, as Baserow's batch endpoints do.
fn parse_items(
    field_list: &[Field],
    items: &[Map<String, Value>],
    keys: RowKeys,
    batch: bool,
) -> Result<Vec<Cells>, RowError> {
    let mut parsed = Vec::with_capacity(items.len());
    let mut errors = Map::new();
    for (i, item) in items.iter().enumerate() {
        match write::parse_row(field_list, item, keys)? {
            Ok(cells) => parsed.push(cells),
            Err(detail) => {
                errors.insert(i.to_string(), Value::Object(detail));
            }
        }
    }
    if errors.is_empty() {
        return Ok(parsed);
    }
    Err(RowError::Invalid(if batch {
        json!({ "items": errors })
    } else {
        errors
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default()
    }))
}

/// Creates rows at the end, or just before `before`.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id, count = items.len()))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    items: &[Map<String, Value>],
    before: Option<i64>,
    opts: WriteOptions,
    batch: bool,
) -> Result<Vec<Map<String, Value>>, RowError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor, opts))
        .instrument(phase_span!("transaction"))
        .await?;
    let (_, _, field_list) = open_cached(ctx, &mut tx, actor, table_id, Operation::Create).await?;
    let parsed = async {
        let mut parsed = parse_items(&field_list, items, opts.keys, batch)?;
        // Before the insert locks the table: hashing takes a while.
        write::hash_passwords(&mut parsed).await?;
        Ok::<_, RowError>(parsed)
    }
    .instrument(phase_span!("validate"))
    .await?;
    let inserted = insert(
        &mut tx,
        table_id,
        &field_list,
        parsed,
        before,
        Some(actor.id()),
        opts.keys,
    )
    .instrument(phase_span!("sql"))
    .await?;
    let action = if batch {
        RowAction::CreateRows
    } else {
        RowAction::CreateRow
    };
    tx.emit_rows(table_id, inserted.event, action);
    async {
        inserted.ripple.emit(&mut tx).await?;
        tx.commit().await
    }
    .instrument(phase_span!("transaction"))
    .await?;
    let raw = inserted.raw;
    let _json = phase_span!("json").entered();
    Ok(api_rows(&field_list, raw, opts.keys))
}

/// Creates one row from a form submission inside the caller's transaction: nobody signed
/// in, only the values the form accepts (`field_{id}` keys, already narrowed by the
/// caller). Returns the new row's id, its `rows_created` event and the rows of linked
/// tables it changes, which the caller emits (or not, for a trial row it rolls back).
pub async fn insert_submitted(
    conn: &mut PgConnection,
    table_id: i64,
    values: Map<String, Value>,
) -> Result<(i64, TableEvent, Ripple), RowError> {
    let field_list = fields::repo::list(&mut *conn, table_id).await?;
    let parsed = parse_items(&field_list, &[values], RowKeys::Ids, false)?;
    let inserted = insert(
        conn,
        table_id,
        &field_list,
        parsed,
        None,
        None,
        RowKeys::Ids,
    )
    .await?;
    let id = inserted
        .raw
        .first()
        .and_then(|r| r.get("id"))
        .and_then(Value::as_i64)
        .ok_or(RowError::TableNotFound)?;
    Ok((id, inserted.event, inserted.ripple))
}

/// New rows, their `rows_created` event and the rows of linked tables they change.
struct Inserted {
    raw: Vec<Map<String, Value>>,
    event: TableEvent,
    ripple: Ripple,
}

/// Inserts parsed rows at the end (or before `before`), then their links.
async fn insert(
    tx: &mut PgConnection,
    table_id: i64,
    field_list: &[Field],
    mut parsed: Vec<Cells>,
    before: Option<i64>,
    user_id: Option<i64>,
    keys: RowKeys,
) -> Result<Inserted, RowError> {
    let link_cells = write::take_links(&mut parsed);
    let count = parsed.len();
    // Taking the event sequence first locks the table row: concurrent inserts queue here,
    // so orders computed below cannot collide.
    tables::repo::add_row_count(&mut *tx, table_id, count as i64).await?;
    let orders = match before {
        None => {
            let first: i64 = order::next_order(tx, table_id)
                .await?
                .split('.')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            (0..count as i64).map(|i| (first + i).to_string()).collect()
        }
        Some(before_id) => order::orders_before(tx, table_id, before_id, count)
            .await?
            .ok_or(RowError::NotFound(vec![before_id]))?,
    };
    let ids = write::insert_rows(tx, table_id, field_list, parsed, &orders, user_id).await?;
    let plan = links::write::plan(
        tx,
        field_list,
        ids.iter().copied().zip(link_cells).collect(),
        keys,
    )
    .await?;
    // New rows, and the rows they link to, whose links changed.
    let mut changes = Changes::new();
    changes.add_all(plan.touched.keys().copied().chain([table_id]));
    let ripple = Ripple::capture(tx, plan.touched.clone(), changes, table_id, &ids).await?;
    plan.apply(tx).await?;
    computed::recompute(tx, table_id, field_list, Some(&ids)).await?;
    let raw = rows_by_ids(tx, table_id, field_list, &ids).await?;
    let event = TableEvent::RowsCreated {
        table_id,
        rows: json_rows(api_rows(field_list, raw.clone(), RowKeys::Ids)),
        metadata: json!({}),
        before_row_id: before,
    };
    Ok(Inserted { raw, event, ripple })
}

/// Rows elsewhere that show a change of `row_ids`' primary value (or of their being).
async fn linking_rows_if(
    conn: &mut PgConnection,
    changed: bool,
    table_id: i64,
    row_ids: &[i64],
    changes: &Changes,
) -> sqlx::Result<Touched> {
    if changed {
        links::ripple::linking_rows(conn, table_id, row_ids, Some(changes)).await
    } else {
        Ok(Touched::new())
    }
}

/// Checks ids of a batch: unique and all live rows.
async fn check_ids(conn: &mut PgConnection, table_id: i64, ids: &[i64]) -> Result<(), RowError> {
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(RowError::IdsNotUnique);
    }
    let found: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM {} WHERE id = ANY($1) AND NOT trashed",
        tables::table_name(table_id)
    )))
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(RowError::NotFound(missing))
    }
}

/// Updates rows given as `(id, values)`; returns them as they are after the change.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id, count = items.len()))]
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    items: &[(i64, Map<String, Value>)],
    opts: WriteOptions,
    batch: bool,
) -> Result<Vec<Map<String, Value>>, RowError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor, opts))
        .instrument(phase_span!("transaction"))
        .await?;
    let (_, _, field_list) = open_cached(ctx, &mut tx, actor, table_id, Operation::Update).await?;
    let rows = update_with(&mut tx, actor, table_id, &field_list, items, opts, batch)
        .instrument(phase_span!("sql"))
        .await?;
    tx.commit().instrument(phase_span!("transaction")).await?;
    Ok(rows)
}

/// [`update`] inside the caller's transaction (undo writes back this way).
pub async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    items: &[(i64, Map<String, Value>)],
    opts: WriteOptions,
    batch: bool,
) -> Result<Vec<Map<String, Value>>, RowError> {
    let (_, _, field_list) = open(tx, actor, table_id, Operation::Update).await?;
    update_with(tx, actor, table_id, &field_list, items, opts, batch).await
}

/// [`update`] of a table whose fields were read.
async fn update_with(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    field_list: &[Field],
    items: &[(i64, Map<String, Value>)],
    opts: WriteOptions,
    batch: bool,
) -> Result<Vec<Map<String, Value>>, RowError> {
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let values: Vec<Map<String, Value>> = items.iter().map(|(_, v)| v.clone()).collect();
    let mut parsed = parse_items(field_list, &values, opts.keys, batch)?;
    write::hash_passwords(&mut parsed).await?;
    // Lock the table row (and with it the event sequence) before reading old values.
    tables::repo::lock(&mut **tx, table_id).await?;
    check_ids(tx, table_id, &ids).await?;
    let before = api_rows(
        field_list,
        rows_by_ids(tx, table_id, field_list, &ids).await?,
        RowKeys::Ids,
    );
    let mut updated_field_ids: Vec<i64> = Vec::new();
    for cells in &parsed {
        for (i, _) in cells {
            if !updated_field_ids.contains(&field_list[*i].id) {
                updated_field_ids.push(field_list[*i].id);
            }
        }
    }
    let link_cells = write::take_links(&mut parsed);
    let plan = links::write::plan(
        tx,
        field_list,
        ids.iter().copied().zip(link_cells).collect(),
        opts.keys,
    )
    .await?;
    let primary_changed = field_list
        .iter()
        .any(|f| f.primary && updated_field_ids.contains(&f.id));
    // Formulas elsewhere may look up any of the values, not only the primary one.
    let shown_elsewhere = primary_changed || computed::refresh::is_looked_up(tx, table_id).await?;
    // The values written (and the computed fields of these rows, which may follow them),
    // and every row whose links were added or removed.
    let mut changes = Changes::new();
    let written = updated_field_ids.iter().copied();
    let computed_here = computed::computed_fields(field_list).map(|f| f.id);
    changes.add(
        table_id,
        Changed::Fields(written.chain(computed_here).collect()),
    );
    changes.add_all(plan.touched.keys().copied());
    let mut touched = linking_rows_if(tx, shown_elsewhere, table_id, &ids, &changes).await?;
    links::ripple::merge(&mut touched, plan.touched.clone());
    let ripple = Ripple::capture(tx, touched, changes, table_id, &ids).await?;
    for (id, cells) in ids.iter().zip(parsed) {
        write::update_row(tx, table_id, field_list, *id, cells, actor.id()).await?;
    }
    plan.apply(tx).await?;
    computed::recompute(tx, table_id, field_list, Some(&ids)).await?;
    let raw = rows_by_ids(tx, table_id, field_list, &ids).await?;
    tx.emit(
        table_id,
        TableEvent::RowsUpdated {
            table_id,
            rows_before_update: json_rows(before),
            rows: json_rows(api_rows(field_list, raw.clone(), RowKeys::Ids)),
            updated_field_ids,
            metadata: json!({}),
        },
    );
    ripple.emit(tx).await?;
    Ok(api_rows(field_list, raw, opts.keys))
}

/// Moves rows to the trash.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id, count = ids.len()))]
pub async fn delete(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    ids: &[i64],
    opts: WriteOptions,
    batch: bool,
) -> Result<(), RowError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor, opts)).await?;
    let action = if batch {
        RowAction::DeleteRows
    } else {
        RowAction::DeleteRow
    };
    trash_rows(&mut tx, actor, table_id, ids, action).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete`] inside the caller's transaction (undo trashes created rows this way).
pub async fn delete_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    ids: &[i64],
) -> Result<(), RowError> {
    let action = match ids {
        [_] => RowAction::DeleteRow,
        _ => RowAction::DeleteRows,
    };
    trash_rows(tx, actor, table_id, ids, action).await
}

/// Moves rows to the trash; their history names it `action`.
async fn trash_rows(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    ids: &[i64],
    action: RowAction,
) -> Result<(), RowError> {
    let (_, scope, field_list) = open(tx, actor, table_id, Operation::Delete).await?;
    tables::repo::lock(&mut **tx, table_id).await?;
    check_ids(tx, table_id, ids).await?;
    let rows = api_rows(
        &field_list,
        rows_by_ids(tx, table_id, &field_list, ids).await?,
        RowKeys::Ids,
    );
    let mut changes = Changes::new();
    changes.add_all([table_id]);
    let touched = links::ripple::linking_rows(tx, table_id, ids, Some(&changes)).await?;
    let ripple = Ripple::capture(tx, touched, changes, table_id, ids).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET trashed = TRUE WHERE id = ANY($1)",
        tables::table_name(table_id)
    )))
    .bind(ids)
    .execute(&mut **tx)
    .await?;
    tables::repo::add_row_count(&mut **tx, table_id, -(ids.len() as i64)).await?;
    let primary = field_list.iter().find(|f| f.primary);
    let names: Vec<String> = rows
        .iter()
        .map(|row| match primary.and_then(|f| row.get(&f.column())) {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => String::new(),
            Some(other) => other.to_string(),
        })
        .collect();
    // One row is a `row` entry; several are one `rows` entry listing their names, so a
    // batch is restored (or emptied) as a whole, as in Baserow.
    let (item_type, item_id, name) = match ids {
        [id] => ("row", *id, names.first().cloned().unwrap_or_default()),
        _ => {
            let batch: i64 = sqlx::query_scalar(
                "INSERT INTO database_trashed_rows (table_id, row_ids) VALUES ($1, $2) RETURNING id",
            )
            .bind(table_id)
            .bind(ids)
            .fetch_one(&mut **tx)
            .await?;
            ("rows", batch, String::new())
        }
    };
    let entry = trash::NewTrashEntry {
        item_type,
        item_id,
        parent_item_id: Some(table_id),
        workspace_id: scope.workspace_id,
        application_id: Some(scope.database_id),
        user_id: actor.id(),
        name: &name,
    };
    let listed = (item_type == "rows").then_some(names.as_slice());
    trash::record_with_names(&mut **tx, &entry, listed).await?;
    tx.emit_rows(
        table_id,
        TableEvent::RowsDeleted {
            table_id,
            row_ids: ids.to_vec(),
            rows: json_rows(rows),
        },
        action,
    );
    ripple.emit(tx).await?;
    Ok(())
}

/// Moves a row just before `before_id`, or to the end.
pub async fn move_row(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    before_id: Option<i64>,
    opts: WriteOptions,
) -> Result<Map<String, Value>, RowError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor, opts)).await?;
    let (_, _, field_list) = open_cached(ctx, &mut tx, actor, table_id, Operation::Update).await?;
    tables::repo::lock(&mut *tx, table_id).await?;
    check_ids(&mut tx, table_id, &[row_id]).await?;
    let new_order = match before_id {
        Some(b) if b == row_id => return Err(RowError::NotFound(vec![b])),
        Some(b) => order::orders_before(&mut tx, table_id, b, 1)
            .await?
            .and_then(|o| o.into_iter().next())
            .ok_or(RowError::NotFound(vec![b]))?,
        None => order::next_order(&mut tx, table_id).await?,
    };
    let raw = set_order(&mut tx, actor, table_id, &field_list, row_id, &new_order).await?;
    tx.commit().await?;
    api_rows(&field_list, raw, opts.keys)
        .into_iter()
        .next()
        .ok_or(RowError::NotFound(vec![row_id]))
}

/// Puts a row back at a place it had (its `order`), for undo and redo of a move.
pub async fn move_to_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    order: &str,
) -> Result<(), RowError> {
    let (_, _, field_list) = open(tx, actor, table_id, Operation::Update).await?;
    tables::repo::lock(&mut **tx, table_id).await?;
    check_ids(tx, table_id, &[row_id]).await?;
    set_order(tx, actor, table_id, &field_list, row_id, order).await?;
    Ok(())
}

/// Gives the row its new `order` and announces the move (a row update changing no
/// field); answers the row as stored now.
async fn set_order(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    field_list: &[Field],
    row_id: i64,
    new_order: &str,
) -> Result<Vec<Map<String, Value>>, RowError> {
    let before = api_rows(
        field_list,
        rows_by_ids(tx, table_id, field_list, &[row_id]).await?,
        RowKeys::Ids,
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET \"order\" = $2::numeric, updated_on = now(), last_modified_by = $3 WHERE id = $1",
        tables::table_name(table_id)
    )))
    .bind(row_id)
    .bind(new_order)
    .bind(actor.id())
    .execute(&mut **tx)
    .await?;
    let raw = rows_by_ids(tx, table_id, field_list, &[row_id]).await?;
    tx.emit(
        table_id,
        TableEvent::RowsUpdated {
            table_id,
            rows_before_update: json_rows(before),
            rows: json_rows(api_rows(field_list, raw.clone(), RowKeys::Ids)),
            updated_field_ids: Vec::new(),
            metadata: json!({}),
        },
    );
    Ok(raw)
}
