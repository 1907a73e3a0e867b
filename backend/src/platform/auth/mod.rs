//! Authentication: password hashing, JWT sessions, and the `Actor` that performs a request.

mod actor;
mod errors;
pub mod jwt;
pub mod password;

pub use actor::{Actor, Grant};
pub use errors::AuthError;
