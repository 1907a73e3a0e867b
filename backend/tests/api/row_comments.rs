//! Row comments: written, listed, edited and deleted by their author only, validated,
//! counted per row in grid listings, announced on the table and row pages, hidden with
//! their row in the trash and deleted with it for good.

use crate::helpers::{Resp, Session, TableFixture, TestApp, assert_error, create_row_id};
use crate::realtime::{client, maybe_of, next_of, subscribe};
use futures::SinkExt;
use serde_json::{Value, json};
use std::time::Duration;
use tessera::platform::trash::cleanup_job;
use tokio_tungstenite::tungstenite::Message;

/// A one-paragraph message: `text` then a mention of each `(id, label)`.
pub(crate) fn message(text: &str, mentions: &[(i64, &str)]) -> Value {
    let mut content = vec![json!({"type": "text", "text": text})];
    for (id, label) in mentions {
        content.push(json!({"type": "mention", "attrs": {"id": id, "label": label}}));
    }
    json!({"type": "doc", "content": [{"type": "paragraph", "content": content}]})
}

/// A member of the fixture's workspace.
pub(crate) async fn member(app: &TestApp, fx: &TableFixture, name: &str, email: &str) -> Session {
    let w = fx.workspace_id(app).await;
    let user = app.sign_up(name, email).await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, user.id, "MEMBER")
        .await
        .unwrap();
    user
}

pub(crate) async fn comment(
    app: &TestApp,
    user: &Session,
    table: i64,
    row: i64,
    message: Value,
) -> Resp {
    app.post(
        &format!("/api/row_comments/{table}/{row}/"),
        Some(&user.access),
        json!({ "message": message }),
    )
    .await
}

async fn list(app: &TestApp, user: &Session, table: i64, row: i64) -> Resp {
    app.get(
        &format!("/api/row_comments/{table}/{row}/"),
        Some(&user.access),
    )
    .await
}

