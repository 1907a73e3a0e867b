//! Test fixtures shared by every crate's tests (feature `test-support`): a fresh database
//! per test, settings with a private Redis prefix, a real SMTP server, a real HTTP
//! receiver for webhooks and the license server, a license issuer, certificates with
//! PostgreSQL and MariaDB servers of a test's own that offer TLS with them, and temporary
//! directories.

pub mod api_client;
mod certificates;
mod database;
mod http_receiver;
mod license_issuer;
mod mail_server;
mod mariadb_server;
mod postgres_server;
mod server_process;
mod temp_dir;

pub use certificates::{Authority, ServerCertificate};
pub use database::TestDatabase;
pub use http_receiver::{HttpReceiver, ReceivedRequest, Reply};
pub use license_issuer::LicenseIssuer;
pub use mail_server::{MailServer, ReceivedMail};
pub use mariadb_server::TlsMariaDb;
pub use postgres_server::{PostgresServer, TlsPostgres};
pub use temp_dir::TempDir;

use crate::config::Settings;
use std::{net::SocketAddr, time::Duration};

/// PostgreSQL server the tests create their databases on.
pub fn database_server_url() -> String {
    std::env::var("TEST_DATABASE_SERVER_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Settings for one test: its own database and Redis prefix, port 0, short lifetimes left at defaults.
pub fn settings(database_url: &str) -> Settings {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    Settings {
        database_url: database_url.to_owned(),
        redis_url: redis_url(),
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        public_url: "http://127.0.0.1:0".into(),
        secret_key: format!("test-secret-key-{unique}"),
        redis_prefix: format!("tessera-test:{unique}:"),
        smtp_url: None,
        from_email: "Tessera <tessera@example.com>".into(),
        media_dir: std::env::temp_dir().join(format!("tessera-test-{unique}")),
        export_file_expiry: Duration::from_secs(3600),
        allow_private_addresses: true,
        outbound_allowed: Vec::new(),
        external_database_ca_file: None,
        trusted_proxies: Vec::new(),
        signups_per_ip_per_hour: 30,
        access_token_lifetime: Duration::from_secs(600),
        refresh_token_lifetime: Duration::from_secs(7 * 24 * 3600),
        max_body_bytes: 1024 * 1024,
        job_heartbeat: Duration::from_secs(1),
        worker_reconnect_timeout: Duration::from_secs(300),
        max_fields_per_table: 600,
        batch_rows_limit: 1000,
        view_index_min_rows: 10_000,
        metadata_cache: true,
        event_retention: Duration::from_secs(48 * 3600),
        realtime_access_sweep: Duration::from_secs(60),
        token_rate_limit_per_minute: 1200,
        login_failures_per_account: 10,
        login_failures_per_ip: 50,
        trash_retention: Duration::from_secs(72 * 3600),
        action_retention: Duration::from_secs(24 * 3600),
        actions_per_session: 500,
        max_snapshots_per_workspace: 50,
        snapshot_expiration: Duration::from_secs(360 * 24 * 3600),
        row_history_retention: Duration::from_secs(180 * 24 * 3600),
        user_files: crate::config::UserFileSettings {
            max_bytes: 5 * 1024 * 1024,
            files_per_user: 1000,
            bytes_per_user: 50 * 1024 * 1024,
            bytes_total: 0,
        },
        webhooks: crate::config::WebhookSettings {
            retry_base: Duration::from_millis(50),
            ..Default::default()
        },
        import_max_bytes: 2 << 30,
        import_uploads_per_user: 20,
        import_upload_bytes_per_user: 4 << 30,
        import_upload_bytes_total: 0,
        import_report_max_rows: 1000,
        license: Default::default(),
    }
}
