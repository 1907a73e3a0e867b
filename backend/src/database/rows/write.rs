//! Writing rows: parsing values per field type, inserting and updating with bound values.

use super::{RowError, read::RowKeys};
use crate::{
    database::{
        collaborators,
        fields::{CellValue, Field, LinkInput, Storage, registry::field_types},
        tables::table_name,
    },
    platform::{auth::password, user_files},
};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// PostgreSQL accepts at most 65,535 bound values per statement.
const MAX_BINDS: usize = 60_000;

/// Parsed cells of one row: field index → value. Unknown keys are ignored, as in Baserow.
pub type Cells = Vec<(usize, CellValue)>;

/// Parses one API row object. `Err` holds Baserow's per-field detail
/// (`{"field_5": [{"error", "code"}]}`); a read-only field is its own error.
pub fn parse_row(
    fields: &[Field],
    input: &Map<String, Value>,
    keys: RowKeys,
) -> Result<Result<Cells, Map<String, Value>>, RowError> {
    let mut cells = Vec::new();
    let mut errors = Map::new();
    for (i, field) in fields.iter().enumerate() {
        let key = match keys {
            RowKeys::Ids => field.column(),
            RowKeys::Names => field.name.clone(),
        };
        let Some(value) = input.get(&key) else {
            continue;
        };
        let Some(ft) = field_types().get(&field.kind) else {
            continue;
        };
        if ft.is_read_only() {
            return Err(RowError::ReadOnlyField(format!(
                "Field of type {} is read only and should not be set manually.",
                field.kind
            )));
        }
        match ft.parse_cell(field, value) {
            Ok(cell) => cells.push((i, cell)),
            Err(message) => {
                errors.insert(key, json!([{ "error": message, "code": "invalid" }]));
            }
        }
    }
    Ok(if errors.is_empty() {
        Ok(cells)
    } else {
        Err(errors)
    })
}

/// Takes the link cells out of parsed rows: links are written to relation tables after
/// the rows' columns. Returns them per row, in the rows' order.
pub fn take_links(rows: &mut [Cells]) -> Vec<Vec<(usize, LinkInput)>> {
    rows.iter_mut()
        .map(|cells| {
            let mut links = Vec::new();
            cells.retain_mut(|(i, cell)| match cell {
                CellValue::Links(input) => {
                    links.push((*i, std::mem::replace(input, LinkInput::Ids(Vec::new()))));
                    false
                }
                _ => true,
            });
            links
        })
        .collect()
}

/// The columns a write touches: writable fields that own a column.
fn writable_columns(fields: &[Field]) -> Vec<(usize, String)> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let ft = field_types().get(&f.kind)?;
            match ft.storage(f) {
                Storage::Column { sql_type, .. } if !ft.is_read_only() => Some((i, sql_type)),
                _ => None,
            }
        })
        .collect()
}

