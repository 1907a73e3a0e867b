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

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next `cell_editing` message within 5 s, or `None`.
async fn cell_editing(socket: &mut Socket) -> Option<Value> {
    maybe_of(socket, &["cell_editing"], Duration::from_secs(5)).await
}

#[tokio::test]
async fn the_cell_someone_edits_is_announced_to_the_others_and_cleared_when_they_stop_or_leave() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let workspace = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, workspace, bob.id, "MEMBER")
        .await
        .unwrap();
    let other_backend = app.second_backend().await;
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Status", "type": "text"}),
        )
        .await;
    let row = 1;

    // Ann's table page is told the key its own edits go by.
    let mut ann = client(&app.url, &fx.user.access).await;
    open_table(&mut ann.socket, fx.table).await;
    let added = maybe_of(&mut ann.socket, &["page_add"], Duration::from_secs(5))
        .await
        .expect("page_add");
    let ann_editor = added["editor"].as_str().expect("an editor key").to_owned();
    assert_ne!(ann_editor, ann.id, "the key is not the socket's private id");
    until_viewers(&mut ann.socket, &["Ann"]).await;
    let mut bob_socket = client(&other_backend, &bob.access).await;
    open_table(&mut bob_socket.socket, fx.table).await;
    until_viewers(&mut bob_socket.socket, &["Ann", "Bob"]).await;

    // Ann starts editing a cell: Bob, on the other backend, is told who and where; Ann
    // gets no echo of her own edit.
    let cell = json!({"table_id": fx.table, "row_id": row, "field_id": field});
    send(&mut ann.socket, json!({ "cell_editing": cell })).await;
    let seen = cell_editing(&mut bob_socket.socket)
        .await
        .expect("cell_editing");
    assert_eq!(seen["editor"], ann_editor.as_str());
    assert_eq!(seen["user"]["name"], "Ann");
    assert_eq!(seen["row_id"], row);
    assert_eq!(seen["field_id"], field);
    assert_eq!(cell_editing(&mut ann.socket).await, None);

    // A page opened later gets the cells being edited with the viewers.
    let mut bob_late = client(&app.url, &bob.access).await;
    open_table(&mut bob_late.socket, fx.table).await;
    let listed = maybe_of(
        &mut bob_late.socket,
        &["table_viewers"],
        Duration::from_secs(5),
    )
    .await
    .expect("table_viewers");
    assert_eq!(listed["editing"][0]["editor"], ann_editor.as_str());
    assert_eq!(listed["editing"][0]["row_id"], row);

    // Ann stops: Bob is told the cell is free.
    send(
        &mut ann.socket,
        json!({"cell_editing": {"table_id": fx.table, "row_id": null}}),
    )
    .await;
    let stopped = cell_editing(&mut bob_socket.socket)
        .await
        .expect("cell_editing");
    assert_eq!(stopped["editor"], ann_editor.as_str());
    assert!(stopped["row_id"].is_null() && stopped["field_id"].is_null());

    // Malformed messages and tables the socket has not opened are ignored.
    send(
        &mut ann.socket,
        json!({"cell_editing": {"table_id": fx.table, "row_id": "x"}}),
    )
    .await;
    send(
        &mut ann.socket,
        json!({"cell_editing": {"table_id": fx.table + 1000, "row_id": row, "field_id": field}}),
    )
    .await;
    assert_eq!(cell_editing(&mut bob_socket.socket).await, None);

    // Ann edits again and her socket closes: the viewers list Bob gets has no edit left.
    send(&mut ann.socket, json!({ "cell_editing": cell })).await;
    assert!(cell_editing(&mut bob_socket.socket).await.is_some());
    ann.socket.close(None).await.unwrap();
    let mut last = None;
    for _ in 0..10 {
        let m = maybe_of(
            &mut bob_socket.socket,
            &["table_viewers"],
            Duration::from_secs(5),
        )
        .await
        .expect("table_viewers");
        if m["users"] == json!([{"id": bob.id, "name": "Bob"}]) {
            assert_eq!(m["editing"], json!([]));
            return;
        }
        last = Some(m);
    }
    panic!("Ann never left: {last:?}");
}
