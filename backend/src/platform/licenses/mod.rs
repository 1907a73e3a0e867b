//! Licenses: signed tokens staff register, verified offline against the configured
//! Ed25519 public key, with seats assigned to users, and checked periodically with the
//! license server (which may renew or revoke them).

pub mod check;
mod errors;
mod model;
mod repo;
pub mod seats;
mod service;
pub mod verify;

pub use errors::LicenseError;
pub use model::{License, LicensePayload, LicenseUser, Product};
pub use service::{delete, get, instance_wide, list, register, users};
