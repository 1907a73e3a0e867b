//! The process's guarded HTTP client and the policy it enforces, built once from settings.

use super::{IpNet, OutboundPolicy, client};
use crate::config::Settings;
use std::time::Duration;

/// What outbound callers (webhooks, test calls) share: one connection pool, one policy.
#[derive(Clone)]
pub struct Outbound {
    policy: OutboundPolicy,
    client: reqwest::Client,
}

impl Outbound {
    pub fn new(policy: OutboundPolicy, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            client: client(policy.clone(), timeout)?,
            policy,
        })
    }

    /// `TESSERA_ALLOW_PRIVATE_ADDRESSES`, `TESSERA_OUTBOUND_ALLOWED_ADDRESSES` and the
    /// webhook timeout.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let policy = OutboundPolicy {
            allow_private: settings.allow_private_addresses,
            allowed: settings.outbound_allowed.clone(),
            ..OutboundPolicy::default()
        };
        Self::new(policy, settings.webhooks.timeout)
    }

    pub fn policy(&self) -> &OutboundPolicy {
        &self.policy
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Parses `10.0.0.0/8, 192.168.1.5` into networks.
pub fn parse_allowed(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<IpNet>().map_err(|_| s.to_owned()))
        .collect()
}
