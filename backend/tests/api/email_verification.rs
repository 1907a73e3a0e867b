//! Email verification: the emailed link, the `email_verification` setting, and what it
//! refuses when enforced.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;
use std::time::Duration;

/// Reads the verification token from an email to `to` (other emails may have come first).
async fn token_from_email(app: &TestApp, to: &str) -> String {
    let prefix = format!("{}/verify-email-address/", app.ctx.settings.public_url);
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        let found = app
            .mail
            .received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .find_map(|m| m.link_starting_with(&prefix));
        if let Some(link) = found {
            return link.trim_start_matches(&prefix).to_owned();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no verification email to {to}");
}

async fn set_policy(app: &TestApp, staff: &str, policy: &str) {
    let r = app
        .patch(
            "/api/settings/update/",
            Some(staff),
            json!({"email_verification": policy}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["email_verification"], policy);
}

#[tokio::test]
async fn a_sign_up_link_verifies_the_address_and_logs_the_user_in_once() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    set_policy(&app, &staff.access, "recommended").await;

    let bob = app.sign_up("Bob", "bob@x.io").await;
    let me = app
        .post(
            "/api/user/token-verify/",
            None,
            json!({"refresh_token": bob.refresh}),
        )
        .await;
    assert_eq!(me.body["user"]["email_verified"], false);
    let token = token_from_email(&app, "bob@x.io").await;

    // Anonymous: the answer is a log-in.
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["email"], "bob@x.io");
    assert_eq!(r.body["user"]["email_verified"], true);
    let access = r.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/workspaces/", Some(access)).await.status, 200);

    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_error(&r, 400, "ERROR_EMAIL_ALREADY_VERIFIED");
    // Once verified, asking again sends nothing.
    let before = app.mail.received().len();
    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "bob@x.io"}),
        )
        .await;
    assert_eq!(r.status, 204);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.mail.received().len(), before);
}

#[tokio::test]
async fn a_signed_in_caller_gets_the_email_and_bad_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    // No sign-up email while verification is off; the user asks for one.
    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "ANN@x.io"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let token = token_from_email(&app, "ann@x.io").await;
    // Unknown addresses get the same answer and no email.
    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "nobody@x.io"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "not an email"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    // A forged token (the payload changed under the signature), garbage and NUL bytes.
    let (payload, rest) = token.split_once('.').unwrap();
    let other = payload.chars().rev().collect::<String>();
    for bad in [format!("{other}.{rest}"), "garbage".into(), "x.1.y".into()] {
        let r = app
            .post("/api/user/verify-email/", None, json!({"token": bad}))
            .await;
        assert_error(&r, 400, "ERROR_INVALID_VERIFICATION_TOKEN");
    }
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": "a\u{0}b"}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let r = app
        .post(
            "/api/user/verify-email/",
            Some(&ann.access),
            json!({"token": token}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"email": "ann@x.io"}));
    let to_nobody =
        |m: &tessera::test_support::ReceivedMail| m.to.iter().any(|t| t == "nobody@x.io");
    assert!(!app.mail.received().iter().any(to_nobody));
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let day_ago = chrono::Utc::now().timestamp() - 24 * 3600 - 5;
    let token = tessera::platform::signing::sign(
        &app.ctx.settings.secret_key,
        "verify-email",
        &format!("{}:ann@x.io", ann.id),
        day_ago,
    );
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_error(&r, 400, "ERROR_INVALID_VERIFICATION_TOKEN");
    // The same token, fresh, works: only its age was wrong.
    let token = tessera::platform::signing::sign(
        &app.ctx.settings.secret_key,
        "verify-email",
        &format!("{}:ann@x.io", ann.id),
        chrono::Utc::now().timestamp(),
    );
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn enforced_verification_refuses_unverified_log_ins_and_sign_up_sessions() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    set_policy(&app, &staff.access, "enforced").await;

    // Sign-up answers with the user only, and the link is on its way.
    let r = app.post("/api/user/", None, json!({"name": "Bob", "email": "bob@x.io", "password": "password123", "authenticate": true})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["email_verified"], false);
    assert!(r.body.get("access_token").is_none(), "{:?}", r.body);
    let token = token_from_email(&app, "bob@x.io").await;

    let login = json!({"email": "bob@x.io", "password": "password123"});
    let r = app.post("/api/user/token-auth/", None, login.clone()).await;
    assert_error(&r, 401, "ERROR_EMAIL_VERIFICATION_REQUIRED");
    // Staff may still log in, unverified, so the instance keeps its administrators.
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.post("/api/user/token-auth/", None, login).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["email_verified"], true);
}

