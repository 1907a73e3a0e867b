//! Workspaces, their members and invitations (Baserow's "groups").

mod access;
mod errors;
pub mod invitations;
pub mod members;
mod model;
pub mod repo;
mod service;

pub use access::{require_admin, require_member};
pub use errors::WorkspaceError;
pub use model::{Invitation, Member, Membership, Role, Workspace, WorkspaceWithMembers};
pub use service::*;
