//! Table use cases: list, create (empty or from data), get, rename, delete, reorder.

use super::{Table, TableError, repo};
use crate::{
    context::AppContext,
    database::{
        access::TableScope,
        events::TableEvent,
        fields::{self, FieldSpec},
        rows,
        tx::Tx,
        views,
    },
    platform::{
        actions::Params,
        applications,
        auth::Actor,
        trash,
        validation::{self, ValidationError},
    },
    realtime::notify,
};
use serde_json::{Map, Value, json};
use sqlx::PgConnection;

pub const MAX_NAME_LENGTH: usize = 255;

fn valid_name(name: &str) -> Result<String, ValidationError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, MAX_NAME_LENGTH);
    errors.into_result().map(|_| name)
}

/// A live table the caller can reach, with its scope.
pub async fn accessible(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
) -> Result<(Table, TableScope), TableError> {
    let scope = fields::table_scope(conn, actor, table_id)
        .await
        .map_err(|e| match e {
            fields::FieldError::TableNotFound => TableError::NotFound,
            other => other.into(),
        })?;
    let table = repo::get(&mut *conn, table_id)
        .await?
        .ok_or(TableError::NotFound)?;
    Ok((table, scope))
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    database_id: i64,
) -> Result<Vec<Table>, TableError> {
    let mut conn = ctx.db.acquire().await?;
    applications::accessible(&mut conn, actor, database_id).await?;
    Ok(repo::list(&mut *conn, database_id).await?)
}

pub async fn get(ctx: &AppContext, actor: &Actor, table_id: i64) -> Result<Table, TableError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(accessible(&mut conn, actor, table_id).await?.0)
}

/// Initial content of a new table: Baserow's default fields, imported rows, or fields of
/// given types with their rows (an example table).
pub enum InitialData {
    Default,
    Rows {
        data: Vec<Vec<Value>>,
        first_row_header: bool,
    },
    Typed {
        /// The first is the primary field.
        fields: Vec<TypedField>,
        /// Values in the order of `fields`, as the API takes them.
        rows: Vec<Vec<Value>>,
    },
}

/// A field of an example table and its width in the table's grid view.
pub struct TypedField {
    pub name: &'static str,
    pub kind: &'static str,
    pub width: Option<i64>,
}

/// A new table's field: its name, type and width in the grid view.
type FieldPlan<'a> = (String, &'a str, Option<i64>);

/// Creates the table, its columns, its rows and its "Grid" view in one transaction.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), database_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    database_id: i64,
    name: &str,
    initial: InitialData,
) -> Result<Table, TableError> {
    let mut tx = Tx::begin(&ctx.db, fields::origin(actor)).await?;
    let table = create_in(ctx, &mut tx, actor, database_id, name, initial).await?;
    tx.commit().await?;
    tracing::info!(table_id = table.id, "table created");
    Ok(table)
}

