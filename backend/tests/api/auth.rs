//! Tokens and the `Authorization` header.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn refresh_verify_and_blacklist() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;

    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["access_token"].is_string());
    assert_eq!(r.body["token"], r.body["access_token"]);
    assert!(r.body.get("refresh_token").is_none());
    let fresh = r.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/workspaces/", Some(fresh)).await.status, 200);

    let r = app
        .post(
            "/api/user/token-verify/",
            None,
            json!({"token": ann.refresh}),
        )
        .await;
    assert_eq!(r.body["user"]["id"], ann.id);

    // An access token is not a refresh token.
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": ann.access}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_REFRESH_TOKEN");

    let r = app
        .post(
            "/api/user/token-blacklist/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_REFRESH_TOKEN");
    let r = app
        .post(
            "/api/user/token-verify/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_REFRESH_TOKEN");
}

#[tokio::test]
async fn authorization_header_forms() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;

    let r = app.get("/api/workspaces/", None).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.body,
        json!({"detail": "Authentication credentials were not provided."})
    );
    assert!(r.headers.contains_key("www-authenticate"));

    let r = app.get("/api/workspaces/", Some("garbage")).await;
    assert_error(&r, 401, "ERROR_INVALID_ACCESS_TOKEN");
    assert_eq!(r.body["detail"], "Access token is expired or invalid.");

    let bearer = app
        .client()
        .get(format!("{}/api/workspaces/", app.url))
        .header("Authorization", format!("Bearer {}", ann.access));
    assert_eq!(app.raw(bearer).await.status, 200);

    let other = app
        .client()
        .get(format!("{}/api/workspaces/", app.url))
        .header("Authorization", format!("Token {}", ann.access));
    assert_eq!(app.raw(other).await.status, 401);
}

#[tokio::test]
async fn expired_and_foreign_access_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let mut expired_settings = (*app.ctx.settings).clone();
    // A token whose lifetime is already over.
    expired_settings.access_token_lifetime = std::time::Duration::from_secs(0);
    let expired = tessera::platform::auth::jwt::issue(
        &expired_settings,
        tessera::platform::auth::jwt::TokenType::Access,
        ann.id,
        0,
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_error(
        &app.get("/api/workspaces/", Some(&expired)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );

    let mut foreign = (*app.ctx.settings).clone();
    foreign.secret_key = "another-installation-secret-key-0123456789".into();
    let forged = tessera::platform::auth::jwt::issue(
        &foreign,
        tessera::platform::auth::jwt::TokenType::Access,
        ann.id,
        0,
    );
    assert_error(
        &app.get("/api/workspaces/", Some(&forged)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
}

#[tokio::test]
async fn the_login_options_offer_the_password_only() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/auth-provider/login-options/", None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"password": {"type": "password"}}));
}
