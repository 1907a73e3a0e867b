//! What one socket, or one user, may ask of the realtime server: pages per socket, sockets
//! per user and messages per second are bounded.

use crate::{
    helpers::TestApp,
    realtime::{client, connect, next_of},
};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::{Message, protocol::frame::coding::CloseCode};

#[tokio::test]
async fn a_socket_follows_at_most_a_hundred_pages() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    // A hundred row pages of one table, then one more.
    let items: Vec<_> = (0..101).map(|_| json!({})).collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ids: Vec<i64> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect();
    let mut c = client(&app.url, &fx.user.access).await;
    for id in &ids[..100] {
        let page = json!({"page": "row", "table_id": fx.table, "row_id": id});
        c.socket
            .send(Message::Text(page.to_string().into()))
            .await
            .unwrap();
        next_of(&mut c.socket, "page_add").await;
    }
    // The hundred pages spent the whole burst of messages; the four below need the
    // allowance to refill (20 a second), or on a fast machine the socket is closed for
    // sending too much.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let extra = json!({"page": "row", "table_id": fx.table, "row_id": ids[100]});
    c.socket
        .send(Message::Text(extra.to_string().into()))
        .await
        .unwrap();
    let refused = next_of(&mut c.socket, "page_add_failed").await;
    assert_eq!(refused["error"], "ERROR_MAX_PAGES_PER_SOCKET");
    // Opening one of its pages again is no new page; removing one makes room.
    let again = json!({"page": "row", "table_id": fx.table, "row_id": ids[0]});
    c.socket
        .send(Message::Text(again.to_string().into()))
        .await
        .unwrap();
    next_of(&mut c.socket, "page_add").await;
    let remove = json!({"remove_page": "row", "table_id": fx.table, "row_id": ids[0]});
    c.socket
        .send(Message::Text(remove.to_string().into()))
        .await
        .unwrap();
    next_of(&mut c.socket, "page_discard").await;
    c.socket
        .send(Message::Text(extra.to_string().into()))
        .await
        .unwrap();
    next_of(&mut c.socket, "page_add").await;
}

#[tokio::test]
async fn a_user_keeps_at_most_fifty_sockets_on_a_backend() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let mut open = Vec::new();
    for _ in 0..50 {
        open.push(client(&app.url, &ann.access).await);
    }
    // The 51st is authenticated, then closed as a policy violation.
    let (mut extra, auth) = connect(&app.url, Some(&ann.access)).await;
    assert_eq!(auth["success"], true);
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match extra.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the extra socket is closed");
    assert_eq!(
        closed.map(|f| f.code),
        Some(CloseCode::Policy),
        "closed as a policy violation"
    );
    // Others are not affected, and a closed socket frees its place.
    let (mut bobs, _) = connect(&app.url, Some(&bob.access)).await;
    assert!(!closed_within(&mut bobs, Duration::from_millis(500)).await);
    let mut first = open.remove(0);
    first.socket.close(None).await.unwrap();
    drop(first);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (mut socket, _) = connect(&app.url, Some(&ann.access)).await;
        if !closed_within(&mut socket, Duration::from_millis(500)).await {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no place freed");
    }
}

/// Whether the server closes the socket (or it ends) within `wait`.
async fn closed_within(socket: &mut crate::realtime::Socket, wait: Duration) -> bool {
    tokio::time::timeout(wait, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[tokio::test]
async fn a_socket_flooding_the_server_with_messages_is_closed() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let mut c = client(&app.url, &ann.access).await;
    let noise = json!({"page": "nothing"}).to_string();
    let mut closed = false;
    for _ in 0..1000 {
        if c.socket
            .send(Message::Text(noise.clone().into()))
            .await
            .is_err()
        {
            closed = true;
            break;
        }
    }
    if !closed {
        closed = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match c.socket.next().await {
                    Some(Ok(Message::Close(frame))) => {
                        return frame.is_some_and(|f| f.code == CloseCode::Policy);
                    }
                    Some(Ok(_)) => continue,
                    _ => return true,
                }
            }
        })
        .await
        .unwrap_or(false);
    }
    assert!(closed, "the flooding socket was closed");
    // A socket sending at a normal pace stays open.
    let mut calm = client(&app.url, &ann.access).await;
    for _ in 0..30 {
        calm.socket
            .send(Message::Text(noise.clone().into()))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    assert!(!closed_within(&mut calm.socket, Duration::from_millis(500)).await);
}
