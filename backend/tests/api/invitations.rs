//! Invitations, end to end through the emailed link.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_baserow_client_flow_from_sign_up_to_a_shared_database() {
    let app = TestApp::spawn().await;
    // Register, log in, refresh.
    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": "Ann", "email": "ann@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "ann@x.io", "password": "password123"}),
        )
        .await;
    let refresh = r.body["refresh_token"].as_str().unwrap().to_owned();
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": refresh}),
        )
        .await;
    let ann = r.body["access_token"].as_str().unwrap().to_owned();

    // Create a workspace and invite Bob.
    let w = app
        .post("/api/workspaces/", Some(&ann), json!({"name": "Team <b>"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let base_url = format!("{}/workspace-invitation", app.url);
    let r = app
        .post(&format!("/api/workspaces/invitations/workspace/{w}/"), Some(&ann), json!({"email": "Bob@X.io", "permissions": "MEMBER", "message": "Join us!", "base_url": base_url}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["email"], "bob@x.io");
    let invitation_id = r.body["id"].as_i64().unwrap();

    // The email arrives at the SMTP server with a link whose token works.
    let mail = app
        .mail
        .wait_for("bob@x.io", Duration::from_secs(20))
        .await
        .expect("invitation email");
    assert!(mail.subject.contains("Team <b>"), "{}", mail.subject);
    assert!(mail.text.contains("Join us!"));
    assert!(!mail.html.contains("Team <b>"), "HTML is escaped");
    let link = mail.link_starting_with(&base_url).expect("accept link");
    let token = link.rsplit('/').next().unwrap();
    let info = app
        .get(&format!("/api/workspaces/invitations/token/{token}/"), None)
        .await;
    assert_eq!(info.status, 200, "{:?}", info.body);
    assert_eq!(info.body["id"], invitation_id);
    assert_eq!(info.body["workspace"], "Team <b>");
    assert_eq!(info.body["invited_by"], "Ann");
    assert_eq!(info.body["email_exists"], false);

    // Bob signs up and accepts.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let dashboard = app.get("/api/user/dashboard/", Some(&bob.access)).await;
    assert_eq!(
        dashboard.body["workspace_invitations"][0]["id"],
        invitation_id
    );
    let r = app
        .post(
            &format!("/api/workspaces/invitations/{invitation_id}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], w);
    assert_eq!(r.body["permissions"], "MEMBER");
    assert_eq!(r.body["users"].as_array().unwrap().len(), 2);
    assert_error(
        &app.get(&format!("/api/workspaces/invitations/token/{token}/"), None)
            .await,
        404,
        "ERROR_GROUP_INVITATION_DOES_NOT_EXIST",
    );

    // Bob creates a database in the shared workspace; Ann sees it.
    let r = app
        .post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&bob.access),
            json!({"name": "Shared", "type": "database"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let names: Vec<_> = app
        .get("/api/applications/", Some(&ann))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("Shared")]);
}

#[tokio::test]
async fn signing_up_with_an_invitation_token_joins_the_workspace_even_when_sign_up_is_closed() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let w = app.workspace(&ann, "W").await;
    app.patch(
        "/api/settings/update/",
        Some(&ann.access),
        json!({"allow_new_signups": false}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{w}/"),
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "ADMIN", "base_url": app.url}),
        )
        .await;
    let token = tessera::platform::workspaces::invitations::token_for(
        &app.ctx,
        r.body["id"].as_i64().unwrap(),
    );

    let r = app.post("/api/user/", None, json!({"name": "Eve", "email": "eve@x.io", "password": "password123", "workspace_invitation_token": token})).await;
    assert_error(&r, 400, "ERROR_GROUP_INVITATION_EMAIL_MISMATCH");
    let r = app.post("/api/user/", None, json!({"name": "Bob", "email": "bob@x.io", "password": "password123", "workspace_invitation_token": token, "authenticate": true})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["email_verified"], true);
    let bob = r.body["access_token"].as_str().unwrap();
    let r = app.get("/api/workspaces/", Some(bob)).await;
    assert_eq!(r.body[0]["id"], w);
    assert_eq!(r.body[0]["permissions"], "ADMIN");
}

#[tokio::test]
async fn invitation_rules() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let w = app.workspace(&ann, "W").await;
    let path = format!("/api/workspaces/invitations/workspace/{w}/");

    let r = app.post(&path, Some(&ann.access), json!({"email": "bob@x.io", "permissions": "MEMBER", "base_url": "https://evil.example.com/x"})).await;
    assert_error(&r, 400, "ERROR_HOSTNAME_IS_NOT_ALLOWED");
    let r = app
        .post(
            &path,
            Some(&ann.access),
            json!({"email": "ann@x.io", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await;
    assert_error(&r, 400, "ERROR_GROUP_USER_ALREADY_EXISTS");
    let r = app
        .post(
            &path,
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "OWNER", "base_url": app.url}),
        )
        .await;
    assert_eq!(r.body["detail"]["permissions"][0]["code"], "invalid_choice");
    let r = app
        .post(
            &path,
            Some(&eve.access),
            json!({"email": "bob@x.io", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");

    let id = app
        .post(
            &path,
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    // Inviting the same address again refreshes the one invitation.
    let again = app
        .post(
            &path,
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "ADMIN", "base_url": app.url}),
        )
        .await;
    assert_eq!(again.body["id"], id);
    assert_eq!(
        app.get(&path, Some(&ann.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let r = app
        .patch(
            &format!("/api/workspaces/invitations/{id}/"),
            Some(&ann.access),
            json!({"permissions": "MEMBER"}),
        )
        .await;
    assert_eq!(r.body["permissions"], "MEMBER");
    assert_error(
        &app.get(
            &format!("/api/workspaces/invitations/{id}/"),
            Some(&eve.access),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.post(
            &format!("/api/workspaces/invitations/{id}/accept/"),
            Some(&eve.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_GROUP_INVITATION_EMAIL_MISMATCH",
    );
    assert_error(
        &app.get("/api/workspaces/invitations/token/garbage/", None)
            .await,
        400,
        "BAD_TOKEN_SIGNATURE",
    );

    assert_eq!(
        app.post(
            &format!("/api/workspaces/invitations/{id}/reject/"),
            Some(&bob.access),
            json!({})
        )
        .await
        .status,
        204
    );
    assert_error(
        &app.post(
            &format!("/api/workspaces/invitations/{id}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await,
        404,
        "ERROR_GROUP_INVITATION_DOES_NOT_EXIST",
    );
    assert_eq!(
        app.get("/api/workspaces/", Some(&bob.access)).await.body,
        json!([])
    );

    let id = app
        .post(
            &path,
            Some(&ann.access),
            json!({"email": "carl@x.io", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.delete(
            &format!("/api/workspaces/invitations/{id}/"),
            Some(&ann.access)
        )
        .await
        .status,
        204
    );
    assert_error(
        &app.get(
            &format!("/api/workspaces/invitations/{id}/"),
            Some(&ann.access),
        )
        .await,
        404,
        "ERROR_GROUP_INVITATION_DOES_NOT_EXIST",
    );
}

/// Waits until `n` emails to `to` arrived; returns them in the order they came.
async fn mails_to(app: &TestApp, to: &str, n: usize) -> Vec<tessera::test_support::ReceivedMail> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mails: Vec<_> = app
            .mail
            .received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect();
        if mails.len() >= n || std::time::Instant::now() > deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_admin_resends_an_invitation_email_whose_links_all_work() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let carl = app.sign_up("Carl", "carl@x.io").await;
    let w = app.workspace(&ann, "Team").await;
    let base_url = format!("{}/workspace-invitation", app.url);
    let id = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{w}/"),
            Some(&ann.access),
            json!({"email": "bob@x.io", "permissions": "ADMIN", "message": "Welcome", "base_url": base_url}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(mails_to(&app, "bob@x.io", 1).await.len(), 1);

    let resend = format!("/api/workspaces/invitations/{id}/resend/");
    let r = app
        .post(&resend, Some(&ann.access), json!({"base_url": base_url}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["permissions"], "ADMIN");
    let mails = mails_to(&app, "bob@x.io", 2).await;
    assert_eq!(mails.len(), 2, "a second email arrives");
    assert_eq!(mails[1].subject, mails[0].subject);
    assert!(mails[1].text.contains("Welcome"));
    // Both links name the same invitation.
    for mail in &mails {
        let link = mail.link_starting_with(&base_url).expect("accept link");
        let token = link.rsplit('/').next().unwrap();
        let info = app
            .get(&format!("/api/workspaces/invitations/token/{token}/"), None)
            .await;
        assert_eq!(info.body["id"], id, "{:?}", info.body);
    }
    // The Baserow spelling of the path works too.
    let r = app
        .post(
            &format!("/api/groups/invitations/{id}/resend/"),
            Some(&ann.access),
            json!({"base_url": base_url}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(mails_to(&app, "bob@x.io", 3).await.len(), 3);

    // Refused: a link to another host, a non-admin, an unknown invitation, a NUL byte.
    let r = app
        .post(
            &resend,
            Some(&ann.access),
            json!({"base_url": "https://evil.example.com/x"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_HOSTNAME_IS_NOT_ALLOWED");
    let r = app
        .post(&resend, Some(&ann.access), json!({"base_url": "a\u{0}b"}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .post(&resend, Some(&carl.access), json!({"base_url": base_url}))
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app
        .post(
            "/api/workspaces/invitations/999999/resend/",
            Some(&ann.access),
            json!({"base_url": base_url}),
        )
        .await;
    assert_error(&r, 404, "ERROR_GROUP_INVITATION_DOES_NOT_EXIST");
    // Nothing more was sent (a queued email would arrive well within this wait).
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(mails_to(&app, "bob@x.io", 0).await.len(), 3);
}
