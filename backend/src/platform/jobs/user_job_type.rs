//! What runs a user-visible job of a given `type`. The database's kinds (duplications,
//! snapshots, exports, imports) are listed in `database::user_job_types` and registered in
//! `crate::registries`; the low queue finds them by the job's type.

use super::user_jobs::UserJob;
use crate::context::AppContext;
use futures::future::BoxFuture;

/// A kind of user-visible job: its wire `type` and the function that runs it.
pub struct UserJobType {
    pub name: &'static str,
    pub run: for<'a> fn(&'a AppContext, &'a UserJob) -> BoxFuture<'a, anyhow::Result<()>>,
}