/// [`create`] in the caller's transaction.
pub async fn create_in(
    ctx: &AppContext,
    tx: &mut Tx,
    actor: &Actor,
    database_id: i64,
    name: &str,
    initial: InitialData,
) -> Result<Table, TableError> {
    let name = valid_name(name)?;
    // (name, type, grid width) per field, the first primary, and the rows' values in
    // field order.
    let (specs, data): (Vec<FieldPlan>, Vec<Vec<Value>>) = match initial {
        InitialData::Default => (
            [
                ("Name", "text"),
                ("Notes", "long_text"),
                ("Active", "boolean"),
            ]
            .iter()
            .map(|(n, k)| ((*n).to_owned(), *k, None))
            .collect(),
            vec![Vec::new(), Vec::new()],
        ),
        InitialData::Rows {
            data,
            first_row_header,
        } => {
            let (headers, data) =
                split_header(data, first_row_header, ctx.settings.max_fields_per_table)?;
            (
                headers.into_iter().map(|h| (h, "text", None)).collect(),
                data,
            )
        }
        InitialData::Typed { fields, rows } => (
            fields
                .iter()
                .map(|f| (f.name.to_owned(), f.kind, f.width))
                .collect(),
            rows,
        ),
    };
    let app = applications::accessible(tx, actor, database_id).await?;
    let table_id = repo::insert(&mut **tx, database_id, &name).await?;
    repo::create_user_table(tx, table_id).await?;
    let empty = Map::new();
    for (i, (field_name, kind, _)) in specs.iter().enumerate() {
        fields::create_in_tx(
            ctx,
            tx,
            table_id,
            FieldSpec {
                name: field_name,
                kind,
                primary: i == 0,
                body: &empty,
            },
        )
        .await?;
    }
    let field_list = fields::repo::list(tx, table_id).await?;
    let rows: Vec<Map<String, Value>> = data
        .into_iter()
        .map(|row| {
            field_list
                .iter()
                .zip(row)
                .map(|(f, v)| (f.column(), v))
                .collect()
        })
        .collect();
    rows::insert_initial_rows(tx, table_id, &field_list, rows, actor.id()).await?;
    let view_id = repo::create_default_view(&mut **tx, table_id).await?;
    for (field, (_, _, width)) in field_list.iter().zip(&specs) {
        if let Some(width) = width {
            let mut options = Map::new();
            options.insert("width".into(), json!(width));
            views::repo::merge_field_options(&mut **tx, view_id, field.id, &options).await?;
        }
    }
    let table = repo::get(&mut **tx, table_id)
        .await?
        .ok_or(TableError::NotFound)?;
    tx.emit(
        table_id,
        TableEvent::TableCreated {
            table: table.to_json(),
        },
    );
    let keys = json!({ "table": table.to_json() });
    notify::workspace(tx, actor, app.workspace_id, "table_created", keys).await?;
    Ok(table)
}

/// Header names and data rows: padded to the widest row, values stringified.
fn split_header(
    mut data: Vec<Vec<Value>>,
    first_row_header: bool,
    max_fields: usize,
) -> Result<(Vec<String>, Vec<Vec<Value>>), TableError> {
    let width = data.iter().map(Vec::len).max().unwrap_or(0);
    if data.is_empty() || width == 0 {
        return Err(TableError::InvalidInitialData);
    }
    if width > max_fields {
        return Err(fields::FieldError::MaxFieldCount(max_fields).into());
    }
    let text = |v: &Value| match v {
        Value::Null => Value::Null,
        Value::String(s) => Value::String(s.clone()),
        other => Value::String(other.to_string()),
    };
    for row in &mut data {
        row.resize(width, Value::Null);
        for v in row.iter_mut() {
            *v = text(v);
        }
    }
    let headers: Vec<String> = if first_row_header {
        let header = data.remove(0);
        header
            .iter()
            .map(|v| v.as_str().unwrap_or_default().trim().to_owned())
            .collect()
    } else {
        (1..=width).map(|i| format!("Field {i}")).collect()
    };
    for h in &headers {
        fields::check_name(h)?;
    }
    let mut seen = std::collections::HashSet::new();
    if !headers.iter().all(|h| seen.insert(h.as_str())) {
        return Err(TableError::DuplicateHeaderNames);
    }
    Ok((headers, data))
}

pub async fn rename(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    name: &str,
) -> Result<Table, TableError> {
    let mut tx = Tx::begin(&ctx.db, fields::origin(actor)).await?;
    let table = rename_in(&mut tx, actor, table_id, name).await?;
    tx.commit().await?;
    Ok(table)
}

/// [`rename`] in the caller's transaction.
pub async fn rename_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    name: &str,
) -> Result<Table, TableError> {
    let name = valid_name(name)?;
    let (before, scope) = accessible(tx, actor, table_id).await?;
    repo::rename(&mut **tx, table_id, &name).await?;
    let table = repo::get(&mut **tx, table_id)
        .await?
        .ok_or(TableError::NotFound)?;
    let event = TableEvent::TableUpdated {
        table_id,
        table: table.to_json(),
        force_table_refresh: false,
        before: Some(Box::new(before.to_json())),
    };
    let payload = Value::Object(event.payload());
    tx.emit(table_id, event);
    notify::workspace(tx, actor, scope.workspace_id, "table_updated", payload).await?;
    Ok(table)
}

