//! Soak: clients on two backends edit one table at random while dropping and restoring
//! their connections; at the end every client's copy of the table equals the database.

use crate::helpers::{TableFixture, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

const CLIENTS: usize = 20;
const ACTIONS_PER_CLIENT: usize = 12;

/// A tiny deterministic generator: the test must not depend on a random-number crate.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// A client's copy of the table, kept only from WebSocket events.
struct Replica {
    rows: BTreeMap<i64, Value>,
    seq: i64,
    column: String,
}

impl Replica {
    /// Applies one server message; events must arrive exactly in sequence.
    fn apply(&mut self, m: &Value) {
        let Some(seq) = m["seq"].as_i64() else { return };
        if m["type"] == "page_add" {
            return;
        }
        assert_eq!(seq, self.seq + 1, "gap or duplicate: {m}");
        self.seq = seq;
        match m["type"].as_str() {
            Some("rows_created") | Some("rows_updated") => {
                for row in m["rows"].as_array().unwrap() {
                    self.rows
                        .insert(row["id"].as_i64().unwrap(), row[&self.column].clone());
                }
            }
            Some("rows_deleted") => {
                for id in m["row_ids"].as_array().unwrap() {
                    self.rows.remove(&id.as_i64().unwrap());
                }
            }
            _ => {}
        }
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn open(base: &str, token: &str, table: i64, after_seq: i64) -> Socket {
    let (mut socket, _) = connect_async(format!(
        "{}/ws/core/?jwt_token={token}",
        base.replacen("http", "ws", 1)
    ))
    .await
    .unwrap();
    socket.next().await; // authentication
    let subscribe = json!({"page": "table", "table_id": table, "after_seq": after_seq});
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    socket
}

/// Applies every message that arrives within `wait`.
async fn drain(socket: &mut Socket, replica: &mut Replica, wait: Duration) {
    while let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(wait, socket.next()).await {
        let m: Value = serde_json::from_str(text.as_str()).unwrap();
        assert_ne!(
            m["type"], "resync_required",
            "the log holds everything in this test"
        );
        replica.apply(&m);
    }
}

async fn table_state(
    app: &TestApp,
    fx: &TableFixture,
    column: &str,
) -> (BTreeMap<i64, Value>, i64) {
    let rows = app.rows(&fx.user, fx.table, "size=200").await;
    let state = rows.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r[column].clone()))
        .collect();
    let seq: i64 = sqlx::query_scalar("SELECT event_seq FROM database_tables WHERE id = $1")
        .bind(fx.table)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    (state, seq)
}

#[tokio::test]
async fn clients_with_random_edits_and_disconnects_all_end_up_with_the_database() {
    let app = Arc::new(TestApp::spawn().await);
    let second = app.second_backend().await;
    let fx = Arc::new(app.table_fixture().await);
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let column = format!("field_{name}");
    let (initial, start_seq) = table_state(&app, &fx, &column).await;

    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (app, fx, column, initial) = (app.clone(), fx.clone(), column.clone(), initial.clone());
        let base = if c % 2 == 0 {
            app.url.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(c as u64 + 1);
            let mut replica = Replica {
                rows: initial,
                seq: start_seq,
                column: column.clone(),
            };
            let mut socket = open(&base, &fx.user.access, fx.table, replica.seq).await;
            for i in 0..ACTIONS_PER_CLIENT {
                drain(&mut socket, &mut replica, Duration::from_millis(5)).await;
                let known: Vec<i64> = replica.rows.keys().copied().collect();
                let path = format!("/api/database/rows/table/{}/", fx.table);
                match rng.below(4) {
                    0 | 1 => {
                        app.post(
                            &path,
                            Some(&fx.user.access),
                            json!({ column.clone(): format!("c{c}-{i}") }),
                        )
                        .await;
                    }
                    2 if !known.is_empty() => {
                        let id = known[rng.below(known.len() as u64) as usize];
                        app.patch(
                            &format!("{path}{id}/"),
                            Some(&fx.user.access),
                            json!({ column.clone(): format!("u{c}-{i}") }),
                        )
                        .await;
                    }
                    _ if !known.is_empty() => {
                        let id = known[rng.below(known.len() as u64) as usize];
                        app.delete(&format!("{path}{id}/"), Some(&fx.user.access))
                            .await;
                    }
                    _ => {}
                }
                // Now and then the connection drops; the client comes back with its last sequence.
                if rng.below(5) == 0 {
                    drop(socket);
                    tokio::time::sleep(Duration::from_millis(rng.below(200))).await;
                    socket = open(&base, &fx.user.access, fx.table, replica.seq).await;
                }
            }
            (socket, replica)
        }));
    }
    let mut finished = Vec::new();
    for t in tasks {
        finished.push(t.await.unwrap());
    }
    let (truth, final_seq) = table_state(&app, &fx, &column).await;
    assert!(
        final_seq > start_seq + CLIENTS as i64,
        "the clients made edits"
    );
    for (c, (socket, replica)) in finished.iter_mut().enumerate() {
        let base = if c % 2 == 0 {
            app.url.clone()
        } else {
            second.clone()
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while replica.seq < final_seq && tokio::time::Instant::now() < deadline {
            drain(socket, replica, Duration::from_millis(500)).await;
            if replica.seq < final_seq {
                // Quiet for half a second, or closed by the server: reconnect and replay,
                // as the client library does.
                *socket = open(&base, &fx.user.access, fx.table, replica.seq).await;
            }
        }
        assert_eq!(replica.seq, final_seq, "caught up");
        let mine: BTreeMap<i64, Value> = replica.rows.clone();
        assert_eq!(mine, truth, "a client's table differs from the database");
    }
}
