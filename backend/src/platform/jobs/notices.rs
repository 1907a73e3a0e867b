//! `NOTIFY` wake-ups for a queue consumer that outlive the connection they arrive on.
//!
//! apalis' own listener ends for good at the first error of its connection (a PostgreSQL
//! restart, an outage, the connection terminated), and once it has ended, apalis' combined
//! poll strategy, which stops at the first strategy that is ready, never reaches the
//! interval behind it again: the consumer would then only look for jobs when it
//! heartbeats. This stream never ends: it listens again, with back-off, whenever the
//! listener ends, and is pending meanwhile so the interval keeps waking the consumer.

use apalis_postgres::Pubsub;
use futures::{Stream, StreamExt};
use sqlx::PgPool;
use std::{
    future::Future,
    pin::Pin,
    sync::Mutex,
    task::{Context, Poll},
    time::Duration,
};

const FIRST_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

/// One item per `NOTIFY` of a job queued on `queue`.
pub struct Notices {
    pool: PgPool,
    queue: String,
    listener: Option<Pubsub>,
    /// Before listening again after the listener ended. In a mutex only because the poll
    /// strategy must be `Sync`; it is never contended.
    pause: Option<Mutex<Pin<Box<tokio::time::Sleep>>>>,
    next_pause: Duration,
}

impl Notices {
    pub fn new(pool: PgPool, queue: &str) -> Self {
        Self {
            pool,
            queue: queue.to_owned(),
            listener: None,
            pause: None,
            next_pause: FIRST_PAUSE,
        }
    }
}

impl Stream for Notices {
    type Item = ();

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let this = self.get_mut();
        loop {
            if let Some(pause) = &mut this.pause {
                let pause = pause.get_mut().unwrap_or_else(|e| e.into_inner());
                if pause.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.pause = None;
            }
            let listener = this
                .listener
                .get_or_insert_with(|| Pubsub::new(this.pool.clone(), this.queue.clone()));
            match listener.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(_))) => {
                    this.next_pause = FIRST_PAUSE;
                    return Poll::Ready(Some(()));
                }
                // The listener ends right after an error; the end is handled below.
                Poll::Ready(Some(Err(e))) => {
                    tracing::warn!(queue = %this.queue, error = %e, "job notices lost their connection");
                }
                Poll::Ready(None) => {
                    this.listener = None;
                    let pause = Box::pin(tokio::time::sleep(this.next_pause));
                    this.pause = Some(Mutex::new(pause));
                    this.next_pause = (this.next_pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
    }
}
