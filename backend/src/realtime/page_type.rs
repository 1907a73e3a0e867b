//! The `PageType` trait: a kind of page a socket subscribes to with `{"page": …}`, and the
//! list of built-in ones (`table`, `row`, `view`).

use super::{page::PageKey, page_types};
use crate::{context::AppContext, platform::auth::Actor};
use futures::future::BoxFuture;
use serde_json::Value;

/// An allowed subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub key: PageKey,
    /// The `parameters` of `page_add` and `page_discard`: what the client sent.
    pub parameters: Value,
}

/// What a page delivers of one table event.
#[derive(Debug, Clone, Default)]
pub struct Projected {
    /// Messages for the client (none when the event does not concern the page).
    pub messages: Vec<String>,
    pub then: After,
}

/// What happens to the subscription after an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum After {
    #[default]
    Keep,
    /// Who may see the page may have changed: check again; if no longer allowed, the
    /// messages are not sent and the page is discarded.
    Recheck,
    /// The page is gone: the messages are sent, then `page_discard`.
    Discard,
}

impl Projected {
    pub fn send(messages: Vec<String>) -> Self {
        Self {
            messages,
            then: After::Keep,
        }
    }
}

pub trait PageType: Send + Sync + 'static {
    /// The wire name (`"page": "table"`).
    fn name(&self) -> &'static str;

    /// The parameters naming a subscription, compared by `remove_page`.
    fn identity(&self) -> &'static [&'static str];

    /// Checks a `{"page": …}` message; `None` when its parameters are missing or invalid,
    /// the page does not exist or the socket may not see it. `user` is `None` for an
    /// anonymous socket. Errors are the database's, not the client's.
    fn open<'a>(
        &'a self,
        ctx: &'a AppContext,
        user: Option<&'a Actor>,
        message: &'a Value,
    ) -> BoxFuture<'a, sqlx::Result<Option<Subscription>>>;

    /// Whether a subscription still holds (after an access change).
    fn still_allowed<'a>(
        &'a self,
        ctx: &'a AppContext,
        user: Option<&'a Actor>,
        subscription: &'a Subscription,
    ) -> BoxFuture<'a, sqlx::Result<bool>> {
        Box::pin(async move {
            Ok(self
                .open(ctx, user, &subscription.parameters)
                .await?
                .is_some_and(|s| s.key == subscription.key))
        })
    }
}

/// Every built-in page type. Adding one is a file in `page_types/` and a line here.
static ALL: &[&dyn PageType] = &[
    &page_types::table::TablePageType,
    &page_types::row::RowPageType,
    &page_types::public_view::PublicViewPageType,
];

pub fn by_name(name: &str) -> Option<&'static dyn PageType> {
    ALL.iter().copied().find(|t| t.name() == name)
}

/// The page type of a subscription key.
pub fn of_key(key: &PageKey) -> &'static dyn PageType {
    match key {
        PageKey::Table(_) => &page_types::table::TablePageType,
        PageKey::Row { .. } => &page_types::row::RowPageType,
        PageKey::View { .. } => &page_types::public_view::PublicViewPageType,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        let mut names: Vec<_> = ALL.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for name in names {
            assert_eq!(by_name(name).map(|t| t.name()), Some(name));
        }
    }
}
