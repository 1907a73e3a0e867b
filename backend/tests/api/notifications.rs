//! Notifications: made for mentions, form answers and invitations, delivered live, listed,
//! marked read, cleared and counted; and the email summaries per frequency.

use crate::helpers::{Session, TableFixture, TestApp, assert_error, create_row_id};
use crate::realtime::{client, maybe_of, next_of};
use crate::row_comments::{comment, member, message};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use std::time::Duration;
use tessera::platform::notifications::{self, email_summary};

async fn listing(app: &TestApp, user: &Session, workspace: i64) -> Value {
    let r = app
        .get(
            &format!("/api/notifications/{workspace}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// The user's `unread_notifications_count` of the workspace, from the workspace list.
async fn unread(app: &TestApp, user: &Session, workspace: i64) -> i64 {
    let r = app.get("/api/workspaces/", Some(&user.access)).await;
    r.body
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == workspace)
        .unwrap()["unread_notifications_count"]
        .as_i64()
        .unwrap()
}

async fn recipients_of(app: &TestApp, user_id: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM notification_recipients WHERE recipient_id = $1")
        .bind(user_id)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

/// Ann's table with a row; Bob a member; returns the row.
async fn setup(app: &TestApp) -> (TableFixture, Session, i64, i64) {
    let fx = app.table_fixture().await;
    let bob = member(app, &fx, "Bob", "bob@x.io").await;
    let row = create_row_id(app, &fx.user, fx.table, json!({})).await;
    let w = fx.workspace_id(app).await;
    (fx, bob, row, w)
}

#[tokio::test]
async fn a_mention_notifies_the_member_live_and_mentions_no_one_else() {
    let app = TestApp::spawn().await;
    let (fx, bob, row, w) = setup(&app).await;
    let ann = &fx.user;
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let mut bob_socket = client(&app.url, &bob.access).await;

    let text = message(
        "look ",
        &[(bob.id, "Bob"), (carol.id, "Carol"), (ann.id, "Ann")],
    );
    let r = comment(&app, ann, fx.table, row, text.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let comment_id = r.body["id"].as_i64().unwrap();
    // The non-member stays in the text but is not notified, nor is the author.
    assert_eq!(r.body["message"], text);

    let m = next_of(&mut bob_socket.socket, "notifications_created").await;
    let n = &m["notifications"][0];
    assert_eq!(n["type"], "row_comment_mention");
    assert_eq!(n["read"], false);
    assert_eq!(n["workspace"], json!({"id": w}));
    assert_eq!(
        n["sender"],
        json!({"id": ann.id, "username": "ann@x.io", "first_name": "Ann"})
    );
    assert_eq!(n["data"]["row_id"], row);
    assert_eq!(n["data"]["comment_id"], comment_id);
    assert_eq!(n["data"]["table_id"], fx.table);
    assert_eq!(n["data"]["table_name"], "T");
    assert_eq!(n["data"]["message"], text);

    let body = listing(&app, &bob, w).await;
    assert_eq!(body["count"], 1);
    assert_eq!(body["results"][0]["id"], n["id"]);
    assert_eq!(unread(&app, &bob, w).await, 1);
    assert_eq!(recipients_of(&app, carol.id).await, 0);
    assert_eq!(recipients_of(&app, ann.id).await, 0);

    // Editing the comment notifies only members mentioned for the first time.
    let dee = member(&app, &fx, "Dee", "dee@x.io").await;
    let path = format!("/api/row_comments/{}/comment/{comment_id}/", fx.table);
    let r = app
        .patch(
            &path,
            Some(&ann.access),
            json!({"message": message("now ", &[(bob.id, "Bob"), (dee.id, "Dee")])}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(recipients_of(&app, bob.id).await, 1);
    assert_eq!(listing(&app, &dee, w).await["count"], 1);
}

/// The email summary job and marking as read lock recipient rows too; a notification whose
/// row one of them holds while the live delivery runs must still go out, not stay queued.
#[tokio::test]
async fn a_notification_held_by_another_writer_during_delivery_is_still_delivered_live() {
    let app = TestApp::spawn().await;
    let (fx, bob, row, _) = setup(&app).await;
    let mut bob_socket = client(&app.url, &bob.access).await;
    comment(
        &app,
        &fx.user,
        fx.table,
        row,
        message("hi ", &[(bob.id, "Bob")]),
    )
    .await;
    let first = next_of(&mut bob_socket.socket, "notifications_created").await;
    let id = &first["notifications"][0]["id"];

    // Queued again (without a job: the delivery is run by hand below), then held by a
    // writer as the summary job holds it, while a delivery runs.
    sqlx::query("UPDATE notification_recipients SET queued = TRUE WHERE recipient_id = $1")
        .bind(bob.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let mut holder = app.ctx.db.begin().await.unwrap();
    sqlx::query(
        "UPDATE notification_recipients SET email_scheduled = FALSE WHERE recipient_id = $1",
    )
    .bind(bob.id)
    .execute(&mut *holder)
    .await
    .unwrap();
    let ctx = app.ctx.clone();
    let delivery = tokio::spawn(async move { notifications::live::send_queued(&ctx).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    holder.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), delivery)
        .await
        .expect("the delivery ends once the row is free")
        .unwrap()
        .unwrap();

    let again = next_of(&mut bob_socket.socket, "notifications_created").await;
    assert_eq!(&again["notifications"][0]["id"], id);
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notification_recipients WHERE recipient_id = $1 AND queued",
    )
    .bind(bob.id)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(queued, 0, "nothing is left on the queue");
}

#[tokio::test]
async fn notifications_are_marked_read_one_or_all_and_cleared_live() {
    let app = TestApp::spawn().await;
    let (fx, bob, row, w) = setup(&app).await;
    let ann = &fx.user;
    for text in ["one", "two", "three"] {
        comment(&app, ann, fx.table, row, message(text, &[(bob.id, "Bob")])).await;
    }
    let mut other_tab = client(&app.url, &bob.access).await;
    let body = listing(&app, &bob, w).await;
    assert_eq!(body["count"], 3);
    let newest = body["results"][0]["id"].as_i64().unwrap();
    let r = app
        .get(
            &format!("/api/notifications/{w}/?limit=2"),
            Some(&bob.access),
        )
        .await;
    assert_eq!(r.body["results"].as_array().unwrap().len(), 2);
    assert!(r.body["next"].as_str().unwrap().contains("offset=2"));

    let path = format!("/api/notifications/{w}/{newest}/");
    let r = app
        .patch(&path, Some(&bob.access), json!({"read": true}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["id"].as_i64(), r.body["read"].clone()),
        (Some(newest), json!(true))
    );
    let m = next_of(&mut other_tab.socket, "notification_marked_as_read").await;
    assert_eq!(m["notification"]["id"], newest);
    assert_eq!(unread(&app, &bob, w).await, 2);
    // Bad bodies, other people's and unknown notifications change nothing.
    assert_error(
        &app.patch(&path, Some(&bob.access), json!({"read": "yes"}))
            .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    let ann_w = listing(&app, ann, w).await;
    assert_eq!(ann_w["count"], 0);
    assert_error(
        &app.patch(&path, Some(&ann.access), json!({"read": false}))
            .await,
        404,
        "ERROR_NOTIFICATION_DOES_NOT_EXIST",
    );
    assert_error(
        &app.patch(
            &format!("/api/notifications/{w}/{}/", newest + 50),
            Some(&bob.access),
            json!({"read": true}),
        )
        .await,
        404,
        "ERROR_NOTIFICATION_DOES_NOT_EXIST",
    );
    assert_eq!(unread(&app, &bob, w).await, 2);

    let r = app
        .post(
            &format!("/api/notifications/{w}/mark-all-as-read/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    next_of(&mut other_tab.socket, "all_notifications_marked_as_read").await;
    assert_eq!(unread(&app, &bob, w).await, 0);
    assert!(
        listing(&app, &bob, w).await["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );

    let r = app
        .delete(&format!("/api/notifications/{w}/"), Some(&bob.access))
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    next_of(&mut other_tab.socket, "all_notifications_cleared").await;
    assert_eq!(listing(&app, &bob, w).await["count"], 0);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "notifications without recipients go");

    // Outsiders and unknown workspaces.
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let r = app
        .get(&format!("/api/notifications/{w}/"), Some(&carol.access))
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app
        .get(
            &format!("/api/notifications/{}/", w + 100),
            Some(&bob.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_GROUP_DOES_NOT_EXIST");
}

#[tokio::test]
async fn invitees_with_an_account_are_notified_and_counted_at_log_in() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let w = app.workspace(&ann, "Team").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let bobs = app.workspace(&bob, "Own").await;
    let mut bob_socket = client(&app.url, &bob.access).await;
    let invite = |email: &str| json!({"email": email, "permissions": "MEMBER", "message": "", "base_url": format!("{}/invite", app.url)});
    let path = format!("/api/workspaces/invitations/workspace/{w}/");
    let r = app.post(&path, Some(&ann.access), invite("bob@x.io")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let invitation = r.body["id"].as_i64().unwrap();
    let m = next_of(&mut bob_socket.socket, "notifications_created").await;
    assert_eq!(
        m["notifications"][0]["type"],
        "workspace_invitation_created"
    );
    // It belongs to no workspace, so it is listed in each of Bob's.
    let body = listing(&app, &bob, bobs).await;
    assert_eq!(body["count"], 1);
    let n = &body["results"][0];
    assert_eq!(n["workspace"], Value::Null);
    assert_eq!(
        n["data"],
        json!({"invitation_id": invitation, "invited_to_workspace_id": w, "invited_to_workspace_name": "Team"})
    );
    assert_eq!(n["sender"]["first_name"], "Ann");
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(
        r.body["user_notifications"]["unread_count"], 1,
        "{:?}",
        r.body
    );
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": bob.refresh}),
        )
        .await;
    assert_eq!(
        r.body["user_notifications"]["unread_count"], 1,
        "{:?}",
        r.body
    );
    // Sending the same invitation again, or inviting someone without an account, does not.
    app.post(&path, Some(&ann.access), invite("bob@x.io")).await;
    app.post(&path, Some(&ann.access), invite("dee@x.io")).await;
    assert_eq!(listing(&app, &bob, bobs).await["count"], 1);
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(all, 1);
    // Accepting the invitation marks its notification read, on every tab.
    let r = app
        .post(
            &format!("/api/workspaces/invitations/{invitation}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next_of(&mut bob_socket.socket, "notification_marked_as_read").await;
    assert_eq!(m["notification"]["data"]["invitation_id"], invitation);
    assert_eq!(m["notification"]["read"], true);
    assert_eq!(listing(&app, &bob, bobs).await["results"][0]["read"], true);
    // Ann hears that Bob accepted.
    let body = listing(&app, &ann, w).await;
    assert_eq!(body["count"], 1, "{body}");
    let n = &body["results"][0];
    assert_eq!(n["type"], "workspace_invitation_accepted");
    assert_eq!(n["sender"]["first_name"], "Bob");
    assert_eq!(n["workspace"], json!({"id": w}));
    assert_eq!(n["data"]["invitation_id"], invitation);
}

#[tokio::test]
async fn a_form_answer_notifies_who_asked_for_answers() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let w = fx.workspace_id(&app).await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"name": "Sign-up", "type": "form", "public": true, "receive_notification_on_submit": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (form, slug) = (
        r.body["id"].as_i64().unwrap(),
        r.body["slug"].as_str().unwrap().to_owned(),
    );
    let r = app
        .patch(
            &format!("/api/database/views/{form}/field-options/"),
            Some(&fx.user.access),
            json!({"field_options": {name.to_string(): {"enabled": true, "name": "Your name"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/form/{slug}/submit/"),
            None,
            json!({ format!("field_{name}"): "Kid" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["row_id"].as_i64().unwrap();
    let body = listing(&app, &fx.user, w).await;
    assert_eq!(body["count"], 1, "{body}");
    let n = &body["results"][0];
    assert_eq!(n["type"], "form_submitted");
    assert_eq!(n["sender"], Value::Null);
    assert_eq!(n["data"]["form_id"], form);
    assert_eq!(n["data"]["form_name"], "Sign-up");
    assert_eq!(n["data"]["row_id"], row);
    assert_eq!(n["data"]["values"], json!([["Your name", "Kid"]]));
}

#[tokio::test]
async fn mentions_are_summed_up_by_email_at_each_users_frequency() {
    let app = TestApp::spawn().await;
    let (fx, bob, row, _) = setup(&app).await;
    let ann = &fx.user;
    let carol = member(&app, &fx, "Carol", "carol@x.io").await;
    let dee = member(&app, &fx, "Dee", "dee@x.io").await;
    for (user, frequency) in [(&carol, "daily"), (&dee, "never")] {
        let r = app
            .patch(
                "/api/user/account/",
                Some(&user.access),
                json!({"email_notification_frequency": frequency}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    // As if Carol's last summary went out just now: a run at midnight (UTC) while this
    // test runs cannot send her the next one early.
    sqlx::query("UPDATE users SET last_notifications_email_sent_at = now() WHERE id = $1")
        .bind(carol.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let mentions = [(bob.id, "Bob"), (carol.id, "Carol"), (dee.id, "Dee")];
    comment(
        &app,
        ann,
        fx.table,
        row,
        message("please check ", &mentions),
    )
    .await;

    // Bob wants them at once.
    let mail = app
        .mail
        .wait_for("bob@x.io", Duration::from_secs(10))
        .await
        .expect("the instant summary");
    assert_eq!(mail.subject, "You have 1 new notification - Tessera");
    assert!(
        mail.text.contains("Ann mentioned you in row"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("please check @Bob@Carol@Dee"),
        "{}",
        mail.text
    );

    // Carol's waits for midnight (UTC); Dee gets none.
    let noon = Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).unwrap();
    assert_eq!(email_summary::send_due(&app.ctx, noon).await.unwrap(), 0);
    let midnight = Utc.with_ymd_and_hms(2026, 12, 9, 0, 5, 0).unwrap();
    assert_eq!(
        email_summary::send_due(&app.ctx, midnight).await.unwrap(),
        1
    );
    let mail = app
        .mail
        .wait_for("carol@x.io", Duration::from_secs(10))
        .await
        .expect("the daily summary");
    assert!(mail.text.contains("Ann mentioned you"), "{}", mail.text);
    assert_eq!(
        email_summary::send_due(&app.ctx, midnight).await.unwrap(),
        0
    );

    // A notification read before its summary is not mailed.
    comment(
        &app,
        ann,
        fx.table,
        row,
        message("again ", &[(carol.id, "Carol")]),
    )
    .await;
    let w = fx.workspace_id(&app).await;
    let r = app
        .post(
            &format!("/api/notifications/{w}/mark-all-as-read/"),
            Some(&carol.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 204);
    let next_midnight = Utc.with_ymd_and_hms(2026, 12, 10, 0, 5, 0).unwrap();
    assert_eq!(
        email_summary::send_due(&app.ctx, next_midnight)
            .await
            .unwrap(),
        0
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let to = |who: &str| {
        app.mail
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(who)))
            .count()
    };
    assert_eq!((to("carol@x.io"), to("dee@x.io")), (1, 0));
}

#[tokio::test]
async fn daily_and_weekly_summaries_go_out_at_midnight_in_each_users_time_zone() {
    let app = TestApp::spawn().await;
    let (fx, _bob, row, _) = setup(&app).await;
    let ann = &fx.user;
    let carol = member(&app, &fx, "Carol", "carol@x.io").await;
    let dee = member(&app, &fx, "Dee", "dee@x.io").await;
    let account = |user: &Session, body: Value| {
        let access = user.access.clone();
        let app = &app;
        async move { app.patch("/api/user/account/", Some(&access), body).await }
    };
    // Unknown zones and NUL bytes are refused and change nothing.
    for bad in ["Mars/Olympus", "UTC\0", ""] {
        let r = account(&carol, json!({"timezone": bad})).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = account(
        &carol,
        json!({"email_notification_frequency": "daily", "timezone": "Asia/Tokyo"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["timezone"], "Asia/Tokyo");
    let r = account(
        &dee,
        json!({"email_notification_frequency": "weekly", "timezone": "America/New_York"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // As if their last summaries went out just now: a real run while this test runs cannot
    // send the next ones early; the times below are days later.
    sqlx::query("UPDATE users SET last_notifications_email_sent_at = now() WHERE id = ANY($1)")
        .bind(vec![carol.id, dee.id])
        .execute(&app.ctx.db)
        .await
        .unwrap();
    comment(
        &app,
        ann,
        fx.table,
        row,
        message("see ", &[(carol.id, "Carol"), (dee.id, "Dee")]),
    )
    .await;

    let at = |d, h| Utc.with_ymd_and_hms(2026, 12, d, h, 5, 0).unwrap();
    // Midnight UTC is 09:05 in Tokyo and 19:05 the day before in New York: nobody's due.
    assert_eq!(
        email_summary::send_due(&app.ctx, at(9, 0)).await.unwrap(),
        0
    );
    // 15:05 UTC is 00:05 in Tokyo: Carol's daily summary.
    assert_eq!(
        email_summary::send_due(&app.ctx, at(8, 15)).await.unwrap(),
        1
    );
    let mail = app
        .mail
        .wait_for("carol@x.io", Duration::from_secs(10))
        .await
        .expect("Carol's daily summary");
    assert!(mail.text.contains("Ann mentioned you"), "{}", mail.text);
    // Monday 00:05 UTC is still Sunday in New York; 05:05 UTC is Monday 00:05 there.
    assert_eq!(
        email_summary::send_due(&app.ctx, at(14, 0)).await.unwrap(),
        0
    );
    assert_eq!(
        email_summary::send_due(&app.ctx, at(14, 5)).await.unwrap(),
        1
    );
    let mail = app
        .mail
        .wait_for("dee@x.io", Duration::from_secs(10))
        .await
        .expect("Dee's weekly summary");
    assert!(mail.text.contains("Ann mentioned you"), "{}", mail.text);
}

/// Creates `n` form-answer notifications for `user` in one transaction.
async fn notify_many(app: &TestApp, user: &Session, workspace: i64, n: usize) {
    let mut tx = app.ctx.db.begin().await.unwrap();
    for i in 0..n {
        let new = notifications::NewNotification {
            kind: "form_submitted",
            workspace_id: Some(workspace),
            sender_id: None,
            data: json!({"form_id": 1, "form_name": format!("F{i}")}),
            email: false,
        };
        notifications::create(&mut tx, new, &[user.id])
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn many_notifications_at_once_ask_the_client_to_fetch_them() {
    let app = TestApp::spawn().await;
    let (_fx, bob, _row, w) = setup(&app).await;
    let mut bob_socket = client(&app.url, &bob.access).await;

    // Up to twenty come whole, newest first, in one message.
    notify_many(&app, &bob, w, 20).await;
    let m = next_of(&mut bob_socket.socket, "notifications_created").await;
    let listed = m["notifications"].as_array().unwrap();
    assert_eq!(listed.len(), 20, "{m}");
    assert_eq!(listed[0]["data"]["form_name"], "F19");
    assert_eq!(listed[19]["data"]["form_name"], "F0");

    // More than twenty: only their number per workspace, and no notification.
    notify_many(&app, &bob, w, 21).await;
    let m = maybe_of(
        &mut bob_socket.socket,
        &["notifications_created", "notifications_fetch_required"],
        Duration::from_secs(10),
    )
    .await
    .expect("a message");
    assert_eq!(
        m,
        json!({"type": "notifications_fetch_required",
               "notifications_added": [{"workspace_id": w, "count": 21}]})
    );
    assert_eq!(listing(&app, &bob, w).await["count"], 41);
    assert_eq!(unread(&app, &bob, w).await, 41);
}
