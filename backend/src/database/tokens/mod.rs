//! Database tokens: keys that let scripts read and write rows of one workspace, with
//! create/read/update/delete rights for all tables, none, or listed databases and tables.

mod errors;
mod permissions;
pub mod repo;
mod service;

pub use errors::TokenError;
pub use permissions::{Operation, Scope, TokenPermissions};
pub use service::*;

use crate::platform::auth::{Actor, Grant};
use chrono::{DateTime, Utc};
use std::any::Any;

/// Tokens are recognisable by this prefix (e.g. in logs or leaked-secret scanners).
pub const KEY_PREFIX: &str = "tsr_";

#[derive(Debug, Clone)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub workspace_id: i64,
    pub name: String,
    pub key_prefix: String,
    pub permissions: TokenPermissions,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_on: DateTime<Utc>,
}

/// What a request authenticated by a token may do; carried by the `Actor`.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token_id: i64,
    pub workspace_id: i64,
    pub permissions: TokenPermissions,
}

impl Grant for TokenGrant {}

/// The database token an actor authenticated with, if any.
pub fn grant_of(actor: &Actor) -> Option<&TokenGrant> {
    let grant: &dyn Any = actor.token.as_deref()?;
    grant.downcast_ref()
}
