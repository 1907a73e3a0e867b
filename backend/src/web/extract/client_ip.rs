//! The address of the client a request comes from: the peer's, or — when the peer is a
//! trusted proxy (`TESSERA_TRUSTED_PROXIES`, the deployment's nginx) — the `X-Real-IP`
//! it sets. Throttles count per client address.

use crate::web::state::AppState;
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use std::{
    convert::Infallible,
    net::{IpAddr, Ipv4Addr, SocketAddr},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let Some(peer) = peer else {
            // Served without connection info: every such request shares one address.
            return Ok(ClientIp(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        };
        let trusted = state
            .ctx
            .settings
            .trusted_proxies
            .iter()
            .any(|net| net.contains(peer));
        let forwarded = trusted
            .then(|| parts.headers.get("x-real-ip"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}
