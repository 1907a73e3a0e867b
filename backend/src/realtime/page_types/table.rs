//! `table`: every event of a table, for users who may read it.

use super::id_param;
use crate::{
    context::AppContext,
    database::{
        events::TableEvent,
        fields::{self, FieldError},
    },
    platform::auth::Actor,
    realtime::{
        page::PageKey,
        page_type::{After, PageType, Projected, Subscription},
    },
};
use futures::future::BoxFuture;
use serde_json::{Value, json};

pub struct TablePageType;

impl PageType for TablePageType {
    fn name(&self) -> &'static str {
        "table"
    }

    fn identity(&self) -> &'static [&'static str] {
        &["table_id"]
    }

    fn open<'a>(
        &'a self,
        ctx: &'a AppContext,
        user: Option<&'a Actor>,
        message: &'a Value,
    ) -> BoxFuture<'a, sqlx::Result<Option<Subscription>>> {
        Box::pin(async move {
            let (Some(user), Some(table_id)) = (user, id_param(message, "table_id")) else {
                return Ok(None);
            };
            if !readable(ctx, user, table_id).await? {
                return Ok(None);
            }
            Ok(Some(Subscription {
                key: PageKey::Table(table_id),
                parameters: json!({ "table_id": table_id }),
            }))
        })
    }
}

/// Whether the user may read the table. Only a database failure is an error: the socket
/// then closes, so its client reconnects rather than silently missing events.
pub(super) async fn readable(ctx: &AppContext, user: &Actor, table_id: i64) -> sqlx::Result<bool> {
    let mut conn = ctx.db.acquire().await?;
    match fields::table_scope(&mut conn, user, table_id).await {
        Ok(_) => Ok(true),
        Err(FieldError::Database(e)) => Err(e),
        Err(_) => Ok(false),
    }
}

/// A table page gets every event as it is, so its sequence numbers have no gaps (row
/// history too: `entries` for all its rows, no `row_id`, which Baserow's client passes
/// over); a deleted table ends the page.
pub fn project(text: &str, event: Option<&TableEvent>) -> Projected {
    Projected {
        messages: vec![text.to_owned()],
        then: if matches!(event, Some(TableEvent::TableDeleted { .. })) {
            After::Discard
        } else {
            After::Keep
        },
    }
}
