//! Who performs a request, and from which browser tab.

use crate::platform::{actions::ActionSession, users::User};
use std::{any::Any, fmt::Debug, sync::Arc};

/// The rights of a request authenticated by an application's key instead of a session (a
/// database token). The platform only carries them; the application that issued the key
/// reads them back (`database::tokens::grant_of`).
pub trait Grant: Any + Debug + Send + Sync {}

/// The authenticated caller of a service.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    /// The `WebSocketId` header of the tab that made the request; its own socket skips the echo.
    pub websocket_id: Option<String>,
    /// Set when the request authenticated with a database token: its rights limit what
    /// the user may do.
    pub token: Option<Arc<dyn Grant>>,
    /// The tab's undo stack (`ClientSessionId`, `ClientUndoRedoActionGroupId`): when set,
    /// the actor's changes are recorded as undoable actions.
    pub session: Option<ActionSession>,
}

impl Actor {
    pub fn id(&self) -> i64 {
        self.user.id
    }
}
