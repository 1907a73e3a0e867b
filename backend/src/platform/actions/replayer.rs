//! How a recorded action is undone and redone: through the services that made it, which
//! the platform does not name. The database application implements it
//! (`database::actions::ServiceReplayer`), registered in `crate::registries`.

use super::Params;
use crate::{db::tx::Tx, platform::auth::Actor, registries::Registries};
use futures::future::BoxFuture;

pub trait Replayer: Send + Sync + 'static {
    /// Undoes `params` inside the undo's transaction; `registries` find the item types of
    /// what it takes out of the trash.
    fn undo<'a>(
        &'a self,
        tx: &'a mut Tx,
        registries: &'a Registries,
        actor: &'a Actor,
        params: &'a Params,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Redoes `params`, as [`Replayer::undo`] undoes it.
    fn redo<'a>(
        &'a self,
        tx: &'a mut Tx,
        registries: &'a Registries,
        actor: &'a Actor,
        params: &'a Params,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}
