//! Rows created over HTTP while a table page's socket listens: a backend on a free port, the
//! subscribed socket, the writer and the reader that the cross-process realtime tests share.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tessera::{config::Settings, context::AppContext, test_support::api_client::post, web};
use tokio::{net::TcpStream, task::JoinHandle};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Serves the backend on a free port; returns its base URL and the settings it runs with
/// (`public_url` set to that URL, for the worker to share).
pub async fn serve_backend(mut settings: Settings) -> (String, Settings) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    settings.public_url = base.clone();
    let ctx = AppContext::connect(settings.clone(), 10).await.unwrap();
    tokio::spawn(web::serve(ctx, listener, std::future::pending()));
    (base, settings)
}

/// Opens a socket on `table`'s page; returns it with the sequence number the page starts at.
pub async fn subscribe_to_table(base: &str, token: &str, table: i64) -> (Socket, i64) {
    let (mut socket, _) = connect_async(format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    ))
    .await
    .unwrap();
    socket
        .send(Message::Text(
            json!({"page": "table", "table_id": table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let start_seq = loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else {
            panic!("socket closed")
        };
        let m: Value = serde_json::from_str(text.as_str()).unwrap();
        if m["type"] == "page_add" {
            break m["seq"].as_i64().unwrap();
        }
    };
    (socket, start_seq)
}

/// Creates `count` rows in `table` one after the other, pausing 10 ms after each edit
/// `pause_after` picks; the task yields the new rows' ids in the order they were made.
pub fn spawn_row_writer(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    table: i64,
    count: usize,
    pause_after: impl Fn(usize) -> bool + Send + 'static,
) -> JoinHandle<Vec<i64>> {
    let (http, base, token) = (http.clone(), base.to_owned(), token.to_owned());
    tokio::spawn(async move {
        let mut ids = Vec::new();
        for i in 0..count {
            let row = post(
                &http,
                format!("{base}/api/database/rows/table/{table}/"),
                Some(&token),
                json!({}),
            )
            .await;
            ids.push(row["id"].as_i64().unwrap());
            if pause_after(i) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        ids
    })
}

/// The `rows_created` events a socket received, in arrival order.
pub struct Received {
    pub seqs: Vec<i64>,
    pub ids: Vec<i64>,
    /// Why reading stopped short: the socket ended, failed or was quiet for 30 s.
    pub ended: Option<String>,
}

impl Received {
    /// Every created row arrived once, in the order it was made, after `start_seq`. The
    /// sequence numbers rise but step over the `row_history_updated` events each creation
    /// logs for row pages, which a table page does not get.
    pub fn assert_in_order(&self, created: &[i64], start_seq: i64) {
        let seqs = &self.seqs;
        assert_eq!(
            self.ids, created,
            "every edit arrived exactly once, in order"
        );
        assert!(seqs[0] > start_seq, "{seqs:?}");
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    }
}

/// Reads `rows_created` events until `count` arrived, two minutes passed or the socket
/// stopped; `before_read` runs before each read with the number received so far.
pub async fn receive_rows(
    socket: &mut Socket,
    count: usize,
    mut before_read: impl AsyncFnMut(usize),
) -> Received {
    let mut received = Received {
        seqs: Vec::new(),
        ids: Vec::new(),
        ended: None,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while received.seqs.len() < count && Instant::now() < deadline {
        before_read(received.seqs.len()).await;
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let m: Value = serde_json::from_str(text.as_str()).unwrap();
                if m["type"] == "rows_created" {
                    received.seqs.push(m["seq"].as_i64().unwrap());
                    received.ids.push(m["rows"][0]["id"].as_i64().unwrap());
                }
            }
            Ok(Some(Ok(_))) => {}
            other => {
                received.ended = Some(format!("{other:?}"));
                break;
            }
        }
    }
    received
}
