//! User accounts: sign-up, log-in, tokens, password change and reset, account settings.

mod errors;
mod model;
pub mod repo;
mod service;

pub use errors::UserError;
pub use model::{User, UserSession};
pub use service::*;
