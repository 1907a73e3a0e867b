//! `AppContext`: what every service needs (database, Redis, settings), shared by all binaries.

use crate::{
    config::Settings,
    db,
    platform::{mail::Mailer, outbound::Outbound},
    registries::Registries,
};
use fred::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

/// Cheap to clone; built once per process.
#[derive(Clone)]
pub struct AppContext {
    pub db: PgPool,
    pub redis: fred::clients::Client,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
    /// The guarded HTTP client for calls to user-given addresses (webhooks).
    pub outbound: Outbound,
    /// Indexes this process already asked for (see `database::indexes`).
    pub index_requests: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Tables, fields and memberships row requests read (see `database::metadata_cache`).
    pub metadata: Arc<crate::database::metadata_cache::MetadataCache>,
    /// The pluggable kinds the platform reaches the applications through.
    pub registries: Arc<Registries>,
}

impl AppContext {
    /// Connects to PostgreSQL and Redis. Redis is optional for start-up: it reconnects in the
    /// background, and the health endpoint reports its state.
    pub async fn connect(settings: Settings, max_db_connections: u32) -> anyhow::Result<Self> {
        let db = db::connect(&settings.database_url, max_db_connections).await?;
        let redis = connect_redis(&settings.redis_url).await?;
        let mailer = Arc::new(Mailer::from_settings(&settings)?);
        let outbound = Outbound::from_settings(&settings)?;
        crate::platform::user_files::set_public_url(&settings.public_url);
        Ok(Self {
            db,
            redis,
            settings: Arc::new(settings),
            mailer,
            outbound,
            index_requests: Arc::default(),
            metadata: Arc::default(),
            registries: Arc::new(Registries::builtin()),
        })
    }

    /// A Redis key or channel name under this installation's prefix.
    pub fn redis_key(&self, name: &str) -> String {
        format!("{}{name}", self.settings.redis_prefix)
    }
}

async fn connect_redis(url: &str) -> anyhow::Result<fred::clients::Client> {
    let config = Config::from_url(url)?;
    let client = Builder::from_config(config)
        .with_connection_config(|c| c.connection_timeout = std::time::Duration::from_secs(5))
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build()?;
    client.init().await?;
    Ok(client)
}
