//! Staff administration: the dashboard, accounts (list, create, edit, delete,
//! impersonate), workspaces (list, delete) and the email tester, each refused to
//! everyone but staff.

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;

/// Ann signs up first (staff), Bob second (not staff).
async fn staff_and_bob(app: &TestApp) -> (Session, Session) {
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    (ann, bob)
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> crate::helpers::Resp {
    app.post(
        "/api/user/token-auth/",
        None,
        json!({"email": email, "password": password}),
    )
    .await
}

async fn user_row(app: &TestApp, id: i64) -> Option<(String, String, bool, bool)> {
    sqlx::query_as("SELECT email, first_name, is_active, is_staff FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&app.ctx.db)
        .await
        .unwrap()
}

/// Bob's workspace with a database and a table in it; returns (workspace, table).
async fn bobs_table(app: &TestApp, bob: &Session) -> (i64, i64) {
    let workspace = app.workspace(bob, "Bob's").await;
    let database = app.database(bob, workspace).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            Some(&bob.access),
            json!({"name": "T"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (workspace, r.body["id"].as_i64().unwrap())
}

#[tokio::test]
async fn every_admin_endpoint_refuses_callers_who_are_not_staff() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let w = app.workspace(&ann, "Ann's").await;
    let calls: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/admin/dashboard/".into(), None),
        ("GET", "/api/admin/users/".into(), None),
        ("GET", "/api/admin/users/?size=1000&sorts=bad".into(), None),
        (
            "POST",
            "/api/admin/users/".into(),
            Some(json!({"username": "c@x.io", "name": "C", "password": "password123"})),
        ),
        (
            "POST",
            "/api/admin/users/impersonate/".into(),
            Some(json!({"user": ann.id})),
        ),
        (
            "PATCH",
            format!("/api/admin/users/{}/", ann.id),
            Some(json!({"is_staff": false})),
        ),
        (
            "PATCH",
            format!("/api/admin/users/{}/", bob.id),
            Some(json!({"is_staff": true})),
        ),
        ("DELETE", format!("/api/admin/users/{}/", ann.id), None),
        ("GET", "/api/admin/workspaces/".into(), None),
        ("DELETE", format!("/api/admin/workspaces/{w}/"), None),
        (
            "POST",
            "/api/_health/email/".into(),
            Some(json!({"target_email": "x@x.io"})),
        ),
    ];
    for (method, path, body) in &calls {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = app
            .request(method.clone(), path, Some(&bob.access), body.clone())
            .await;
        assert_error(&r, 401, "PERMISSION_DENIED");
        let r = app.request(method, path, None, body.clone()).await;
        assert_eq!(r.status, 401, "{path}: {:?}", r.body);
    }
    // Nothing changed: Bob is not staff, Ann is, her workspace stands, no account was
    // made and no email was sent.
    assert_eq!(
        user_row(&app, bob.id).await.unwrap(),
        ("bob@x.io".into(), "Bob".into(), true, false)
    );
    assert!(user_row(&app, ann.id).await.unwrap().3);
    let r = app.get("/api/workspaces/", Some(&ann.access)).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(count, 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.mail.received().iter().all(|m| m.to != ["x@x.io"]));
}

#[tokio::test]
async fn the_dashboard_counts_accounts_workspaces_databases_and_sign_ins() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let carl = app.sign_up("Carl", "carl@x.io").await;
    let w = app.workspace(&ann, "Ann's").await;
    app.database(&ann, w).await;
    app.database(&ann, w).await;
    let trashed = app.workspace(&bob, "Trashed").await;
    app.database(&bob, trashed).await;
    let r = app
        .delete(&format!("/api/workspaces/{trashed}/"), Some(&bob.access))
        .await;
    assert_eq!(r.status, 204);
    // Bob logs in twice and Ann once: two active users. Carl joined 30 hours ago and
    // logged in then: he counts in the previous 24 hours.
    for email in ["bob@x.io", "bob@x.io", "ann@x.io"] {
        assert_eq!(log_in(&app, email, "password123").await.status, 200);
    }
    sqlx::query("UPDATE users SET date_joined = now() - interval '30 hours' WHERE id = $1")
        .bind(carl.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO user_sign_ins (user_id, signed_in_at) VALUES ($1, now() - interval '30 hours')",
    )
    .bind(carl.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();

    let r = app.get("/api/admin/dashboard/", Some(&ann.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let d = &r.body;
    assert_eq!(d["total_users"], 3);
    assert_eq!(
        d["total_workspaces"], 1,
        "the trashed workspace is not counted"
    );
    assert_eq!(d["total_applications"], 2);
    assert_eq!(d["new_users_last_24_hours"], 2);
    assert_eq!(d["previous_new_users_last_24_hours"], 1);
    assert_eq!(d["new_users_last_7_days"], 3);
    assert_eq!(d["previous_new_users_last_7_days"], 0);
    assert_eq!(d["new_users_last_30_days"], 3);
    assert_eq!(d["active_users_last_24_hours"], 2);
    assert_eq!(d["previous_active_users_last_24_hours"], 1);
    assert_eq!(d["active_users_last_7_days"], 3);
    assert_eq!(d["previous_active_users_last_30_days"], 0);
    let total = |key: &str| -> i64 {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|day| {
                assert_eq!(day["date"].as_str().unwrap().len(), 10, "{day}");
                day["count"].as_i64().unwrap()
            })
            .sum()
    };
    assert_eq!(total("new_users_per_day"), 3);
    // Bob once (though twice that day), Ann, Carl on his day.
    assert_eq!(total("active_users_per_day"), 3);

    // A deactivated account leaves the total.
    let r = app
        .patch(
            &format!("/api/admin/users/{}/", carl.id),
            Some(&ann.access),
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .get(
            "/api/admin/dashboard/?timezone=Pacific/Kiritimati",
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["total_users"], 2);
    let r = app
        .get(
            "/api/admin/dashboard/?timezone=Mars/Olympus",
            Some(&ann.access),
        )
        .await;
    assert_error(&r, 400, "UNKNOWN_TIME_ZONE_ERROR");
    let r = app
        .get("/api/admin/dashboard/?timezone=UTC%00", Some(&ann.access))
        .await;
    assert_error(&r, 400, "UNKNOWN_TIME_ZONE_ERROR");
}

#[tokio::test]
async fn accounts_are_listed_searched_sorted_and_paged() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let w = app.workspace(&bob, "Bob's").await;
    app.sign_up("Zed", "zed@y.io").await;

    let r = app.get("/api/admin/users/", Some(&ann.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 3);
    let results = r.body["results"].as_array().unwrap();
    let ids: Vec<i64> = results.iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids[..2], [ann.id, bob.id]);
    let b = &results[1];
    assert_eq!(b["username"], "bob@x.io");
    assert_eq!(b["name"], "Bob");
    assert_eq!(b["is_active"], true);
    assert_eq!(b["is_staff"], false);
    assert_eq!(b["last_login"], Value::Null);
    assert!(b["date_joined"].is_string());
    assert_eq!(
        b["workspaces"],
        json!([{"id": w, "name": "Bob's", "permissions": "ADMIN"}])
    );
    assert_eq!(results[0]["is_staff"], true);

    let names = |r: &crate::helpers::Resp| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app
        .get("/api/admin/users/?search=X.IO", Some(&ann.access))
        .await;
    assert_eq!(names(&r), ["Ann", "Bob"]);
    let r = app
        .get("/api/admin/users/?search=ze", Some(&ann.access))
        .await;
    assert_eq!(names(&r), ["Zed"]);
    let r = app
        .get("/api/admin/users/?search=%25", Some(&ann.access))
        .await;
    assert_eq!(r.body["count"], 0, "a % is searched for, not a wildcard");
    let r = app
        .get("/api/admin/users/?sorts=-name", Some(&ann.access))
        .await;
    assert_eq!(names(&r), ["Zed", "Bob", "Ann"]);
    let r = app
        .get(
            "/api/admin/users/?sorts=-is_active,%2Busername",
            Some(&ann.access),
        )
        .await;
    assert_eq!(names(&r), ["Ann", "Bob", "Zed"]);

    let r = app
        .get("/api/admin/users/?size=1&page=2", Some(&ann.access))
        .await;
    assert_eq!(names(&r), ["Bob"]);
    assert_eq!(r.body["count"], 3);
    assert!(r.body["next"].as_str().unwrap().contains("page=3"));
    assert!(r.body["previous"].as_str().unwrap().contains("size=1"));

    for (query, code) in [
        ("sorts=name", "ERROR_INVALID_SORT_DIRECTION"),
        // A bare `+` in a query string is a space.
        ("sorts=+name", "ERROR_INVALID_SORT_DIRECTION"),
        ("sorts=%2Bemail", "ERROR_INVALID_SORT_ATTRIBUTE"),
        ("sorts=%2Bname,-name", "ERROR_INVALID_SORT_ATTRIBUTE"),
        ("size=101", "ERROR_PAGE_SIZE_LIMIT"),
        ("search=a%00", "ERROR_QUERY_PARAMETER_VALIDATION"),
        ("page=0", "ERROR_QUERY_PARAMETER_VALIDATION"),
    ] {
        let r = app
            .get(&format!("/api/admin/users/?{query}"), Some(&ann.access))
            .await;
        assert_error(&r, 400, code);
    }
}

#[tokio::test]
async fn staff_create_and_edit_accounts_but_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let path = format!("/api/admin/users/{}/", bob.id);

    let r = app
        .patch(
            &path,
            Some(&ann.access),
            json!({"name": " Robert ", "username": "Robert@X.io", "is_staff": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"], "Robert");
    assert_eq!(r.body["username"], "robert@x.io");
    assert_eq!(r.body["is_staff"], true);
    assert_eq!(
        user_row(&app, bob.id).await.unwrap(),
        ("robert@x.io".into(), "Robert".into(), true, true)
    );
    // The name and email change leave his session alone.
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_eq!(r.status, 200);

    // Staff cannot deactivate, un-staff or delete themselves.
    let me = format!("/api/admin/users/{}/", ann.id);
    for body in [json!({"is_active": false}), json!({"is_staff": false})] {
        let r = app.patch(&me, Some(&ann.access), body).await;
        assert_error(&r, 400, "USER_ADMIN_CANNOT_DEACTIVATE_SELF");
    }
    let r = app
        .patch(
            &me,
            Some(&ann.access),
            json!({"name": "Anna", "is_staff": true}),
        )
        .await;
    assert_eq!(r.status, 200, "editing anything else of yourself is fine");
    let r = app.delete(&me, Some(&ann.access)).await;
    assert_error(&r, 400, "USER_ADMIN_CANNOT_DELETE_SELF");
    assert!(user_row(&app, ann.id).await.unwrap().3);

    let r = app
        .patch(&path, Some(&ann.access), json!({"username": "ann@x.io"}))
        .await;
    assert_error(&r, 400, "USER_ADMIN_ALREADY_EXISTS");
    let r = app
        .patch(
            "/api/admin/users/999999/",
            Some(&ann.access),
            json!({"name": "X"}),
        )
        .await;
    assert_error(&r, 400, "USER_ADMIN_UNKNOWN_USER");
    let r = app
        .delete("/api/admin/users/999999/", Some(&ann.access))
        .await;
    assert_error(&r, 400, "USER_ADMIN_UNKNOWN_USER");
    for body in [
        json!({"name": ""}),
        json!({"name": "x".repeat(151)}),
        json!({"name": "a\u{0}b"}),
        json!({"username": "not-an-email"}),
        json!({"password": "short"}),
        json!({"is_active": "yes"}),
        json!({"first_name": "X"}),
    ] {
        let r = app.patch(&path, Some(&ann.access), body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    assert_eq!(
        user_row(&app, bob.id).await.unwrap(),
        ("robert@x.io".into(), "Robert".into(), true, true),
        "refused edits change nothing"
    );

    // Creating: even with sign-ups off, with Baserow's required fields.
    sqlx::query("UPDATE instance_settings SET allow_new_signups = FALSE")
        .execute(&app.ctx.db)
        .await
        .unwrap();
    let r = app
        .post(
            "/api/admin/users/",
            Some(&ann.access),
            json!({"username": "dora@x.io", "name": "Dora", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["username"], "dora@x.io");
    assert_eq!(r.body["is_active"], true);
    assert_eq!(r.body["is_staff"], false);
    assert_eq!(r.body["workspaces"], json!([]));
    assert_eq!(log_in(&app, "dora@x.io", "password123").await.status, 200);
    let r = app
        .post(
            "/api/admin/users/",
            Some(&ann.access),
            json!({"username": "DORA@x.io", "name": "Dora", "password": "password123"}),
        )
        .await;
    assert_error(&r, 400, "USER_ADMIN_ALREADY_EXISTS");
    let r = app
        .post(
            "/api/admin/users/",
            Some(&ann.access),
            json!({"name": "Eve"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["username"][0]["code"], "required");
    assert_eq!(r.body["detail"]["password"][0]["code"], "required");
}

#[tokio::test]
async fn deactivating_or_setting_a_password_ends_the_accounts_sessions_at_once() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let path = format!("/api/admin/users/{}/", bob.id);
    assert_eq!(
        app.get("/api/workspaces/", Some(&bob.access)).await.status,
        200
    );

    let r = app
        .patch(&path, Some(&ann.access), json!({"is_active": false}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["is_active"], false);
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_error(&r, 401, "ERROR_INVALID_ACCESS_TOKEN");
    let r = app
        .post(
            "/api/user/token-refresh/",
            None,
            json!({"refresh_token": bob.refresh}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_REFRESH_TOKEN");
    assert_error(
        &log_in(&app, "bob@x.io", "password123").await,
        401,
        "ERROR_DEACTIVATED_USER",
    );

    // Active again: he logs in anew; the tokens from before stay dead.
    let r = app
        .patch(&path, Some(&ann.access), json!({"is_active": true}))
        .await;
    assert_eq!(r.status, 200);
    assert_error(
        &app.get("/api/workspaces/", Some(&bob.access)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
    let r = log_in(&app, "bob@x.io", "password123").await;
    assert_eq!(r.status, 200);
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/workspaces/", Some(&access)).await.status, 200);

    // A password set by staff retires his session too; the new password works.
    let r = app
        .patch(
            &path,
            Some(&ann.access),
            json!({"password": "new-password-1"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_error(
        &app.get("/api/workspaces/", Some(&access)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
    assert_error(
        &log_in(&app, "bob@x.io", "password123").await,
        401,
        "ERROR_INVALID_CREDENTIALS",
    );
    assert_eq!(log_in(&app, "bob@x.io", "new-password-1").await.status, 200);
    // Ann's own session was never touched.
    assert_eq!(
        app.get("/api/workspaces/", Some(&ann.access)).await.status,
        200
    );
}

#[tokio::test]
async fn impersonation_gives_the_targets_own_session_and_refuses_staff_accounts() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let w = app.workspace(&bob, "Bob's").await;

    let r = app
        .post(
            "/api/admin/users/impersonate/",
            Some(&ann.access),
            json!({"user": bob.id}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["user"]["id"], bob.id);
    assert_eq!(r.body["user"]["username"], "bob@x.io");
    assert_eq!(r.body["token"], r.body["access_token"]);
    let access = r.body["access_token"].as_str().unwrap();
    // The token acts as Bob: his workspace, his account.
    let r = app.get("/api/workspaces/", Some(access)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body[0]["id"], w);
    let r = app
        .patch(
            "/api/user/account/",
            Some(access),
            json!({"language": "en"}),
        )
        .await;
    assert_eq!(r.body["id"], bob.id);
    assert_eq!(r.body["is_staff"], false);
    let r = app.get("/api/admin/users/", Some(access)).await;
    assert_error(&r, 401, "PERMISSION_DENIED");

    // Staff accounts, Ann herself included, and unknown ids are refused.
    let carl = app.sign_up("Carl", "carl@x.io").await;
    sqlx::query("UPDATE users SET is_staff = TRUE WHERE id = $1")
        .bind(carl.id)
        .execute(&app.ctx.db)
        .await
        .unwrap();
    for user in [json!(ann.id), json!(carl.id), json!(999999)] {
        let r = app
            .post(
                "/api/admin/users/impersonate/",
                Some(&ann.access),
                json!({"user": user}),
            )
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert_eq!(r.body["detail"]["user"][0]["code"], "does_not_exist");
    }
    for body in [json!({}), json!({"user": "bob"}), json!({"user": null})] {
        let r = app
            .post("/api/admin/users/impersonate/", Some(&ann.access), body)
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
}

#[tokio::test]
async fn deleting_an_account_removes_it_and_its_memberships_but_not_its_workspaces() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let shared = app.workspace(&ann, "Shared").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, shared, bob.id, "MEMBER")
        .await
        .unwrap();
    let own = app.workspace(&bob, "Bob's").await;

    let r = app
        .delete(&format!("/api/admin/users/{}/", bob.id), Some(&ann.access))
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert!(user_row(&app, bob.id).await.is_none());
    assert_error(
        &app.get("/api/workspaces/", Some(&bob.access)).await,
        401,
        "ERROR_INVALID_ACCESS_TOKEN",
    );
    let r = app.get("/api/workspaces/", Some(&ann.access)).await;
    let members: Vec<i64> = r.body[0]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(members, [ann.id]);
    // His own workspace stays, without members, for staff to delete if they want.
    let r = app
        .get(
            &format!("/api/admin/workspaces/?search={own}"),
            Some(&ann.access),
        )
        .await;
    let found = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == own)
        .cloned()
        .unwrap();
    assert_eq!(found["users"], json!([]));
    let r = app
        .delete(&format!("/api/admin/users/{}/", bob.id), Some(&ann.access))
        .await;
    assert_error(&r, 400, "USER_ADMIN_UNKNOWN_USER");
}

#[tokio::test]
async fn workspaces_are_listed_with_their_members_and_counts() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let (w, table) = bobs_table(&app, &bob).await;
    let rows: i64 = sqlx::query_scalar("SELECT row_count FROM database_tables WHERE id = $1")
        .bind(table)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    let other = app.workspace(&ann, "Another").await;

    let r = app.get("/api/admin/workspaces/", Some(&ann.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 2);
    let first = &r.body["results"][0];
    assert_eq!(first["id"], w);
    assert_eq!(first["name"], "Bob's");
    assert_eq!(
        first["users"],
        json!([{"id": bob.id, "email": "bob@x.io", "permissions": "ADMIN"}])
    );
    assert_eq!(first["application_count"], 1);
    assert_eq!(first["row_count"], rows);
    assert_eq!(first["storage_usage"], Value::Null);
    assert!(first["created_on"].is_string());
    assert_eq!(r.body["results"][1]["application_count"], 0);

    let ids = |r: &crate::helpers::Resp| -> Vec<i64> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_i64().unwrap())
            .collect()
    };
    let r = app
        .get("/api/admin/workspaces/?search=anoth", Some(&ann.access))
        .await;
    assert_eq!(ids(&r), [other]);
    let r = app
        .get(
            "/api/admin/workspaces/?sorts=-application_count",
            Some(&ann.access),
        )
        .await;
    assert_eq!(ids(&r), [w, other]);
    let r = app
        .get("/api/admin/workspaces/?sorts=%2Bname", Some(&ann.access))
        .await;
    assert_eq!(ids(&r), [other, w]);
    let r = app
        .get(
            "/api/admin/workspaces/?sorts=-row_count,-storage_usage",
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .get("/api/admin/workspaces/?sorts=%2Busers", Some(&ann.access))
        .await;
    assert_error(&r, 400, "ERROR_INVALID_SORT_ATTRIBUTE");
}

#[tokio::test]
async fn deleting_a_workspace_deletes_it_for_good_with_its_tables() {
    let app = TestApp::spawn().await;
    let (ann, bob) = staff_and_bob(&app).await;
    let (w, table) = bobs_table(&app, &bob).await;

    let r = app
        .delete(&format!("/api/admin/workspaces/{w}/"), Some(&ann.access))
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // Gone from its member's view at once, and not in the trash to restore.
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_eq!(r.body, json!([]));
    let r = app
        .get(&format!("/api/database/tables/{table}/"), Some(&bob.access))
        .await;
    assert!(r.status == 404 || r.status == 400, "{:?}", r.body);
    let r = app.get("/api/trash/", Some(&bob.access)).await;
    assert!(
        r.body["workspaces"]
            .as_array()
            .is_none_or(|list| list.iter().all(|x| x["id"] != w)),
        "{:?}",
        r.body
    );
    // The deletion job drops the workspace and its table.
    let mut gone = false;
    for _ in 0..100 {
        let left: (bool, Option<String>) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1), to_regclass($2)::text",
        )
        .bind(w)
        .bind(format!("database_table_{table}"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
        if left == (false, None) {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the workspace and its table were not deleted");
    let r = app
        .delete(&format!("/api/admin/workspaces/{w}/"), Some(&ann.access))
        .await;
    assert_error(&r, 404, "ERROR_GROUP_DOES_NOT_EXIST");
    // A workspace in the trash is not there for staff either.
    let trashed = app.workspace(&bob, "Trashed").await;
    app.delete(&format!("/api/workspaces/{trashed}/"), Some(&bob.access))
        .await;
    let r = app
        .delete(
            &format!("/api/admin/workspaces/{trashed}/"),
            Some(&ann.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_GROUP_DOES_NOT_EXIST");
}

#[tokio::test]
async fn the_test_email_arrives_through_the_smtp_relay() {
    let app = TestApp::spawn().await;
    let (ann, _bob) = staff_and_bob(&app).await;
    let r = app
        .post(
            "/api/_health/email/",
            Some(&ann.access),
            json!({"target_email": "ops@x.io"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"succeeded": true}));
    // Sent before the answer, not queued.
    let mail = app
        .mail
        .received()
        .into_iter()
        .find(|m| m.to == ["ops@x.io"])
        .expect("the test email arrived before the answer");
    assert_eq!(mail.subject, "Test email from Tessera");

    for body in [
        json!({"target_email": "nope"}),
        json!({}),
        json!({"target_email": "a\u{0}@x.io"}),
    ] {
        let r = app
            .post("/api/_health/email/", Some(&ann.access), body)
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
}

#[tokio::test]
async fn a_failing_smtp_relay_is_reported_in_baserows_shape() {
    // A port nobody listens on: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let (ann, _bob) = staff_and_bob(&app).await;
    let r = app
        .post(
            "/api/_health/email/",
            Some(&ann.access),
            json!({"target_email": "ops@x.io"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["succeeded"], false);
    assert!(!r.body["error_type"].as_str().unwrap().is_empty());
    assert!(!r.body["error"].as_str().unwrap().is_empty());
    assert!(r.body["error_stack"].is_string());

    let app = TestApp::spawn_with(|s| s.smtp_url = None).await;
    let (ann, _bob) = staff_and_bob(&app).await;
    let r = app
        .post(
            "/api/_health/email/",
            Some(&ann.access),
            json!({"target_email": "ops@x.io"}),
        )
        .await;
    assert_eq!(r.body["succeeded"], false);
    assert_eq!(r.body["error_type"], "SmtpNotConfigured");
}
