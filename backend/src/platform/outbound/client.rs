//! The guarded HTTP client: URLs are checked before sending, host names resolve only to
//! permitted addresses, and every redirect hop is checked again.

use super::address::{IpNet, is_public};
use anyhow::Context;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Once};
use std::time::Duration;
use url::{Host, Url};

/// Redirect hops followed before giving up; enough for http→https and a moved page.
const MAX_REDIRECTS: usize = 5;

/// Which addresses outbound requests may reach.
#[derive(Debug, Clone, Default)]
pub struct OutboundPolicy {
    /// Let requests reach any address, private ones included (trusted single-user setups).
    pub allow_private: bool,
    /// Exceptions to the public-only rule, e.g. one loopback address for tests or an
    /// internal service the administrator trusts.
    pub allowed: Vec<IpNet>,
    /// How names are resolved, both for the check and for the connection.
    pub lookup: Lookup,
}

type ScriptedLookup = dyn Fn(&str, u16) -> io::Result<Vec<SocketAddr>> + Send + Sync;

/// How host names become addresses: the system resolver, or a scripted one, so a test can
/// give a name a different answer each time it is asked (DNS rebinding).
#[derive(Clone, Default)]
pub struct Lookup(Option<Arc<ScriptedLookup>>);

impl Lookup {
    pub fn scripted(
        answer: impl Fn(&str, u16) -> io::Result<Vec<SocketAddr>> + Send + Sync + 'static,
    ) -> Self {
        Self(Some(Arc::new(answer)))
    }

    pub async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        match &self.0 {
            None => Ok(tokio::net::lookup_host((host, port)).await?.collect()),
            Some(answer) => answer(host, port),
        }
    }
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "scripted"
        } else {
            "system"
        })
    }
}

impl OutboundPolicy {
    /// Whether a request may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip) || self.allowed.iter().any(|net| net.contains(ip))
    }
}

/// Why an outbound URL was refused before any connection was made.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// Not http(s), or without a host.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The host is, or resolves to, an address the policy does not permit.
    #[error("{0} resolves to a private address")]
    Forbidden(String),
    /// The host name resolved to nothing.
    #[error("{0} could not be resolved")]
    Unresolvable(String),
}

/// Where a URL points: an address to check as is, or a name to resolve first.
enum Target<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

fn target(url: &Url) -> Result<Target<'_>, OutboundError> {
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(OutboundError::InvalidUrl(format!(
                "scheme {other:?} is not http or https"
            )));
        }
    }
    // `Host` hands IPv6 over without brackets, and `url` has already turned decimal, hex
    // and short IPv4 spellings (`http://2130706433/`) into `Host::Ipv4`.
    match url.host() {
        None => Err(OutboundError::InvalidUrl("no host".to_owned())),
        Some(Host::Ipv4(ip)) => Ok(Target::Ip(ip.into())),
        Some(Host::Ipv6(ip)) => Ok(Target::Ip(ip.into())),
        // Not reachable for http(s) today, but a name that is an address must not dodge the
        // address check.
        Some(Host::Domain(name)) => Ok(match name.parse::<IpAddr>() {
            Ok(ip) => Target::Ip(ip),
            Err(_) => Target::Name(name),
        }),
    }
}

fn check_ip(policy: &OutboundPolicy, ip: IpAddr, host: &str) -> Result<(), OutboundError> {
    if policy.permits(ip) {
        Ok(())
    } else {
        tracing::debug!(host, %ip, "outbound request refused: address not permitted");
        Err(OutboundError::Forbidden(host.to_owned()))
    }
}

/// Checks the parts of `url` that need no DNS: the scheme, and the host if it is an address.
fn check_without_dns(policy: &OutboundPolicy, url: &Url) -> Result<(), OutboundError> {
    match target(url)? {
        Target::Ip(ip) => check_ip(policy, ip, url.host_str().unwrap_or_default()),
        Target::Name(_) => Ok(()),
    }
}

