//! One HTTP call to a webhook's URL through the outbound guard, with the request and the
//! response kept as raw HTTP text for the call log.

use super::signature::{SIGNATURE_HEADER, sign};
use crate::platform::outbound::{self, Outbound};
use std::time::Instant;

/// Longest request or response text kept in the call log (Baserow: 100,000 characters).
const MAX_LOGGED_CHARS: usize = 100_000;

/// What to send: everything but the transport.
pub struct CallRequest<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub user_headers: &'a [(String, String)],
    pub event_type: &'a str,
    pub event_id: uuid::Uuid,
    /// Idempotency key: the event id, plus the batch number when a change is split.
    pub idempotency_key: String,
    pub secret: Option<&'a str>,
    pub body: &'a str,
}

/// How a call went, as logged.
#[derive(Debug, Clone)]
pub struct CallOutcome {
    pub request: String,
    pub response: Option<String>,
    pub status: Option<u16>,
    /// Why no usable response came (timeout, refused address, …).
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl CallOutcome {
    /// 2xx and 3xx count as delivered, as in Baserow.
    pub fn ok(&self) -> bool {
        matches!(self.status, Some(s) if (200..400).contains(&s))
    }
}

/// Sends the call and never fails: every problem becomes part of the outcome.
pub async fn perform(outbound: &Outbound, call: &CallRequest<'_>) -> CallOutcome {
    let started = Instant::now();
    let mut headers: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/json".into()),
        ("User-Agent".into(), "Tessera-Webhook/1".into()),
        ("X-Baserow-Event".into(), call.event_type.into()),
        ("X-Baserow-Delivery".into(), call.event_id.to_string()),
        ("Idempotency-Key".into(), call.idempotency_key.clone()),
    ];
    if let Some(secret) = call.secret {
        let now = chrono::Utc::now().timestamp();
        headers.push((
            SIGNATURE_HEADER.into(),
            sign(secret, now, call.body.as_bytes()),
        ));
    }
    headers.extend(call.user_headers.iter().cloned());
    let request_text = request_text(call, &headers);
    let elapsed = |started: Instant| started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let failed = |error: String| CallOutcome {
        request: request_text.clone(),
        response: None,
        status: None,
        error: Some(error),
        duration_ms: elapsed(started),
    };
    let method = match reqwest::Method::from_bytes(call.method.as_bytes()) {
        Ok(m) => m,
        Err(_) => return failed(format!("Unsupported method {}", call.method)),
    };
    let mut builder = outbound.client().request(method, call.url);
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = match builder.body(call.body.to_owned()).build() {
        Ok(r) => r,
        Err(e) => return failed(format!("Invalid request: {e}")),
    };
    match outbound::send(outbound.client(), outbound.policy(), request).await {
        Ok(response) => {
            let status = response.status();
            let mut text = format!(
                "HTTP/1.1 {} {}\r\n",
                status.as_u16(),
                status.canonical_reason().unwrap_or_default()
            );
            for (name, value) in response.headers() {
                text.push_str(&format!(
                    "{name}: {}\r\n",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            text.push_str("\r\n");
            let (body, error) = read_limited(response).await;
            text.push_str(&body);
            CallOutcome {
                request: request_text,
                response: Some(truncate_middle(&text, MAX_LOGGED_CHARS)),
                status: Some(status.as_u16()),
                error,
                duration_ms: elapsed(started),
            }
        }
        Err(e) => failed(e.to_string()),
    }
}

/// Reads at most twice what the log keeps; a receiver streaming forever cannot hold a
/// worker, because the client's timeout covers the body too.
async fn read_limited(mut response: reqwest::Response) -> (String, Option<String>) {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > 2 * MAX_LOGGED_CHARS {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    String::from_utf8_lossy(&bytes).into_owned(),
                    Some(format!("Reading the response failed: {e}")),
                );
            }
        }
    }
    (String::from_utf8_lossy(&bytes).into_owned(), None)
}

fn request_text(call: &CallRequest<'_>, headers: &[(String, String)]) -> String {
    let target = url::Url::parse(call.url).ok();
    let path = target
        .as_ref()
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .unwrap_or_else(|| "/".into());
    let host = target
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let mut text = format!("{} {path} HTTP/1.1\r\nHost: {host}\r\n", call.method);
    for (name, value) in headers {
        // The signature is a credential-like value; the log shows that one was sent.
        let shown = if name == SIGNATURE_HEADER {
            "…"
        } else {
            value.as_str()
        };
        text.push_str(&format!("{name}: {shown}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(call.body);
    truncate_middle(&text, MAX_LOGGED_CHARS)
}

/// Keeps the start and the end of a long text, as Baserow's call log does.
pub fn truncate_middle(text: &str, max_chars: usize) -> String {
    let count = text.chars().count();
    if count <= max_chars {
        return text.to_owned();
    }
    let marker = "\n...\n";
    let keep = max_chars.saturating_sub(marker.len());
    let head: String = text.chars().take(keep / 2).collect();
    let tail: String = text.chars().skip(count - (keep - keep / 2)).collect();
    format!("{head}{marker}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_keep_both_ends() {
        assert_eq!(truncate_middle("short", 10), "short");
        let long = format!("{}{}", "a".repeat(60), "b".repeat(60));
        let cut = truncate_middle(&long, 25);
        assert_eq!(cut.chars().count(), 25);
        assert!(cut.starts_with("aaaaaaaaaa") && cut.ends_with("bbbbbbbbbb"));
        assert!(cut.contains("..."));
    }

    /// DNS rebinding: the name answers with a public address when the URL is checked and
    /// with the loopback address, where a service listens, when the call connects. The
    /// call is refused and the service never sees a connection.
    #[tokio::test]
    async fn a_webhook_to_a_name_that_rebinds_to_a_private_address_never_reaches_it() {
        use crate::platform::outbound::{Lookup, OutboundPolicy};
        use std::sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&connections);
        tokio::spawn(async move {
            while listener.accept().await.is_ok() {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&asked);
        let lookup = Lookup::scripted(move |host, port| {
            assert_eq!(host, "hooks.rebind.example");
            let ip = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                "93.184.216.34"
            } else {
                "127.0.0.1"
            };
            Ok(vec![std::net::SocketAddr::new(ip.parse().unwrap(), port)])
        });
        let outbound = Outbound::new(
            OutboundPolicy {
                lookup,
                ..OutboundPolicy::default()
            },
            std::time::Duration::from_secs(5),
        )
        .unwrap();
        let url = format!("http://hooks.rebind.example:{port}/hook");
        let outcome = perform(
            &outbound,
            &CallRequest {
                url: &url,
                method: "POST",
                user_headers: &[],
                event_type: "rows.created",
                event_id: uuid::Uuid::new_v4(),
                idempotency_key: "k".into(),
                secret: None,
                body: "{}",
            },
        )
        .await;
        assert!(!outcome.ok(), "{outcome:?}");
        assert_eq!(
            outcome.error.as_deref(),
            Some("refused: resolves to a private address"),
            "{outcome:?}"
        );
        assert_eq!(
            asked.load(Ordering::SeqCst),
            2,
            "checked, then resolved to connect"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(
            connections.load(Ordering::SeqCst),
            0,
            "nothing reached the service"
        );
    }
}
