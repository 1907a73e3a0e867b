//! Request extractors: the authenticated actor and JSON bodies with Baserow-shaped errors.

mod actor;
mod json;

pub use actor::{Auth, AuthOrToken, token_rejection};
pub use json::{ApiJson, parse as parse_json_body};
mod path;

pub use path::ApiPath;
