//! Live collaboration over `/ws/core/`: two backends, the worker, Redis in between.

use crate::helpers::{TableFixture, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A client socket with the id the server gave it.
pub(crate) struct Client {
    pub(crate) socket: Socket,
    pub(crate) id: String,
}

pub(crate) async fn connect(base: &str, token: Option<&str>) -> (Socket, Value) {
    let ws = base.replacen("http://", "ws://", 1);
    let url = match token {
        Some(t) => format!("{ws}/ws/core/?jwt_token={t}"),
        None => format!("{ws}/ws/core/"),
    };
    let (mut socket, _) = connect_async(url).await.expect("websocket connects");
    let first = next_json(&mut socket, Duration::from_secs(5))
        .await
        .expect("authentication message");
    (socket, first)
}

pub(crate) async fn client(base: &str, token: &str) -> Client {
    let (socket, auth) = connect(base, Some(token)).await;
    assert_eq!(auth["success"], true, "{auth}");
    Client {
        socket,
        id: auth["web_socket_id"].as_str().unwrap().to_owned(),
    }
}

/// The next JSON text message, or `None` after `timeout`.
pub(crate) async fn next_json(socket: &mut Socket, timeout: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(t.as_str()).ok(),
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) | Err(_) => return None,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// The next message of the given type, skipping others.
pub(crate) async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let m = next_json(socket, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no {kind} message"));
        if m["type"] == kind {
            return m;
        }
    }
}

pub(crate) async fn subscribe(c: &mut Client, table: i64, after_seq: Option<i64>) -> Value {
    let mut msg = json!({"page": "table", "table_id": table});
    if let Some(s) = after_seq {
        msg["after_seq"] = json!(s);
    }
    c.socket
        .send(Message::Text(msg.to_string().into()))
        .await
        .unwrap();
    next_of(&mut c.socket, "page_add").await
}

pub(crate) async fn create_row(
    app: &TestApp,
    fx: &TableFixture,
    websocket_id: Option<&str>,
    name: &str,
) -> i64 {
    let name_field = app.field_id(&fx.user, fx.table, "Name").await;
    let mut req = app
        .client()
        .post(format!("{}/api/database/rows/table/{}/", app.url, fx.table))
        .header("Authorization", format!("JWT {}", fx.user.access))
        .json(&json!({ format!("field_{name_field}"): name }));
    if let Some(id) = websocket_id {
        req = req.header("WebSocketId", id);
    }
    let r = app.raw(req).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_handshake_follows_baserow() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let (_, ok) = connect(&app.url, Some(&ann.access)).await;
    assert_eq!(ok["type"], "authentication");
    assert_eq!(ok["success"], true);
    assert_eq!(ok["web_socket_id"].as_str().unwrap().len(), 36);
    let (mut bad, m) = connect(&app.url, Some("garbage")).await;
    assert_eq!(m["success"], false);
    assert!(
        m["web_socket_id"].is_string(),
        "a token parameter yields an id even when bad"
    );
    assert!(
        next_json(&mut bad, Duration::from_secs(2)).await.is_none(),
        "then the socket closes"
    );
    let (_, none) = connect(&app.url, None).await;
    assert_eq!(
        none,
        json!({"type": "authentication", "success": false, "web_socket_id": null})
    );
}