#[tokio::test]
async fn comments_are_listed_newest_first_and_only_their_author_edits_or_deletes_them() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let bob = member(&app, &fx, "Bob", "bob@x.io").await;
    let row = create_row_id(&app, ann, t, json!({})).await;

    let r = comment(&app, ann, t, row, message("first", &[])).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["user_id"], ann.id);
    assert_eq!(r.body["first_name"], "Ann");
    assert_eq!(
        (r.body["table_id"].clone(), r.body["row_id"].clone()),
        (json!(t), json!(row))
    );
    assert_eq!(r.body["message"], message("first", &[]));
    assert_eq!(
        (r.body["edited"].clone(), r.body["trashed"].clone()),
        (json!(false), json!(false))
    );
    let r = comment(&app, &bob, t, row, message("second", &[])).await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let r = list(&app, ann, t, row).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 2);
    assert_eq!(r.body["results"][0]["message"], message("second", &[]));
    assert_eq!(r.body["results"][1]["id"], first);
    let r = app
        .get(
            &format!("/api/row_comments/{t}/{row}/?limit=1"),
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.body["results"].as_array().unwrap().len(), 1);
    assert!(
        r.body["next"].as_str().unwrap().contains("offset=1"),
        "{:?}",
        r.body
    );

    // Bob may neither edit nor delete Ann's comment.
    let path = format!("/api/row_comments/{t}/comment/{first}/");
    let r = app
        .patch(
            &path,
            Some(&bob.access),
            json!({"message": message("mine", &[])}),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_COMMENT_AUTHOR");
    assert_error(
        &app.delete(&path, Some(&bob.access)).await,
        400,
        "ERROR_USER_NOT_COMMENT_AUTHOR",
    );

    let r = app
        .patch(
            &path,
            Some(&ann.access),
            json!({"message": message("edited", &[])}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["message"], message("edited", &[]));
    assert_eq!(r.body["edited"], true);

    // A deleted comment stays listed, without its message, and can no longer change.
    let r = app.delete(&path, Some(&ann.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["trashed"].clone(), r.body["message"].clone()),
        (json!(true), Value::Null)
    );
    let r = list(&app, &bob, t, row).await;
    assert_eq!(r.body["count"], 2);
    assert_eq!(r.body["results"][1]["trashed"], true);
    assert_eq!(r.body["results"][1]["message"], Value::Null);
    let r = app
        .patch(
            &path,
            Some(&ann.access),
            json!({"message": message("again", &[])}),
        )
        .await;
    assert_error(&r, 404, "ERROR_ROW_COMMENT_DOES_NOT_EXIST");

    // Outsiders, unknown rows, tables and comments.
    let carol = app.sign_up("Carol", "carol@x.io").await;
    assert_error(
        &list(&app, &carol, t, row).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    let r = comment(&app, &carol, t, row, message("hi", &[])).await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    assert_error(
        &list(&app, ann, t, row + 100).await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );
    assert_error(
        &list(&app, ann, t + 100, row).await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    let r = app
        .delete(
            &format!("/api/row_comments/{t}/comment/{}/", first + 100),
            Some(&ann.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_ROW_COMMENT_DOES_NOT_EXIST");
}

#[tokio::test]
async fn bad_messages_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let row = create_row_id(&app, ann, t, json!({})).await;
    let path = format!("/api/row_comments/{t}/{row}/");
    for body in [
        json!({}),
        json!({"message": "plain text"}),
        json!({"message": {"type": "doc", "content": []}}),
        json!({"message": message("", &[])}),
        json!({"message": message("nul \u{0} inside", &[])}),
        json!({"message": message(&"x".repeat(70_000), &[])}),
        json!({"message": {"type": "doc", "content": [{"type": "paragraph", "content": [
            {"type": "mention", "attrs": {"id": "not a number", "label": "X"}}]}]}}),
    ] {
        let r = app.post(&path, Some(&ann.access), body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = list(&app, ann, t, row).await;
    assert_eq!(r.body["count"], 0, "{:?}", r.body);
}

#[tokio::test]
async fn grid_listings_count_each_rows_comments_in_row_metadata() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let busy = create_row_id(&app, ann, t, json!({})).await;
    let quiet = create_row_id(&app, ann, t, json!({})).await;
    let none = create_row_id(&app, ann, t, json!({})).await;
    for text in ["a", "b"] {
        comment(&app, ann, t, busy, message(text, &[])).await;
    }
    let gone = comment(&app, ann, t, quiet, message("c", &[])).await.body["id"]
        .as_i64()
        .unwrap();
    app.delete(
        &format!("/api/row_comments/{t}/comment/{gone}/"),
        Some(&ann.access),
    )
    .await;
    let view = app
        .get(
            &format!("/api/database/views/table/{t}/"),
            Some(&ann.access),
        )
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/?include=row_metadata"),
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Deleted comments do not count; rows without comments are left out.
    // Commenting a row follows it (`row_comments_notification_mode: "all"`).
    assert_eq!(
        r.body["row_metadata"],
        json!({
            busy.to_string(): {"row_comment_count": 2, "row_comments_notification_mode": "all"},
            quiet.to_string(): {"row_comments_notification_mode": "all"},
        }),
        "rows {busy}, {quiet}, {none}"
    );
    // One row read with its metadata; database tokens may not ask for it.
    let path = |row: i64| format!("/api/database/rows/table/{t}/{row}/?include=metadata");
    let r = app.get(&path(busy), Some(&ann.access)).await;
    assert_eq!(
        r.body["metadata"],
        json!({"row_comment_count": 2, "row_comments_notification_mode": "all"}),
        "{:?}",
        r.body
    );
    let r = app.get(&path(none), Some(&ann.access)).await;
    assert_eq!(r.body["metadata"], json!({}));
    let w = fx.workspace_id(&app).await;
    let r = app
        .post(
            "/api/database/tokens/",
            Some(&ann.access),
            json!({"name": "script", "workspace": w}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let key = r.body["key"].as_str().unwrap().to_owned();
    let r = app
        .raw(
            app.client()
                .get(format!("{}{}", app.url, path(busy)))
                .header("Authorization", format!("Token {key}")),
        )
        .await;
    assert_error(&r, 400, "ERROR_CANNOT_INCLUDE_ROW_METADATA");
}

#[tokio::test]
async fn comments_hide_with_their_row_in_the_trash_and_go_with_it_for_good() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let row = create_row_id(&app, ann, t, json!({})).await;
    comment(&app, ann, t, row, message("keep me", &[])).await;
    let follows = "SELECT count(*) FROM database_row_comments_notification_modes";
    let modes: i64 = sqlx::query_scalar(follows)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(modes, 1, "commenting follows the row");
    app.delete(
        &format!("/api/database/rows/table/{t}/{row}/"),
        Some(&ann.access),
    )
    .await;
    assert_error(
        &list(&app, ann, t, row).await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );
    let r = comment(&app, ann, t, row, message("no", &[])).await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");

    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&ann.access),
            json!({"trash_item_type": "row", "trash_item_id": row, "parent_trash_item_id": t}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = list(&app, ann, t, row).await;
    assert_eq!(r.body["count"], 1, "{:?}", r.body);
    assert_eq!(r.body["results"][0]["message"], message("keep me", &[]));

    // Deleted again and emptied from the trash: the comments are deleted with the row.
    app.delete(
        &format!("/api/database/rows/table/{t}/{row}/"),
        Some(&ann.access),
    )
    .await;
    let w = fx.workspace_id(&app).await;
    let r = app
        .delete(
            &format!("/api/trash/workspace/{w}/?application_id={}", fx.database),
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    cleanup_job::run(&app.ctx, Duration::from_secs(3600))
        .await
        .unwrap();
    let mut left = 1;
    for _ in 0..100 {
        left = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM database_row_comments")
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "the comment went with its row");
    let modes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM database_row_comments_notification_modes")
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    assert_eq!(modes, 0, "so did who followed it");
}

#[tokio::test]
async fn comment_events_reach_the_table_page_and_the_rows_own_page() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let bob = member(&app, &fx, "Bob", "bob@x.io").await;
    let row = create_row_id(&app, ann, t, json!({})).await;
    let other = create_row_id(&app, ann, t, json!({})).await;
    let mut table_page = client(&app.url, &bob.access).await;
    subscribe(&mut table_page, t, None).await;
    let mut row_page = client(&app.url, &bob.access).await;
    row_page
        .socket
        .send(Message::Text(
            json!({"page": "row", "table_id": t, "row_id": row})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    next_of(&mut row_page.socket, "page_add").await;

    // A comment on another row reaches the table page only.
    comment(&app, ann, t, other, message("elsewhere", &[])).await;
    let m = next_of(&mut table_page.socket, "row_comment_created").await;
    assert_eq!(m["row_comment"]["row_id"], other);
    let id = comment(&app, ann, t, row, message("here", &[])).await.body["id"]
        .as_i64()
        .unwrap();
    let m = next_of(&mut table_page.socket, "row_comment_created").await;
    assert_eq!(m["row_comment"]["id"], id);
    assert_eq!(m["table_id"], t);
    let m = next_of(&mut row_page.socket, "row_comment_created").await;
    assert_eq!(
        m["row_comment"]["id"], id,
        "the other row's comment came first: {m}"
    );

    let path = format!("/api/row_comments/{t}/comment/{id}/");
    app.patch(
        &path,
        Some(&ann.access),
        json!({"message": message("there", &[])}),
    )
    .await;
    let m = next_of(&mut row_page.socket, "row_comment_updated").await;
    assert_eq!(m["row_comment"]["message"], message("there", &[]));
    app.delete(&path, Some(&ann.access)).await;
    let m = next_of(&mut table_page.socket, "row_comment_deleted").await;
    assert_eq!(m["row_comment"]["trashed"], true);
    assert_eq!(m["row_comment"]["message"], Value::Null);

    // A deleted comment is in the trash, and comes back from it.
    let w = fx.workspace_id(&app).await;
    let r = app
        .get(
            &format!("/api/trash/workspace/{w}/?application_id={}", fx.database),
            Some(&ann.access),
        )
        .await;
    let entry = &r.body["results"][0];
    assert_eq!(
        (
            entry["trash_item_type"].clone(),
            entry["trash_item_id"].clone()
        ),
        (json!("row_comment"), json!(id)),
        "{:?}",
        r.body
    );
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&ann.access),
            json!({"trash_item_type": "row_comment", "trash_item_id": id}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let m = next_of(&mut row_page.socket, "row_comment_restored").await;
    assert_eq!(m["row_comment"]["message"], message("there", &[]));
    assert_eq!(m["row_comment"]["trashed"], false);
    let r = list(&app, &bob, t, row).await;
    assert_eq!(r.body["results"][0]["message"], message("there", &[]));
    assert!(
        maybe_of(
            &mut row_page.socket,
            &["row_comment_created"],
            Duration::from_millis(500)
        )
        .await
        .is_none()
    );
}

#[tokio::test]
async fn shared_view_pages_never_carry_comments() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let row = create_row_id(&app, ann, t, json!({})).await;
    let r = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            Some(&ann.access),
            json!({"name": "Shared", "type": "grid", "public": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let slug = r.body["slug"].as_str().unwrap().to_owned();
    let (mut anonymous, _) = crate::realtime::connect(&app.url, Some("anonymous")).await;
    anonymous
        .send(Message::Text(
            json!({"page": "view", "slug": slug}).to_string().into(),
        ))
        .await
        .unwrap();
    next_of(&mut anonymous, "page_add").await;
    comment(&app, ann, t, row, message("internal only", &[])).await;
    let later = create_row_id(&app, ann, t, json!({})).await;
    // Events go out in order: the row created after the comment arrives, the comment not.
    let m = maybe_of(
        &mut anonymous,
        &["row_comment_created", "rows_created"],
        Duration::from_secs(10),
    )
    .await
    .expect("the new row reaches the shared view");
    assert_eq!(m["type"], "rows_created", "{m}");
    assert_eq!(m["rows"][0]["id"], later);
}

async fn set_mode(app: &TestApp, user: &Session, table: i64, row: i64, body: Value) -> Resp {
    app.request(
        reqwest::Method::PUT,
        &format!("/api/row_comments/{table}/{row}/notification-mode/"),
        Some(&user.access),
        Some(body),
    )
    .await
}

/// The types of the user's notifications in the workspace, newest first.
async fn notified(app: &TestApp, user: &Session, workspace: i64) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/notifications/{workspace}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn metadata(app: &TestApp, user: &Session, table: i64, row: i64) -> Value {
    let r = app
        .get(
            &format!("/api/database/rows/table/{table}/{row}/?include=metadata"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["metadata"].clone()
}

#[tokio::test]
async fn followers_of_a_row_hear_of_every_comment_and_others_only_of_mentions() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (ann, t) = (&fx.user, fx.table);
    let w = fx.workspace_id(&app).await;
    let bob = member(&app, &fx, "Bob", "bob@x.io").await;
    let carol = member(&app, &fx, "Carol", "carol@x.io").await;
    let outsider = app.sign_up("Olga", "olga@x.io").await;
    let row = create_row_id(&app, ann, t, json!({})).await;

    // Bad modes, rows and callers are refused and set nothing.
    for bad in [json!({"mode": "everything"}), json!({}), json!({"mode": 1})] {
        let r = set_mode(&app, &bob, t, row, bad).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    assert_error(
        &set_mode(&app, &bob, t, 999_999, json!({"mode": "all"})).await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );
    assert_error(
        &set_mode(&app, &outsider, t, row, json!({"mode": "all"})).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_eq!(metadata(&app, &bob, t, row).await, json!({}));

    // Bob follows the row; his tabs hear of it.
    let mut bob_socket = client(&app.url, &bob.access).await;
    let r = set_mode(&app, &bob, t, row, json!({"mode": "all"})).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let m = next_of(
        &mut bob_socket.socket,
        "row_comments_notification_mode_updated",
    )
    .await;
    assert_eq!(
        m,
        json!({"type": "row_comments_notification_mode_updated", "table_id": t, "row_id": row, "mode": "all"})
    );
    assert_eq!(
        metadata(&app, &bob, t, row).await,
        json!({"row_comments_notification_mode": "all"})
    );

    // Ann's comment reaches Bob (a follower), not Carol (mentions only), and makes Ann
    // a follower.
    let r = comment(&app, ann, t, row, message("hello", &[])).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = next_of(&mut bob_socket.socket, "notifications_created").await;
    assert_eq!(m["notifications"][0]["type"], "row_comment");
    assert_eq!(m["notifications"][0]["data"]["comment_id"], r.body["id"]);
    assert_eq!(m["notifications"][0]["data"]["row_id"], row);
    assert_eq!(notified(&app, &bob, w).await, ["row_comment"]);
    assert!(notified(&app, &carol, w).await.is_empty());
    assert!(
        notified(&app, ann, w).await.is_empty(),
        "not of her own comment"
    );
    assert_eq!(
        metadata(&app, ann, t, row).await,
        json!({"row_comment_count": 1, "row_comments_notification_mode": "all"})
    );

    // A mention of a follower notifies them once, as a mention.
    comment(&app, ann, t, row, message("see ", &[(bob.id, "Bob")])).await;
    assert_eq!(
        notified(&app, &bob, w).await,
        ["row_comment_mention", "row_comment"]
    );

    // Carol's comment reaches both followers; then Bob stops following.
    comment(&app, &carol, t, row, message("me too", &[])).await;
    assert_eq!(notified(&app, ann, w).await, ["row_comment"]);
    assert_eq!(notified(&app, &bob, w).await.len(), 3);
    let r = set_mode(&app, &bob, t, row, json!({"mode": "mentions"})).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        metadata(&app, &bob, t, row).await,
        json!({"row_comment_count": 3}),
        "the default mode is not listed"
    );
    comment(&app, &carol, t, row, message("again", &[])).await;
    assert_eq!(
        notified(&app, &bob, w).await.len(),
        3,
        "Bob no longer follows"
    );
    assert_eq!(notified(&app, ann, w).await.len(), 2);

    // Having chosen a mode, Bob does not follow the row by commenting on it.
    comment(&app, &bob, t, row, message("ok", &[])).await;
    assert_eq!(
        metadata(&app, &bob, t, row).await,
        json!({"row_comment_count": 5})
    );
    assert_eq!(notified(&app, ann, w).await.len(), 3);
}
