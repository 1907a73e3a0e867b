//! Row comment use cases. Any member of the table's workspace may read and write comments
//! (database tokens may not); only the author edits or deletes one. Mentions of users who
//! are not members are kept in the text but mention no one, as in Baserow.

use super::{CommentError, notification_mode, repo};
use crate::{
    context::AppContext,
    database::{
        access::TableScope,
        events::{EventOrigin, TableEvent},
        fields::{self, registry::field_types},
        rows::{self, RowKeys},
        tables::table_name,
        tx::Tx,
    },
    platform::{
        auth::Actor,
        notifications::kinds::{self, CommentPlace},
        rich_text as message, trash,
        validation::ValidationError,
    },
};
use serde_json::{Map, Value};
use sqlx::PgConnection;
use std::collections::BTreeMap;

fn origin(actor: &Actor) -> EventOrigin {
    EventOrigin {
        user_id: Some(actor.id()),
        websocket_id: actor.websocket_id.clone(),
        send_webhooks: false,
        // Comments are edited and deleted by their author, not undone (as in Baserow).
        session: None,
    }
}

/// The table's scope, for a member of its workspace.
pub(super) async fn open(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
) -> Result<TableScope, CommentError> {
    Ok(fields::table_scope(conn, actor, table_id).await?)
}

/// Checks that the row exists and is not in the trash.
pub(super) async fn require_row(
    conn: &mut PgConnection,
    table_id: i64,
    row_id: i64,
) -> Result<(), CommentError> {
    let live: Option<bool> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT NOT trashed FROM {} WHERE id = $1",
        table_name(table_id)
    )))
    .bind(row_id)
    .fetch_optional(conn)
    .await?;
    match live {
        Some(true) => Ok(()),
        _ => Err(CommentError::RowNotFound),
    }
}

fn checked(message: &Value) -> Result<(), CommentError> {
    message::validate(message)
        .map_err(|e| ValidationError::single("message", "invalid", e.0).into())
}

/// The mentioned users who are active members of the workspace, the author excepted.
async fn members_mentioned(
    conn: &mut PgConnection,
    workspace_id: i64,
    message: &Value,
) -> sqlx::Result<Vec<i64>> {
    let ids = message::mentioned_user_ids(message);
    if ids.is_empty() {
        return Ok(ids);
    }
    sqlx::query_scalar(
        "SELECT wu.user_id FROM workspace_users wu JOIN users u ON u.id = wu.user_id \
         WHERE wu.workspace_id = $1 AND wu.user_id = ANY($2) AND u.is_active ORDER BY wu.user_id",
    )
    .bind(workspace_id)
    .bind(&ids)
    .fetch_all(conn)
    .await
}

/// `(count, page)` of the row's comments, newest first; deleted ones are listed without
/// their message.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<Value>), CommentError> {
    let mut conn = ctx.db.acquire().await?;
    open(&mut conn, actor, table_id).await?;
    require_row(&mut conn, table_id, row_id).await?;
    let count = repo::count(&mut *conn, table_id, row_id).await?;
    let page = repo::page(&mut *conn, table_id, row_id, limit, offset).await?;
    Ok((count, page.iter().map(repo::Comment::to_json).collect()))
}

/// Comments a row; the members it mentions are notified.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    row_id: i64,
    message: &Value,
) -> Result<Value, CommentError> {
    checked(message)?;
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let scope = open(&mut tx, actor, table_id).await?;
    require_row(&mut tx, table_id, row_id).await?;
    let id = repo::insert(&mut tx, table_id, row_id, actor.id(), message).await?;
    let mentioned = members_mentioned(&mut tx, scope.workspace_id, message).await?;
    repo::set_mentions(&mut tx, id, &mentioned).await?;
    let comment = repo::get(&mut *tx, table_id, id)
        .await?
        .ok_or(CommentError::NotFound)?;
    let place = Place::of(&mut tx, &scope, comment.row_id).await?;
    notify_mentioned(&mut tx, actor, &place.get(), &comment, &mentioned).await?;
    notification_mode::after_comment(
        &mut tx,
        &scope,
        &place.get(),
        &comment,
        actor.id(),
        &mentioned,
    )
    .await?;
    let json = comment.to_json();
    tx.emit(
        table_id,
        TableEvent::RowCommentCreated {
            row_comment: json.clone(),
        },
    );
    tx.commit().await?;
    Ok(json)
}

