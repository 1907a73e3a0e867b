//! Backend side: what each subscribed page gets of a table event, worked out once per event
//! and page, whatever the number of sockets on it. Shared views are cached until an event
//! of their table (other than row changes) could have changed them.

use super::{
    page::PageKey,
    page_type::{After, Projected},
    page_types::{public_view, row, table},
};
use crate::{
    context::AppContext,
    database::{
        events::TableEvent,
        views::live::{self, LiveView},
    },
};
use serde_json::Value;
use std::{collections::HashMap, sync::Arc};

pub struct Projector {
    ctx: AppContext,
    /// View id → `(table id, the view as shared now or None when it is not)`.
    views: HashMap<i64, (i64, Option<Arc<LiveView>>)>,
}

impl Projector {
    pub fn new(ctx: AppContext) -> Self {
        Self {
            ctx,
            views: HashMap::new(),
        }
    }

    /// Forgets every cached view (messages may have been missed).
    pub fn forget_all(&mut self) {
        self.views.clear();
    }

    /// Call once per event, before projecting it: anything but a row change or a comment
    /// (fields, views, filters, options, the table) may change how the table's views filter
    /// and cut.
    pub fn observe(&mut self, table_id: i64, event: Option<&TableEvent>) {
        let keeps_views = |e: &TableEvent| e.is_row_change() || e.row_comment().is_some();
        if !event.is_some_and(keeps_views) {
            self.views.retain(|_, (t, _)| *t != table_id);
        }
    }

    /// What the page gets of `event` (`message` is the event as sent, `text` the same as
    /// text; `event` is `None` for one this build cannot read, which only table pages get).
    pub async fn project(
        &mut self,
        key: &PageKey,
        text: &str,
        message: &Value,
        event: Option<&TableEvent>,
    ) -> Projected {
        match *key {
            PageKey::Table(_) => table::project(text, event),
            PageKey::Row { row_id, .. } => row::project(message, event, row_id),
            PageKey::View { table_id, view_id } => {
                Box::pin(self.project_view(table_id, view_id, event)).await
            }
        }
    }

    async fn project_view(
        &mut self,
        table_id: i64,
        view_id: i64,
        event: Option<&TableEvent>,
    ) -> Projected {
        // When the database fails, subscribers re-check their page, which closes their
        // sockets if it fails again; their clients reconnect and reload.
        let recheck = Projected {
            messages: Vec::new(),
            then: After::Recheck,
        };
        let Ok(mut conn) = self.ctx.db.acquire().await else {
            return recheck;
        };
        let view = match self.views.get(&view_id) {
            Some((_, view)) => view.clone(),
            None => match live::load(&mut conn, view_id).await {
                Ok(view) => {
                    let view = view.map(Arc::new);
                    self.views.insert(view_id, (table_id, view.clone()));
                    view
                }
                Err(e) => {
                    tracing::warn!(error = %e, view_id, "could not load a shared view");
                    return recheck;
                }
            },
        };
        match public_view::project(&mut conn, view.as_deref(), event).await {
            Ok(projected) => projected,
            Err(e) => {
                tracing::warn!(error = %e, view_id, "could not filter an event for a shared view");
                match view {
                    Some(view) => Projected::send(vec![public_view::rows_refresh(&view.view.slug)]),
                    None => recheck,
                }
            }
        }
    }
}
