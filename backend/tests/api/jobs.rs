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

/// Queues an email job and says how long the worker took to send it (`None`: not within
/// `patience`).
async fn send_and_time(
    app: &TestApp,
    to: &str,
    patience: std::time::Duration,
) -> Option<std::time::Duration> {
    let began = std::time::Instant::now();
    let mut tx = app.ctx.db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &message(to)).await.unwrap();
    tx.commit().await.unwrap();
    app.mail
        .wait_for(to, patience)
        .await
        .map(|_| began.elapsed())
}

#[tokio::test]
async fn a_consumer_whose_notice_connection_is_cut_still_starts_jobs_at_once() {
    // Heartbeats far apart: a job that waits for one would wait half a minute.
    let app = TestApp::spawn_with(|s| s.job_heartbeat = std::time::Duration::from_secs(30)).await;
    let patience = std::time::Duration::from_secs(8);
    assert!(send_and_time(&app, "before@x.io", patience).await.is_some());
    // Cut the consumers' `LISTEN` connections, as a PostgreSQL restart or an outage does.
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&app.ctx.db)
    .await
    .unwrap();
    assert!(!cut.is_empty(), "the consumers listen for notices");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    for i in 0..3 {
        let took = send_and_time(&app, &format!("after{i}@x.io"), patience).await;
        assert!(
            took.is_some_and(|t| t < std::time::Duration::from_secs(5)),
            "a job queued after the cut ran in {took:?}"
        );
    }
    // Notices work again: the listener came back.
    let listening: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert!(listening >= 1, "the consumers listen again");
}

#[tokio::test]
async fn a_consumer_stuck_in_its_heartbeat_is_started_again_and_jobs_run() {
    let app = TestApp::spawn().await;
    let patience = std::time::Duration::from_secs(8);
    assert!(send_and_time(&app, "before@x.io", patience).await.is_some());
    // Hold the `high` consumer's registration: its next heartbeat waits on the lock for as
    // long as this transaction stays open, and it fetches nothing meanwhile.
    let mut held = app.ctx.db.begin().await.unwrap();
    let consumers: Vec<String> =
        sqlx::query_scalar("SELECT id FROM apalis.workers WHERE worker_type = 'high' FOR UPDATE")
            .fetch_all(&mut *held)
            .await
            .unwrap();
    assert!(!consumers.is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    // Stuck for at least ten seconds, then a fresh consumer takes over.
    let took = send_and_time(&app, "stuck@x.io", std::time::Duration::from_secs(30)).await;
    assert!(
        took.is_some(),
        "a job queued while the consumer was stuck ran"
    );
    let fresh: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apalis.workers WHERE worker_type = 'high' AND NOT (id = ANY($1))",
    )
    .bind(&consumers)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert!(fresh >= 1, "a consumer of a new name runs the queue");
    held.rollback().await.unwrap();
}
