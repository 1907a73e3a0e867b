//! Who is viewing a table: `table_viewers` reaches the table page's subscribers on every
//! backend when someone opens or leaves the page, each user once, outsiders never.

use crate::{
    helpers::TestApp,
    realtime::{Socket, client, maybe_of},
};
use futures::SinkExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

async fn open_table(socket: &mut Socket, table: i64) {
    socket
        .send(Message::Text(
            json!({"page": "table", "table_id": table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
}

/// The names in the next `table_viewers` message (within 5 s), or `None`.
async fn viewers(socket: &mut Socket) -> Option<Vec<String>> {
    let m: Value = maybe_of(socket, &["table_viewers"], Duration::from_secs(5)).await?;
    Some(
        m["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap().to_owned())
            .collect(),
    )
}

/// Reads `table_viewers` messages until one lists exactly `names`.
async fn until_viewers(socket: &mut Socket, names: &[&str]) {
    let mut last = None;
    for _ in 0..10 {
        match viewers(socket).await {
            Some(list) if list == names => return,
            other => last = other,
        }
    }
    panic!("never saw viewers {names:?}; last {last:?}");
}

#[tokio::test]
async fn viewers_of_a_table_are_announced_on_every_backend_as_they_come_and_go() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let workspace = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, workspace, bob.id, "MEMBER")
        .await
        .unwrap();
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let other_backend = app.second_backend().await;

    // Ann opens the table: she is told she is its only viewer.
    let mut ann = client(&app.url, &fx.user.access).await;
    open_table(&mut ann.socket, fx.table).await;
    until_viewers(&mut ann.socket, &["Ann"]).await;

    // Bob opens it through the other backend, in two tabs: both see Ann and Bob once.
    let mut bob1 = client(&other_backend, &bob.access).await;
    open_table(&mut bob1.socket, fx.table).await;
    until_viewers(&mut bob1.socket, &["Ann", "Bob"]).await;
    until_viewers(&mut ann.socket, &["Ann", "Bob"]).await;
    let mut bob2 = client(&app.url, &bob.access).await;
    open_table(&mut bob2.socket, fx.table).await;
    until_viewers(&mut bob2.socket, &["Ann", "Bob"]).await;

    // Carol may not read the table: her subscription is refused, she is not listed and
    // hears nothing about who is there.
    let mut carol_socket = client(&app.url, &carol.access).await;
    open_table(&mut carol_socket.socket, fx.table).await;
    assert_eq!(viewers(&mut carol_socket.socket).await, None);

    // Bob closes one tab: still a viewer. He closes the other: Ann is alone again.
    bob1.socket.close(None).await.unwrap();
    until_viewers(&mut ann.socket, &["Ann", "Bob"]).await;
    bob2.socket
        .send(Message::Text(
            json!({"remove_page": "table", "table_id": fx.table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    until_viewers(&mut ann.socket, &["Ann"]).await;
}