/// Checks that `url` is http(s) and that its host is, or resolves only to, permitted
/// addresses. Resolves names but opens no connection.
pub async fn check_url(policy: &OutboundPolicy, url: &Url) -> Result<(), OutboundError> {
    let name = match target(url)? {
        Target::Ip(ip) => return check_ip(policy, ip, url.host_str().unwrap_or_default()),
        Target::Name(name) => name,
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = policy
        .lookup
        .resolve(name, port)
        .await
        .map_err(|_| OutboundError::Unresolvable(name.to_owned()))?;
    if addrs.is_empty() {
        return Err(OutboundError::Unresolvable(name.to_owned()));
    }
    // One private answer is enough to refuse: which address gets used is not ours to pick.
    addrs
        .iter()
        .try_for_each(|addr| check_ip(policy, addr.ip(), name))
}

type BoxError = Box<dyn StdError + Send + Sync>;

/// Resolves with the system resolver and keeps only permitted addresses. Because reqwest
/// connects to exactly what this returns, a name that changes its answer between
/// `check_url` and the connection (DNS rebinding) still cannot reach a private address.
struct GuardedResolver {
    policy: Arc<OutboundPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest substitutes the URL's port.
            let resolved: Vec<SocketAddr> = policy
                .lookup
                .resolve(&host, 0)
                .await
                .map_err(|_| OutboundError::Unresolvable(host.clone()))?;
            if resolved.is_empty() {
                return Err(OutboundError::Unresolvable(host).into());
            }
            let permitted: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| policy.permits(addr.ip()))
                .collect();
            if permitted.is_empty() {
                tracing::debug!(host, "outbound request refused: no permitted address");
                return Err(OutboundError::Forbidden(host).into());
            }
            Ok::<Addrs, BoxError>(Box::new(permitted.into_iter()))
        })
    }
}

#[derive(Debug)]
struct TooManyRedirects;

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {MAX_REDIRECTS} redirects")
    }
}

impl StdError for TooManyRedirects {}

/// Follows up to `MAX_REDIRECTS` hops, refusing non-http(s) targets and address hosts the
/// policy does not permit. Named hosts go through `GuardedResolver`, but address hosts never
/// reach a resolver, so they must be checked here.
fn redirect_policy(policy: Arc<OutboundPolicy>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        // `previous` holds the original URL and every hop already followed.
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(TooManyRedirects);
        }
        match check_without_dns(&policy, attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(refusal) => attempt.error(refusal),
        }
    })
}

/// reqwest is built without a default crypto provider (so only ring is compiled in), and
/// panics on building a client unless one is installed process-wide. [`client`] calls this;
/// code that builds a plain reqwest client first (benchmarks, tools) calls it itself.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only means another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Builds a client for user-supplied URLs: no proxy, `timeout` for connecting and for the
/// whole request, names resolved only to addresses `policy` permits, redirects checked.
///
/// reqwest does not consult the resolver for URLs whose host is an IP address, so this
/// client alone does not stop `http://127.0.0.1/`: send through [`send`] (or call
/// [`check_url`] first) with the same policy.
pub fn client(policy: OutboundPolicy, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    install_crypto_provider();
    let policy = Arc::new(policy);
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .dns_resolver(GuardedResolver {
            policy: Arc::clone(&policy),
        })
        .redirect(redirect_policy(policy))
        .build()
        .context("building the outbound HTTP client")
}

/// Why a guarded request failed; `Display` is a short reason fit to show a user.
#[derive(Debug)]
pub enum SendError {
    /// Refused by the policy before connecting.
    Outbound(OutboundError),
    /// Failed in flight: connection, timeout, redirect refusal, …
    Http(reqwest::Error),
}

impl From<OutboundError> for SendError {
    fn from(error: OutboundError) -> Self {
        SendError::Outbound(error)
    }
}

impl From<reqwest::Error> for SendError {
    fn from(error: reqwest::Error) -> Self {
        SendError::Http(error)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Outbound(error) => f.write_str(&outbound_reason(error)),
            SendError::Http(error) => f.write_str(&http_reason(error)),
        }
    }
}

impl StdError for SendError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SendError::Outbound(error) => Some(error),
            SendError::Http(error) => Some(error),
        }
    }
}

fn outbound_reason(error: &OutboundError) -> String {
    match error {
        OutboundError::InvalidUrl(why) => format!("invalid URL: {why}"),
        OutboundError::Forbidden(_) => "refused: resolves to a private address".to_owned(),
        OutboundError::Unresolvable(_) => "could not resolve host".to_owned(),
    }
}

