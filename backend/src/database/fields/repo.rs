//! SQL for `database_fields` and `database_select_options`.

use super::{Field, SelectOption};
use crate::database::{
    collaborators::{self, MULTIPLE_COLLABORATORS},
    links::LINK_ROW,
};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor, types::Json};

#[derive(sqlx::FromRow)]
struct FieldRow {
    id: i64,
    table_id: i64,
    name: String,
    #[sqlx(rename = "type")]
    kind: String,
    order: i32,
    is_primary: bool,
    description: Option<String>,
    options: Json<Value>,
    db_index: bool,
    field_constraints: Vec<String>,
}

const SELECT: &str = "SELECT id, table_id, name, type, \"order\", is_primary, description, options, db_index, field_constraints FROM database_fields";

/// Fields with their select options and, for link fields, the linked table's primary
/// field; collaborator fields with the workspace's members.
async fn with_options(conn: &mut PgConnection, rows: Vec<FieldRow>) -> sqlx::Result<Vec<Field>> {
    let mut fields = plain(conn, rows).await?;
    with_collaborators(conn, &mut fields).await?;
    let targets: Vec<i64> = fields
        .iter()
        .filter(|f| f.kind == LINK_ROW)
        .filter_map(|f| f.opt("link_row_table_id").as_i64())
        .collect();
    if targets.is_empty() {
        return Ok(fields);
    }
    let primaries: Vec<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE table_id = ANY($1) AND is_primary AND NOT trashed"
    )))
    .bind(&targets)
    .fetch_all(&mut *conn)
    .await?;
    // Primaries are never link fields, so this goes one level deep only.
    let primaries = plain(conn, primaries).await?;
    for field in fields.iter_mut().filter(|f| f.kind == LINK_ROW) {
        let target = field.opt("link_row_table_id").as_i64();
        field.linked_primary = primaries
            .iter()
            .find(|p| Some(p.table_id) == target)
            .map(|p| Box::new(p.clone()));
    }
    Ok(fields)
}

/// Fills in the members a `multiple_collaborators` field may hold (one query, only when
/// there is such a field).
async fn with_collaborators(conn: &mut PgConnection, fields: &mut [Field]) -> sqlx::Result<()> {
    let mut tables: Vec<i64> = fields
        .iter()
        .filter(|f| f.kind == MULTIPLE_COLLABORATORS)
        .map(|f| f.table_id)
        .collect();
    if tables.is_empty() {
        return Ok(());
    }
    tables.dedup();
    let members = collaborators::of_tables(conn, &tables).await?;
    for field in fields
        .iter_mut()
        .filter(|f| f.kind == MULTIPLE_COLLABORATORS)
    {
        field.collaborators = members
            .iter()
            .filter(|(table_id, _)| *table_id == field.table_id)
            .map(|(_, c)| c.clone())
            .collect();
    }
    Ok(())
}

async fn plain(conn: &mut PgConnection, rows: Vec<FieldRow>) -> sqlx::Result<Vec<Field>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let options: Vec<(i64, i64, String, String, i32)> = sqlx::query_as(
        "SELECT field_id, id, value, color, \"order\" FROM database_select_options WHERE field_id = ANY($1) ORDER BY \"order\", id",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Field {
            select_options: options
                .iter()
                .filter(|o| o.0 == r.id)
                .map(|o| SelectOption {
                    id: o.1,
                    value: o.2.clone(),
                    color: o.3.clone(),
                    order: o.4,
                })
                .collect(),
            id: r.id,
            table_id: r.table_id,
            name: r.name,
            kind: r.kind,
            order: r.order,
            primary: r.is_primary,
            description: r.description,
            options: r.options.0,
            linked_primary: None,
            collaborators: Vec::new(),
            db_index: r.db_index,
            constraints: r.field_constraints,
        })
        .collect())
}

/// Live fields of a table: primary first, then by order.
pub async fn list(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<Vec<Field>> {
    let rows: Vec<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE table_id = $1 AND NOT trashed ORDER BY is_primary DESC, \"order\", id"
    )))
    .bind(table_id)
    .fetch_all(&mut *conn)
    .await?;
    with_options(conn, rows).await
}

/// A live field.
pub async fn get(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<Field>> {
    let row: Option<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE id = $1 AND NOT trashed"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => with_options(conn, vec![r]).await?.pop(),
        None => None,
    })
}

