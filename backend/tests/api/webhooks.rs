//! Webhooks against real local HTTP receivers: CRUD and its checks, payloads and headers
//! per event type, signatures, retries and order, deactivation with an email and a
//! notification, a receiver that never answers, test calls, redelivery, and the
//! private-address guard.

use crate::helpers::{Resp, TableFixture, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;
use tessera::{
    database::webhooks::{SIGNATURE_HEADER, verify},
    test_support::{HttpReceiver, ReceivedRequest, Reply},
};

const WAIT: Duration = Duration::from_secs(20);

async fn create_webhook(app: &TestApp, fx: &TableFixture, body: Value) -> Resp {
    app.post(
        &format!("/api/database/webhooks/table/{}/", fx.table),
        Some(&fx.user.access),
        body,
    )
    .await
}

/// A webhook to `url` with extra settings; returns `(id, secret)`.
async fn hook(app: &TestApp, fx: &TableFixture, url: &str, extra: Value) -> (i64, String) {
    let mut body = json!({"name": "hook", "url": url});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = create_webhook(app, fx, body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (
        r.body["id"].as_i64().unwrap(),
        r.body["secret"].as_str().unwrap().to_owned(),
    )
}

async fn create_row(app: &TestApp, fx: &TableFixture, name: &str) -> i64 {
    let r = app
        .post(
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true",
                fx.table
            ),
            Some(&fx.user.access),
            json!({"Name": name}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

/// The webhook as the API shows it once at least `n` calls are logged: the worker logs a
/// call only after the receiver has answered, so a receiver seeing the request comes first.
async fn once_logged(app: &TestApp, token: &str, id: i64, n: usize) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let r = app
            .get(&format!("/api/database/webhooks/{id}/"), Some(token))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let logged = r.body["calls"].as_array().map_or(0, Vec::len);
        if logged >= n {
            return r.body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} calls logged: {:?}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn names(requests: &[ReceivedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            r.json()["items"][0]["Name"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn webhook_crud_has_baserow_defaults_checks_its_input_and_owner() {
    let app = TestApp::spawn_with(|s| s.webhooks.max_per_table = 2).await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let r = create_webhook(
        &app,
        &fx,
        json!({"url": "http://127.0.0.1:9/h", "name": "h"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    for (key, value) in [
        ("include_all_events", json!(true)),
        ("use_user_field_names", json!(true)),
        ("request_method", json!("POST")),
        ("active", json!(true)),
        ("failed_triggers", json!(0)),
        ("calls", json!([])),
        ("events", json!([])),
        ("headers", json!({})),
        ("table_id", json!(fx.table)),
    ] {
        assert_eq!(r.body[key], value, "{key}");
    }
    assert!(r.body["secret"].as_str().unwrap().starts_with("whsec_"));
    // The secret is shown once.
    let got = app.get(&format!("/api/database/webhooks/{id}/"), a).await;
    assert_eq!(got.status, 200);
    assert!(got.body.get("secret").is_none());

    for (body, field) in [
        (json!({"url": "http://127.0.0.1:9/h"}), "name"),
        (json!({"name": "h"}), "url"),
        (json!({"name": "h", "url": "ftp://127.0.0.1/x"}), "url"),
        (json!({"name": "h", "url": "not a url"}), "url"),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/\u{0}"}),
            "url",
        ),
        (
            json!({"name": "h\u{0}", "url": "http://127.0.0.1:9/h"}),
            "name",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "request_method": "TRACE"}),
            "request_method",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "events": ["rows.moved"]}),
            "events",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "headers": {"X-Baserow-Event": "x"}}),
            "headers",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "headers": {"Bad Name": "x"}}),
            "headers",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "headers": {"X-A": "a\u{0}"}}),
            "headers",
        ),
        (
            json!({"name": "h", "url": "http://127.0.0.1:9/h", "event_config": [{"event_type": "rows.updated", "fields": [999999]}]}),
            "event_config",
        ),
    ] {
        let r = create_webhook(&app, &fx, body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(
            r.body["detail"].get(field).is_some(),
            "{body}: {:?}",
            r.body
        );
    }
    let listed = app
        .get(&format!("/api/database/webhooks/table/{}/", fx.table), a)
        .await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        1,
        "refused input created nothing"
    );

    // At most `max_per_table` per table.
    hook(&app, &fx, "http://127.0.0.1:9/b", json!({})).await;
    let r = create_webhook(
        &app,
        &fx,
        json!({"url": "http://127.0.0.1:9/c", "name": "c"}),
    )
    .await;
    assert_error(&r, 400, "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED");

    let r = app
        .patch(
            &format!("/api/database/webhooks/{id}/"),
            a,
            json!({"name": "renamed", "include_all_events": false, "events": ["rows.created", "rows.created"],
                   "request_method": "PUT", "headers": {"X-Team": "ops"}, "use_user_field_names": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(r.body["events"], json!(["rows.created"]));
    assert_eq!(r.body["request_method"], "PUT");
    assert_eq!(r.body["headers"], json!({"X-Team": "ops"}));
    assert_eq!(r.body["url"], "http://127.0.0.1:9/h", "unchanged keys stay");

    // Someone outside the workspace sees nothing and changes nothing.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let b = Some(bob.access.as_str());
    let r = app.get(&format!("/api/database/webhooks/{id}/"), b).await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST");
    let r = app
        .patch(
            &format!("/api/database/webhooks/{id}/"),
            b,
            json!({"name": "x"}),
        )
        .await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST");
    let r = app
        .delete(&format!("/api/database/webhooks/{id}/"), b)
        .await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST");
    let r = app
        .post(
            &format!("/api/database/webhooks/{id}/rotate-secret/"),
            b,
            json!({}),
        )
        .await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST");
    let r = app
        .get(&format!("/api/database/webhooks/table/{}/", fx.table), b)
        .await;
    assert!(r.status >= 400 && r.status < 500, "{:?}", r.body);
    let r = create_webhook(
        &app,
        &fx,
        json!({"url": "http://127.0.0.1:9/h", "name": "x"}),
    )
    .await;
    assert_eq!(
        r.status, 400,
        "the limit is reached, but Bob must not even get that far"
    );
    let r = app
        .post(
            &format!("/api/database/webhooks/table/{}/", fx.table),
            b,
            json!({"url": "http://127.0.0.1:9/h", "name": "x"}),
        )
        .await;
    assert!(
        r.status >= 400
            && r.status < 500
            && r.body["error"] != "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED",
        "{:?}",
        r.body
    );
    let r = app.get(&format!("/api/database/webhooks/{id}/"), a).await;
    assert_eq!(r.body["name"], "renamed", "Bob's attempts changed nothing");

    // Database tokens do not reach webhooks.
    let workspace = fx.workspace_id(&app).await;
    let token = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "k", "workspace": workspace}),
        )
        .await;
    let key = token.body["key"].as_str().unwrap();
    let r = app
        .raw(
            app.client()
                .get(format!("{}/api/database/webhooks/{id}/", app.url))
                .header("Authorization", format!("Token {key}")),
        )
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);

    let r = app
        .delete(&format!("/api/database/webhooks/{id}/"), a)
        .await;
    assert_eq!(r.status, 204);
    let r = app.get(&format!("/api/database/webhooks/{id}/"), a).await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST");
}

