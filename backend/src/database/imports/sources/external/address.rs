//! Where to connect: the host is resolved once, every address it resolves to is checked
//! with the outbound policy, and the connection goes to a checked address, never to the
//! name again (a name that answers differently the second time cannot reach a private
//! address: DNS rebinding). The driver still gets the name, for TLS to verify.

use crate::platform::outbound::OutboundPolicy;
use std::{future::Future, net::SocketAddr, time::Duration};

/// Longest wait for the resolver.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn resolve(policy: &OutboundPolicy, host: &str, port: u16) -> Result<SocketAddr, String> {
    let addrs: Vec<SocketAddr> = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, policy.lookup.resolve(host, port))
            .await
            .map_err(|_| format!("The host {host} could not be resolved in time."))?
            .map_err(|_| format!("The host {host} could not be resolved."))?,
    };
    // One refused answer is enough to refuse: which address a driver would use is not ours
    // to pick, and a name mixing public and private answers is suspicious anyway.
    if let Some(refused) = addrs.iter().find(|a| !policy.permits(a.ip())) {
        tracing::debug!(host, ip = %refused.ip(), "external database refused: address not permitted");
        return Err(format!(
            "The host {host} is, or resolves to, a private or local address, which imports may not reach. \
             An administrator can allow it with TESSERA_OUTBOUND_ALLOWED_ADDRESSES."
        ));
    }
    addrs
        .into_iter()
        .next()
        .ok_or_else(|| format!("The host {host} could not be resolved."))
}

/// Runs a driver's `connect` with its TCP connection to `host` going to `addr` (the
/// patched `sqlx-core` reads the pin; vendor/README.md), and to no other host: the driver
/// keeps the name for the server name and certificate check of TLS.
pub async fn pinned<T>(host: &str, addr: SocketAddr, connect: impl Future<Output = T>) -> T {
    sqlx_core::net::PINNED_ADDRESS
        .scope((host.to_owned(), addr), connect)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn private_addresses_are_refused_unless_allowed() {
        let strict = OutboundPolicy::default();
        for host in [
            "127.0.0.1",
            "10.1.2.3",
            "169.254.169.254",
            "::1",
            "::ffff:127.0.0.1",
            "localhost",
        ] {
            let refused = resolve(&strict, host, 5432).await.unwrap_err();
            assert!(
                refused.contains("private or local address"),
                "{host}: {refused}"
            );
        }
        let allowed = OutboundPolicy {
            allow_private: false,
            allowed: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        };
        assert_eq!(
            resolve(&allowed, "127.0.0.1", 3306).await.unwrap(),
            "127.0.0.1:3306".parse().unwrap()
        );
        let open = OutboundPolicy {
            allow_private: true,
            allowed: Vec::new(),
            ..Default::default()
        };
        assert!(resolve(&open, "10.0.0.1", 5432).await.is_ok());
        assert!(resolve(&open, "no-such-host.invalid", 5432).await.is_err());
    }

    #[tokio::test]
    async fn a_driver_given_a_name_connects_to_the_pinned_address_and_to_no_other_host() {
        use sqlx::{ConnectOptions, Connection, postgres::PgConnectOptions};
        let server = crate::test_support::database_server_url();
        let real: PgConnectOptions = format!("{server}/postgres").parse().unwrap();
        let addr = *tokio::net::lookup_host((real.get_host(), real.get_port()))
            .await
            .unwrap()
            .collect::<Vec<_>>()
            .first()
            .unwrap();
        // No resolver knows `.invalid` names: only the pin can lead the driver anywhere.
        let named = real.clone().host("tessera-db.invalid");
        let mut conn = pinned("tessera-db.invalid", addr, named.connect())
            .await
            .unwrap();
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(one, 1);
        conn.close().await.unwrap();
        assert!(named.connect().await.is_err(), "the name alone resolves");
        let refused = pinned("another.invalid", addr, named.connect())
            .await
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("not the one whose address was checked"),
            "{refused}"
        );
    }
}
