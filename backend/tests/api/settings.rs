//! Instance settings and the instance id.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn settings_are_public_and_only_staff_change_them() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/settings/", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["allow_new_signups"], true);
    assert_eq!(r.body["email_verification"], "no_verification");

    let staff = app.sign_up("Ann", "ann@x.io").await;
    let member = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .patch(
            "/api/settings/update/",
            Some(&member.access),
            json!({"allow_reset_password": false}),
        )
        .await;
    assert_error(&r, 401, "PERMISSION_DENIED");
    let r = app
        .patch(
            "/api/settings/",
            Some(&staff.access),
            json!({"allow_reset_password": false}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["allow_reset_password"], false);
    assert_eq!(
        app.get("/api/settings/", None).await.body["allow_reset_password"],
        false
    );

    let r = app
        .patch(
            "/api/settings/update/",
            Some(&staff.access),
            json!({"email_verification": "sometimes"}),
        )
        .await;
    assert_eq!(
        r.body["detail"]["email_verification"][0]["code"],
        "invalid_choice"
    );
    let r = app
        .patch(
            "/api/settings/update/",
            Some(&staff.access),
            json!({"no_such_setting": true}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let r = app
        .post(
            "/api/user/send-reset-password-email/",
            None,
            json!({"email": "ann@x.io", "base_url": app.url}),
        )
        .await;
    assert_error(&r, 400, "ERROR_DISABLED_RESET_PASSWORD");
}

#[tokio::test]
async fn the_instance_id_is_stable_and_staff_only() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let member = app.sign_up("Bob", "bob@x.io").await;
    let a = app
        .get("/api/settings/instance-id/", Some(&staff.access))
        .await;
    let b = app
        .get("/api/settings/instance-id/", Some(&staff.access))
        .await;
    assert_eq!(a.status, 200);
    assert!(a.body["instance_id"].as_str().unwrap().len() >= 32);
    assert_eq!(a.body, b.body);
    assert_error(
        &app.get("/api/settings/instance-id/", Some(&member.access))
            .await,
        401,
        "PERMISSION_DENIED",
    );
}