/// Checks the files named in file cells against the uploads and replaces each cell with
/// the files' stored values (size, type, image size, …); an unknown name refuses the
/// whole write.
async fn resolve_files(conn: &mut PgConnection, rows: &mut [Cells]) -> Result<(), RowError> {
    let mut wanted: Vec<String> = rows
        .iter()
        .flatten()
        .filter_map(|(_, cell)| match cell {
            CellValue::Files(files) => Some(files.iter().map(|f| f.name.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    wanted.sort();
    wanted.dedup();
    let found = if wanted.is_empty() {
        Vec::new()
    } else {
        user_files::by_names(&mut *conn, &wanted).await?
    };
    let missing: Vec<String> = wanted
        .into_iter()
        .filter(|n| !found.iter().any(|f| &f.name == n))
        .collect();
    if !missing.is_empty() {
        return Err(RowError::UserFilesNotFound(missing));
    }
    for (_, cell) in rows.iter_mut().flatten() {
        if let CellValue::Files(files) = cell {
            let values = files
                .iter()
                .filter_map(|input| {
                    let file = found.iter().find(|f| f.name == input.name)?;
                    let visible = input.visible_name.as_deref().unwrap_or(&file.original_name);
                    Some(file.to_cell(visible))
                })
                .collect();
            *cell = CellValue::Json(Value::Array(values));
        }
    }
    Ok(())
}

/// Hashes the passwords of password cells on the hashing pool. Callers run it before
/// they lock anything, so the table is not held while argon2 works; the writes below run
/// it again for any caller that did not (it then finds nothing left to hash).
pub async fn hash_passwords(rows: &mut [Cells]) -> Result<(), RowError> {
    for (_, cell) in rows.iter_mut().flatten() {
        if let CellValue::Password(plain) = cell {
            let hash = password::hash(&plain.0)
                .await
                .map_err(|e| RowError::PasswordHashing(e.to_string()))?;
            *cell = CellValue::Text(hash);
        }
    }
    Ok(())
}

/// Checks that collaborator cells name members of the table's workspace, locking those
/// memberships until the write commits (see `collaborators::lock_members`), and turns
/// the cells into plain ids. Parsing already refused non-members; this catches one
/// removed since the fields were read.
async fn resolve_collaborators(
    conn: &mut PgConnection,
    table_id: i64,
    rows: &mut [Cells],
) -> Result<(), RowError> {
    let mut wanted: Vec<i64> = rows
        .iter()
        .flatten()
        .filter_map(|(_, cell)| match cell {
            CellValue::Collaborators(ids) => Some(ids.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    if !wanted.is_empty() {
        let members = collaborators::lock_members(conn, table_id, &wanted).await?;
        let strangers: Vec<i64> = wanted
            .into_iter()
            .filter(|id| !members.contains(id))
            .collect();
        if !strangers.is_empty() {
            return Err(RowError::NotMembers(strangers));
        }
    }
    for (_, cell) in rows.iter_mut().flatten() {
        if let CellValue::Collaborators(ids) = cell {
            *cell = CellValue::Ids(std::mem::take(ids));
        }
    }
    Ok(())
}

/// Everything a write does to its cells before the SQL: files, collaborators, passwords.
async fn prepare(
    conn: &mut PgConnection,
    table_id: i64,
    rows: &mut [Cells],
) -> Result<(), RowError> {
    resolve_files(conn, rows).await?;
    resolve_collaborators(conn, table_id, rows).await?;
    hash_passwords(rows).await
}

fn push_cell(qb: &mut QueryBuilder<Postgres>, value: CellValue, sql_type: &str) {
    match value {
        // Links never reach a column (`writable_columns` holds only stored fields); file,
        // collaborator and password cells are resolved first (`prepare`), and `Keep`
        // reaches here only for a new row, which has nothing to keep.
        CellValue::Null
        | CellValue::Links(_)
        | CellValue::Files(_)
        | CellValue::Collaborators(_)
        | CellValue::Password(_)
        | CellValue::Keep => qb.push(format!("NULL::{sql_type}")),
        CellValue::Json(value) => qb.push_bind(sqlx::types::Json(value)).push("::jsonb"),
        CellValue::Text(s) => qb.push_bind(s).push(format!("::{sql_type}")),
        CellValue::Bool(b) => qb.push_bind(b),
        CellValue::Int(n) => qb.push_bind(n).push(format!("::{sql_type}")),
        CellValue::Float(f) => qb.push_bind(f).push(format!("::{sql_type}")),
        CellValue::Ids(ids) => qb.push_bind(ids).push("::bigint[]"),
    };
}

/// Inserts rows with the given orders; missing values get the field's default. Returns ids in input order.
pub async fn insert_rows(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: Vec<Cells>,
    orders: &[String],
    user_id: Option<i64>,
) -> Result<Vec<i64>, RowError> {
    let mut rows = rows;
    prepare(conn, table_id, &mut rows).await?;
    let columns = writable_columns(fields);
    let per_statement = (MAX_BINDS / (columns.len() + 2)).max(1);
    let mut ids = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().zip(orders.iter()).peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(per_statement).collect();
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "INSERT INTO {} (\"order\", created_by, last_modified_by",
            table_name(table_id)
        ));
        for (i, _) in &columns {
            qb.push(", ").push(fields[*i].column());
        }
        qb.push(") VALUES ");
        for (n, (mut cells, order)) in chunk.into_iter().enumerate() {
            if n > 0 {
                qb.push(", ");
            }
            qb.push("(")
                .push_bind(order.clone())
                .push("::numeric, ")
                .push_bind(user_id)
                .push(", ")
                .push_bind(user_id);
            for (i, sql_type) in &columns {
                let value = match cells.iter().position(|(fi, _)| fi == i) {
                    Some(pos) => cells.swap_remove(pos).1,
                    None => field_types()
                        .get(&fields[*i].kind)
                        .map(|ft| ft.default_value(&fields[*i]))
                        .unwrap_or(CellValue::Null),
                };
                qb.push(", ");
                push_cell(&mut qb, value, sql_type);
            }
            qb.push(")");
        }
        qb.push(" RETURNING id");
        ids.extend(qb.build_query_scalar::<i64>().fetch_all(&mut *conn).await?);
    }
    Ok(ids)
}

/// Updates the given cells of one live row; `false` when the row does not exist.
pub async fn update_row(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    row_id: i64,
    cells: Cells,
    user_id: i64,
) -> Result<bool, RowError> {
    let mut cells = [cells];
    prepare(conn, table_id, &mut cells).await?;
    let [mut cells] = cells;
    cells.retain(|(_, cell)| !matches!(cell, CellValue::Keep));
    let columns = writable_columns(fields);
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "UPDATE {} SET updated_on = now(), last_modified_by = ",
        table_name(table_id)
    ));
    qb.push_bind(user_id);
    for (i, cell) in cells {
        if let Some((_, sql_type)) = columns.iter().find(|(c, _)| *c == i) {
            qb.push(", ").push(fields[i].column()).push(" = ");
            push_cell(&mut qb, cell, sql_type);
        }
    }
    qb.push(" WHERE id = ")
        .push_bind(row_id)
        .push(" AND NOT trashed");
    Ok(qb.build().execute(conn).await?.rows_affected() == 1)
}

/// Inserts the first rows of a new table (default empty rows or imported data).
pub async fn insert_initial_rows(
    conn: &mut PgConnection,
    table_id: i64,
    fields: &[Field],
    rows: Vec<Map<String, Value>>,
    user_id: i64,
) -> Result<(), RowError> {
    let mut parsed = Vec::with_capacity(rows.len());
    for row in &rows {
        match parse_row(fields, row, RowKeys::Ids)? {
            Ok(cells) => parsed.push(cells),
            Err(detail) => return Err(RowError::Invalid(Value::Object(detail))),
        }
    }
    let orders: Vec<String> = (1..=parsed.len()).map(|n| n.to_string()).collect();
    let count = parsed.len() as i64;
    insert_rows(conn, table_id, fields, parsed, &orders, Some(user_id)).await?;
    crate::database::tables::repo::add_row_count(&mut *conn, table_id, count).await?;
    Ok(())
}