fn http_reason(error: &reqwest::Error) -> String {
    // Refusals from the resolver and the redirect policy come back wrapped in reqwest's
    // error, so look for them (and the io cause) down the chain.
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<OutboundError>() {
            return outbound_reason(refusal);
        }
        if cause.is::<TooManyRedirects>() {
            return "too many redirects".to_owned();
        }
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
                io::ErrorKind::ConnectionReset => return "connection reset".to_owned(),
                _ => {}
            }
        }
        source = cause.source();
    }
    let reason = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_redirect() {
        "redirect failed"
    } else if error.is_body() || error.is_decode() {
        "invalid response body"
    } else {
        "request failed"
    };
    reason.to_owned()
}

/// Checks the request's URL against `policy`, then sends it with `client`, which must have
/// been built by [`client`] with the same policy.
pub async fn send(
    client: &reqwest::Client,
    policy: &OutboundPolicy,
    request: reqwest::Request,
) -> Result<reqwest::Response, SendError> {
    check_url(policy, request.url()).await?;
    Ok(client.execute(request).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn strict() -> OutboundPolicy {
        OutboundPolicy::default()
    }

    fn allowing(nets: &[&str]) -> OutboundPolicy {
        OutboundPolicy {
            allow_private: false,
            allowed: nets.iter().map(|n| n.parse().unwrap()).collect(),
            ..OutboundPolicy::default()
        }
    }

    fn open() -> OutboundPolicy {
        OutboundPolicy {
            allow_private: true,
            allowed: Vec::new(),
            ..OutboundPolicy::default()
        }
    }

    async fn check(policy: &OutboundPolicy, s: &str) -> Result<(), OutboundError> {
        check_url(policy, &url(s)).await
    }

    #[test]
    fn policy_permits() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(strict().permits(ip("1.1.1.1")));
        assert!(!strict().permits(ip("127.0.0.1")));
        assert!(open().permits(ip("127.0.0.1")));
        assert!(open().permits(ip("169.254.169.254")));
        let one = allowing(&["127.0.0.1"]);
        assert!(one.permits(ip("127.0.0.1")));
        assert!(!one.permits(ip("127.0.0.2")));
        assert!(!one.permits(ip("10.0.0.1")));
        assert!(one.permits(ip("8.8.8.8")));
    }

    #[tokio::test]
    async fn check_url_refuses_private_literals() {
        for s in [
            "http://127.0.0.1:9/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://[::]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "https://10.1.2.3/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            // Teredo relaying to 169.254.169.254.
            "http://[2001:0:4136:e378:8000:63bf:5601:5601]/latest/meta-data/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            let result = check(&strict(), s).await;
            assert!(
                matches!(result, Err(OutboundError::Forbidden(_))),
                "{s}: {result:?}"
            );
        }
    }

    #[tokio::test]
    async fn check_url_refuses_names_resolving_to_private() {
        let result = check(&strict(), "http://localhost:1/").await;
        assert!(
            matches!(result, Err(OutboundError::Forbidden(_))),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn check_url_rejects_bad_urls() {
        for s in [
            "ftp://x/",
            "file:///etc/passwd",
            "gopher://1.1.1.1/",
            "data:text/plain,hi",
        ] {
            let result = check(&open(), s).await;
            assert!(
                matches!(result, Err(OutboundError::InvalidUrl(_))),
                "{s}: {result:?}"
            );
        }
        let result = check(&strict(), "http://nonexistent.invalid/").await;
        assert!(
            matches!(result, Err(OutboundError::Unresolvable(_))),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn check_url_accepts_public_literals() {
        for s in [
            "http://1.1.1.1/",
            "https://8.8.8.8:8443/x",
            "http://user:secret@1.1.1.1/",
            "http://[2606:4700::1111]/",
        ] {
            check(&strict(), s).await.unwrap();
        }
    }

    #[tokio::test]
    async fn allow_private_lets_loopback_through() {
        for s in [
            "http://127.0.0.1:9/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://localhost:1/",
        ] {
            check(&open(), s).await.unwrap();
        }
    }

    #[tokio::test]
    async fn allowed_entry_is_exact() {
        let policy = allowing(&["127.0.0.1"]);
        check(&policy, "http://127.0.0.1:9/").await.unwrap();
        check(&policy, "http://[::ffff:7f00:1]/").await.unwrap();
        let result = check(&policy, "http://127.0.0.2:9/").await;
        assert!(
            matches!(result, Err(OutboundError::Forbidden(_))),
            "{result:?}"
        );
        let result = check(&policy, "http://10.0.0.1/").await;
        assert!(
            matches!(result, Err(OutboundError::Forbidden(_))),
            "{result:?}"
        );
    }

    /// Answers every request on `listener` with `response`, closing the connection after;
    /// returns a count of requests served.
    fn serve(listener: TcpListener, response: String) -> Arc<AtomicUsize> {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let response = response.clone();
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&chunk[..n]),
                        }
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        hits
    }

    fn redirect_to(location: &str) -> String {
        format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
    }

    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    async fn listen(ip: &str) -> (TcpListener, u16) {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        (listener, port)
    }

    async fn get(policy: &OutboundPolicy, s: &str) -> Result<reqwest::Response, SendError> {
        let client = client(policy.clone(), Duration::from_secs(5)).unwrap();
        let request = client.get(s).build().unwrap();
        send(&client, policy, request).await
    }

    #[tokio::test]
    async fn plain_request_to_allowed_address_succeeds() {
        let (listener, port) = listen("127.0.0.1").await;
        serve(listener, OK.to_owned());
        let response = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }

    #[tokio::test]
    async fn send_refuses_private_literal_before_connecting() {
        let (listener, port) = listen("127.0.0.1").await;
        let hits = serve(listener, OK.to_owned());
        let error = get(&strict(), &format!("http://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, SendError::Outbound(OutboundError::Forbidden(_))),
            "{error:?}"
        );
        assert_eq!(error.to_string(), "refused: resolves to a private address");
        assert_eq!(hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn redirect_to_other_loopback_address_is_refused() {
        // A real server on 127.0.0.2, so a failure means refusal, not an unreachable port.
        let (target, port2) = listen("127.0.0.2").await;
        let target_hits = serve(target, OK.to_owned());
        let (listener, port) = listen("127.0.0.1").await;
        serve(listener, redirect_to(&format!("http://127.0.0.2:{port2}/")));

        let error = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap_err();
        assert!(matches!(error, SendError::Http(_)), "{error:?}");
        assert_eq!(error.to_string(), "refused: resolves to a private address");
        assert_eq!(target_hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn redirect_to_metadata_address_is_refused() {
        let (listener, port) = listen("127.0.0.1").await;
        serve(
            listener,
            redirect_to("http://169.254.169.254/latest/meta-data/"),
        );
        let error = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), "refused: resolves to a private address");
    }

    #[tokio::test]
    async fn redirect_to_other_scheme_is_refused() {
        let (listener, port) = listen("127.0.0.1").await;
        // `file:///…` is not even a valid request URI, so reqwest hands back the 302 itself;
        // `ftp://` with a host does reach the redirect policy.
        serve(listener, redirect_to("ftp://1.1.1.1/x"));
        let error = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap_err();
        assert!(error.to_string().starts_with("invalid URL"), "{error}");
    }

    #[tokio::test]
    async fn redirects_are_limited() {
        let (listener, port) = listen("127.0.0.1").await;
        let hits = serve(
            listener,
            redirect_to(&format!("http://127.0.0.1:{port}/again")),
        );
        let error = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), "too many redirects");
        // The original request plus five followed redirects.
        assert_eq!(hits.load(Ordering::SeqCst), 1 + MAX_REDIRECTS);
    }

    #[tokio::test]
    async fn resolver_drops_private_addresses() {
        let (listener, port) = listen("127.0.0.1").await;
        let hits = serve(listener, OK.to_owned());
        // Straight through the client, skipping `check_url`: the resolver alone must refuse.
        let refusing = client(strict(), Duration::from_secs(5)).unwrap();
        let error = SendError::from(
            refusing
                .get(format!("http://localhost:{port}/"))
                .send()
                .await
                .unwrap_err(),
        );
        assert_eq!(error.to_string(), "refused: resolves to a private address");
        assert_eq!(hits.load(Ordering::SeqCst), 0);

        // With the loopback address allowed, the name resolves to it and the request goes out.
        let allowing_one = client(allowing(&["127.0.0.1"]), Duration::from_secs(5)).unwrap();
        let response = allowing_one
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn connection_refused_is_reported() {
        // Bind then drop, so the port is very likely closed.
        let (listener, port) = listen("127.0.0.1").await;
        drop(listener);
        let error = get(
            &allowing(&["127.0.0.1"]),
            &format!("http://127.0.0.1:{port}/"),
        )
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), "connection refused");
    }
}
