//! Links sent by email: the client's `base_url` must point at this installation.

use crate::config::Settings;

/// Returns `base_url` without a trailing slash when its host (and port) is the public
/// host, so an attacker cannot have us email a link to a host they control.
pub fn checked_base_url(settings: &Settings, base_url: &str) -> Option<String> {
    let url = url::Url::parse(base_url).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str()?),
        None => url.host_str()?.to_owned(),
    };
    (Some(host) == settings.public_host()).then(|| base_url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn only_the_public_host_is_accepted() {
        let map: HashMap<&str, String> = [
            ("TESSERA_SECRET_KEY", "x".repeat(40)),
            ("TESSERA_PUBLIC_URL", "https://db.example.com".into()),
        ]
        .into_iter()
        .collect();
        let s = Settings::from_lookup(|k| map.get(k).cloned()).unwrap();
        assert_eq!(
            checked_base_url(&s, "https://db.example.com/reset/").as_deref(),
            Some("https://db.example.com/reset")
        );
        assert!(checked_base_url(&s, "https://evil.example.com/reset").is_none());
        assert!(checked_base_url(&s, "https://db.example.com:444/reset").is_none());
        assert!(checked_base_url(&s, "javascript://db.example.com/x").is_none());
        assert!(checked_base_url(&s, "not a url").is_none());
    }
}
