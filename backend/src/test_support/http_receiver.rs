//! A real HTTP/1.1 server on a loopback port that records every request and answers as
//! the test says (a status, a delay, no answer at all, a redirect, a JSON body): the
//! webhook target, or the license server.

use serde_json::Value;
use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::Notify,
};

/// How the receiver answers a request.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    /// Waits, then answers with the status.
    Delayed(Duration, u16),
    /// Reads the request and never answers.
    Hang,
    /// `302` to the given location.
    Redirect(String),
    /// The status with this JSON body.
    Json(u16, Value),
    /// The status with a body of this content type (files to download).
    Bytes(u16, String, Vec<u8>),
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Shared {
    requests: Vec<ReceivedRequest>,
    /// Replies used in turn, before `default`.
    queued: VecDeque<Reply>,
    default: Option<Reply>,
}

pub struct HttpReceiver {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl HttpReceiver {
    /// Listens on 127.0.0.1 and answers `200` until told otherwise.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// Listens on the given address (e.g. another loopback address, `127.0.0.2:0`).
    /// A port that cannot be bound fails the test right here.
    pub async fn start_on(bind: &str) -> Self {
        let listener = match TcpListener::bind(bind).await {
            Ok(l) => l,
            Err(e) => panic!("cannot bind the receiver to {bind}: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("receiver address: {e}"),
        };
        let shared = Arc::new(Mutex::new(Shared {
            default: Some(Reply::Status(200)),
            ..Default::default()
        }));
        let arrived = Arc::new(Notify::new());
        let (s, a) = (shared.clone(), arrived.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, s.clone(), a.clone()));
            }
        });
        Self {
            addr,
            shared,
            arrived,
            task,
        }
    }

    /// `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers every following request this way.
    pub fn reply(&self, reply: Reply) {
        let mut shared = self.state();
        shared.queued.clear();
        shared.default = Some(reply);
    }

    /// Answers the next requests with these replies, then as before.
    pub fn reply_next(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state().queued.extend(replies);
    }

    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state().requests.clone()
    }

    /// A panicking test thread cannot leave the state half-written, so poison is ignored.
    fn state(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until at least `n` requests arrived; panics after `timeout` saying how many did.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.arrived.notified();
            let requests = self.requests();
            if requests.len() >= n {
                return requests;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!("expected {n} requests, got {}", requests.len());
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Stops listening; connections already open are closed as their tasks end.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for HttpReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one keep-alive connection.
async fn serve(mut stream: TcpStream, shared: Arc<Mutex<Shared>>, arrived: Arc<Notify>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let reply = {
            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
            s.requests.push(request);
            s.queued
                .pop_front()
                .or_else(|| s.default.clone())
                .unwrap_or(Reply::Status(200))
        };
        arrived.notify_waiters();
        let response = match reply {
            Reply::Status(status) => response(status, None),
            Reply::Json(status, body) => json_response(status, &body),
            Reply::Bytes(status, content_type, body) => {
                let mut out = format!(
                    "HTTP/1.1 {status} Status\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                out.extend_from_slice(&body);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
                continue;
            }
            Reply::Delayed(wait, status) => {
                tokio::time::sleep(wait).await;
                response(status, None)
            }
            Reply::Hang => {
                // Hold the connection open without answering until the client gives up.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Reply::Redirect(location) => response(302, Some(&location)),
        };
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn response(status: u16, location: Option<&str>) -> String {
    let location = location
        .map(|l| format!("Location: {l}\r\n"))
        .unwrap_or_default();
    format!(
        "HTTP/1.1 {status} Status\r\n{location}Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
    )
}

fn json_response(status: u16, body: &Value) -> String {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status} Status\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<ReceivedRequest> {
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[body_start..body_start + length]).into_owned();
    buffer.drain(..body_start + length);
    Some(ReceivedRequest {
        method,
        path,
        headers,
        body,
        at: Instant::now(),
    })
}
