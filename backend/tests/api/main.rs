//! API tests: the real router on a local port, a fresh PostgreSQL database per test, a
//! Redis prefix per test, a real SMTP server and the `high` queue's worker in-process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_revocation;
mod applications;
mod auth;
mod database_fields;
mod database_filters;
mod database_rows;
mod database_tables;
mod errors;
mod exports;
mod external_imports;
mod helpers;
mod imports;
mod invitations;
mod jobs;
mod licenses;
mod links;
mod logs;
mod pages;
mod realtime;
mod realtime_client;
mod realtime_limits;
mod realtime_pages;
mod realtime_presence;
mod realtime_soak;
mod settings;
mod table_page;
mod throttles;
mod tokens;
mod trash;
mod users;
mod view_listings;
mod views;
mod webhooks;
mod workspaces;
