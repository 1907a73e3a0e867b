//! Licenses: registration verified against the configured public key, staff-only access,
//! seats, and the check with a license server (played by a local HTTP receiver).

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;
use tessera::{
    platform::licenses::check,
    test_support::{HttpReceiver, LicenseIssuer, Reply},
};

/// An app that trusts `issuer`'s licenses and checks them with `server` (if any).
async fn app_for(issuer: &LicenseIssuer, server: Option<&HttpReceiver>) -> TestApp {
    let key = issuer.public_key();
    let url = server.map(HttpReceiver::url);
    TestApp::spawn_with(move |s| {
        s.license.public_key = Some(key);
        s.license.server_url = url;
        // Every check in a test finds the licenses due again.
        s.license.check_interval = Duration::from_secs(60);
        s.license.server_timeout = Duration::from_secs(2);
    })
    .await
}

async fn instance_id(app: &TestApp, staff: &Session) -> String {
    let r = app
        .get("/api/settings/instance-id/", Some(&staff.access))
        .await;
    r.body["instance_id"].as_str().unwrap().to_owned()
}

async fn register(app: &TestApp, staff: &Session, token: &str) -> crate::helpers::Resp {
    app.post(
        "/api/licenses/",
        Some(&staff.access),
        json!({ "license": token }),
    )
    .await
}

