//! Request extractors: the authenticated actor and JSON bodies with Baserow-shaped errors.

mod actor;
mod client_ip;
mod json;

pub use actor::{Auth, AuthOrToken, MaybeAuth, token_rejection};
pub use client_ip::ClientIp;
pub use json::{ApiJson, parse as parse_json_body};
mod path;

pub use path::ApiPath;
