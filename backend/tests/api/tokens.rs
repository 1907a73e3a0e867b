//! Database tokens: lifecycle, hashed keys, per-operation scopes, expiry, rate limit.

use crate::helpers::{Resp, TestApp, assert_error};
use serde_json::{Value, json};

async fn with_token(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> Resp {
    let mut req = app
        .client()
        .request(method, format!("{}{path}", app.url))
        .header("Authorization", format!("Token {key}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    app.raw(req).await
}

#[tokio::test]
async fn token_lifecycle_with_keys_shown_once_and_stored_hashed() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "k", "workspace": fx.workspace_id(&app).await}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let key = r.body["key"].as_str().unwrap().to_owned();
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(key.len(), 32);
    assert!(key.starts_with("tsr_"));
    assert_eq!(
        r.body["permissions"],
        json!({"create": true, "read": true, "update": true, "delete": true})
    );
    // Shown once: never again, and not stored.
    let listed = app.get("/api/database/tokens/", a).await;
    assert!(listed.body[0].get("key").is_none());
    assert_eq!(listed.body[0]["key_prefix"], &key[..8]);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM database_tokens WHERE key_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&key)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    let plain: i64 = sqlx::query_scalar("SELECT count(*) FROM database_tokens WHERE position(convert_to($1, 'UTF8') IN key_hash) > 0 OR key_prefix = $1").bind(&key).fetch_one(&app.ctx.db).await.unwrap();
    assert_eq!(plain, 0);

    assert_eq!(
        with_token(
            &app,
            reqwest::Method::GET,
            "/api/database/tokens/check/",
            &key,
            None
        )
        .await
        .body,
        json!({"token": "OK"})
    );
    let bad = with_token(
        &app,
        reqwest::Method::GET,
        "/api/database/tokens/check/",
        "tsr_wrongwrongwrongwrongwrongwron",
        None,
    )
    .await;
    assert_error(&bad, 403, "ERROR_TOKEN_DOES_NOT_EXIST");

    let r = app
        .patch(
            &format!("/api/database/tokens/{id}/"),
            a,
            json!({"rotate_key": true}),
        )
        .await;
    let new_key = r.body["key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, key);
    assert_error(
        &with_token(
            &app,
            reqwest::Method::GET,
            "/api/database/tokens/check/",
            &key,
            None,
        )
        .await,
        403,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_eq!(
        with_token(
            &app,
            reqwest::Method::GET,
            "/api/database/tokens/check/",
            &new_key,
            None
        )
        .await
        .status,
        200
    );

    // Another user's token id is not found (no IDOR).
    let eve = app.sign_up("Eve", "eve@x.io").await;
    assert_error(
        &app.get(&format!("/api/database/tokens/{id}/"), Some(&eve.access))
            .await,
        404,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_error(
        &app.delete(&format!("/api/database/tokens/{id}/"), Some(&eve.access))
            .await,
        404,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(
            "/api/database/tokens/",
            Some(&eve.access),
            json!({"name": "k", "workspace": fx.workspace_id(&app).await}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );

    assert_eq!(
        app.delete(&format!("/api/database/tokens/{id}/"), a)
            .await
            .status,
        204
    );
    assert_error(
        &with_token(
            &app,
            reqwest::Method::GET,
            "/api/database/tokens/check/",
            &new_key,
            None,
        )
        .await,
        403,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn token_permissions_apply_per_operation_and_scope() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let w = fx.workspace_id(&app).await;
    let t = fx.table;
    let other = app
        .post(
            &format!("/api/database/tables/database/{}/", fx.database),
            a,
            json!({"name": "Other"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "k", "workspace": w}),
        )
        .await;
    let (id, key) = (
        r.body["id"].as_i64().unwrap(),
        r.body["key"].as_str().unwrap().to_owned(),
    );

    let r = app.patch(&format!("/api/database/tokens/{id}/"), a, json!({"permissions": {"create": false, "read": [["table", t]], "update": false, "delete": false}})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["permissions"]["read"], json!([["table", t]]));
    assert_error(
        &app.patch(
            &format!("/api/database/tokens/{id}/"),
            a,
            json!({"permissions": {"read": true}}),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(&app.patch(&format!("/api/database/tokens/{id}/"), a, json!({"permissions": {"create": [["table", 999999]], "read": true, "update": true, "delete": true}})).await, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let get = reqwest::Method::GET;
    assert_eq!(
        with_token(
            &app,
            get.clone(),
            &format!("/api/database/rows/table/{t}/"),
            &key,
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        with_token(
            &app,
            get.clone(),
            &format!("/api/database/fields/table/{t}/"),
            &key,
            None
        )
        .await
        .status,
        200
    );
    assert_error(
        &with_token(
            &app,
            get.clone(),
            &format!("/api/database/rows/table/{other}/"),
            &key,
            None,
        )
        .await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );
    assert_error(
        &with_token(
            &app,
            reqwest::Method::POST,
            &format!("/api/database/rows/table/{t}/"),
            &key,
            Some(json!({})),
        )
        .await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );
    assert_error(
        &with_token(
            &app,
            reqwest::Method::PATCH,
            &format!("/api/database/rows/table/{t}/1/"),
            &key,
            Some(json!({})),
        )
        .await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );
    assert_error(
        &with_token(
            &app,
            reqwest::Method::DELETE,
            &format!("/api/database/rows/table/{t}/1/"),
            &key,
            None,
        )
        .await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );
    assert_error(
        &with_token(
            &app,
            reqwest::Method::POST,
            &format!("/api/database/fields/table/{t}/"),
            &key,
            Some(json!({"name": "x", "type": "text"})),
        )
        .await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );
    // Endpoints that never take tokens answer as if no credentials were given.
    let r = with_token(&app, get.clone(), "/api/workspaces/", &key, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.body,
        json!({"detail": "Authentication credentials were not provided."})
    );
    let tables = with_token(
        &app,
        get.clone(),
        "/api/database/tables/all-tables/",
        &key,
        None,
    )
    .await;
    let ids: Vec<i64> = tables
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![t]);

    // With every right on the database, writes work and are attributed to the owner.
    app.patch(&format!("/api/database/tokens/{id}/"), a, json!({"permissions": {"create": [["database", fx.database]], "read": true, "update": true, "delete": true}})).await;
    let r = with_token(
        &app,
        reqwest::Method::POST,
        &format!("/api/database/rows/table/{other}/"),
        &key,
        Some(json!({})),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["id"].as_i64().unwrap();
    assert_eq!(
        with_token(
            &app,
            reqwest::Method::DELETE,
            &format!("/api/database/rows/table/{other}/{row}/"),
            &key,
            None
        )
        .await
        .status,
        204
    );
}

#[tokio::test]
async fn a_token_stops_working_when_its_owner_leaves_the_workspace_or_it_expires() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let w = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();
    let key = app
        .post(
            "/api/database/tokens/",
            Some(&bob.access),
            json!({"name": "bob's", "workspace": w}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/database/rows/table/{}/", fx.table);
    assert_eq!(
        with_token(&app, reqwest::Method::GET, &path, &key, None)
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(
            &format!("/api/workspaces/{w}/leave/"),
            Some(&bob.access),
            json!({})
        )
        .await
        .status,
        204
    );
    assert_error(
        &with_token(&app, reqwest::Method::GET, &path, &key, None).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let expired = app
        .post(
            "/api/database/tokens/",
            Some(&fx.user.access),
            json!({"name": "old", "workspace": w, "expires_at": past}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &with_token(&app, reqwest::Method::GET, &path, &expired, None).await,
        401,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_error(
        &with_token(&app, reqwest::Method::GET, &path, "not-a-token", None).await,
        401,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn tokens_are_rate_limited_with_retry_after() {
    let app = TestApp::spawn_with(|s| s.token_rate_limit_per_minute = 5).await;
    let fx = app.table_fixture().await;
    let key = app
        .post(
            "/api/database/tokens/",
            Some(&fx.user.access),
            json!({"name": "k", "workspace": fx.workspace_id(&app).await}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/database/rows/table/{}/", fx.table);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(with_token(&app, reqwest::Method::GET, &path, &key, None).await);
    }
    let limited: Vec<&Resp> = statuses.iter().filter(|r| r.status == 429).collect();
    assert!(!limited.is_empty(), "no request was limited");
    assert!(
        statuses.iter().take(5).filter(|r| r.status == 200).count() >= 4,
        "the first requests pass"
    );
    assert_error(limited[0], 429, "ERROR_RATE_LIMIT_EXCEEDED");
    let retry: u64 = limited[0]
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn a_tokens_expiry_is_changed_removed_and_kept_by_updates() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let w = fx.workspace_id(&app).await;
    let access = Some(fx.user.access.as_str());
    let r = app
        .post(
            "/api/database/tokens/",
            access,
            json!({"name": "t", "workspace": w}),
        )
        .await;
    let (id, key) = (
        r.body["id"].as_i64().unwrap(),
        r.body["key"].as_str().unwrap().to_owned(),
    );
    let token = format!("/api/database/tokens/{id}/");
    let check = |key: String| {
        let app = &app;
        async move {
            with_token(
                app,
                reqwest::Method::GET,
                "/api/database/tokens/check/",
                &key,
                None,
            )
            .await
            .status
        }
    };
    assert_eq!(check(key.clone()).await, 200);

    // Expiry times as seconds, to compare them whatever their notation.
    let expiry = |body: &Value| {
        body["expires_at"]
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.timestamp())
    };
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let r = app
        .patch(&token, access, json!({"expires_at": past.to_rfc3339()}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(expiry(&r.body), Some(past.timestamp()));
    assert_eq!(check(key.clone()).await, 403, "expired at once");

    // A rename leaves the expiry alone.
    let r = app.patch(&token, access, json!({"name": "renamed"})).await;
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(expiry(&r.body), Some(past.timestamp()));
    assert_eq!(check(key.clone()).await, 403);

    let r = app.patch(&token, access, json!({"expires_at": null})).await;
    assert_eq!(r.body["expires_at"], Value::Null);
    assert_eq!(check(key.clone()).await, 200, "no expiry any more");

    let later = chrono::Utc::now() + chrono::Duration::days(3);
    let r = app
        .patch(&token, access, json!({"expires_at": later.to_rfc3339()}))
        .await;
    assert_eq!(expiry(&r.body), Some(later.timestamp()));
    assert_eq!(check(key.clone()).await, 200);
    assert_error(
        &app.patch(&token, access, json!({"expires_at": "soon"}))
            .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
}

#[tokio::test]
async fn another_member_of_the_workspace_cannot_read_change_or_delete_a_members_token() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let bob = crate::row_comments::member(&app, &fx, "Bob", "bob@x.io").await;
    let workspace = fx.workspace_id(&app).await;
    let r = app
        .post(
            "/api/database/tokens/",
            Some(&fx.user.access),
            json!({"name": "ann's", "workspace": workspace}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (id, key) = (
        r.body["id"].as_i64().unwrap(),
        r.body["key"].as_str().unwrap().to_owned(),
    );
    // Bob has a token of his own in the same workspace, so he may use the endpoints.
    let r = app
        .post(
            "/api/database/tokens/",
            Some(&bob.access),
            json!({"name": "bob's", "workspace": workspace}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let path = format!("/api/database/tokens/{id}/");
    let b = Some(bob.access.as_str());
    assert_error(&app.get(&path, b).await, 404, "ERROR_TOKEN_DOES_NOT_EXIST");
    assert_error(
        &app.patch(
            &path,
            b,
            json!({"name": "taken", "permissions": {"create": false, "read": false, "update": false, "delete": false}}),
        )
        .await,
        404,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_error(
        &app.patch(&path, b, json!({"rotate_key": true})).await,
        404,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    assert_error(
        &app.delete(&path, b).await,
        404,
        "ERROR_TOKEN_DOES_NOT_EXIST",
    );
    let listed = app.get("/api/database/tokens/", b).await;
    assert_eq!(listed.status, 200);
    let names: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob's"]);

    // Ann's token is as she left it and still works.
    let r = app.get(&path, Some(&fx.user.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"], "ann's");
    assert_eq!(r.body["permissions"]["read"], true);
    let r = with_token(
        &app,
        reqwest::Method::GET,
        &format!("/api/database/rows/table/{}/", fx.table),
        &key,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
