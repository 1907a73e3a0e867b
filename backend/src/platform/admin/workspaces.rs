//! Staff administration of workspaces: list every workspace, delete any for good.

use super::{AdminError, listing::Listing, require_staff};
use crate::{
    context::AppContext,
    db::tx::{EventOrigin, Tx},
    platform::{
        auth::Actor,
        jobs::{self, HighJob, LowJob},
    },
    realtime::{
        self,
        notify::{self, Audience, WorkspaceEvent},
    },
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{QueryBuilder, types::Json};

/// Attributes the workspace listing sorts by (Baserow's names) and their expressions.
pub const SORTS: &[(&str, &str)] = &[
    ("id", "w.id"),
    ("name", "w.name"),
    ("application_count", "application_count"),
    ("created_on", "w.created_on"),
    ("row_count", "row_count"),
    // Tessera does not measure file storage per workspace; the column is always null.
    ("storage_usage", "storage_usage"),
];

/// One member of a workspace, as the admin listing shows them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct WorkspaceMember {
    pub id: i64,
    pub email: String,
    pub permissions: String,
}

/// A workspace as the admin listing shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminWorkspace {
    pub id: i64,
    pub name: String,
    pub created_on: DateTime<Utc>,
    pub users: Json<Vec<WorkspaceMember>>,
    pub application_count: i64,
    /// Rows of the workspace's tables, from each table's maintained count.
    pub row_count: i64,
    pub storage_usage: Option<i64>,
}

const SELECT: &str = "SELECT w.id, w.name, w.created_on, \
    COALESCE((SELECT json_agg(json_build_object('id', u.id, 'email', u.email, \
      'permissions', wu.permissions) ORDER BY wu.id) FROM workspace_users wu \
      JOIN users u ON u.id = wu.user_id WHERE wu.workspace_id = w.id), '[]'::json) AS users, \
    (SELECT count(*) FROM applications a WHERE a.workspace_id = w.id AND NOT a.trashed) \
      AS application_count, \
    (SELECT COALESCE(sum(t.row_count), 0)::bigint FROM database_tables t \
      JOIN applications a ON a.id = t.database_id \
      WHERE a.workspace_id = w.id AND NOT a.trashed AND NOT t.trashed) AS row_count, \
    NULL::bigint AS storage_usage \
    FROM workspaces w WHERE NOT w.trashed";

fn push_search(sql: &mut QueryBuilder<sqlx::Postgres>, pattern: &Option<String>) {
    if let Some(p) = pattern {
        sql.push(" AND (w.id::text ILIKE ")
            .push_bind(p.clone())
            .push(" OR w.name ILIKE ")
            .push_bind(p.clone())
            .push(")");
    }
}

/// Every workspace (not in the trash) matching the search, one page in the asked order,
/// and how many match in all.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    listing: &Listing,
) -> Result<(i64, Vec<AdminWorkspace>), AdminError> {
    require_staff(actor)?;
    let mut conn = ctx.db.acquire().await?;
    let mut count = QueryBuilder::new("SELECT count(*) FROM workspaces w WHERE NOT w.trashed");
    push_search(&mut count, &listing.pattern);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    // The sorts may name the computed columns, so the page is sorted outside the select.
    let mut page = QueryBuilder::new("SELECT * FROM (");
    page.push(SELECT);
    push_search(&mut page, &listing.pattern);
    // `order_by` holds only expressions from `SORTS`, which the outer query can see as
    // `w.…` through the alias below.
    page.push(") w ORDER BY ")
        .push(&listing.order_by)
        .push(" LIMIT ")
        .push_bind(listing.limit)
        .push(" OFFSET ")
        .push_bind(listing.offset);
    let workspaces = page.build_query_as().fetch_all(&mut *conn).await?;
    Ok((total, workspaces))
}

/// Deletes a workspace for good with everything in it, whoever its members are: it leaves
/// their sidebars at once (`group_deleted`), their access ends with the commit, and the
/// trash's permanent deletion job, queued right away, drops its tables.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), workspace_id = id))]
pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), AdminError> {
    require_staff(actor)?;
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1 AND NOT trashed FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let name = name.ok_or(AdminError::WorkspaceNotFound)?;
    sqlx::query("UPDATE workspaces SET trashed = TRUE WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO trash_entries (trash_item_type, trash_item_id, workspace_id, name, \
           user_who_trashed, should_be_permanently_deleted) \
         VALUES ('workspace', $1, $1, $2, $3, TRUE) \
         ON CONFLICT (trash_item_type, trash_item_id, parent_trash_item_id) \
           DO UPDATE SET should_be_permanently_deleted = TRUE",
    )
    .bind(id)
    .bind(&name)
    .bind(actor.id())
    .execute(&mut *tx)
    .await?;
    let user_ids: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM workspace_users WHERE workspace_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    jobs::enqueue(
        &mut tx,
        &HighJob::RecheckAccess {
            user_ids: user_ids.clone(),
        },
    )
    .await?;
    // Named rather than looked up when sent: the deletion job may have removed the
    // memberships by then.
    notify::queue(
        &mut tx,
        WorkspaceEvent {
            workspace_id: id,
            audience: Audience::Listed,
            also_user_ids: user_ids.clone(),
            skip_websocket_id: actor.websocket_id.clone(),
            message: notify::message("group_deleted", json!({"workspace_id": id})),
        },
    )
    .await?;
    jobs::enqueue_low(&mut tx, &LowJob::DeleteTrash).await?;
    // Last before the commit (it locks the revocation counter until then).
    realtime::access::revoke(&mut tx, &user_ids).await?;
    tx.commit().await?;
    tracing::info!(
        staff_id = actor.id(),
        workspace_id = id,
        members = user_ids.len(),
        "staff deleted a workspace"
    );
    Ok(())
}
