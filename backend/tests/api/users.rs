//! Sign-up, log-in and account endpoints.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn the_first_user_becomes_staff_and_later_ones_do_not() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/api/settings/", None).await.body["show_admin_signup_page"],
        true
    );

    let r = app
        .post("/api/user/", None, json!({"name": "Ann", "email": " Ann@X.io ", "password": "password123", "authenticate": true}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["username"], "ann@x.io");
    assert_eq!(r.body["user"]["is_staff"], true);
    assert_eq!(r.body["token"], r.body["access_token"]);
    assert!(r.body["refresh_token"].as_str().unwrap().len() > 20);
    assert_eq!(
        app.get("/api/settings/", None).await.body["show_admin_signup_page"],
        false
    );

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Bob", "email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["user"]["is_staff"], false);
    assert!(
        r.body.get("access_token").is_none(),
        "no tokens without authenticate"
    );
}

#[tokio::test]
async fn sign_up_validates_its_input_and_changes_nothing_on_error() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Ann", "email": "ANN@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_EMAIL_ALREADY_EXISTS");
    assert_eq!(r.body["detail"], "");

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Bob", "email": "bob@x.io", "password": "short"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(
        r.body["detail"]["password"][0]["code"],
        "password_validation_failed"
    );

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "B\u{0}ob", "email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["name"][0]["code"], "invalid");

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "x".repeat(1000), "email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.body["detail"]["name"][0]["code"], "max_length");

    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Bob", "email": "not-an-email", "password": "password123"}),
        )
        .await;
    assert_eq!(r.body["detail"]["email"][0]["code"], "invalid");

    let r = app
        .post("/api/user/", None, json!({"email": "bob@x.io"}))
        .await;
    assert_eq!(r.body["detail"]["name"][0]["code"], "required");

    // None of the refused sign-ups created an account.
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_CREDENTIALS");
}

#[tokio::test]
async fn disabled_sign_up_is_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .patch(
            "/api/settings/update/",
            Some(&ann.access),
            json!({"allow_new_signups": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Bob", "email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_DISABLED_SIGNUP");
}

#[tokio::test]
async fn log_in_returns_tokens_and_wrong_passwords_are_refused() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body["access_token"].is_string() && r.body["refresh_token"].is_string());
    assert!(r.body["user"]["id"].is_i64());
    assert!(r.body["permissions"].is_array());
    assert_eq!(r.body["user_notifications"]["unread_count"], 0);

    // The deprecated `username` key works too.
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"username": "ANN@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200);

    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "wrong-password"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_CREDENTIALS");
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "nobody@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_CREDENTIALS");
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io\u{0}", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_CREDENTIALS");
}

