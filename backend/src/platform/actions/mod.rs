//! Undo and redo (Baserow's action system): changes made from a browser tab are recorded
//! as actions when their transaction commits, and `undo`/`redo` replay them backwards or
//! forwards through the ordinary services.

mod apply;
pub mod backup;
pub mod cleanup;
mod errors;
mod model;
mod record;
mod repo;
mod service;
mod session;

pub use errors::ActionError;
pub use model::{ActionDone, Outcome, Params, ResultCode, Scopes};
pub use record::record;
pub use service::{redo, undo};
pub use session::{ActionSession, MAX_SESSION_LEN, from_job_params, job_params};
