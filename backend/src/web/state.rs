//! Shared state of every handler.

use crate::{context::AppContext, realtime::Hub};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub ctx: AppContext,
    /// Every API route pattern, to tell a missing trailing slash from an unknown URL.
    pub route_patterns: Arc<Vec<&'static str>>,
    /// This process's WebSocket clients.
    pub hub: Arc<Hub>,
}

impl AppState {
    pub fn new(ctx: AppContext, route_patterns: Vec<&'static str>) -> Self {
        Self {
            ctx,
            route_patterns: Arc::new(route_patterns),
            hub: Hub::new(),
        }
    }
}