#[tokio::test]
async fn an_edit_on_one_backend_reaches_the_other_but_not_the_editors_socket() {
    let app = TestApp::spawn().await;
    let second = app.second_backend().await;
    let fx = app.table_fixture().await;
    let mut editor = client(&app.url, &fx.user.access).await;
    let mut watcher = client(&second, &fx.user.access).await;
    let add = subscribe(&mut watcher, fx.table, None).await;
    assert_eq!(add["parameters"], json!({"table_id": fx.table}));
    subscribe(&mut editor, fx.table, None).await;

    let row = create_row(&app, &fx, Some(&editor.id), "live").await;
    let event = next_of(&mut watcher.socket, "rows_created").await;
    assert_eq!(event["table_id"], fx.table);
    assert_eq!(event["rows"][0]["id"], row);
    assert_eq!(event["before_row_id"], json!(null));
    assert!(event["metadata"].is_object());
    assert!(event["seq"].as_i64().unwrap() > 0);
    assert!(
        maybe_of(
            &mut editor.socket,
            &["rows_created"],
            Duration::from_millis(700)
        )
        .await
        .is_none(),
        "no echo to the editor"
    );

    // Without a WebSocketId (e.g. an API client), every subscriber gets the event.
    create_row(&app, &fx, None, "from a script").await;
    assert_eq!(
        next_of(&mut editor.socket, "rows_created").await["rows"][0]["id"],
        row + 1
    );
    assert_eq!(
        next_of(&mut watcher.socket, "rows_created").await["rows"][0]["id"],
        row + 1
    );

    editor
        .socket
        .send(Message::Text(
            json!({"remove_page": "table", "table_id": fx.table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    assert_eq!(
        next_of(&mut editor.socket, "page_discard").await["parameters"],
        json!({"table_id": fx.table})
    );
    create_row(&app, &fx, None, "after leaving").await;
    next_of(&mut watcher.socket, "rows_created").await;
    assert!(
        maybe_of(
            &mut editor.socket,
            &["rows_created"],
            Duration::from_millis(700)
        )
        .await
        .is_none(),
        "unsubscribed sockets get nothing"
    );
}

#[tokio::test]
async fn subscribing_without_permission_gets_no_answer_and_no_events() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let mut spy = client(&app.url, &eve.access).await;
    spy.socket
        .send(Message::Text(
            json!({"page": "table", "table_id": fx.table})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    create_row(&app, &fx, None, "secret").await;
    assert!(
        next_json(&mut spy.socket, Duration::from_secs(2))
            .await
            .is_none()
    );
}

#[tokio::test]
async fn a_client_that_was_away_is_replayed_exactly_what_it_missed() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let mut c = client(&app.url, &fx.user.access).await;
    let seq = subscribe(&mut c, fx.table, None).await["seq"]
        .as_i64()
        .unwrap();
    let name_field = app.field_id(&fx.user, fx.table, "Name").await;
    drop(c);
    // Away for 30 seconds while edits keep coming.
    let away = 10;
    for i in 0..away {
        create_row(&app, &fx, None, &format!("while away {i}")).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let mut back = client(&app.url, &fx.user.access).await;
    subscribe(&mut back, fx.table, Some(seq)).await;
    let mut seqs = Vec::new();
    let mut names = Vec::new();
    for _ in 0..away {
        let m = next_of(&mut back.socket, "rows_created").await;
        seqs.push(m["seq"].as_i64().unwrap());
        names.push(m["rows"][0][format!("field_{name_field}")].clone());
    }
    // Each creation also logged its row history after it.
    let logged: Vec<i64> = app
        .events(fx.table)
        .await
        .iter()
        .filter(|e| e.0 > seq && e.1 == "rows_created")
        .map(|e| e.0)
        .collect();
    assert_eq!(logged.len() as i64, away);
    assert_eq!(seqs, logged, "in order, none missing");
    assert_eq!(
        names,
        (0..away)
            .map(|i| serde_json::json!(format!("while away {i}")))
            .collect::<Vec<_>>()
    );
    // The live copies of already-replayed events are not sent twice.
    assert!(
        maybe_of(
            &mut back.socket,
            &["rows_created"],
            Duration::from_millis(800)
        )
        .await
        .is_none()
    );
    create_row(&app, &fx, None, "live again").await;
    assert_eq!(
        next_of(&mut back.socket, "rows_created").await["seq"],
        seq + 2 * away + 1
    );
}

#[tokio::test]
async fn a_client_behind_the_retained_log_is_told_to_resync() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    for i in 0..3 {
        create_row(&app, &fx, None, &format!("{i}")).await;
    }
    sqlx::query("DELETE FROM database_table_events WHERE table_id = $1 AND seq <= 3")
        .bind(fx.table)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let mut c = client(&app.url, &fx.user.access).await;
    subscribe(&mut c, fx.table, Some(1)).await;
    let m = next_of(&mut c.socket, "resync_required").await;
    assert_eq!(m["table_id"], fx.table);
}

#[tokio::test]
async fn changing_the_password_disconnects_the_users_other_sockets() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let mut other = client(&app.url, &ann.access).await;
    let mut current = client(&app.url, &ann.access).await;
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/user/change-password/", app.url))
                .header("Authorization", format!("JWT {}", ann.access))
                .header("WebSocketId", &current.id)
                .json(&json!({"old_password": "password123", "new_password": "new-password-1"})),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        next_of(&mut other.socket, "force_disconnect").await,
        json!({"type": "force_disconnect"})
    );
    assert!(
        maybe_of(
            &mut current.socket,
            &["force_disconnect"],
            Duration::from_millis(700)
        )
        .await
        .is_none()
    );
}

#[tokio::test]
async fn resetting_the_password_disconnects_every_socket_of_the_account() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let mut first = client(&app.url, &ann.access).await;
    let mut second = client(&app.url, &ann.access).await;
    let mut bobs = client(&app.url, &bob.access).await;
    let base_url = format!("{}/reset-password", app.url);
    let r = app
        .post(
            "/api/user/send-reset-password-email/",
            None,
            json!({"email": "ann@x.io", "base_url": base_url}),
        )
        .await;
    assert_eq!(r.status, 204);
    let mail = app
        .mail
        .wait_for("ann@x.io", Duration::from_secs(20))
        .await
        .expect("reset email");
    let link = mail.link_starting_with(&base_url).expect("reset link");
    let token = link.rsplit('/').next().unwrap();
    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": token, "password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    for socket in [&mut first, &mut second] {
        assert_eq!(
            next_of(&mut socket.socket, "force_disconnect").await,
            json!({"type": "force_disconnect"})
        );
    }
    assert!(
        maybe_of(
            &mut bobs.socket,
            &["force_disconnect"],
            Duration::from_millis(700)
        )
        .await
        .is_none()
    );
}

#[tokio::test]
async fn losing_access_ends_subscriptions_within_one_event() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let w: i64 = sqlx::query_scalar("SELECT workspace_id FROM applications WHERE id = $1")
        .bind(fx.database)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();
    let mut c = client(&app.url, &bob.access).await;
    subscribe(&mut c, fx.table, None).await;
    create_row(&app, &fx, None, "visible").await;
    next_of(&mut c.socket, "rows_created").await;

    // Ann removes Bob: his socket drops the table, and later changes never reach him.
    let members = app
        .get(
            &format!("/api/workspaces/users/workspace/{w}/"),
            Some(&fx.user.access),
        )
        .await;
    let membership = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == bob.id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.delete(
            &format!("/api/workspaces/users/{membership}/"),
            Some(&fx.user.access)
        )
        .await
        .status,
        204
    );
    assert_eq!(
        next_of(&mut c.socket, "page_discard").await["parameters"],
        json!({"table_id": fx.table})
    );
    create_row(&app, &fx, None, "secret").await;
    assert!(
        maybe_of(&mut c.socket, &["rows_created"], Duration::from_millis(800))
            .await
            .is_none(),
        "changes after the removal never reach him"
    );
}

