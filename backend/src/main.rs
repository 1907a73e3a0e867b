//! `tessera-backend`: serves the API (migrating first), or `tessera-backend migrate`.

use tessera::{config::Settings, context::AppContext, db, telemetry, web};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let settings = Settings::from_env()?;
    db::ensure_database(&settings.database_url).await?;
    let migrate_only = std::env::args().nth(1).as_deref() == Some("migrate");
    let pool = db::connect(&settings.database_url, 2).await?;
    db::migrate(&pool).await?;
    pool.close().await;
    if migrate_only {
        tracing::info!("migrations applied");
        return Ok(());
    }
    let ctx = AppContext::connect(settings, 20).await?;
    let listener = tokio::net::TcpListener::bind(ctx.settings.bind).await?;
    tracing::info!(address = %listener.local_addr()?, public_url = %ctx.settings.public_url, "tessera-backend listening");
    web::serve(ctx, listener, tessera::shutdown_signal()).await?;
    Ok(())
}