/// The author's comment, locked for a change; its row must be live.
async fn own_comment(
    conn: &mut PgConnection,
    actor: &Actor,
    table_id: i64,
    comment_id: i64,
) -> Result<(TableScope, repo::Comment), CommentError> {
    let scope = open(conn, actor, table_id).await?;
    repo::lock(conn, comment_id).await?;
    let comment = repo::get(&mut *conn, table_id, comment_id)
        .await?
        .filter(|c| !c.trashed)
        .ok_or(CommentError::NotFound)?;
    require_row(conn, table_id, comment.row_id)
        .await
        .map_err(|_| CommentError::NotFound)?;
    if comment.user_id != Some(actor.id()) {
        return Err(CommentError::NotAuthor);
    }
    Ok((scope, comment))
}

/// Changes the author's comment; members mentioned for the first time are notified.
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    comment_id: i64,
    message: &Value,
) -> Result<Value, CommentError> {
    checked(message)?;
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (scope, _) = own_comment(&mut tx, actor, table_id, comment_id).await?;
    let before = repo::mentions(&mut *tx, comment_id).await?;
    repo::set_message(&mut tx, comment_id, message).await?;
    let mentioned = members_mentioned(&mut tx, scope.workspace_id, message).await?;
    repo::set_mentions(&mut tx, comment_id, &mentioned).await?;
    let comment = repo::get(&mut *tx, table_id, comment_id)
        .await?
        .ok_or(CommentError::NotFound)?;
    let new: Vec<i64> = mentioned
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    if new.iter().any(|id| *id != actor.id()) {
        let place = Place::of(&mut tx, &scope, comment.row_id).await?;
        notify_mentioned(&mut tx, actor, &place.get(), &comment, &new).await?;
    }
    let json = comment.to_json();
    tx.emit(
        table_id,
        TableEvent::RowCommentUpdated {
            row_comment: json.clone(),
        },
    );
    tx.commit().await?;
    Ok(json)
}

/// Deletes the author's comment: it stays listed, without its message, and goes to the
/// trash, from which it can be restored.
pub async fn delete(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    comment_id: i64,
) -> Result<Value, CommentError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (scope, _) = own_comment(&mut tx, actor, table_id, comment_id).await?;
    repo::trash(&mut tx, comment_id).await?;
    let entry = trash::NewTrashEntry {
        item_type: "row_comment",
        item_id: comment_id,
        parent_item_id: None,
        workspace_id: scope.workspace_id,
        application_id: Some(scope.database_id),
        user_id: actor.id(),
        // Baserow names comment entries with a blank: the text is not repeated in the trash.
        name: " ",
    };
    trash::record(&mut *tx, &entry).await?;
    let comment = repo::get(&mut *tx, table_id, comment_id)
        .await?
        .ok_or(CommentError::NotFound)?;
    let json = comment.to_json();
    tx.emit(
        table_id,
        TableEvent::RowCommentDeleted {
            row_comment: json.clone(),
        },
    );
    tx.commit().await?;
    Ok(json)
}

/// Baserow's row metadata of rows the caller has already read, by row id, for rows
/// that have any: `row_comment_count` (rows with comments) and, for a user,
/// `row_comments_notification_mode` (rows they follow with another mode than the default).
pub async fn row_metadata(
    ctx: &AppContext,
    user_id: Option<i64>,
    table_id: i64,
    row_ids: &[i64],
) -> Result<BTreeMap<i64, Map<String, Value>>, CommentError> {
    let mut out: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
    let mut conn = ctx.db.acquire().await?;
    for (row_id, count) in repo::counts(&mut *conn, table_id, row_ids).await? {
        out.entry(row_id)
            .or_default()
            .insert("row_comment_count".into(), Value::from(count));
    }
    if let Some(user_id) = user_id {
        for (row_id, mode) in
            notification_mode::of_rows(&mut conn, user_id, table_id, row_ids).await?
        {
            out.entry(row_id)
                .or_default()
                .insert("row_comments_notification_mode".into(), Value::from(mode));
        }
    }
    Ok(out)
}

