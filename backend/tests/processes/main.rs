//! Tests of the backend binary as it is deployed, in a process of its own, where what the
//! process as a whole does (its memory) can be measured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_memory;
