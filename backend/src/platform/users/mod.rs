//! User accounts: sign-up, log-in, tokens, password change and reset, email verification,
//! account settings and deletion.

pub mod deletion;
mod errors;
mod model;
pub mod repo;
mod service;
pub mod verification;

pub use errors::UserError;
pub use model::{User, UserSession};
pub use service::*;
