//! Jobs are enqueued inside the transaction that causes them.

use crate::helpers::TestApp;
use tessera::platform::{jobs, mail::EmailMessage};

async fn queued(app: &TestApp, to: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM apalis.jobs WHERE job_type = 'high' AND convert_from(job, 'UTF8') LIKE $1")
        .bind(format!("%{to}%"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap()
}

fn message(to: &str) -> jobs::HighJob {
    jobs::HighJob::SendEmail(EmailMessage {
        to: to.into(),
        subject: "s".into(),
        text: "t".into(),
        html: "h".into(),
    })
}

#[tokio::test]
async fn a_rolled_back_transaction_enqueues_nothing_and_a_committed_one_delivers() {
    let app = TestApp::spawn().await;
    let mut tx = app.ctx.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &message("rolled@back.io"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(queued(&app, "rolled@back.io").await, 0);

    let mut tx = app.ctx.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &message("committed@x.io"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(queued(&app, "committed@x.io").await, 1);
    let mail = app
        .mail
        .wait_for("committed@x.io", std::time::Duration::from_secs(20))
        .await;
    assert!(mail.is_some(), "the worker delivered the committed job");
    assert!(
        app.mail
            .wait_for("rolled@back.io", std::time::Duration::from_millis(300))
            .await
            .is_none()
    );
}
