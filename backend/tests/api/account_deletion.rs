//! Scheduled account deletion: the grace delay, cancelling by logging in, and the deletion
//! job that runs after the delay.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;
use std::time::Duration;
use tessera::platform::jobs::LowJob;

async fn to_be_deleted(app: &TestApp, id: i64) -> Option<bool> {
    sqlx::query_scalar("SELECT to_be_deleted FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&app.ctx.db)
        .await
        .unwrap()
}

/// Moves the user's last log-in back by `days`, as if the grace delay had been waited out.
async fn age(app: &TestApp, id: i64, days: i32) {
    sqlx::query("UPDATE users SET last_login = now() - make_interval(days => $2) WHERE id = $1")
        .bind(id)
        .bind(days)
        .execute(&app.ctx.db)
        .await
        .unwrap();
}

async fn mail_with_subject(app: &TestApp, to: &str, subject: &str) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if app
            .mail
            .received()
            .iter()
            .any(|m| m.to.iter().any(|t| t == to) && m.subject == subject)
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn logging_in_again_cancels_a_scheduled_deletion() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .request(
            reqwest::Method::POST,
            "/api/user/schedule-account-deletion/",
            Some(&bob.access),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(to_be_deleted(&app, bob.id).await, Some(true));
    assert!(mail_with_subject(&app, "bob@x.io", "Your account will be deleted").await);

    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(to_be_deleted(&app, bob.id).await, Some(false));
    assert!(mail_with_subject(&app, "bob@x.io", "Your account will not be deleted").await);
    // Even long after, the job leaves the account alone.
    age(&app, bob.id, 400).await;
    LowJob::DeleteExpiredUsers.run(&app.ctx).await.unwrap();
    assert_eq!(to_be_deleted(&app, bob.id).await, Some(false));
}

#[tokio::test]
async fn the_job_deletes_the_account_after_the_grace_delay_with_workspaces_it_alone_administered() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let alone = app.workspace(&bob, "Bob alone").await;
    let shared = app.workspace(&ann, "Shared").await;
    let r = app
        .patch(
            "/api/settings/update/",
            Some(&ann.access),
            json!({"account_deletion_grace_delay": 3}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Bob administers "Shared" too, beside Ann: it stays.
    sqlx::query(
        "INSERT INTO workspace_users (workspace_id, user_id, permissions) VALUES ($1, $2, 'ADMIN')",
    )
    .bind(shared)
    .bind(bob.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let r = app
        .request(
            reqwest::Method::POST,
            "/api/user/schedule-account-deletion/",
            Some(&bob.access),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);

    // Within the delay, nothing happens.
    age(&app, bob.id, 2).await;
    LowJob::DeleteExpiredUsers.run(&app.ctx).await.unwrap();
    assert_eq!(to_be_deleted(&app, bob.id).await, Some(true));

    age(&app, bob.id, 4).await;
    LowJob::DeleteExpiredUsers.run(&app.ctx).await.unwrap();
    assert_eq!(to_be_deleted(&app, bob.id).await, None, "deleted");
    assert!(mail_with_subject(&app, "bob@x.io", "Your account has been deleted").await);
    let r = app
        .post(
            "/api/user/token-auth/",
            None,
            json!({"email": "bob@x.io", "password": "password123"}),
        )
        .await;
    assert_error(&r, 401, "ERROR_INVALID_CREDENTIALS");

    // The trash cleanup then deletes Bob's own workspace for good; Ann's stays.
    LowJob::DeleteTrash.run(&app.ctx).await.unwrap();
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id")
        .fetch_all(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(left, vec![shared]);
    assert_ne!(alone, shared);
}

#[tokio::test]
async fn the_last_staff_account_cannot_schedule_its_deletion() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .request(
            reqwest::Method::POST,
            "/api/user/schedule-account-deletion/",
            Some(&ann.access),
            None,
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_IS_LAST_ADMIN");
    assert_eq!(to_be_deleted(&app, ann.id).await, Some(false));
    let r = app
        .request(
            reqwest::Method::POST,
            "/api/user/schedule-account-deletion/",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 401);
}