/// `row_metadata` of rows the caller has just read through a view:
/// `{"<row id>": {"row_comment_count": n, "row_comments_notification_mode": "all"}}`.
pub async fn row_metadata_of_view(
    ctx: &AppContext,
    user_id: Option<i64>,
    view_id: i64,
    row_ids: &[i64],
) -> Result<Value, CommentError> {
    let table_id: Option<i64> =
        sqlx::query_scalar("SELECT table_id FROM database_views WHERE id = $1")
            .bind(view_id)
            .fetch_optional(&ctx.db)
            .await?;
    let mut metadata = Map::new();
    if let Some(table_id) = table_id {
        for (row_id, extras) in row_metadata(ctx, user_id, table_id, row_ids).await? {
            metadata.insert(row_id.to_string(), Value::Object(extras));
        }
    }
    Ok(Value::Object(metadata))
}

/// The names of where a commented row is, for its notifications.
struct Place {
    scope: TableScope,
    database_name: String,
    table_name: String,
    row_id: i64,
    row_name: String,
}

impl Place {
    async fn of(
        conn: &mut PgConnection,
        scope: &TableScope,
        row_id: i64,
    ) -> Result<Self, CommentError> {
        let (database_name, table_name): (String, String) = sqlx::query_as(
            "SELECT a.name, t.name FROM database_tables t JOIN applications a ON a.id = t.database_id \
             WHERE t.id = $1",
        )
        .bind(scope.table_id)
        .fetch_one(&mut *conn)
        .await?;
        let row_name = row_name(conn, scope.table_id, row_id).await?;
        Ok(Self {
            scope: *scope,
            database_name,
            table_name,
            row_id,
            row_name,
        })
    }

    fn get(&self) -> CommentPlace<'_> {
        CommentPlace {
            workspace_id: self.scope.workspace_id,
            database_id: self.scope.database_id,
            database_name: &self.database_name,
            table_id: self.scope.table_id,
            table_name: &self.table_name,
            row_id: self.row_id,
            row_name: &self.row_name,
        }
    }
}

/// Notifies `mentioned` (the author excepted) of the comment.
async fn notify_mentioned(
    conn: &mut PgConnection,
    actor: &Actor,
    place: &CommentPlace<'_>,
    comment: &repo::Comment,
    mentioned: &[i64],
) -> Result<(), CommentError> {
    let recipients: Vec<i64> = mentioned
        .iter()
        .copied()
        .filter(|id| *id != actor.id())
        .collect();
    if recipients.is_empty() {
        return Ok(());
    }
    kinds::row_comment_mention(
        conn,
        place,
        comment.id,
        &comment.message.0,
        actor.id(),
        &recipients,
    )
    .await?;
    Ok(())
}

/// The row's primary value as text (Baserow's `str(row)`), or its id when it has none.
async fn row_name(
    conn: &mut PgConnection,
    table_id: i64,
    row_id: i64,
) -> Result<String, CommentError> {
    let primary: Vec<_> = fields::repo::list(&mut *conn, table_id)
        .await?
        .into_iter()
        .filter(|f| f.primary)
        .collect();
    let Some(field) = primary.first() else {
        return Ok(row_id.to_string());
    };
    let row = rows::query::get_row(conn, table_id, &primary, row_id, RowKeys::Ids)
        .await
        .map_err(|e| match e {
            rows::RowError::Database(e) => CommentError::Database(e),
            _ => CommentError::RowNotFound,
        })?
        .unwrap_or_default();
    let text = row
        .get(&field.column())
        .zip(field_types().get(&field.kind))
        .map(|(value, ft)| ft.to_text(field, value))
        .unwrap_or_default();
    Ok(if text.is_empty() {
        row_id.to_string()
    } else {
        text
    })
}
