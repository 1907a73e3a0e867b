//! The worker binary against real PostgreSQL and SMTP: graceful SIGTERM, and jobs of a
//! killed worker handed to another.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/worker_process.rs"]
mod worker_process;

use std::{
    process::{Child, Command},
    time::{Duration, Instant},
};
use tessera::{
    platform::{jobs, mail::EmailMessage},
    test_support::{self, MailServer, TestDatabase},
};

fn start_worker(db: &TestDatabase, smtp_url: &str) -> Child {
    let settings = test_support::settings(&db.url);
    worker_process::start(db, &settings, &[("TESSERA_SMTP_URL", smtp_url)])
}

async fn send_email(db: &TestDatabase, to: &str) {
    let job = jobs::HighJob::SendEmail(EmailMessage {
        to: to.into(),
        subject: "Hello".into(),
        text: "Hi".into(),
        html: "<p>Hi</p>".into(),
    });
    let mut tx = db.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, &job).await.unwrap();
    tx.commit().await.unwrap();
}

async fn wait_until_running(db: &TestDatabase) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        let running: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM apalis.jobs WHERE job_type = 'high' AND status = 'Running'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if running > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job never started");
}

fn wait_for_exit(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[tokio::test]
async fn sigterm_lets_the_running_job_finish_then_exits_cleanly() {
    let db = TestDatabase::create().await.unwrap();
    let slow_smtp = MailServer::start_with_delay(Duration::from_secs(2)).unwrap();
    let mut worker = start_worker(&db, &slow_smtp.url);
    send_email(&db, "ann@x.io").await;
    wait_until_running(&db).await;

    let killed = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status =
        wait_for_exit(&mut worker, Duration::from_secs(30)).expect("worker exits after SIGTERM");
    assert!(status.success(), "clean exit, got {status:?}");
    assert!(
        slow_smtp.received().iter().any(|m| m.to == ["ann@x.io"]),
        "the in-flight email was delivered before exiting"
    );
    let done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apalis.jobs WHERE job_type = 'high' AND status = 'Done'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(done, 1);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_retried_by_another_worker() {
    let db = TestDatabase::create().await.unwrap();
    // The first worker's relay hangs long enough for the worker to be killed mid-send.
    let hanging_smtp = MailServer::start_with_delay(Duration::from_secs(60)).unwrap();
    let healthy_smtp = MailServer::start().unwrap();
    let mut doomed = start_worker(&db, &hanging_smtp.url);
    send_email(&db, "bob@x.io").await;
    wait_until_running(&db).await;
    doomed.kill().unwrap(); // SIGKILL: no chance to clean up
    doomed.wait().unwrap();

    let mut rescuer = start_worker(&db, &healthy_smtp.url);
    let delivered = healthy_smtp
        .wait_for("bob@x.io", Duration::from_secs(40))
        .await;
    rescuer.kill().unwrap();
    rescuer.wait().unwrap();
    assert!(
        delivered.is_some(),
        "the orphaned job was re-run by the second worker"
    );
}

/// A job this worker does not know (queued by a newer backend during a rolling upgrade, or
/// damaged) must not stop the queue: the jobs after it still run.
#[tokio::test]
async fn an_unknown_job_does_not_stop_the_queue() {
    let db = TestDatabase::create().await.unwrap();
    let mail = MailServer::start().unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let unknown =
        apalis::prelude::TaskBuilder::new(br#"{"type":"from_the_future","x":1}"#.to_vec()).build();
    apalis_postgres::queries::push_tasks(&mut *conn, "high", vec![unknown])
        .await
        .unwrap();
    drop(conn);
    send_email(&db, "after@x.io").await;
    let mut worker = start_worker(&db, &mail.url);
    let got = mail.wait_for("after@x.io", Duration::from_secs(20)).await;
    worker.kill().unwrap();
    worker.wait().unwrap();
    assert!(
        got.is_some(),
        "the email queued after the unknown job was sent"
    );
}
