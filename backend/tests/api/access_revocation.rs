//! Access that ends at once: a member removed from a workspace gets nothing of its tables
//! committed after the removal, live or replayed, even when the job that re-checks their
//! sockets never runs; and the periodic sweep drops pages whose access vanished without
//! any word of it.

use crate::helpers::{Session, TableFixture, TestApp};
use crate::realtime::{Socket, client, create_row, maybe_of, next_json, subscribe};
use futures::SinkExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How long a socket is watched for a message that must not come.
const QUIET: Duration = Duration::from_millis(800);

/// Bob, a member of the fixture's workspace; returns him and his membership id.
async fn bob_in(app: &TestApp, fx: &TableFixture) -> (Session, i64) {
    let w = fx.workspace_id(app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();
    let membership: i64 = sqlx::query_scalar(
        "SELECT id FROM workspace_users WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(w)
    .bind(bob.id)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    (bob, membership)
}

/// Ann removes Bob through the API (which queues the re-check job).
async fn remove(app: &TestApp, fx: &TableFixture, membership: i64) {
    let r = app
        .delete(
            &format!("/api/workspaces/users/{membership}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

/// What the `high` worker's fan-out job would do: publish the table's new events.
async fn fan_out(app: &TestApp, table: i64) {
    tessera::realtime::fan_out::publish_table_events(&app.ctx, table)
        .await
        .unwrap();
}

/// The messages before the first of type `kind` (which must come within 10 s).
async fn before(socket: &mut Socket, kind: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let m = next_json(socket, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no {kind} message; got {seen:?}"));
        if m["type"] == kind {
            return seen;
        }
        seen.push(m);
    }
}

fn types(messages: &[Value]) -> Vec<&str> {
    messages.iter().filter_map(|m| m["type"].as_str()).collect()
}

/// The re-check jobs still waiting in the queue (none is ever run in these tests).
async fn queued_rechecks(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM apalis.jobs WHERE convert_from(job, 'UTF8') LIKE '%recheck_access%'",
    )
    .fetch_one(&app.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_removed_member_gets_no_event_committed_after_the_removal_though_the_recheck_is_lost() {
    let app = TestApp::spawn_without_high_worker(|_| {}).await;
    let fx = app.table_fixture().await;
    let (bob, membership) = bob_in(&app, &fx).await;
    let mut c = client(&app.url, &bob.access).await;
    subscribe(&mut c, fx.table, None).await;
    create_row(&app, &fx, None, "visible").await;
    fan_out(&app, fx.table).await;
    let visible = before(&mut c.socket, "rows_created").await;
    assert!(!types(&visible).contains(&"page_discard"), "{visible:?}");

    remove(&app, &fx, membership).await;
    create_row(&app, &fx, None, "secret").await;
    fan_out(&app, fx.table).await;

    // The job that would re-check Bob's socket is never run: the event itself makes his
    // socket check first, and the page ends before the event could be sent.
    assert_eq!(queued_rechecks(&app).await, 1);
    let leaked = before(&mut c.socket, "page_discard").await;
    assert!(!types(&leaked).contains(&"rows_created"), "{leaked:?}");
    assert!(
        maybe_of(&mut c.socket, &["rows_created"], QUIET)
            .await
            .is_none(),
        "nothing committed after the removal reaches him"
    );
}

#[tokio::test]
async fn a_page_is_not_replayed_what_its_user_may_no_longer_see() {
    let app = TestApp::spawn_without_high_worker(|_| {}).await;
    let fx = app.table_fixture().await;
    let (bob, membership) = bob_in(&app, &fx).await;
    let mut c = client(&app.url, &bob.access).await;
    subscribe(&mut c, fx.table, None).await;
    create_row(&app, &fx, None, "visible").await;
    fan_out(&app, fx.table).await;
    let seq = maybe_of(&mut c.socket, &["rows_created"], Duration::from_secs(10))
        .await
        .expect("the row before the removal")["seq"]
        .as_i64()
        .unwrap();

    remove(&app, &fx, membership).await;
    create_row(&app, &fx, None, "secret 1").await;
    create_row(&app, &fx, None, "secret 2").await;
    // The first secret's publication is lost (Redis delivers at most once), so the second
    // arrives after a gap, which a socket fills by replaying the log. (Each creation is
    // followed in the log by its row history.)
    let second_secret = app
        .events(fx.table)
        .await
        .iter()
        .rev()
        .find(|e| e.1 == "rows_created")
        .map(|e| e.0)
        .unwrap();
    assert!(second_secret > seq + 2);
    sqlx::query("UPDATE realtime_cursors SET published_seq = $2 WHERE table_id = $1")
        .bind(fx.table)
        .bind(second_secret - 1)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    fan_out(&app, fx.table).await;
    let leaked = before(&mut c.socket, "page_discard").await;
    assert!(!types(&leaked).contains(&"rows_created"), "{leaked:?}");
    assert!(
        maybe_of(&mut c.socket, &["rows_created"], QUIET)
            .await
            .is_none()
    );

    // Reconnecting with the last sequence number seen replays nothing either.
    drop(c);
    let mut c = client(&app.url, &bob.access).await;
    let page = json!({"page": "table", "table_id": fx.table, "after_seq": seq});
    c.socket
        .send(Message::Text(page.to_string().into()))
        .await
        .unwrap();
    assert!(
        maybe_of(&mut c.socket, &["page_add", "rows_created"], QUIET)
            .await
            .is_none()
    );
}

#[tokio::test]
async fn the_sweep_drops_a_page_whose_access_vanished_without_a_word() {
    let app = TestApp::spawn_with(|s| s.realtime_access_sweep = Duration::from_secs(1)).await;
    let fx = app.table_fixture().await;
    let (bob, membership) = bob_in(&app, &fx).await;
    let mut c = client(&app.url, &bob.access).await;
    subscribe(&mut c, fx.table, None).await;

    // Removed behind the product's back: no revocation, no job, no message.
    sqlx::query("DELETE FROM workspace_users WHERE id = $1")
        .bind(membership)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let before_discard = before(&mut c.socket, "page_discard").await;
    assert!(
        !types(&before_discard).contains(&"rows_created"),
        "{before_discard:?}"
    );
    create_row(&app, &fx, None, "secret").await;
    assert!(
        maybe_of(&mut c.socket, &["rows_created"], QUIET)
            .await
            .is_none()
    );
}
