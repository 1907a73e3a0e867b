//! Notifications: what happened that concerns a user (a mention, a form answer, a webhook
//! turned off, an invitation), listed per workspace, marked read or cleared, delivered live
//! to the user's sockets and summed up by email at the user's chosen frequency.

pub mod create;
pub mod email_summary;
pub mod errors;
pub mod kinds;
pub mod live;
pub mod repo;
pub mod service;

pub use create::{NewNotification, create};
pub use errors::NotificationError;
pub use service::{
    clear, list, mark_all_read, mark_read, unread_in_workspaces, unread_outside_workspaces,
};