/// Moves a table to the trash; the PostgreSQL table stays until the trash is emptied.
pub async fn delete(ctx: &AppContext, actor: &Actor, table_id: i64) -> Result<(), TableError> {
    let mut tx = Tx::begin(&ctx.db, fields::origin(actor)).await?;
    delete_in(&mut tx, actor, table_id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete`] in the caller's transaction.
pub async fn delete_in(tx: &mut Tx, actor: &Actor, table_id: i64) -> Result<(), TableError> {
    let (table, scope) = accessible(tx, actor, table_id).await?;
    repo::set_trashed(&mut **tx, table_id, true).await?;
    let entry = trash::NewTrashEntry {
        item_type: "table",
        item_id: table_id,
        parent_item_id: None,
        workspace_id: scope.workspace_id,
        application_id: Some(scope.database_id),
        user_id: actor.id(),
        name: &table.name,
    };
    trash::record(&mut **tx, &entry).await?;
    let event = TableEvent::TableDeleted {
        database_id: scope.database_id,
        table_id,
    };
    let payload = Value::Object(event.payload());
    tx.emit(table_id, event);
    notify::workspace(tx, actor, scope.workspace_id, "table_deleted", payload).await?;
    Ok(())
}

/// Listed ids take the given relative order; unlisted ids keep their place.
pub async fn order(
    ctx: &AppContext,
    actor: &Actor,
    database_id: i64,
    table_ids: &[i64],
) -> Result<(), TableError> {
    let mut tx = Tx::begin(&ctx.db, fields::origin(actor)).await?;
    order_in(&mut tx, actor, database_id, table_ids).await?;
    tx.commit().await?;
    Ok(())
}

/// [`order`] in the caller's transaction. Reordering changes no table, so it emits no
/// table event: the action is recorded as such.
pub async fn order_in(
    tx: &mut Tx,
    actor: &Actor,
    database_id: i64,
    table_ids: &[i64],
) -> Result<(), TableError> {
    let app = applications::accessible(tx, actor, database_id).await?;
    let current: Vec<i64> = repo::list(&mut **tx, database_id)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    if let Some(foreign) = table_ids.iter().find(|id| !current.contains(id)) {
        return Err(TableError::NotInDatabase(*foreign));
    }
    let ordered = applications::merge_order(&current, table_ids);
    repo::set_order(&mut **tx, &ordered).await?;
    let keys = json!({
        "database_id": notify::hashed_id(database_id),
        "order": ordered.iter().map(|id| notify::hashed_id(*id)).collect::<Vec<_>>(),
    });
    notify::workspace(tx, actor, app.workspace_id, "tables_reordered", keys).await?;
    tx.did(Params::OrderTables {
        database_id,
        before: current,
        after: ordered,
    });
    Ok(())
}

/// Live tables of the given databases, grouped by database (for database listings; the
/// caller has already checked access to the databases).
pub async fn by_database(
    ctx: &AppContext,
    database_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<Table>>, TableError> {
    let mut grouped: std::collections::HashMap<i64, Vec<Table>> = std::collections::HashMap::new();
    for table in repo::list_for_databases(&ctx.db, database_ids).await? {
        grouped.entry(table.database_id).or_default().push(table);
    }
    Ok(grouped)
}

/// Tables of the token's workspace that any of its rights reaches.
pub async fn reachable_by_token(
    ctx: &AppContext,
    actor: &Actor,
    grant: &crate::database::tokens::TokenGrant,
) -> Result<Vec<Table>, TableError> {
    use crate::database::tokens::Operation;
    let mut conn = ctx.db.acquire().await?;
    crate::platform::workspaces::require_member(&mut conn, actor.id(), grant.workspace_id).await?;
    let databases = applications::repo::list_in_workspace(&mut *conn, grant.workspace_id).await?;
    let ids: Vec<i64> = databases.iter().map(|d| d.id).collect();
    let all = repo::list_for_databases(&mut *conn, &ids).await?;
    Ok(all
        .into_iter()
        .filter(|t| {
            let scope = TableScope {
                table_id: t.id,
                database_id: t.database_id,
                workspace_id: grant.workspace_id,
            };
            Operation::ALL
                .iter()
                .any(|op| grant.permissions.allows(*op, &scope))
        })
        .collect())
}
