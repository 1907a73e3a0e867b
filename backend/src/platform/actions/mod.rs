//! Undo and redo (Baserow's action system): changes made from a browser tab are recorded
//! as actions when their transaction commits, and `undo`/`redo` replay them backwards or
//! forwards through the ordinary services. This is the log and its replay; what an action
//! is made of and how it is replayed is the database application's (`database::actions`).

mod errors;
mod model;
mod record;
mod replayer;
mod repo;
mod service;
mod session;

pub use errors::ActionError;
pub use model::{ActionDone, Outcome, Params, ResultCode, Scopes};
pub use record::record;
pub use replayer::Replayer;
pub use service::{redo, undo};
pub use session::{ActionSession, MAX_SESSION_LEN, from_job_params, job_params};
