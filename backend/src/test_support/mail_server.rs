//! A real SMTP server on a free local port that keeps what it receives.

use mailin_embedded::{Handler, Server, response::OK};
use std::{
    net::TcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// One delivered message, parsed.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl ReceivedMail {
    /// The first `http(s)://` link in the plain-text body that starts with `prefix`.
    pub fn link_starting_with(&self, prefix: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with(prefix))
            .map(str::to_owned)
    }
}

#[derive(Clone, Default)]
struct Collector {
    /// Held before answering the end of each message: a slow relay.
    delay: std::time::Duration,
    /// The message being received. Each SMTP session works on its own clone of the
    /// handler, so this is per session (concurrent sessions must not mix their messages).
    current: (Vec<String>, Vec<u8>),
    done: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl Handler for Collector {
    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        self.current.0.push(to.to_owned());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.1.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        std::thread::sleep(self.delay);
        let (to, raw) = std::mem::take(&mut self.current);
        if let Some(parsed) = mail_parser::MessageParser::default().parse(&raw) {
            let mail = ReceivedMail {
                to,
                subject: parsed.subject().unwrap_or_default().to_owned(),
                text: parsed
                    .body_text(0)
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
                html: parsed
                    .body_html(0)
                    .map(|t| t.into_owned())
                    .unwrap_or_default(),
            };
            if let Ok(mut done) = self.done.lock() {
                done.push(mail);
            }
        }
        OK
    }
}

pub struct MailServer {
    pub url: String,
    collector: Collector,
}

impl MailServer {
    /// Starts the server on its own threads; it lives as long as the test process.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_with_delay(Duration::ZERO)
    }

    /// A server that takes `delay` to accept each message (a slow relay).
    pub fn start_with_delay(delay: Duration) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let collector = Collector {
            delay,
            ..Collector::default()
        };
        let mut server = Server::new(collector.clone());
        server
            .with_name("tessera-test")
            // One thread serves one connection at a time, and the mailers keep their
            // connections open between messages (lettre's pool): with few threads, the
            // pools of the app and of its runners can hold them all, and a new connection
            // (the email tester's) then waits out its timeout.
            .with_num_threads(16)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Ok(Self {
            url: format!("smtp://127.0.0.1:{port}"),
            collector,
        })
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.collector
            .done
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }

    /// Waits until a message to `to` arrives.
    pub async fn wait_for(&self, to: &str, timeout: Duration) -> Option<ReceivedMail> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(m) = self
                .received()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to))
            {
                return Some(m);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}