/// A field, live or trashed.
pub async fn get_any(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<Field>> {
    let row: Option<FieldRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some(r) => plain(conn, vec![r]).await?.pop(),
        None => None,
    })
}

pub async fn name_taken(
    db: impl PgExecutor<'_>,
    table_id: i64,
    name: &str,
    except: Option<i64>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM database_fields WHERE table_id = $1 AND name = $2 AND NOT trashed AND id <> COALESCE($3, 0))")
        .bind(table_id)
        .bind(name)
        .bind(except)
        .fetch_one(db)
        .await
}

pub async fn count_live(db: impl PgExecutor<'_>, table_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM database_fields WHERE table_id = $1 AND NOT trashed")
        .bind(table_id)
        .fetch_one(db)
        .await
}

pub struct NewField<'a> {
    pub table_id: i64,
    pub name: &'a str,
    pub kind: &'a str,
    pub primary: bool,
    pub description: Option<&'a str>,
    pub options: &'a Value,
}

/// Inserts a field at the end of the table's order; returns its id.
pub async fn insert(db: impl PgExecutor<'_>, f: &NewField<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO database_fields (table_id, name, type, \"order\", is_primary, description, options) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(\"order\"), 0) + 1 FROM database_fields WHERE table_id = $1), $4, $5, $6) RETURNING id",
    )
    .bind(f.table_id)
    .bind(f.name)
    .bind(f.kind)
    .bind(f.primary)
    .bind(f.description)
    .bind(Json(f.options))
    .fetch_one(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    name: &str,
    kind: &str,
    description: Option<&str>,
    options: &Value,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_fields SET name = $2, type = $3, description = $4, options = $5 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(kind)
        .bind(description)
        .bind(Json(options))
        .execute(db)
        .await
        .map(|_| ())
}

/// Sets a field's `db_index` and `field_constraints`.
pub async fn set_index_and_constraints(
    db: impl PgExecutor<'_>,
    id: i64,
    db_index: bool,
    constraints: &[String],
) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_fields SET db_index = $2, field_constraints = $3 WHERE id = $1")
        .bind(id)
        .bind(db_index)
        .bind(constraints)
        .execute(db)
        .await
        .map(|_| ())
}

/// Replaces a field's type properties (set by services, e.g. a link's relation).
pub async fn set_options(db: impl PgExecutor<'_>, id: i64, options: &Value) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_fields SET options = $2 WHERE id = $1")
        .bind(id)
        .bind(Json(options))
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_trashed(db: impl PgExecutor<'_>, id: i64, trashed: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE database_fields SET trashed = $2 WHERE id = $1")
        .bind(id)
        .bind(trashed)
        .execute(db)
        .await
        .map(|_| ())
}

/// Makes the field's options exactly `wanted`: options named by an id of this field are
/// updated, others inserted, and the rest deleted.
pub async fn replace_select_options(
    conn: &mut PgConnection,
    field_id: i64,
    wanted: &[SelectOption],
) -> sqlx::Result<()> {
    let existing: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM database_select_options WHERE field_id = $1")
            .bind(field_id)
            .fetch_all(&mut *conn)
            .await?;
    let kept: Vec<i64> = wanted
        .iter()
        .map(|o| o.id)
        .filter(|id| existing.contains(id))
        .collect();
    sqlx::query("DELETE FROM database_select_options WHERE field_id = $1 AND NOT (id = ANY($2))")
        .bind(field_id)
        .bind(&kept)
        .execute(&mut *conn)
        .await?;
    for (i, option) in wanted.iter().enumerate() {
        if kept.contains(&option.id) {
            sqlx::query("UPDATE database_select_options SET value = $2, color = $3, \"order\" = $4 WHERE id = $1")
                .bind(option.id)
                .bind(&option.value)
                .bind(&option.color)
                .bind(i as i32)
                .execute(&mut *conn)
                .await?;
        } else {
            sqlx::query("INSERT INTO database_select_options (field_id, value, color, \"order\") VALUES ($1, $2, $3, $4)")
                .bind(field_id)
                .bind(&option.value)
                .bind(&option.color)
                .bind(i as i32)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

pub async fn delete_select_options(db: impl PgExecutor<'_>, field_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM database_select_options WHERE field_id = $1")
        .bind(field_id)
        .execute(db)
        .await
        .map(|_| ())
}
