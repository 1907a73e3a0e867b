//! Tessera's domain library: everything the backend and both workers share.
#![forbid(unsafe_code)]

pub mod config;
pub mod context;
pub mod database;
pub mod db;
pub mod dto;
pub mod error;
pub mod platform;
pub mod realtime;
pub mod registries;
pub mod telemetry;
#[cfg(feature = "test-support")]
pub mod test_support;
#[cfg(feature = "web")]
pub mod web;

pub use db::MIGRATOR;

/// Resolves on SIGTERM or Ctrl-C: every process shuts down gracefully on either.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}
