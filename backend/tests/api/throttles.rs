//! Throttles per client address (sign-ups, failed log-ins, shared-view password attempts,
//! public form submissions; `X-Real-IP` names the client only when a trusted proxy sends it) and per
//! user (webhook test calls, external-database table listings).

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

async fn sign_up(app: &TestApp, n: usize, real_ip: Option<&str>) -> u16 {
    let mut req = app.client().post(format!("{}/api/user/", app.url)).json(
        &json!({"name": "User", "email": format!("u{n}-{}@x.io", real_ip.unwrap_or("direct").replace('.', "-")), "password": "password123"}),
    );
    if let Some(ip) = real_ip {
        req = req.header("X-Real-IP", ip);
    }
    app.raw(req).await.status
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address_and_a_forged_header_does_not_help() {
    let app = TestApp::spawn_with(|s| s.signups_per_ip_per_hour = 3).await;
    for n in 0..3 {
        assert_eq!(sign_up(&app, n, None).await, 200);
    }
    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "User", "email": "late@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));
    // The peer is no trusted proxy: its X-Real-IP is ignored.
    assert_eq!(sign_up(&app, 9, Some("203.0.113.9")).await, 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget() {
    let app = TestApp::spawn_with(|s| {
        s.signups_per_ip_per_hour = 2;
        s.trusted_proxies = tessera::platform::outbound::parse_allowed("127.0.0.1").unwrap();
    })
    .await;
    for n in 0..2 {
        assert_eq!(sign_up(&app, n, Some("203.0.113.7")).await, 200);
    }
    assert_eq!(sign_up(&app, 2, Some("203.0.113.7")).await, 429);
    assert_eq!(sign_up(&app, 3, Some("203.0.113.8")).await, 200);
}

async fn log_in(app: &TestApp, email: &str, password: &str, real_ip: &str) -> crate::helpers::Resp {
    let req = app
        .client()
        .post(format!("{}/api/user/token-auth/", app.url))
        .header("X-Real-IP", real_ip)
        .json(&json!({"email": email, "password": password}));
    app.raw(req).await
}

#[tokio::test]
async fn failed_log_ins_are_throttled_per_address_across_accounts() {
    let app = TestApp::spawn_with(|s| {
        s.login_failures_per_ip = 4;
        s.trusted_proxies = tessera::platform::outbound::parse_allowed("127.0.0.1").unwrap();
    })
    .await;
    app.sign_up("Ann", "ann@x.io").await;
    // One guess at each of many accounts stays below every per-account limit...
    for n in 0..4 {
        let r = log_in(&app, &format!("u{n}@x.io"), "wrong-password", "203.0.113.5").await;
        assert_eq!(r.status, 401, "{:?}", r.body);
    }
    // ...but the address is refused now, the right password included, and told when to retry.
    let r = log_in(&app, "ann@x.io", "password123", "203.0.113.5").await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Another address logs in to the same account.
    assert_eq!(
        log_in(&app, "ann@x.io", "password123", "203.0.113.6")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn guessing_a_shared_views_password_is_throttled() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let view = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Shared", "type": "grid", "public": true, "public_view_password": "s3cret-pass"}),
        )
        .await;
    assert_eq!(view.status, 200, "{:?}", view.body);
    let slug = view.body["slug"].as_str().unwrap().to_owned();
    let path = format!("/api/database/views/{slug}/public/auth/");
    for _ in 0..10 {
        let r = app
            .post(&path, None, json!({"password": "guess-1234"}))
            .await;
        assert_eq!(r.status, 401, "{:?}", r.body);
    }
    let r = app
        .post(&path, None, json!({"password": "s3cret-pass"}))
        .await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn public_form_submissions_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let form = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Form", "type": "form", "public": true}),
        )
        .await;
    assert_eq!(form.status, 200, "{:?}", form.body);
    let slug = form.body["slug"].as_str().unwrap().to_owned();
    let path = format!("/api/database/views/form/{slug}/submit/");
    for _ in 0..60 {
        let r = app.post(&path, None, json!({})).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = app.post(&path, None, json!({})).await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM database_table_{} WHERE NOT trashed",
        fx.table
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(rows, 60 + 2, "the refused submission added no row");
}

#[tokio::test]
async fn webhook_test_calls_and_external_table_listings_are_throttled_per_user() {
    let app = TestApp::spawn_with(|s| s.allow_private_addresses = false).await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    // Each call would make the server connect out at once; refused addresses count too.
    let test_call = format!("/api/database/webhooks/table/{}/test-call/", fx.table);
    let body = json!({"url": "http://127.0.0.1:9/h", "event_type": "rows.created"});
    for _ in 0..10 {
        assert_eq!(app.post(&test_call, a, body.clone()).await.status, 400);
    }
    let r = app.post(&test_call, a, body).await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));

    let listing = "/api/database/import/external/tables/";
    let body = json!({"connection_url": "postgresql://u:p@127.0.0.1:9/db"});
    for _ in 0..10 {
        assert_eq!(app.post(listing, a, body.clone()).await.status, 400);
    }
    let r = app.post(listing, a, body).await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    // Another user is not affected.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(
            listing,
            Some(&bob.access),
            json!({"connection_url": "postgresql://u:p@127.0.0.1:9/db"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
}