#[tokio::test]
async fn the_account_can_be_updated() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .patch(
            "/api/user/account/",
            Some(&ann.access),
            json!({"first_name": "Annie", "language": "fr"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["first_name"], "Annie");
    assert_eq!(r.body["language"], "fr");
    let r = app
        .patch(
            "/api/user/account/",
            Some(&ann.access),
            json!({"language": "xx"}),
        )
        .await;
    assert_eq!(r.body["detail"]["language"][0]["code"], "invalid_choice");
    let r = app
        .patch("/api/user/account/", Some(&ann.access), json!({}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
}

#[tokio::test]
async fn changing_the_password_retires_older_tokens() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .post(
            "/api/user/change-password/",
            Some(&ann.access),
            json!({"old_password": "wrong-one", "new_password": "new-password-1"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_INVALID_OLD_PASSWORD");

    let r = app
        .post(
            "/api/user/change-password/",
            Some(&ann.access),
            json!({"old_password": "password123", "new_password": "new-password-1"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &app.get("/api/workspaces/", Some(&ann.access)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
    assert_error(
        &app.post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await,
        401,
        "ERROR_INVALID_REFRESH_TOKEN",
    );

    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "new-password-1"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let fresh = r.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/workspaces/", Some(fresh)).await.status, 200);
}

#[tokio::test]
async fn password_reset_emails_a_single_use_link() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;
    let base_url = format!("{}/reset-password", app.url);

    let r = app
        .post(
            "/api/user/send-reset-password-email/",
            None,
            json!({"email": "ann@x.io", "base_url": "https://evil.example.com/reset"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_HOSTNAME_IS_NOT_ALLOWED");
    // Unknown addresses get the same answer as known ones.
    let r = app
        .post(
            "/api/user/send-reset-password-email/",
            None,
            json!({"email": "nobody@x.io", "base_url": base_url}),
        )
        .await;
    assert_eq!(r.status, 204);

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
        .wait_for("ann@x.io", std::time::Duration::from_secs(20))
        .await
        .expect("reset email");
    assert!(mail.subject.contains("Reset"), "{}", mail.subject);
    let link = mail
        .link_starting_with(&base_url)
        .expect("link in the email");
    assert!(
        mail.html.contains(&link),
        "the HTML part carries the same link"
    );
    let token = link.rsplit('/').next().unwrap();

    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": "forged.123.abc", "password": "brand-new-pass"}),
        )
        .await;
    assert_error(&r, 400, "BAD_TOKEN_SIGNATURE");
    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": token, "password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": token, "password": "another-pass-1"}),
        )
        .await;
    assert_error(&r, 400, "BAD_TOKEN_SIGNATURE");
    assert_eq!(
        app.mail.received().len(),
        1,
        "no email for the unknown address"
    );
}

#[tokio::test]
async fn expired_reset_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let old = chrono::Utc::now().timestamp() - 49 * 3600;
    let token = tessera::platform::signing::sign(
        &app.ctx.settings.secret_key,
        "user-reset-password",
        &format!("{}:0", ann.id),
        old,
    );
    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": token, "password": "brand-new-pass"}),
        )
        .await;
    assert_error(&r, 400, "EXPIRED_TOKEN_SIGNATURE");
}

#[tokio::test]
async fn deactivated_accounts_cannot_log_in_or_use_their_tokens() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    sqlx::query("UPDATE users SET is_active = FALSE WHERE id = $1")
        .bind(ann.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_DEACTIVATED_USER");
    assert_error(
        &app.get("/api/workspaces/", Some(&ann.access)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
    assert_error(
        &app.post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": ann.refresh}),
        )
        .await,
        401,
        "ERROR_INVALID_REFRESH_TOKEN",
    );
}

#[tokio::test]
async fn a_reset_token_of_a_deleted_account_is_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let token = tessera::platform::signing::sign(
        &app.ctx.settings.secret_key,
        "user-reset-password",
        &format!("{}:0", ann.id),
        chrono::Utc::now().timestamp(),
    );
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(ann.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let r = app
        .post(
            "/api/user/reset-password/",
            None,
            json!({"token": token, "password": "brand-new-pass"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_FOUND");
}

#[tokio::test]
async fn guessing_an_accounts_password_is_throttled_and_other_accounts_are_not() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;
    app.sign_up("Bob", "bob@x.io").await;
    let log_in = |email: &'static str, password: &'static str| {
        app.post(
            "/api/user/token-auth/",
            None,
            json!({"email": email, "password": password}),
        )
    };
    // Ten failures are answered as failures (unknown accounts count too).
    for _ in 0..10 {
        assert_eq!(log_in("ann@x.io", "wrong-password").await.status, 401);
    }
    assert_eq!(log_in("eve@x.io", "wrong-password").await.status, 401);
    // Then the account refuses log-ins, the right password included, and says when to retry.
    let r = log_in("ann@x.io", "password123").await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Upper case and spaces name the same account.
    assert_eq!(log_in(" ANN@x.io", "password123").await.status, 429);
    assert_eq!(log_in("bob@x.io", "password123").await.status, 200);
}

#[tokio::test]
async fn a_second_reset_email_to_one_address_within_a_minute_is_refused() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;
    let base_url = format!("{}/reset-password", app.url);
    let ask = |email: &'static str| {
        app.post(
            "/api/user/send-reset-password-email/",
            None,
            json!({"email": email, "base_url": base_url}),
        )
    };
    assert_eq!(ask("ann@x.io").await.status, 204);
    let r = ask("ann@x.io").await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));
    // Unknown addresses are throttled alike, so the answer reveals nothing.
    assert_eq!(ask("nobody@x.io").await.status, 204);
    assert_eq!(ask("nobody@x.io").await.status, 429);
    // Only one email went out.
    let sent = app
        .mail
        .wait_for("ann@x.io", std::time::Duration::from_secs(20))
        .await;
    assert!(sent.is_some(), "the first reset email arrives");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let to_ann = app
        .mail
        .received()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == "ann@x.io"))
        .count();
    assert_eq!(to_ann, 1);
}
