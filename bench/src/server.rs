//! The real Tessera server, started in this process on a fresh database together with the
//! job runners of both queues (what `tessera-worker` and `tessera-export-worker` do in a
//! deployment), and the HTTP client that talks to it (or to any Baserow-compatible server),
//! which renews its access token before it expires.

use anyhow::{Context, bail};
use base64::Engine as _;
use reqwest::{Method, Request};
use serde_json::{Value, json};
use std::{
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use tessera::{
    config::Settings,
    context::AppContext,
    platform::jobs::{self, Queue, RunnerOptions},
    test_support::{self, TestDatabase},
    web,
};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle, time::Instant};

/// Database connections of the server's pool: what a production instance would give it.
const SERVER_DB_CONNECTIONS: u32 = 20;
/// Longest wait for background work (an index build on a large table) before measuring.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(900);

pub struct Server {
    pub url: String,
    pub ctx: AppContext,
    /// Dropping it drops the database (`DROP DATABASE … WITH (FORCE)`).
    pub db: TestDatabase,
    shutdown: watch::Sender<bool>,
    web: JoinHandle<std::io::Result<()>>,
    runners: Vec<JoinHandle<anyhow::Result<()>>>,
}

impl Server {
    /// Creates and migrates a database, then serves the whole router on 127.0.0.1:<free port>
    /// and consumes both job queues: the product relies on them (realtime fan-out after
    /// every write, sort indexes built on first use), and Baserow's figures include its
    /// background worker too.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with_queues(&[Queue::High, Queue::Low]).await
    }

    /// As [`Server::start`], consuming only `queues`: a benchmark that runs a worker
    /// binary of its own (to measure that process) leaves the worker's queue to it.
    pub async fn start_with_queues(queues: &[Queue]) -> anyhow::Result<Self> {
        Self::start_with(queues, |_| {}).await
    }

    /// As [`Server::start_with_queues`], with `configure` changing the settings last (a
    /// test that needs short-lived access tokens).
    pub async fn start_with(
        queues: &[Queue],
        configure: impl FnOnce(&mut Settings),
    ) -> anyhow::Result<Self> {
        let db = TestDatabase::create()
            .await
            .context("creating the benchmark database (is PostgreSQL running?)")?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let mut settings = test_support::settings(&db.url);
        settings.public_url = url.clone();
        // The test default (10 minutes) would expire in the middle of a million-row run.
        settings.access_token_lifetime = Duration::from_secs(24 * 3600);
        // The server's own switch, so the cache's saving can be measured.
        if let Ok(value) = std::env::var("TESSERA_METADATA_CACHE") {
            settings.metadata_cache = !matches!(value.as_str(), "0" | "false" | "no" | "off");
        }
        configure(&mut settings);
        let ctx = AppContext::connect(settings, SERVER_DB_CONNECTIONS)
            .await
            .context("connecting the server (is Redis running?)")?;
        let (shutdown, stop) = watch::channel(false);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let web = tokio::spawn(web::serve(ctx.clone(), listener, stopped(stop.clone())));
        let runners = queues
            .iter()
            .copied()
            .map(|queue| {
                let options = RunnerOptions::for_queue(queue, &ctx.settings);
                tokio::spawn(jobs::run(
                    ctx.clone(),
                    queue,
                    options,
                    stopped(stop.clone()),
                ))
            })
            .collect();
        Ok(Self {
            url,
            ctx,
            db,
            shutdown,
            web,
            runners,
        })
    }

    /// Waits until no background work is left to compete with measurements for the two
    /// cores: no `low` job due or running and no `CREATE INDEX` running in the database.
    /// The product builds sort indexes in jobs on the `low` queue; watching the builds
    /// themselves as well covers an index started any other way, whichever indexes the
    /// product builds and whenever it queues them. Idle must be seen twice in a row, so
    /// work that one step hands to the next is not missed. Returns the time until idle was
    /// first seen, so a queue that was idle all along reports (almost) no wait.
    pub async fn settle(&self, timeout: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let mut idle_since = None;
        loop {
            // apalis keeps jobs in `apalis.jobs`. A job is left to do when claimed
            // (`Queued`, `Running`) or due (`Pending`, or `Failed` with attempts left);
            // one scheduled for later (a webhook retry) would only make this time out.
            let (jobs, builds): (i64, i64) = sqlx::query_as(
                "SELECT \
                   (SELECT count(*) FROM apalis.jobs WHERE job_type = 'low' AND ( \
                      status IN ('Queued', 'Running') \
                      OR (status = 'Pending' AND run_at <= now()) \
                      OR (status = 'Failed' AND attempts < max_attempts AND run_at <= now()))), \
                   (SELECT count(*) FROM pg_stat_progress_create_index \
                    WHERE datname = current_database())",
            )
            .fetch_one(&self.ctx.db)
            .await?;
            if jobs == 0 && builds == 0 {
                match idle_since {
                    Some(waited) => return Ok(waited),
                    None => idle_since = Some(started.elapsed()),
                }
            } else {
                idle_since = None;
                if started.elapsed() > timeout {
                    bail!(
                        "background work still unfinished after {timeout:?}: {jobs} `low` jobs \
                         due or running, {builds} CREATE INDEX running (see apalis.jobs and \
                         pg_stat_progress_create_index in database {})",
                        self.db.name
                    );
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Starts a server (as [`Server::start`]), runs `bench` on it, then stops it whatever
    /// `bench`'s outcome, dropping the database or, with `keep`, keeping it (and printing
    /// its name). A failure to stop is reported before `bench`'s outcome.
    pub async fn run(
        keep: bool,
        bench: impl AsyncFnOnce(&Server) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let server = Self::start().await?;
        eprintln!("server on {}, database {}", server.url, server.db.name);
        let outcome = bench(&server).await;
        server.finish(keep).await?;
        outcome
    }

    /// Stops the server, then drops the database, or keeps it and prints its name.
    pub async fn finish(self, keep: bool) -> anyhow::Result<()> {
        let db = self.stop().await?;
        if keep {
            println!("\nKept database {} ({})", db.name, db.url);
            // Skips `TestDatabase`'s drop, which would drop the database.
            std::mem::forget(db);
        }
        Ok(())
    }

    /// Stops serving and closes the server's pool, so the database can be dropped (or kept)
    /// with no connection of ours left on it. Returns the database for the caller to drop.
    pub async fn stop(self) -> anyhow::Result<TestDatabase> {
        let _ = self.shutdown.send(true);
        self.web.await??;
        for runner in self.runners {
            runner.await??;
        }
        self.ctx.db.close().await;
        self.db.pool.close().await;
        Ok(self.db)
    }
}

/// A keep-alive HTTP client for the API, signed in once set up.
pub struct Api {
    client: reqwest::Client,
    base: String,
    /// Read for every request, replaced on renewal; never held across an `.await`.
    session: Mutex<Option<Session>>,
    renewals: AtomicUsize,
}

/// The access token requests carry and, when known, the refresh token that renews it.
struct Session {
    access: String,
    refresh: Option<String>,
    obtained: Instant,
    /// Renewed once this old: half the token's lifetime, so a request built just before
    /// still arrives well within it.
    renew_after: Duration,
}

/// Renewal age of an access token whose lifetime cannot be read from it.
const RENEW_UNKNOWN_AFTER: Duration = Duration::from_secs(4 * 60);

impl Session {
    fn new(access: &str, refresh: Option<String>) -> Self {
        Self {
            access: access.to_owned(),
            refresh,
            obtained: Instant::now(),
            renew_after: token_lifetime(access).map_or(RENEW_UNKNOWN_AFTER, |t| t / 2),
        }
    }
}

/// The lifetime (`exp - iat`) a JWT states in its claims: Baserow's and Tessera's access
/// tokens both carry them. Measured from when the token was received rather than against
/// the wall clock, so the server's clock need not agree with ours.
fn token_lifetime(token: &str) -> Option<Duration> {
    let claims = token.split('.').nth(1)?;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&claims).ok()?;
    let seconds = claims["exp"].as_i64()? - claims["iat"].as_i64()?;
    (seconds > 0).then(|| Duration::from_secs(seconds as u64))
}

impl Api {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Self::with_connections(base, 1)
    }

    /// A client keeping up to `connections` idle keep-alive connections: a fill of a target
    /// sends that many requests at once; measuring sends one at a time.
    pub fn with_connections(base: &str, connections: usize) -> anyhow::Result<Self> {
        tessera::platform::outbound::install_crypto_provider();
        let client = reqwest::Client::builder()
            // Never through a proxy from the environment: a proxy's hop would be measured.
            .no_proxy()
            .pool_max_idle_per_host(connections.max(1))
            .timeout(Duration::from_secs(600))
            .build()?;
        Ok(Self {
            client,
            base: base.to_owned(),
            session: Mutex::new(None),
            renewals: AtomicUsize::new(0),
        })
    }

    /// Signs requests with `token`, which is never renewed (its lifetime covers the run).
    pub fn set_token(&mut self, token: &str) {
        *self.session.get_mut().unwrap_or_else(|e| e.into_inner()) =
            Some(Session::new(token, None));
    }

    /// Signs requests with `access`, renewed through `refresh` before it expires.
    pub fn set_session(&self, access: &str, refresh: &str) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Session::new(access, Some(refresh.to_owned())));
    }

    /// How many times the access token was renewed.
    pub fn renewals(&self) -> usize {
        self.renewals.load(Ordering::Relaxed)
    }

    /// Renews the access token when it is half way to expiring (Baserow's lives ten
    /// minutes, less than a long run): called before building any request, so no timed
    /// request pays for it.
    pub async fn renew_if_due(&self) -> anyhow::Result<()> {
        let refresh = {
            let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
            match &*session {
                Some(s) if s.obtained.elapsed() >= s.renew_after => s.refresh.clone(),
                _ => None,
            }
        };
        if let Some(refresh) = refresh {
            self.renew(&refresh).await?;
        }
        Ok(())
    }

    async fn renew(&self, refresh: &str) -> anyhow::Result<()> {
        let what = "POST /api/user/token-refresh/";
        // Without the old access token: an expired one in the header could be refused.
        let req = self
            .client
            .post(format!("{}/api/user/token-refresh/", self.base))
            .json(&json!({ "refresh_token": refresh }))
            .build()?;
        let (status, bytes) = self.send(req).await?;
        expect_ok(what, status, &bytes)?;
        let answer: Value = serde_json::from_slice(&bytes)?;
        let access = answer["access_token"]
            .as_str()
            .or(answer["token"].as_str())
            .with_context(|| format!("{what}: no access_token in {answer}"))?;
        self.set_session(access, refresh);
        self.renewals.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// A request to `path`, signed in when a token is set.
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let req = self.client.request(method, format!("{}{path}", self.base));
        let token = self
            .session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| s.access.clone());
        match token {
            Some(token) => req.header("Authorization", format!("JWT {token}")),
            None => req,
        }
    }

    /// A complete request, built before any timer starts so only the round trip is measured.
    pub fn build(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Request> {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body)?);
        }
        Ok(req.build()?)
    }

    /// Sends a request and reads the whole body: one round trip as a client sees it.
    pub async fn send(&self, req: Request) -> anyhow::Result<(u16, Vec<u8>)> {
        let resp = self.client.execute(req).await?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await?.to_vec();
        Ok((status, body))
    }

    /// A set-up call: anything but 200 is an error that shows the response.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let what = format!("{method} {path}");
        self.renew_if_due().await?;
        let (status, bytes) = self.send(self.build(method, path, body)?).await?;
        expect_ok(&what, status, &bytes)?;
        serde_json::from_slice(&bytes).with_context(|| format!("{what}: response is not JSON"))
    }

    /// A set-up call whose answer is not needed: anything but 204 or 200 is an error that
    /// shows the response (Baserow answers deletions with 204 and no body).
    pub async fn call_empty(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<()> {
        let what = format!("{method} {path}");
        self.renew_if_due().await?;
        let (status, bytes) = self.send(self.build(method, path, body)?).await?;
        if status == 204 {
            return Ok(());
        }
        expect_ok(&what, status, &bytes)
    }

    /// A set-up `DELETE` (see [`Api::call_empty`]).
    pub async fn delete(&self, path: &str) -> anyhow::Result<()> {
        self.call_empty(Method::DELETE, path, None).await
    }

    /// A set-up `POST` of a body that is not JSON (a multipart upload); its JSON answer.
    pub async fn post_bytes(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> anyhow::Result<Value> {
        let what = format!("POST {path}");
        let req = self
            .request(Method::POST, path)
            .header("Content-Type", content_type)
            .body(body)
            .build()?;
        let (status, bytes) = self.send(req).await?;
        expect_ok(&what, status, &bytes)?;
        serde_json::from_slice(&bytes).with_context(|| format!("{what}: response is not JSON"))
    }

    /// Polls the job at `path` (an import or an export) every 50 ms until it ends, showing
    /// `seen` each state; the finished job, or an error with the job when it failed or was
    /// cancelled.
    pub async fn wait_for_job(
        &self,
        path: &str,
        mut seen: impl FnMut(&Value),
    ) -> anyhow::Result<Value> {
        loop {
            let job = self.call(Method::GET, path, None).await?;
            seen(&job);
            match job["state"].as_str() {
                Some("finished") => return Ok(job),
                Some("failed" | "cancelled") => bail!("{path}: {job}"),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
}

/// The `id` of an object the API returned.
pub fn id_of(object: &Value) -> anyhow::Result<i64> {
    object["id"]
        .as_i64()
        .with_context(|| format!("no id in {object}"))
}

/// Fails with the response body unless the status is 200.
pub fn expect_ok(what: &str, status: u16, body: &[u8]) -> anyhow::Result<()> {
    if status != 200 {
        let text = String::from_utf8_lossy(&body[..body.len().min(2_000)]);
        bail!("{what} answered {status}: {text}");
    }
    Ok(())
}
