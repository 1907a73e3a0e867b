//! Workspace-wide concepts: users and auth, instance settings, workspaces, applications, jobs, mail, notifications.

pub mod actions;
pub mod admin;
pub mod applications;
pub mod auth;
pub mod jobs;
pub mod licenses;
pub mod links;
pub mod mail;
pub mod notifications;
pub mod outbound;
pub mod rich_text;
pub mod sealing;
pub mod settings;
pub mod signing;
pub mod throttle;
pub mod trash;
pub mod user_files;
pub mod users;
pub mod validation;
pub mod workspaces;
