//! Pages beyond whole tables: one row, a shared view (with hidden fields, filters and a
//! password), and the events of a user's jobs.

use crate::{
    helpers::{TableFixture, TestApp},
    realtime::{Socket, client, connect, create_row, maybe_of, next_json, next_of},
};
use futures::SinkExt;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const QUIET: Duration = Duration::from_millis(800);

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// Workspace-level events reach every socket of a member without a page; the fixture's
/// own (its database and table being created) can arrive after a socket connects.
const WORKSPACE_EVENTS: &[&str] = &[
    "group_created",
    "group_updated",
    "group_user_added",
    "application_created",
    "application_updated",
    "applications_reordered",
    "table_created",
    "table_updated",
    "tables_reordered",
];

/// The next message of the socket's pages, which must come (workspace-level events and
/// row history, which has its own tests, are passed over).
async fn next(socket: &mut Socket) -> Value {
    loop {
        let m = next_json(socket, Duration::from_secs(10))
            .await
            .expect("a message");
        let workspace_level = m["type"]
            .as_str()
            .is_some_and(|t| WORKSPACE_EVENTS.contains(&t))
            && m.get("seq").is_none();
        if !workspace_level && m["type"] != "row_history_updated" {
            return m;
        }
    }
}

async fn patch_row(app: &TestApp, fx: &TableFixture, row: i64, body: Value) {
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            Some(&fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn post_row(app: &TestApp, fx: &TableFixture, body: Value) -> i64 {
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_row_page_follows_only_its_row() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = format!("field_{}", app.field_id(&fx.user, fx.table, "Name").await);
    let a = create_row(&app, &fx, None, "a").await;
    let b = create_row(&app, &fx, None, "b").await;
    let mut c = client(&app.url, &fx.user.access).await;
    send(
        &mut c.socket,
        json!({"page": "row", "table_id": fx.table, "row_id": a}),
    )
    .await;
    let add = next_of(&mut c.socket, "page_add").await;
    assert_eq!(add["page"], "row");
    assert_eq!(
        add["parameters"],
        json!({"table_id": fx.table, "row_id": a})
    );

    // Other rows' changes and new rows are not this page's: the first message is a's.
    patch_row(&app, &fx, b, json!({ &name: "b2" })).await;
    create_row(&app, &fx, None, "c").await;
    patch_row(&app, &fx, a, json!({ &name: "a2" })).await;
    let m = next(&mut c.socket).await;
    assert_eq!(m["type"], "rows_updated", "{m}");
    assert_eq!(m["rows"].as_array().unwrap().len(), 1);
    assert_eq!(m["rows"][0]["id"], a);
    assert_eq!(m["rows"][0][&name], "a2");
    assert_eq!(m["rows_before_update"][0][&name], "a");
    assert_eq!(m["table_id"], fx.table);

    // A batch touching both rows is cut down to a.
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({"items": [{"id": b, &name: "b3"}, {"id": a, &name: "a3"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next(&mut c.socket).await;
    assert_eq!(m["type"], "rows_updated", "{m}");
    assert_eq!(m["rows"], json!([m["rows"][0].clone()]));
    assert_eq!(m["rows"][0]["id"], a);
    assert_eq!(m["rows_before_update"].as_array().unwrap().len(), 1);

    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch-delete/", fx.table),
            Some(&fx.user.access),
            json!({"items": [b, a]}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    let m = next(&mut c.socket).await;
    assert_eq!(m["type"], "rows_deleted", "{m}");
    assert_eq!(m["row_ids"], json!([a]));
    assert_eq!(m["rows"].as_array().unwrap().len(), 1);

    send(
        &mut c.socket,
        json!({"remove_page": "row", "table_id": fx.table, "row_id": a}),
    )
    .await;
    let m = next(&mut c.socket).await;
    assert_eq!(
        m,
        json!({"type": "page_discard", "page": "row", "parameters": {"table_id": fx.table, "row_id": a}})
    );
}

#[tokio::test]
async fn a_row_page_needs_a_live_row_the_user_may_read_and_ends_with_access() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = create_row(&app, &fx, None, "a").await;
    let trashed = create_row(&app, &fx, None, "gone").await;
    app.delete(
        &format!("/api/database/rows/table/{}/{trashed}/", fx.table),
        Some(&fx.user.access),
    )
    .await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let mut outsider = client(&app.url, &bob.access).await;
    send(
        &mut outsider.socket,
        json!({"page": "row", "table_id": fx.table, "row_id": a}),
    )
    .await;
    assert!(next_json(&mut outsider.socket, QUIET).await.is_none());
    let mut ann = client(&app.url, &fx.user.access).await;
    for row in [trashed, 999_999] {
        send(
            &mut ann.socket,
            json!({"page": "row", "table_id": fx.table, "row_id": row}),
        )
        .await;
    }
    assert!(
        next_json(&mut ann.socket, QUIET).await.is_none(),
        "rows in the trash or missing get no answer"
    );

    // Bob joins, follows the row, and is removed: the page goes.
    let w = fx.workspace_id(&app).await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();
    let mut member = client(&app.url, &bob.access).await;
    send(
        &mut member.socket,
        json!({"page": "row", "table_id": fx.table, "row_id": a}),
    )
    .await;
    next_of(&mut member.socket, "page_add").await;
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
    app.delete(
        &format!("/api/workspaces/users/{membership}/"),
        Some(&fx.user.access),
    )
    .await;
    let m = next_of(&mut member.socket, "page_discard").await;
    assert_eq!(m["parameters"], json!({"table_id": fx.table, "row_id": a}));
}

/// A grid view of the fixture's table, shared, showing Name but not Secret, filtered to
/// names containing "keep". Returns `(view id, slug, Name key, Secret field id)`.
async fn shared_view(app: &TestApp, fx: &TableFixture) -> (i64, String, String, i64) {
    let a = Some(fx.user.access.as_str());
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let secret = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Secret", "type": "text"}),
        )
        .await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Shared", "type": "grid", "public": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let slug = r.body["slug"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/database/views/{id}/filters/"),
            a,
            json!({"field": name, "type": "contains", "value": "keep"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            a,
            json!({"field_options": {secret.to_string(): {"hidden": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (id, slug, format!("field_{name}"), secret)
}

#[tokio::test]
async fn a_shared_view_page_sends_only_shown_fields_of_matching_rows() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let (view, slug, name, secret) = shared_view(&app, &fx).await;
    let secret_key = format!("field_{secret}");
    let (mut s, auth) = connect(&app.url, Some("anonymous")).await;
    assert_eq!(
        auth["success"], true,
        "anonymous sockets may follow shared views"
    );
    send(&mut s, json!({"page": "view", "slug": slug})).await;
    let add = next(&mut s).await;
    assert_eq!(
        add,
        json!({"type": "page_add", "page": "view", "parameters": {"slug": slug}})
    );
    let mut received = Vec::new();

    let kept = post_row(
        &app,
        &fx,
        json!({&name: "keep 1", &secret_key: "TOPSECRET-1"}),
    )
    .await;
    let m = next(&mut s).await;
    assert_eq!(m["type"], "rows_created", "{m}");
    assert_eq!(m["rows"][0]["id"], kept);
    assert_eq!(m["rows"][0][&name], "keep 1");
    received.push(m);

    // A row the filter leaves out is not sent; when an edit lets it in, it is created.
    let other = post_row(
        &app,
        &fx,
        json!({&name: "drop", &secret_key: "TOPSECRET-2"}),
    )
    .await;
    patch_row(&app, &fx, other, json!({&name: "keep 2"})).await;
    let m = next(&mut s).await;
    assert_eq!(m["type"], "rows_created", "{m}");
    assert_eq!(m["rows"][0]["id"], other);
    received.push(m);

    // An edit that makes a row stop matching deletes it from the page.
    patch_row(&app, &fx, kept, json!({&name: "now out"})).await;
    let m = next(&mut s).await;
    assert_eq!(m["type"], "rows_deleted", "{m}");
    assert_eq!(m["row_ids"], json!([kept]));
    received.push(m);

    // Edits of hidden fields only are not sent; edits of shown ones are, cut down.
    patch_row(&app, &fx, other, json!({&secret_key: "TOPSECRET-3"})).await;
    patch_row(
        &app,
        &fx,
        other,
        json!({&name: "keep 2b", &secret_key: "TOPSECRET-4"}),
    )
    .await;
    let m = next(&mut s).await;
    assert_eq!(m["type"], "rows_updated", "{m}");
    assert_eq!(m["rows"][0][&name], "keep 2b");
    assert_eq!(m["rows_before_update"][0][&name], "keep 2");
    assert_eq!(
        m["updated_field_ids"],
        json!([name.trim_start_matches("field_").parse::<i64>().unwrap()])
    );
    received.push(m);

    // The hidden field's own events are not sent; a filter change refreshes the rows.
    let r = app
        .patch(
            &format!("/api/database/fields/{secret}/"),
            a,
            json!({"name": "Hidden"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": name.trim_start_matches("field_").parse::<i64>().unwrap(), "type": "contains", "value": "2"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next(&mut s).await;
    assert_eq!(
        m,
        json!({"type": "force_view_rows_refresh", "view_id": slug})
    );
    received.push(m);
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            a,
            json!({"field_options": {name.trim_start_matches("field_"): {"width": 300}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next(&mut s).await;
    assert_eq!(m, json!({"type": "force_view_refresh", "view_id": slug}));
    received.push(m);

    for m in &received {
        let text = m.to_string();
        assert!(
            !text.contains(&secret_key) && !text.contains("TOPSECRET") && !text.contains("Hidden"),
            "a hidden field leaked: {text}"
        );
    }

    // No longer shared: the page goes.
    let r = app
        .patch(
            &format!("/api/database/views/{view}/"),
            a,
            json!({"public": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next_of(&mut s, "page_discard").await;
    assert_eq!(m["parameters"], json!({"slug": slug}));
    post_row(&app, &fx, json!({&name: "keep 3"})).await;
    assert!(next_json(&mut s, QUIET).await.is_none());
}

#[tokio::test]
async fn a_password_view_page_needs_its_token_and_ends_when_the_password_changes() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let (view, slug, name, secret) = shared_view(&app, &fx).await;
    let r = app
        .patch(
            &format!("/api/database/views/{view}/"),
            a,
            json!({"public_view_password": "open sesame"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/{slug}/public/auth/"),
            None,
            json!({"password": "open sesame"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap().to_owned();

    let (mut without, _) = connect(&app.url, Some("anonymous")).await;
    send(&mut without, json!({"page": "view", "slug": slug})).await;
    let (mut forged, _) = connect(&app.url, Some("anonymous")).await;
    send(
        &mut forged,
        json!({"page": "view", "slug": slug, "token": format!("{token}x")}),
    )
    .await;
    let (mut unlocked, _) = connect(&app.url, Some("anonymous")).await;
    send(
        &mut unlocked,
        json!({"page": "view", "slug": slug, "token": token}),
    )
    .await;
    assert_eq!(next_of(&mut unlocked, "page_add").await["page"], "view");

    post_row(
        &app,
        &fx,
        json!({&name: "keep", format!("field_{secret}"): "TOPSECRET"}),
    )
    .await;
    let m = next(&mut unlocked).await;
    assert_eq!(m["type"], "rows_created", "{m}");
    assert!(!m.to_string().contains("TOPSECRET"), "{m}");
    for socket in [&mut without, &mut forged] {
        assert!(
            next_json(socket, QUIET).await.is_none(),
            "no token, no page and no events"
        );
    }

    // A new password ends the old token's subscription.
    app.patch(
        &format!("/api/database/views/{view}/"),
        a,
        json!({"public_view_password": "another one"}),
    )
    .await;
    let m = next_of(&mut unlocked, "page_discard").await;
    assert_eq!(m["parameters"]["slug"], slug);
}

#[tokio::test]
async fn a_users_jobs_reach_their_sockets_as_they_start_and_change() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let mut ann = client(&app.url, &fx.user.access).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let mut other = client(&app.url, &bob.access).await;
    let r = app
        .post(
            &format!("/api/database/tables/{}/duplicate/async/", fx.table),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let job_id = r.body["id"].as_i64().unwrap();

    let started = next_of(&mut ann.socket, "job_started").await;
    assert_eq!(started["job"]["id"], job_id);
    assert_eq!(started["job"]["type"], "duplicate_table");
    assert_eq!(started["job"]["state"], "pending");
    // The job's states arrive as `job_updated`, shaped as the jobs API shows the job.
    let finished = loop {
        let m = next_of(&mut ann.socket, "job_updated").await;
        assert_eq!(m["job"]["id"], job_id);
        if m["job"]["state"] == "finished" {
            break m;
        }
    };
    let polled = app
        .get(&format!("/api/jobs/{job_id}/"), Some(&fx.user.access))
        .await;
    assert_eq!(finished["job"], polled.body);
    assert!(
        maybe_of(&mut other.socket, &["job_started", "job_updated"], QUIET)
            .await
            .is_none(),
        "other users hear nothing of it"
    );

    // Progress is throttled: twenty quick reports make at most a few events.
    for p in 1..=20 {
        tessera::platform::jobs::user_jobs::set_progress(&app.ctx.db, job_id, p)
            .await
            .unwrap();
    }
    let mut events = 0;
    while let Some(m) = maybe_of(&mut ann.socket, &["job_updated"], Duration::from_secs(1)).await {
        assert_eq!(m["job"]["id"], job_id);
        events += 1;
    }
    assert!((1..=3).contains(&events), "{events} progress events");
}