async fn stored(app: &TestApp) -> Vec<(String, String, bool)> {
    sqlx::query_as(
        "SELECT license_id, license, last_check IS NOT NULL FROM licenses ORDER BY license_id",
    )
    .fetch_all(&app.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn staff_register_list_get_and_delete_licenses_and_nobody_else_can() {
    let issuer = LicenseIssuer::new();
    let app = app_for(&issuer, None).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let member = app.sign_up("Bob", "bob@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let token = issuer.sign(&LicenseIssuer::payload(&instance, "lic-1", 3));

    let r = register(&app, &staff, &format!("  {token}\n")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["license_id"], "lic-1");
    assert_eq!(r.body["is_active"], true);
    assert_eq!(r.body["seats"], 3);
    assert_eq!(r.body["seats_taken"], 0);
    assert_eq!(r.body["free_users_count"], 2);
    assert_eq!(r.body["product_code"], "premium");
    assert_eq!(r.body["issued_to_name"], "Buyer Ltd");
    assert_eq!(r.body["last_check"], Value::Null);
    assert!(
        r.body["valid_through"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );

    let r = app.get("/api/licenses/", Some(&staff.access)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["id"], id);
    let r = app
        .get(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["users"], json!([]));

    // Members can neither see nor change licenses.
    for r in [
        app.get("/api/licenses/", Some(&member.access)).await,
        register(&app, &member, &token).await,
        app.get(&format!("/api/licenses/{id}/"), Some(&member.access))
            .await,
        app.get(&format!("/api/licenses/{id}/check/"), Some(&member.access))
            .await,
        app.delete(&format!("/api/licenses/{id}/"), Some(&member.access))
            .await,
        app.post(
            &format!("/api/licenses/{id}/{}/", member.id),
            Some(&member.access),
            json!({}),
        )
        .await,
    ] {
        assert_error(&r, 401, "PERMISSION_DENIED");
    }
    assert_eq!(app.get("/api/licenses/", None).await.status, 401);
    assert_eq!(stored(&app).await.len(), 1);

    let r = app
        .delete(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(r.status, 204);
    assert!(stored(&app).await.is_empty());
    for r in [
        app.get(&format!("/api/licenses/{id}/"), Some(&staff.access))
            .await,
        app.delete(&format!("/api/licenses/{id}/"), Some(&staff.access))
            .await,
        app.get(&format!("/api/licenses/{id}/check/"), Some(&staff.access))
            .await,
    ] {
        assert_error(&r, 404, "ERROR_LICENSE_DOES_NOT_EXIST");
    }
}

#[tokio::test]
async fn forged_malformed_expired_foreign_and_duplicate_licenses_are_refused() {
    let issuer = LicenseIssuer::new();
    let app = app_for(&issuer, None).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let good = LicenseIssuer::payload(&instance, "lic-1", 3);

    let forger = LicenseIssuer::new();
    let (payload_part, _) = issuer
        .sign(&good)
        .split_once('.')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .unwrap();
    let mut more_seats = good.clone();
    more_seats["seats"] = json!(1000);
    let (_, foreign_signature) = issuer
        .sign(&more_seats)
        .split_once('.')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .unwrap();
    let invalid = [
        forger.sign(&good),
        format!("{payload_part}.{foreign_signature}"),
        payload_part.clone(),
        "not a license".to_owned(),
        format!("{payload_part}.!!!"),
        issuer.sign(&json!({"version": 1, "id": "x"})),
        issuer.sign(&json!([1, 2, 3])),
    ];
    for token in &invalid {
        assert_error(
            &register(&app, &staff, token).await,
            400,
            "ERROR_INVALID_LICENSE",
        );
    }
    let mut unsupported = good.clone();
    unsupported["version"] = json!(7);
    assert_error(
        &register(&app, &staff, &issuer.sign(&unsupported)).await,
        400,
        "ERROR_UNSUPPORTED_LICENSE",
    );
    let mut foreign = good.clone();
    foreign["instance_id"] = json!("another-instance");
    assert_error(
        &register(&app, &staff, &issuer.sign(&foreign)).await,
        400,
        "ERROR_LICENSE_INSTANCE_ID_MISMATCH",
    );
    let mut expired = good.clone();
    expired["valid_through"] = json!("2020-01-01T00:00:00");
    assert_error(
        &register(&app, &staff, &issuer.sign(&expired)).await,
        400,
        "ERROR_LICENSE_HAS_EXPIRED",
    );
    for body in [
        json!({}),
        json!({"license": "a\u{0}b"}),
        json!({"license": 5}),
    ] {
        let r = app.post("/api/licenses/", Some(&staff.access), body).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    assert!(stored(&app).await.is_empty(), "nothing refused was stored");

    // The same license twice is refused; a newer issue of it replaces it in place.
    let first = register(&app, &staff, &issuer.sign(&good)).await;
    assert_eq!(first.status, 200);
    assert_error(
        &register(&app, &staff, &issuer.sign(&good)).await,
        400,
        "ERROR_LICENSE_ALREADY_EXISTS",
    );
    let mut renewed = good.clone();
    renewed["seats"] = json!(10);
    renewed["issued_on"] = json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string());
    let r = register(&app, &staff, &issuer.sign(&renewed)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], first.body["id"]);
    assert_eq!(r.body["seats"], 10);
    assert_error(
        &register(&app, &staff, &issuer.sign(&good)).await,
        400,
        "ERROR_LICENSE_ALREADY_EXISTS",
    );
    let rows = stored(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, issuer.sign(&renewed));
}

#[tokio::test]
async fn without_a_public_key_registering_explains_what_is_missing() {
    let app = TestApp::spawn().await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let token = LicenseIssuer::new().sign(&LicenseIssuer::payload(&instance, "l", 1));
    let r = register(&app, &staff, &token).await;
    assert_error(&r, 400, "ERROR_LICENSES_NOT_CONFIGURED");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("TESSERA_LICENSE_PUBLIC_KEY")
    );
    assert!(stored(&app).await.is_empty());
}

#[tokio::test]
async fn seats_are_assigned_filled_looked_up_and_freed() {
    let issuer = LicenseIssuer::new();
    let app = app_for(&issuer, None).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let cat = app.sign_up("Cat", "cat@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let r = register(
        &app,
        &staff,
        &issuer.sign(&LicenseIssuer::payload(&instance, "seats", 2)),
    )
    .await;
    let id = r.body["id"].as_i64().unwrap();
    let seat = |user: i64| format!("/api/licenses/{id}/{user}/");

    let r = app
        .post(&seat(bob.id), Some(&staff.access), json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"id": bob.id, "first_name": "Bob", "email": "bob@x.io"})
    );
    assert_error(
        &app.post(&seat(bob.id), Some(&staff.access), json!({}))
            .await,
        400,
        "ERROR_USER_ALREADY_ON_LICENSE",
    );
    assert_error(
        &app.post(&seat(999_999), Some(&staff.access), json!({}))
            .await,
        400,
        "ERROR_USER_NOT_FOUND",
    );

    let r = app
        .get(
            &format!("/api/licenses/{id}/lookup-users/?search=C"),
            Some(&staff.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["count"], 1,
        "Ann and Cat match, Bob has a seat: {:?}",
        r.body
    );
    assert_eq!(r.body["results"][0]["value"], "Cat (cat@x.io)");
    let r = app
        .get(
            &format!("/api/licenses/{id}/lookup-users/?size=1"),
            Some(&staff.access),
        )
        .await;
    assert_eq!(r.body["count"], 2);
    assert_eq!(r.body["results"][0]["id"], staff.id);
    assert!(r.body["next"].as_str().unwrap().contains("page=2"));
    let r = app
        .get(
            &format!("/api/licenses/{id}/lookup-users/?search=%25"),
            Some(&staff.access),
        )
        .await;
    assert_eq!(r.body["count"], 0, "% is searched for literally");
    assert_error(
        &app.get(
            &format!("/api/licenses/{id}/lookup-users/?size=201"),
            Some(&staff.access),
        )
        .await,
        400,
        "ERROR_PAGE_SIZE_LIMIT",
    );

    // One seat is left: filling gives it to the oldest account without one.
    let r = app
        .post(
            &format!("/api/licenses/{id}/fill-seats/"),
            Some(&staff.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["id"], staff.id);
    assert_error(
        &app.post(&seat(cat.id), Some(&staff.access), json!({}))
            .await,
        400,
        "ERROR_NO_SEATS_LEFT_IN_LICENSE",
    );
    let r = app
        .get(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(r.body["seats_taken"], 2);
    assert_eq!(r.body["free_users_count"], 1);
    let holders: Vec<i64> = r.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(holders, vec![staff.id, bob.id]);

    assert_eq!(
        app.delete(&seat(bob.id), Some(&staff.access)).await.status,
        204
    );
    assert_eq!(
        app.post(&seat(cat.id), Some(&staff.access), json!({}))
            .await
            .status,
        200
    );
    let r = app
        .post(
            &format!("/api/licenses/{id}/remove-all-users/"),
            Some(&staff.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .get(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(
        (r.body["seats_taken"].clone(), r.body["users"].clone()),
        (json!(0), json!([]))
    );

    // Premium seats go to particular users: nothing is licensed instance-wide yet.
    let settings = app.get("/api/settings/", None).await;
    assert_eq!(settings.body["instance_wide_licenses"], json!({}));

    // Every user holds a seat of an enterprise license: none are given by hand.
    let mut enterprise = LicenseIssuer::payload(&instance, "ent", 10);
    enterprise["product_code"] = json!("enterprise");
    let r = register(&app, &staff, &issuer.sign(&enterprise)).await;
    assert_eq!(r.body["seats_taken"], 3);
    let settings = app.get("/api/settings/", None).await;
    assert_eq!(
        settings.body["instance_wide_licenses"],
        json!({"enterprise": true}),
        "anyone can see what the instance is licensed for"
    );
    let ent = r.body["id"].as_i64().unwrap();
    assert_error(
        &app.post(
            &format!("/api/licenses/{ent}/{}/", bob.id),
            Some(&staff.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_CANT_MANUALLY_CHANGE_SEATS",
    );
    assert_error(
        &app.post(
            &format!("/api/licenses/{ent}/fill-seats/"),
            Some(&staff.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_CANT_MANUALLY_CHANGE_SEATS",
    );
}

#[tokio::test]
async fn the_check_applies_ok_update_and_revocation_and_sends_what_the_server_needs() {
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let app = app_for(&issuer, Some(&server)).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let token = |id: &str| issuer.sign(&LicenseIssuer::payload(&instance, id, 2));
    for id in [
        "a-ok",
        "b-update",
        "c-invalid",
        "d-unmentioned",
        "e-forged-update",
    ] {
        assert_eq!(register(&app, &staff, &token(id)).await.status, 200);
    }
    let mut renewed = LicenseIssuer::payload(&instance, "b-update", 25);
    renewed["issued_on"] = json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string());
    let renewed = issuer.sign(&renewed);
    let forged =
        LicenseIssuer::new().sign(&LicenseIssuer::payload(&instance, "e-forged-update", 99));
    let mut answer = serde_json::Map::new();
    answer.insert(token("a-ok"), json!({"type": "ok"}));
    answer.insert(
        token("b-update"),
        json!({"type": "update", "new_license_payload": renewed}),
    );
    answer.insert(token("c-invalid"), json!({"type": "invalid"}));
    answer.insert(
        token("e-forged-update"),
        json!({"type": "update", "new_license_payload": forged}),
    );
    server.reply(Reply::Json(200, Value::Object(answer)));

    let report = check::run(&app.ctx).await.unwrap();
    assert_eq!(
        (report.kept, report.renewed, report.revoked),
        (3, 1, 1),
        "{report:?}"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    let body = requests[0].json();
    assert_eq!(body["instance_id"], instance);
    let mut sent: Vec<String> = body["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    let mut expected: Vec<String> = [
        "a-ok",
        "b-update",
        "c-invalid",
        "d-unmentioned",
        "e-forged-update",
    ]
    .iter()
    .map(|id| token(id))
    .collect();
    expected.sort();
    assert_eq!(sent, expected);
    let info = body["extra_license_info"].as_array().unwrap();
    assert_eq!(info.len(), 5);
    assert!(
        info.iter()
            .any(|i| i["id"] == "a-ok" && i["seats_taken"] == 0 && i["free_users_count"] == 1)
    );
    assert!(info[0]["highest_role_per_user_id"].is_object());

    let rows = stored(&app).await;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        ids,
        ["a-ok", "b-update", "d-unmentioned", "e-forged-update"]
    );
    assert!(rows[0].2, "an ok stamps the check");
    assert_eq!(rows[1].1, renewed, "the renewed token replaced the old one");
    assert!(rows[1].2);
    assert!(
        !rows[2].2,
        "a license the server did not mention is left unchecked"
    );
    assert_eq!(
        rows[3].1,
        token("e-forged-update"),
        "an unverifiable renewal is ignored"
    );
    let r = app.get("/api/licenses/", Some(&staff.access)).await;
    let b = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["license_id"] == "b-update")
        .unwrap();
    assert_eq!(b["seats"], 25);
}

#[tokio::test]
async fn no_call_is_made_without_licenses_and_a_failing_server_keeps_them() {
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let app = app_for(&issuer, Some(&server)).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;

    let report = check::run(&app.ctx).await.unwrap();
    assert!(report.skipped);
    assert!(server.requests().is_empty(), "no license, no call");

    let token = issuer.sign(&LicenseIssuer::payload(&instance, "kept", 1));
    assert_eq!(register(&app, &staff, &token).await.status, 200);
    let mut revoke = serde_json::Map::new();
    revoke.insert(token.clone(), json!({"type": "invalid"}));
    for reply in [
        Reply::Status(500),
        Reply::Json(503, Value::Object(revoke.clone())),
        Reply::Status(200), // a body that is not JSON
        Reply::Json(200, json!(["not", "a", "map"])),
        Reply::Json(
            200,
            json!({ (token.clone()): {"type": "invalid"}, "padding": {"type": "ok", "new_license_payload": "x".repeat(5 << 20)} }),
        ), // too large
        Reply::Hang, // longer than the timeout
    ] {
        server.reply(reply.clone());
        let report = check::run(&app.ctx).await.unwrap();
        assert!(report.failed, "{reply:?}: {report:?}");
        assert_eq!(
            stored(&app).await,
            vec![("kept".to_owned(), token.clone(), false)],
            "{reply:?}"
        );
    }
    assert_eq!(server.requests().len(), 6);

    // A server that is not listening at all.
    server.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let report = check::run(&app.ctx).await.unwrap();
    assert!(report.failed);
    assert_eq!(stored(&app).await.len(), 1);
}

#[tokio::test]
async fn the_check_endpoint_checks_one_license_now() {
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let app = app_for(&issuer, Some(&server)).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let one = issuer.sign(&LicenseIssuer::payload(&instance, "one", 1));
    let two = issuer.sign(&LicenseIssuer::payload(&instance, "two", 1));
    let id = register(&app, &staff, &one).await.body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(register(&app, &staff, &two).await.status, 200);

    server.reply(Reply::Json(200, json!({ (one.clone()): {"type": "ok"} })));
    let r = app
        .get(&format!("/api/licenses/{id}/check/"), Some(&staff.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["last_check"].is_string());
    assert_eq!(r.body["users"], json!([]));
    let sent = server.requests()[0].json();
    assert_eq!(
        sent["licenses"],
        json!([one]),
        "only this license is checked"
    );

    server.reply(Reply::Json(
        200,
        json!({ (one.clone()): {"type": "does_not_exist"} }),
    ));
    let r = app
        .get(&format!("/api/licenses/{id}/check/"), Some(&staff.access))
        .await;
    assert_error(&r, 404, "ERROR_LICENSE_DOES_NOT_EXIST");
    let left: Vec<String> = stored(&app).await.into_iter().map(|r| r.0).collect();
    assert_eq!(left, ["two"]);
}

#[tokio::test]
async fn each_license_is_checked_once_per_interval_however_many_checks_run() {
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let key = issuer.public_key();
    let url = server.url();
    let app = TestApp::spawn_with(move |s| {
        s.license.public_key = Some(key);
        s.license.server_url = Some(url);
        s.license.check_interval = Duration::from_secs(3600);
    })
    .await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let token = issuer.sign(&LicenseIssuer::payload(&instance, "once", 1));
    assert_eq!(register(&app, &staff, &token).await.status, 200);
    server.reply(Reply::Delayed(Duration::from_millis(300), 500));
    assert!(check::wanted(&app.ctx, &app.ctx.db).await.unwrap());

    // Two export workers running the job at once: one of them claims the license.
    let (a, b) = tokio::join!(check::run(&app.ctx), check::run(&app.ctx));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(server.requests().len(), 1, "{a:?} {b:?}");
    assert!(a.skipped != b.skipped, "{a:?} {b:?}");
    // A failed attempt also waits for the next interval rather than retrying every round.
    assert!(!check::wanted(&app.ctx, &app.ctx.db).await.unwrap());
    assert!(check::run(&app.ctx).await.unwrap().skipped);

    sqlx::query("UPDATE licenses SET last_attempt = now() - interval '59 minutes 30 seconds'")
        .execute(&app.ctx.db)
        .await
        .unwrap();
    assert!(
        check::wanted(&app.ctx, &app.ctx.db).await.unwrap(),
        "due again after the interval"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_license_not_yet_valid_or_signed_with_a_replaced_key_is_inactive() {
    let issuer = LicenseIssuer::new();
    let app = app_for(&issuer, None).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let mut future = LicenseIssuer::payload(&instance, "future", 1);
    future["valid_from"] = json!("2098-01-01");
    let r = register(&app, &staff, &issuer.sign(&future)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["is_active"], false);
    assert_eq!(r.body["valid_from"], "2098-01-01T00:00:00+00:00");
    let current = register(
        &app,
        &staff,
        &issuer.sign(&LicenseIssuer::payload(&instance, "current", 1)),
    )
    .await;
    assert_eq!(current.body["is_active"], true);

    // The same database seen by a backend configured with another issuer's key.
    let other = LicenseIssuer::new();
    let mut settings = (*app.ctx.settings).clone();
    settings.license.public_key = Some(other.public_key());
    let ctx = tessera::context::AppContext::connect(settings, 2)
        .await
        .unwrap();
    let actor = tessera::platform::auth::Actor {
        user: tessera::platform::users::repo::get(&ctx.db, staff.id)
            .await
            .unwrap()
            .unwrap(),
        websocket_id: None,
        token: None,
        session: None,
    };
    let listed = tessera::platform::licenses::list(&ctx, &actor)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|l| !l.is_active));
}

#[tokio::test]
async fn a_renewal_with_fewer_seats_frees_the_newest_assignments() {
    let issuer = LicenseIssuer::new();
    let server = HttpReceiver::start().await;
    let app = app_for(&issuer, Some(&server)).await;
    let staff = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let cat = app.sign_up("Cat", "cat@x.io").await;
    let instance = instance_id(&app, &staff).await;
    let token = issuer.sign(&LicenseIssuer::payload(&instance, "shrinks", 3));
    let id = register(&app, &staff, &token).await.body["id"]
        .as_i64()
        .unwrap();
    for user in [&cat, &staff, &bob] {
        let r = app
            .post(
                &format!("/api/licenses/{id}/{}/", user.id),
                Some(&staff.access),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let mut smaller = LicenseIssuer::payload(&instance, "shrinks", 2);
    smaller["issued_on"] = json!("2021-01-01T00:00:00");
    let smaller = issuer.sign(&smaller);
    server.reply(Reply::Json(
        200,
        json!({ (token.clone()): {"type": "update", "new_license_payload": smaller} }),
    ));
    let report = check::run(&app.ctx).await.unwrap();
    assert_eq!(report.renewed, 1, "{report:?}");
    let r = app
        .get(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(r.body["seats"], 2);
    let holders: Vec<i64> = r.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        holders,
        vec![staff.id, cat.id],
        "Bob's seat, given last, is freed"
    );

    // Registering a newer issue with fewer seats by hand does the same.
    let mut one = LicenseIssuer::payload(&instance, "shrinks", 1);
    one["issued_on"] = json!("2022-01-01T00:00:00");
    let r = register(&app, &staff, &issuer.sign(&one)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["seats_taken"], 1);
    let r = app
        .get(&format!("/api/licenses/{id}/"), Some(&staff.access))
        .await;
    assert_eq!(r.body["users"][0]["id"], cat.id);
}