#[tokio::test]
async fn every_event_type_arrives_in_baserow_shape_signed_and_in_order() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let receiver = HttpReceiver::start().await;
    let (id, secret) = hook(
        &app,
        &fx,
        &receiver.url(),
        json!({"headers": {"X-Team": "ops"}}),
    )
    .await;
    let workspace = fx.workspace_id(&app).await;

    let row = create_row(&app, &fx, "Ann").await;
    let r = app
        .patch(
            &format!(
                "/api/database/rows/table/{}/{row}/?user_field_names=true",
                fx.table
            ),
            a,
            json!({"Name": "Anna"}),
        )
        .await;
    assert_eq!(r.status, 200);
    // Not sent: the request asks for no webhook calls.
    let r = app
        .post(
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true&send_webhook_events=false",
                fx.table
            ),
            a,
            json!({"Name": "quiet"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .delete(&format!("/api/database/rows/table/{}/{row}/", fx.table), a)
        .await;
    assert_eq!(r.status, 204);
    let field = app
        .field(&fx.user, fx.table, json!({"name": "Age", "type": "number"}))
        .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{field}/"),
            a,
            json!({"name": "Years"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .delete(&format!("/api/database/fields/{field}/"), a)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let got = receiver.wait_for(6, WAIT).await;
    let kinds: Vec<&str> = got
        .iter()
        .map(|r| r.header("x-baserow-event").unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "rows.created",
            "rows.updated",
            "rows.deleted",
            "field.created",
            "field.updated",
            "field.deleted"
        ]
    );
    let now = chrono::Utc::now().timestamp();
    for request in &got {
        let body = request.json();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/hook");
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("x-team"), Some("ops"));
        assert_eq!(
            request.header("x-baserow-delivery"),
            body["event_id"].as_str()
        );
        assert_eq!(request.header("idempotency-key"), body["event_id"].as_str());
        assert_eq!(
            body["event_type"],
            request.header("x-baserow-event").unwrap()
        );
        assert_eq!(
            (
                &body["table_id"],
                &body["database_id"],
                &body["workspace_id"],
                &body["webhook_id"]
            ),
            (
                &json!(fx.table),
                &json!(fx.database),
                &json!(workspace),
                &json!(id)
            )
        );
        let signature = request.header(SIGNATURE_HEADER).unwrap();
        assert!(
            verify(&secret, signature, request.body.as_bytes(), now, 300),
            "{signature}"
        );
        assert!(!verify(
            "whsec_wrong",
            signature,
            request.body.as_bytes(),
            now,
            300
        ));
    }
    let created = got[0].json();
    assert_eq!(created["items"][0]["Name"], "Ann");
    assert_eq!(created["items"][0]["id"], row);
    assert!(
        created["items"][0]["order"]
            .as_str()
            .unwrap()
            .ends_with(".00000000000000000000")
    );
    assert!(created.get("old_items").is_none());
    let updated = got[1].json();
    assert_eq!(updated["items"][0]["Name"], "Anna");
    assert_eq!(updated["old_items"][0]["Name"], "Ann");
    let deleted = got[2].json();
    assert_eq!(deleted["row_ids"], json!([row]));
    assert!(deleted.get("items").is_none());
    assert_eq!(got[3].json()["field"]["name"], "Age");
    assert_eq!(got[4].json()["field"]["name"], "Years");
    assert_eq!(got[5].json()["field_id"], field);
    let ids: std::collections::HashSet<&str> = got
        .iter()
        .map(|r| r.header("x-baserow-delivery").unwrap())
        .collect();
    assert_eq!(ids.len(), 6, "every event has its own id");

    // The call log shows them, newest first, with request and response.
    let hook_now = once_logged(&app, &fx.user.access, id, 6).await;
    let calls = hook_now["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 6);
    assert_eq!(calls[0]["event_type"], "field.deleted");
    assert_eq!(calls[0]["response_status"], 200);
    assert!(
        calls[0]["request"]
            .as_str()
            .unwrap()
            .starts_with("POST /hook HTTP/1.1")
    );
    assert!(
        calls[0]["response"]
            .as_str()
            .unwrap()
            .starts_with("HTTP/1.1 200")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.requests().len(), 6, "the quiet write sent nothing");
}

#[tokio::test]
async fn webhooks_get_only_the_events_and_fields_they_ask_for() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let deletes = HttpReceiver::start().await;
    hook(
        &app,
        &fx,
        &deletes.url(),
        json!({"include_all_events": false, "events": ["rows.deleted"]}),
    )
    .await;
    let notes = app.field_id(&fx.user, fx.table, "Notes").await;
    let by_id = HttpReceiver::start().await;
    hook(
        &app,
        &fx,
        &by_id.url(),
        json!({"use_user_field_names": false, "include_all_events": false, "events": ["rows.updated"],
               "event_config": [{"event_type": "rows.updated", "fields": [notes]}]}),
    )
    .await;
    let row = create_row(&app, &fx, "Ann").await;
    let path = format!(
        "/api/database/rows/table/{}/{row}/?user_field_names=true",
        fx.table
    );
    app.patch(&path, a, json!({"Name": "Anna"})).await;
    app.patch(&path, a, json!({"Notes": "hello"})).await;
    app.delete(&format!("/api/database/rows/table/{}/{row}/", fx.table), a)
        .await;
    let got = deletes.wait_for(1, WAIT).await;
    assert_eq!(got[0].header("x-baserow-event"), Some("rows.deleted"));
    let got = by_id.wait_for(1, WAIT).await;
    let body = got[0].json();
    assert_eq!(body["items"][0][format!("field_{notes}")], "hello");
    assert!(body["items"][0].get("Notes").is_none());
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(deletes.requests().len(), 1);
    assert_eq!(
        by_id.requests().len(),
        1,
        "the Name-only update is not sent"
    );
}

#[tokio::test]
async fn failed_calls_are_retried_in_order_after_errors_and_timeouts() {
    let app = TestApp::spawn_with(|s| s.webhooks.timeout = Duration::from_secs(1)).await;
    let fx = app.table_fixture().await;
    let receiver = HttpReceiver::start().await;
    let (id, _) = hook(&app, &fx, &receiver.url(), json!({})).await;
    receiver.reply_next([Reply::Status(500), Reply::Hang, Reply::Status(503)]);
    create_row(&app, &fx, "first").await;
    create_row(&app, &fx, "second").await;
    let got = receiver.wait_for(5, Duration::from_secs(40)).await;
    assert_eq!(names(&got), ["first", "first", "first", "first", "second"]);
    let first_id = got[0].header("x-baserow-delivery").unwrap();
    assert!(
        got[..4]
            .iter()
            .all(|r| r.header("x-baserow-delivery") == Some(first_id)),
        "retries repeat the event id"
    );
    let hook_now = once_logged(&app, &fx.user.access, id, 5).await;
    let statuses: Vec<Value> = hook_now["calls"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|c| c["response_status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!(500), Value::Null, json!(503), json!(200), json!(200)]
    );
    let timed_out = &hook_now["calls"][3];
    assert!(
        timed_out["error"].as_str().unwrap().contains("timed out"),
        "{timed_out}"
    );
    assert_eq!(hook_now["failed_triggers"], 0, "a success resets the count");
    assert_eq!(hook_now["active"], true);
}

#[tokio::test]
async fn a_webhook_that_keeps_failing_is_turned_off_and_admins_are_told() {
    let app = TestApp::spawn_with(|s| {
        s.webhooks.max_attempts = 2;
        s.webhooks.max_failed_events = 2;
    })
    .await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let receiver = HttpReceiver::start().await;
    receiver.reply(Reply::Status(500));
    let (id, _) = hook(&app, &fx, &receiver.url(), json!({})).await;
    create_row(&app, &fx, "one").await;
    create_row(&app, &fx, "two").await;
    let got = receiver.wait_for(4, Duration::from_secs(40)).await;
    assert_eq!(names(&got), ["one", "one", "two", "two"]);
    let mail = app
        .mail
        .wait_for("ann@x.io", WAIT)
        .await
        .expect("the admin is told");
    assert!(mail.subject.contains("turned off"), "{}", mail.subject);
    // Admins find it among their notifications too.
    let w = fx.workspace_id(&app).await;
    let r = app.get(&format!("/api/notifications/{w}/"), a).await;
    assert_eq!(r.body["count"], 1, "{:?}", r.body);
    assert_eq!(r.body["results"][0]["type"], "webhook_deactivated");
    assert_eq!(r.body["results"][0]["data"]["webhook_id"], id);
    assert_eq!(r.body["results"][0]["data"]["table_id"], fx.table);
    let hook_now = once_logged(&app, &fx.user.access, id, 4).await;
    assert_eq!(hook_now["active"], false);
    assert_eq!(hook_now["failed_triggers"], 2);
    assert_eq!(hook_now["calls"].as_array().unwrap().len(), 4);

    // Off: nothing is sent. Back on: a clean count, and only changes from then on.
    create_row(&app, &fx, "while off").await;
    receiver.reply(Reply::Status(200));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.requests().len(), 4);
    let r = app
        .patch(
            &format!("/api/database/webhooks/{id}/"),
            a,
            json!({"active": true}),
        )
        .await;
    assert_eq!(
        (r.body["active"].clone(), r.body["failed_triggers"].clone()),
        (json!(true), json!(0))
    );
    create_row(&app, &fx, "back on").await;
    let got = receiver.wait_for(5, WAIT).await;
    assert_eq!(names(&got[4..]), ["back on"]);
}

#[tokio::test]
async fn a_receiver_that_never_answers_does_not_hold_up_other_webhooks() {
    let app = TestApp::spawn_with(|s| s.webhooks.timeout = Duration::from_secs(4)).await;
    let fx = app.table_fixture().await;
    let stuck = HttpReceiver::start().await;
    stuck.reply(Reply::Hang);
    let healthy = HttpReceiver::start().await;
    hook(&app, &fx, &stuck.url(), json!({})).await;
    hook(&app, &fx, &healthy.url(), json!({})).await;
    let started = std::time::Instant::now();
    for i in 0..5 {
        create_row(&app, &fx, &format!("r{i}")).await;
    }
    let got = healthy.wait_for(5, WAIT).await;
    assert_eq!(names(&got), ["r0", "r1", "r2", "r3", "r4"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the healthy webhook waited for the stuck one: {:?}",
        started.elapsed()
    );
    // The stuck receiver's first request may be logged a moment after the healthy
    // deliveries on a busy machine: wait for it (bounded), then check it is the only one.
    stuck.wait_for(1, WAIT).await;
    assert_eq!(
        stuck.requests().len(),
        1,
        "the stuck webhook holds its first event"
    );
}

#[tokio::test]
async fn rotating_the_secret_changes_the_signature_key() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let receiver = HttpReceiver::start().await;
    let (id, old) = hook(&app, &fx, &receiver.url(), json!({})).await;
    let r = app
        .post(
            &format!("/api/database/webhooks/{id}/rotate-secret/"),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let new = r.body["secret"].as_str().unwrap();
    assert_ne!(new, old);
    create_row(&app, &fx, "Ann").await;
    let got = receiver.wait_for(1, WAIT).await;
    let header = got[0].header(SIGNATURE_HEADER).unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(verify(new, header, got[0].body.as_bytes(), now, 300));
    assert!(!verify(&old, header, got[0].body.as_bytes(), now, 300));
}

#[tokio::test]
async fn test_calls_show_the_exchange_and_logged_calls_can_be_redelivered() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let receiver = HttpReceiver::start().await;
    let r = app
        .post(
            &format!("/api/database/webhooks/table/{}/test-call/", fx.table),
            a,
            json!({"url": receiver.url(), "event_type": "rows.created", "headers": {"X-Probe": "1"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status_code"], 200);
    assert_eq!(r.body["is_unreachable"], false);
    let request = r.body["request"].as_str().unwrap();
    assert!(request.starts_with("POST /hook HTTP/1.1"), "{request}");
    assert!(request.contains("X-Baserow-Event: rows.created") && request.contains("X-Probe: 1"));
    assert!(
        r.body["response"]
            .as_str()
            .unwrap()
            .starts_with("HTTP/1.1 200")
    );
    let probe = &receiver.requests()[0];
    assert_eq!(
        probe.json()["items"][0]["Name"],
        Value::Null,
        "an example row with the table's fields"
    );
    assert_eq!(probe.json()["event_type"], "rows.created");

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let r = app
        .post(
            &format!("/api/database/webhooks/table/{}/test-call/", fx.table),
            a,
            json!({"url": dead, "event_type": "field.deleted"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["is_unreachable"], true);
    assert_eq!(r.body["status_code"], Value::Null);
    let r = app
        .post(
            &format!("/api/database/webhooks/table/{}/test-call/", fx.table),
            a,
            json!({"url": receiver.url(), "event_type": "rows.exploded"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let (id, secret) = hook(&app, &fx, &receiver.url(), json!({})).await;
    create_row(&app, &fx, "Ann").await;
    let got = receiver.wait_for(2, WAIT).await;
    let call_id = once_logged(&app, &fx.user.access, id, 1).await["calls"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/database/webhooks/calls/{call_id}/redeliver/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let again = receiver.wait_for(3, WAIT).await;
    assert_eq!(again[2].body, got[1].body, "the same body");
    assert_eq!(
        again[2].header("x-baserow-delivery"),
        got[1].header("x-baserow-delivery")
    );
    let now = chrono::Utc::now().timestamp();
    assert!(verify(
        &secret,
        again[2].header(SIGNATURE_HEADER).unwrap(),
        again[2].body.as_bytes(),
        now,
        300
    ));
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(
            &format!("/api/database/webhooks/calls/{call_id}/redeliver/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_error(&r, 404, "ERROR_TABLE_WEBHOOK_CALL_DOES_NOT_EXIST");
}

#[tokio::test]
async fn changes_of_more_than_200_rows_are_sent_in_batches() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let receiver = HttpReceiver::start().await;
    hook(&app, &fx, &receiver.url(), json!({})).await;
    let items: Vec<Value> = (0..450).map(|i| json!({"Name": format!("n{i}")})).collect();
    let r = app
        .post(
            &format!(
                "/api/database/rows/table/{}/batch/?user_field_names=true",
                fx.table
            ),
            Some(&fx.user.access),
            json!({"items": items}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got = receiver.wait_for(3, WAIT).await;
    let bodies: Vec<Value> = got.iter().map(ReceivedRequest::json).collect();
    let sizes: Vec<usize> = bodies
        .iter()
        .map(|b| b["items"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [200, 200, 50]);
    assert_eq!(
        bodies
            .iter()
            .map(|b| b["batch_id"].clone())
            .collect::<Vec<_>>(),
        [json!(1), json!(2), json!(3)]
    );
    assert_eq!(bodies[2]["offset"], 400);
    assert_eq!(bodies[2]["items"][49]["Name"], "n449");
    let event = bodies[0]["event_id"].as_str().unwrap();
    assert_eq!(
        got[2].header("idempotency-key"),
        Some(format!("{event}-3").as_str())
    );
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed_and_redirects_are_rechecked() {
    let public_only = TestApp::spawn_with(|s| s.allow_private_addresses = false).await;
    let fx = public_only.table_fixture().await;
    for url in [
        "http://127.0.0.1:9/h",
        "http://localhost:9/h",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/h",
        "http://[::1]/h",
        "http://[::ffff:127.0.0.1]/h",
        "http://0.0.0.0/h",
        "http://100.64.0.1/h",
    ] {
        let r = create_webhook(&public_only, &fx, json!({"name": "h", "url": url})).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(r.body["detail"]["url"].is_array(), "{url}: {:?}", r.body);
        // The refusal names the settings that lift it.
        let message = r.body["detail"]["url"][0]["error"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("private or local network address")
                && message.contains("TESSERA_ALLOW_PRIVATE_ADDRESSES=1")
                && message.contains("TESSERA_OUTBOUND_ALLOWED_ADDRESSES"),
            "{url}: {message}"
        );
        let r = public_only
            .post(
                &format!("/api/database/webhooks/table/{}/test-call/", fx.table),
                Some(&fx.user.access),
                json!({"url": url, "event_type": "rows.created"}),
            )
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }

    // One loopback address allowed (as for a trusted internal service); a redirect from it
    // to another private address is refused at the redirect.
    let inner = HttpReceiver::start_on("127.0.0.2:0").await;
    let front = HttpReceiver::start().await;
    front.reply(Reply::Redirect(inner.url()));
    let metadata = HttpReceiver::start().await;
    metadata.reply(Reply::Redirect(
        "http://169.254.169.254/latest/meta-data/".into(),
    ));
    let allowed = TestApp::spawn_with(|s| {
        s.allow_private_addresses = false;
        s.outbound_allowed = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let fx = allowed.table_fixture().await;
    let r = create_webhook(&allowed, &fx, json!({"name": "h", "url": inner.url()})).await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    for target in [&front, &metadata] {
        let r = allowed
            .post(
                &format!("/api/database/webhooks/table/{}/test-call/", fx.table),
                Some(&fx.user.access),
                json!({"url": target.url(), "event_type": "rows.created"}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["is_unreachable"], true, "{:?}", r.body);
        assert_eq!(target.requests().len(), 1);
    }
    let (id, _) = hook(&allowed, &fx, &front.url(), json!({})).await;
    create_row(&allowed, &fx, "Ann").await;
    front.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        inner.requests().is_empty(),
        "nothing reached the address behind the redirect"
    );
    let hook_now = once_logged(&allowed, &fx.user.access, id, 1).await;
    let call = &hook_now["calls"][0];
    assert_eq!(call["response_status"], Value::Null, "{call}");
    assert!(
        call["error"].as_str().unwrap().contains("private"),
        "{call}"
    );
}

#[tokio::test]
async fn view_changes_are_sent_to_webhooks_that_ask_for_them() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let receiver = HttpReceiver::start().await;
    hook(
        &app,
        &fx,
        &receiver.url(),
        json!({"include_all_events": false, "events": ["view.created", "view.updated", "view.deleted"]}),
    )
    .await;
    create_row(&app, &fx, "not asked for").await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Board", "type": "gallery"}),
        )
        .await;
    let view = r.body["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/database/views/{view}/"),
        a,
        json!({"name": "Cards"}),
    )
    .await;
    app.delete(&format!("/api/database/views/{view}/"), a).await;
    let got = receiver.wait_for(3, WAIT).await;
    let kinds: Vec<&str> = got
        .iter()
        .map(|r| r.header("x-baserow-event").unwrap())
        .collect();
    assert_eq!(kinds, ["view.created", "view.updated", "view.deleted"]);
    assert_eq!(got[0].json()["view"]["name"], "Board");
    assert_eq!(got[0].json()["view"]["type"], "gallery");
    assert_eq!(got[1].json()["view"]["name"], "Cards");
    assert_eq!(got[2].json()["view_id"], view);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.requests().len(), 3, "the row change was not sent");
}
