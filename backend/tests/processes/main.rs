//! Tests of the backend binary as it is deployed, in processes of its own: what the process
//! as a whole does (its memory), and several backends behind nginx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backend;
mod faults;
mod login_memory;
mod nginx;