#[tokio::test]
async fn a_deleted_table_ends_its_subscriptions() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let mut c = client(&app.url, &fx.user.access).await;
    subscribe(&mut c, fx.table, None).await;
    assert_eq!(
        app.delete(
            &format!("/api/database/tables/{}/", fx.table),
            Some(&fx.user.access)
        )
        .await
        .status,
        204
    );
    let deleted = next_of(&mut c.socket, "table_deleted").await;
    assert_eq!(deleted["database_id"], fx.database);
    assert_eq!(
        next_of(&mut c.socket, "page_discard").await["parameters"],
        json!({"table_id": fx.table})
    );
}

/// The next message of one of these types within `timeout`, skipping others.
pub(crate) async fn maybe_of(
    socket: &mut Socket,
    kinds: &[&str],
    timeout: Duration,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        let m = next_json(socket, left).await?;
        if kinds.iter().any(|k| m["type"] == *k) {
            return Some(m);
        }
    }
}

#[tokio::test]
async fn workspace_level_events_reach_every_member_without_a_page_but_no_outsider() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let workspace = app.workspace(&ann, "W").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let a = Some(ann.access.as_str());
    // Bob joins through an invitation: Ann (an admin) sees the invitation and the new member.
    let mut ann_socket = client(&app.url, &ann.access).await;
    let r = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{workspace}/"),
            a,
            json!({"email": "bob@x.io", "permissions": "MEMBER", "message": "", "base_url": format!("{}/invite", app.url)}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let invitation = r.body["id"].as_i64().unwrap();
    let m = next_of(
        &mut ann_socket.socket,
        "workspace_invitation_updated_or_created",
    )
    .await;
    assert_eq!(m["invitation"]["email"], "bob@x.io");
    let r = app
        .post(
            &format!("/api/workspaces/invitations/{invitation}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Two events of one change: each is its own job, so they may arrive in either order.
    let mut added = Value::Null;
    let mut accepted = false;
    while added.is_null() || !accepted {
        let m = maybe_of(
            &mut ann_socket.socket,
            &["group_user_added", "workspace_invitation_accepted"],
            Duration::from_secs(10),
        )
        .await
        .expect("both the new member and the used invitation are announced");
        if m["type"] == "group_user_added" {
            added = m;
        } else {
            accepted = true;
        }
    }
    assert_eq!(added["workspace_id"], workspace);
    assert_eq!(added["workspace_user"]["email"], "bob@x.io");

    let mut bob_socket = client(&app.second_backend().await, &bob.access).await;
    let mut carol_socket = client(&app.url, &carol.access).await;
    // Ann's own tab (named by WebSocketId) does not get an echo; Bob's socket does.
    let renamed = app
        .raw(
            app.client()
                .patch(format!("{}/api/workspaces/{workspace}/", app.url))
                .header("Authorization", format!("JWT {}", ann.access))
                .header("WebSocketId", &ann_socket.id)
                .json(&json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!(renamed.status, 200);
    let m = next_of(&mut bob_socket.socket, "group_updated").await;
    assert_eq!(
        (m["workspace_id"].clone(), m["workspace"]["name"].clone()),
        (json!(workspace), json!("Renamed"))
    );

    let database = app.database(&ann, workspace).await;
    let m = next_of(&mut bob_socket.socket, "application_created").await;
    assert_eq!(m["application"]["id"], database);
    assert_eq!(m["application"]["type"], "database");
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            a,
            json!({"name": "T"}),
        )
        .await;
    let table = r.body["id"].as_i64().unwrap();
    let m = next_of(&mut bob_socket.socket, "table_created").await;
    assert_eq!(m["table"]["id"], table);
    app.patch(
        &format!("/api/database/tables/{table}/"),
        a,
        json!({"name": "T2"}),
    )
    .await;
    let m = next_of(&mut bob_socket.socket, "table_updated").await;
    assert_eq!(
        (m["table_id"].clone(), m["table"]["name"].clone()),
        (json!(table), json!("T2"))
    );
    app.patch(
        &format!("/api/applications/{database}/"),
        a,
        json!({"name": "DB2"}),
    )
    .await;
    let m = next_of(&mut bob_socket.socket, "application_updated").await;
    assert_eq!(m["application"]["name"], "DB2");
    assert_eq!(m["application"]["tables"][0]["id"], table);
    app.delete(&format!("/api/database/tables/{table}/"), a)
        .await;
    let m = next_of(&mut bob_socket.socket, "table_deleted").await;
    assert_eq!(
        (m["table_id"].clone(), m["database_id"].clone()),
        (json!(table), json!(database))
    );
    app.delete(&format!("/api/applications/{database}/"), a)
        .await;
    assert_eq!(
        next_of(&mut bob_socket.socket, "application_deleted").await["application_id"],
        database
    );

    // Role change, then removal: the removed member is told too, and hears nothing after.
    let membership = added["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/workspaces/users/{membership}/"),
        a,
        json!({"permissions": "ADMIN"}),
    )
    .await;
    let m = next_of(&mut bob_socket.socket, "group_user_updated").await;
    assert_eq!(m["workspace_user"]["permissions"], "ADMIN");
    app.patch(
        &format!("/api/workspaces/users/{membership}/"),
        a,
        json!({"permissions": "MEMBER"}),
    )
    .await;
    next_of(&mut bob_socket.socket, "group_user_updated").await;
    let r = app
        .delete(&format!("/api/workspaces/users/{membership}/"), a)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let m = next_of(&mut bob_socket.socket, "group_user_deleted").await;
    assert_eq!(m["id"], membership);
    app.patch(
        &format!("/api/workspaces/{workspace}/"),
        a,
        json!({"name": "After"}),
    )
    .await;
    let m = next_of(&mut ann_socket.socket, "group_updated").await;
    assert_eq!(
        m["workspace"]["name"], "After",
        "requests without WebSocketId reach the actor too"
    );
    assert!(
        maybe_of(
            &mut bob_socket.socket,
            &["group_updated"],
            Duration::from_millis(800)
        )
        .await
        .is_none(),
        "a removed member gets no more workspace events"
    );
    app.delete(&format!("/api/workspaces/{workspace}/"), a)
        .await;
    assert_eq!(
        next_of(&mut ann_socket.socket, "group_deleted").await["workspace_id"],
        workspace
    );

    let everything = [
        "workspace_invitation_updated_or_created",
        "group_user_added",
        "group_updated",
        "application_created",
        "table_created",
        "group_deleted",
    ];
    assert!(
        maybe_of(
            &mut carol_socket.socket,
            &everything,
            Duration::from_millis(500)
        )
        .await
        .is_none(),
        "someone outside the workspace hears nothing"
    );
}

/// SHA-256 hex of an id's decimal digits, as reorder events carry ids.
fn hashed(id: i64) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(id.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn reordering_databases_and_tables_is_announced_to_members_with_hashed_ids() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let a = Some(ann.access.as_str());
    let workspace = app.workspace(&ann, "W").await;
    let r = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{workspace}/"),
            a,
            json!({"email": "bob@x.io", "permissions": "MEMBER", "message": "", "base_url": format!("{}/invite", app.url)}),
        )
        .await;
    let invitation = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/workspaces/invitations/{invitation}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first = app.database(&ann, workspace).await;
    let second = app.database(&ann, workspace).await;
    let mut tables = Vec::new();
    for name in ["A", "B", "C"] {
        let r = app
            .post(
                &format!("/api/database/tables/database/{first}/"),
                a,
                json!({ "name": name }),
            )
            .await;
        tables.push(r.body["id"].as_i64().unwrap());
    }
    let mut ann_socket = client(&app.url, &ann.access).await;
    let mut bob_socket = client(&app.second_backend().await, &bob.access).await;
    let mut carol_socket = client(&app.url, &carol.access).await;

    // Ann's tab names its socket: Bob hears of the change, Ann's tab gets no echo.
    let r = app
        .raw(
            app.client()
                .post(format!(
                    "{}/api/applications/workspace/{workspace}/order/",
                    app.url
                ))
                .header("Authorization", format!("JWT {}", ann.access))
                .header("WebSocketId", &ann_socket.id)
                .json(&json!({ "application_ids": [second, first] })),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let m = next_of(&mut bob_socket.socket, "applications_reordered").await;
    assert_eq!(m["workspace_id"], workspace);
    assert_eq!(m["order"], json!([hashed(second), hashed(first)]));

    // Listing some of the tables moves those; the event carries the whole new order.
    let r = app
        .post(
            &format!("/api/database/tables/database/{first}/order/"),
            a,
            json!({ "table_ids": [tables[2], tables[0]] }),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let m = next_of(&mut bob_socket.socket, "tables_reordered").await;
    assert_eq!(m["database_id"], hashed(first));
    assert_eq!(
        m["order"],
        json!([hashed(tables[2]), hashed(tables[1]), hashed(tables[0])])
    );
    // Without a WebSocketId the actor's sockets hear it too, but not twice the database order.
    let m = maybe_of(
        &mut ann_socket.socket,
        &["applications_reordered", "tables_reordered"],
        Duration::from_secs(10),
    )
    .await
    .expect("the request without WebSocketId reaches Ann's socket");
    assert_eq!(m["type"], "tables_reordered");
    assert!(
        maybe_of(
            &mut carol_socket.socket,
            &["applications_reordered", "tables_reordered"],
            Duration::from_millis(500)
        )
        .await
        .is_none(),
        "someone outside the workspace hears nothing"
    );
}
