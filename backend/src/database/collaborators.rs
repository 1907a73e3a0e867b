//! Workspace members as cell values: who may be chosen in `multiple_collaborators`
//! fields, and taking a member out of every such value when they leave the workspace.

use crate::database::{
    events::TableEvent,
    fields,
    links::ripple::MAX_ANNOUNCED_ROWS,
    rows::read::{event_rows, rows_by_ids},
    tables::{self, table_name},
    tx::Tx,
};
use serde::Serialize;
use serde_json::json;
use sqlx::{AssertSqlSafe, PgConnection};
use std::collections::BTreeMap;

/// The field type whose values are workspace members.
pub const MULTIPLE_COLLABORATORS: &str = "multiple_collaborators";

/// A member as cells and fields show them: `{"id": user_id, "name": first_name}`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Collaborator {
    pub id: i64,
    pub name: String,
    /// For finding members by the text of an import; never shown.
    #[serde(skip)]
    pub email: String,
}

/// The members of the workspaces of `table_ids`, per table, in the order they joined.
pub async fn of_tables(
    conn: &mut PgConnection,
    table_ids: &[i64],
) -> sqlx::Result<Vec<(i64, Collaborator)>> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT t.id, u.id, u.first_name, u.email FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id \
         JOIN users u ON u.id = wu.user_id \
         WHERE t.id = ANY($1) ORDER BY wu.id",
    )
    .bind(table_ids)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(table_id, id, name, email)| (table_id, Collaborator { id, name, email }))
        .collect())
}

/// Those of `user_ids` who are members of the table's workspace. Their memberships stay
/// locked (`FOR KEY SHARE`) until the transaction ends: a concurrent removal waits, and
/// then finds the value written here and takes the member out of it.
pub async fn lock_members(
    conn: &mut PgConnection,
    table_id: i64,
    user_ids: &[i64],
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT wu.user_id FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id \
         WHERE t.id = $1 AND wu.user_id = ANY($2) FOR KEY SHARE OF wu",
    )
    .bind(table_id)
    .bind(user_ids)
    .fetch_all(conn)
    .await
}

/// Takes a user who left (or was removed from) a workspace out of every
/// `multiple_collaborators` value in its tables, trashed tables and fields included so a
/// restore does not bring them back. Runs in the transaction removing the membership.
/// The rows are announced as `rows_updated` (a table refresh past
/// [`MAX_ANNOUNCED_ROWS`] rows) so open pages drop the member at once; as in Baserow,
/// nobody is recorded as having changed them: no history, no webhook, no undo.
pub async fn remove_user(tx: &mut Tx, workspace_id: i64, user_id: i64) -> sqlx::Result<()> {
    let fields: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT f.id, f.table_id FROM database_fields f \
         JOIN database_tables t ON t.id = f.table_id \
         JOIN applications a ON a.id = t.database_id \
         WHERE a.workspace_id = $1 AND f.type = $2 ORDER BY f.table_id, f.id",
    )
    .bind(workspace_id)
    .bind(MULTIPLE_COLLABORATORS)
    .fetch_all(&mut **tx)
    .await?;
    let mut tables: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (field_id, table_id) in fields {
        tables.entry(table_id).or_default().push(field_id);
    }
    for (table_id, field_ids) in tables {
        remove_from_table(tx, table_id, &field_ids, user_id).await?;
    }
    Ok(())
}

/// [`remove_user`] for one table's collaborator fields.
async fn remove_from_table(
    tx: &mut Tx,
    table_id: i64,
    field_ids: &[i64],
    user_id: i64,
) -> sqlx::Result<()> {
    // Identifiers come from ids only; the user is bound.
    let table = table_name(table_id);
    let holds = |f: &i64| format!("field_{f} @> ARRAY[$1]::bigint[]");
    let any_holds = field_ids.iter().map(holds).collect::<Vec<_>>().join(" OR ");
    let live = tables::repo::get(&mut **tx, table_id).await?.is_some();
    let touched: Vec<i64> = if live {
        sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT id FROM {table} WHERE NOT trashed AND ({any_holds}) ORDER BY id LIMIT {}",
            MAX_ANNOUNCED_ROWS + 1
        )))
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?
    } else {
        Vec::new()
    };
    let announced = !touched.is_empty() && touched.len() <= MAX_ANNOUNCED_ROWS;
    let fields = if announced {
        fields::repo::list(tx, table_id).await?
    } else {
        Vec::new()
    };
    let before = if announced {
        rows_by_ids(tx, table_id, &fields, &touched).await?
    } else {
        Vec::new()
    };
    for field_id in field_ids {
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET field_{field_id} = array_remove(field_{field_id}, $1) \
             WHERE {}",
            holds(field_id)
        )))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    }
    if announced {
        let after = rows_by_ids(tx, table_id, &fields, &touched).await?;
        tx.emit(
            table_id,
            TableEvent::RowsUpdated {
                table_id,
                rows_before_update: event_rows(&fields, before),
                rows: event_rows(&fields, after),
                updated_field_ids: Vec::new(),
                metadata: json!({}),
            },
        );
    } else if !touched.is_empty()
        && let Some(table) = tables::repo::get(&mut **tx, table_id).await?
    {
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
    Ok(())
}

/// Why a write naming non-members is refused, for the row error's detail.
pub fn not_members_message(user_ids: &[i64]) -> String {
    let ids: Vec<String> = user_ids.iter().map(i64::to_string).collect();
    format!(
        "The users {} are not members of this workspace.",
        ids.join(", ")
    )
}
