//! What the backend's request logs hold.

use crate::helpers::TestApp;
use std::sync::{Arc, Mutex};

/// Collects what a `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_request_logs_redact_tokens_in_uris() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test's runtime has one thread, which serves the requests too.
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::spawn().await;
    // tracing caches, per log statement, whether anyone listens; a statement first reached
    // on another test's thread (no subscriber there) is cached as unheard. One request
    // reaches the request logging's statements, then the cache is rebuilt for this thread.
    app.get("/api/settings/", None).await;
    tracing::callsite::rebuild_interest_cache();
    for path in [
        "/ws/core/?jwt_token=SECRET-ONE",
        "/reset-password/SECRET-TWO",
        "/workspace-invitation/SECRET-THREE",
        "/api/workspaces/invitations/token/SECRET-FOUR/",
        "/api/database/views/grid/abc/public/rows/?size=5&public_view_authorization=SECRET-FIVE",
        "/api/database/rows/table/1/?token=SECRET-SIX",
    ] {
        app.get(path, None).await;
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let leaks: Vec<&str> = logs.lines().filter(|l| l.contains("SECRET")).collect();
    assert!(leaks.is_empty(), "tokens were logged: {leaks:#?}");
    // The requests are logged, with what is not secret.
    for logged in [
        "uri=/ws/core/?jwt_token=[redacted]",
        "uri=/reset-password/[redacted]",
        "uri=/api/workspaces/invitations/token/[redacted]/",
        "public/rows/?size=5&public_view_authorization=[redacted]",
    ] {
        assert!(logs.contains(logged), "{logged} is not in {logs}");
    }
}