#[tokio::test]
async fn a_refused_log_in_sends_a_new_link() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    // Bob signs up while verification is off: no email then.
    app.sign_up("Bob", "bob@x.io").await;
    set_policy(&app, &staff.access, "enforced").await;
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_EMAIL_VERIFICATION_REQUIRED");
    let token = token_from_email(&app, "bob@x.io").await;
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn accepting_an_invitation_needs_a_verified_address_when_verification_is_on() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let w = app.workspace(&ann, "W").await;
    // Bob's account exists before verification is turned on, unverified.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    set_policy(&app, &ann.access, "recommended").await;
    let r = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{w}/"),
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let invitation = r.body["id"].as_i64().unwrap();
    let accept = format!("/api/workspaces/invitations/{invitation}/accept/");
    let r = app.post(&accept, Some(&bob.access), json!({})).await;
    assert_error(&r, 401, "ERROR_EMAIL_VERIFICATION_REQUIRED");
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_eq!(r.body, json!([]), "not a member");

    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "bob@x.io"}),
        )
        .await;
    assert_eq!(r.status, 204);
    let token = token_from_email(&app, "bob@x.io").await;
    let r = app
        .post(
            "/api/user/verify-email/",
            Some(&bob.access),
            json!({"token": token}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.post(&accept, Some(&bob.access), json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_eq!(r.body[0]["id"], w);
}

#[tokio::test]
async fn the_emailed_link_opens_a_page_whose_button_verifies_the_address() {
    use crate::pages::{FORM, client, csrf, form};
    use reqwest::header;
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    set_policy(&app, &staff.access, "recommended").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let token = token_from_email(&app, "bob@x.io").await;
    let verified = |access: String| {
        let app = &app;
        async move {
            app.post(
                "/api/user/token-verify/",
                None,
                json!({"refresh_token": access}),
            )
            .await
            .body["user"]["email_verified"]
                .clone()
        }
    };

    // Opening the link (as a mail scanner would) verifies nothing: the page asks.
    let page = client()
        .get(format!("{}/verify-email-address/{token}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Verify my email address"), "{html}");
    assert_eq!(verified(bob.refresh.clone()).await, false);

    let send = |token: String| {
        let app = &app;
        async move {
            let (cookie, csrf_token) = csrf(app).await;
            let r = client()
                .post(format!("{}/verify-email-address/{token}", app.url))
                .header(header::COOKIE, format!("tessera_csrf={cookie}"))
                .header(header::ORIGIN, &app.url)
                .header(header::CONTENT_TYPE, FORM)
                .body(form(&[("csrf", csrf_token.as_str())]))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = send(token.clone()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Your email address is verified."), "{html}");
    assert_eq!(verified(bob.refresh.clone()).await, true);
    let (status, html) = send(token).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("already verified"), "{html}");
    let (status, html) = send("forged.token".into()).await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("This link is not valid"), "{html}");
}

#[tokio::test]
async fn refresh_tokens_issued_before_enforcement_stop_working_until_the_address_is_verified() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    // Bob signs up and gets a session while verification is off.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let refresh = json!({"refresh_token": bob.refresh});
    let r = app
        .post("/api/user/token-refresh/", None, refresh.clone())
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    set_policy(&app, &staff.access, "enforced").await;
    let r = app
        .post("/api/user/token-refresh/", None, refresh.clone())
        .await;
    assert_error(&r, 401, "ERROR_EMAIL_VERIFICATION_REQUIRED");
    let r = app
        .post("/api/user/token-verify/", None, refresh.clone())
        .await;
    assert_error(&r, 401, "ERROR_EMAIL_VERIFICATION_REQUIRED");
    // Staff keep their sessions, unverified, as their log-ins are kept.
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": staff.refresh}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Once Bob verifies (from a link he asks for), the same token works again.
    let r = app
        .post(
            "/api/user/send-verify-email/",
            None,
            json!({"email": "bob@x.io"}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    let token = token_from_email(&app, "bob@x.io").await;
    let r = app
        .post("/api/user/verify-email/", None, json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.post("/api/user/token-refresh/", None, refresh).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["access_token"].is_string(), "{:?}", r.body);
}
