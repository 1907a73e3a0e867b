//! `TestApp`: spawns the backend (and the `high` worker) for one test.

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use tessera::{
    context::AppContext,
    platform::{
        jobs::{self, Queue, RunnerOptions},
        outbound::{Lookup, Outbound, OutboundPolicy},
    },
    test_support::{self, MailServer, TestDatabase},
    web,
};
use tokio::sync::watch;

pub struct TestApp {
    pub url: String,
    pub ctx: AppContext,
    pub mail: MailServer,
    client: reqwest::Client,
    shutdown: watch::Sender<bool>,
    _db: TestDatabase,
}

/// A response, read completely.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

/// A signed-up, logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with adjusted settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut tessera::config::Settings)) -> Self {
        Self::spawn_workers(adjust, true, None).await
    }

    /// Spawns with adjusted settings and outbound host names resolved by `lookup` (for the
    /// address checks and the connections of webhooks and external-database imports).
    pub async fn spawn_resolving(
        adjust: impl FnOnce(&mut tessera::config::Settings),
        lookup: Lookup,
    ) -> Self {
        Self::spawn_workers(adjust, true, Some(lookup)).await
    }

    /// Spawns without the `high` worker: its jobs (fan-out, access re-checks, …) stay
    /// queued, as when they are late or lost; a test runs what it needs itself.
    pub async fn spawn_without_high_worker(
        adjust: impl FnOnce(&mut tessera::config::Settings),
    ) -> Self {
        Self::spawn_workers(adjust, false, None).await
    }

    async fn spawn_workers(
        adjust: impl FnOnce(&mut tessera::config::Settings),
        high: bool,
        lookup: Option<Lookup>,
    ) -> Self {
        let db = TestDatabase::create().await.expect("test database");
        let mail = MailServer::start().expect("smtp server");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut settings = test_support::settings(&db.url);
        settings.public_url = url.clone();
        settings.smtp_url = Some(mail.url.clone());
        adjust(&mut settings);
        let mut ctx = AppContext::connect(settings, 20).await.expect("context");
        if let Some(lookup) = lookup {
            let policy = OutboundPolicy {
                lookup,
                ..ctx.outbound.policy().clone()
            };
            ctx.outbound = Outbound::new(policy, ctx.settings.webhooks.timeout).expect("outbound");
        }
        let (shutdown, rx) = watch::channel(false);
        let stop = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        tokio::spawn(web::serve(ctx.clone(), listener, stop(rx.clone())));
        if high {
            let options = RunnerOptions::for_queue(Queue::High, &ctx.settings);
            tokio::spawn(jobs::run(
                ctx.clone(),
                Queue::High,
                options,
                stop(rx.clone()),
            ));
        }
        let low = RunnerOptions::for_queue(Queue::Low, &ctx.settings);
        tokio::spawn(jobs::run(ctx.clone(), Queue::Low, low, stop(rx)));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            url,
            ctx,
            mail,
            client,
            shutdown,
            _db: db,
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(token) = token {
            req = req.header("Authorization", format!("JWT {token}"));
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        Self::read(req.send().await.expect("request")).await
    }

    pub async fn raw(&self, req: reqwest::RequestBuilder) -> Resp {
        Self::read(req.send().await.expect("request")).await
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Resp {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Signs up and logs in; `email` doubles as a unique name.
    pub async fn sign_up(&self, name: &str, email: &str) -> Session {
        let r = self
            .post("/api/user/", None, json!({"name": name, "email": email, "password": "password123", "authenticate": true}))
            .await;
        assert_eq!(r.status, 200, "sign-up failed: {:?}", r.body);
        Session {
            id: r.body["user"]["id"].as_i64().unwrap(),
            access: r.body["access_token"].as_str().unwrap().to_owned(),
            refresh: r.body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates a workspace owned by `user`; returns its id.
    pub async fn workspace(&self, user: &Session, name: &str) -> i64 {
        let r = self
            .post(
                "/api/workspaces/",
                Some(&user.access),
                json!({"name": name}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Asserts an error response's status and code.
#[track_caller]
pub fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "unexpected status, body: {:?}", r.body);
    assert_eq!(r.body["error"], code, "unexpected body: {:?}", r.body);
    assert!(r.body.get("detail").is_some(), "no detail: {:?}", r.body);
}

/// A workspace, a database and a table (Baserow's default Name/Notes/Active fields).
pub struct TableFixture {
    pub user: Session,
    pub database: i64,
    pub table: i64,
}

impl TestApp {
    pub async fn database(&self, user: &Session, workspace: i64) -> i64 {
        let r = self
            .post(
                &format!("/api/applications/workspace/{workspace}/"),
                Some(&user.access),
                json!({"name": "DB", "type": "database"}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// Signs up Ann and gives her a table named "T".
    pub async fn table_fixture(&self) -> TableFixture {
        let user = self.sign_up("Ann", "ann@x.io").await;
        let workspace = self.workspace(&user, "W").await;
        let database = self.database(&user, workspace).await;
        let r = self
            .post(
                &format!("/api/database/tables/database/{database}/"),
                Some(&user.access),
                json!({"name": "T"}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        TableFixture {
            table: r.body["id"].as_i64().unwrap(),
            user,
            database,
        }
    }

    /// Another table "T2" in the fixture's database; returns its id.
    pub async fn table_fixture_in(&self, fx: &TableFixture) -> i64 {
        let r = self
            .post(
                &format!("/api/database/tables/database/{}/", fx.database),
                Some(&fx.user.access),
                json!({"name": "T2"}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// Creates a field; returns its id.
    pub async fn field(&self, user: &Session, table: i64, body: Value) -> i64 {
        let r = self
            .post(
                &format!("/api/database/fields/table/{table}/"),
                Some(&user.access),
                body,
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body["id"].as_i64().unwrap()
    }

    /// The id of a field by name.
    pub async fn field_id(&self, user: &Session, table: i64, name: &str) -> i64 {
        let r = self
            .get(
                &format!("/api/database/fields/table/{table}/"),
                Some(&user.access),
            )
            .await;
        r.body
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// Lists rows with the given query string (without `?`).
    pub async fn rows(&self, user: &Session, table: i64, query: &str) -> Resp {
        self.get(
            &format!("/api/database/rows/table/{table}/?{query}"),
            Some(&user.access),
        )
        .await
    }

    /// The events logged for a table, oldest first: `(seq, type, payload)`.
    pub async fn events(&self, table: i64) -> Vec<(i64, String, Value)> {
        let rows: Vec<(i64, String, sqlx::types::Json<Value>)> =
            sqlx::query_as("SELECT seq, event_type, payload FROM database_table_events WHERE table_id = $1 ORDER BY seq")
                .bind(table)
                .fetch_all(&self.ctx.db)
                .await
                .unwrap();
        rows.into_iter().map(|(s, t, p)| (s, t, p.0)).collect()
    }
}

/// The last of `events` other than row history (which a change logs after its rows').
pub fn last_change(events: &[(i64, String, Value)]) -> &(i64, String, Value) {
    events
        .iter()
        .rev()
        .find(|e| e.1 != "row_history_updated")
        .expect("a change")
}

impl TestApp {
    /// Starts another backend on the same database and Redis prefix (its own hub and
    /// Redis subscriber, as a second process would have); returns its base URL.
    pub async fn second_backend(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut rx = self.shutdown.subscribe();
        tokio::spawn(web::serve(self.ctx.clone(), listener, async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }));
        // Let its Redis subscriber attach before events are published.
        tokio::time::sleep(Duration::from_millis(300)).await;
        url
    }
}

impl TestApp {
    /// Starts another backend process on the same database and Redis: its own context,
    /// hence its own connection pool and metadata cache; returns its base URL.
    pub async fn second_process(&self) -> String {
        let settings = (*self.ctx.settings).clone();
        let ctx = AppContext::connect(settings, 5).await.expect("context");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut rx = self.shutdown.subscribe();
        tokio::spawn(web::serve(ctx, listener, async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }));
        url
    }

    /// A request to another backend (`base`, as [`TestApp::second_process`] returns).
    pub async fn request_to(
        &self,
        base: &str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.client.request(method, format!("{base}{path}"));
        if let Some(token) = token {
            req = req.header("Authorization", format!("JWT {token}"));
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        Self::read(req.send().await.expect("request")).await
    }
}

impl TableFixture {
    /// The workspace the fixture's table lives in.
    pub async fn workspace_id(&self, app: &TestApp) -> i64 {
        sqlx::query_scalar("SELECT a.workspace_id FROM applications a WHERE a.id = $1")
            .bind(self.database)
            .fetch_one(&app.ctx.db)
            .await
            .unwrap()
    }
}

/// A row created through the API with field names as keys (`user_field_names=true`);
/// answers the created row.
pub async fn create_row(app: &TestApp, user: &Session, table: i64, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/database/rows/table/{table}/?user_field_names=true"),
            Some(&user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// [`create_row`], answering the new row's id.
pub async fn create_row_id(app: &TestApp, user: &Session, table: i64, body: Value) -> i64 {
    create_row(app, user, table, body).await["id"]
        .as_i64()
        .unwrap()
}

/// A row as the API reads it with field names as keys.
pub async fn row(app: &TestApp, user: &Session, table: i64, id: i64) -> Value {
    let r = app
        .get(
            &format!("/api/database/rows/table/{table}/{id}/?user_field_names=true"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// A row changed through the API with field names as keys; answers the changed row.
pub async fn patch_row(app: &TestApp, user: &Session, table: i64, id: i64, body: Value) -> Value {
    let r = app
        .patch(
            &format!("/api/database/rows/table/{table}/{id}/?user_field_names=true"),
            Some(&user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// A field as the API answers it.
pub async fn field_of(app: &TestApp, user: &Session, id: i64) -> Value {
    let r = app
        .get(&format!("/api/database/fields/{id}/"), Some(&user.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// Waits (at most 30 s) for the job to end; asserts it finished and returns it.
pub async fn finished_job(app: &TestApp, user: &Session, job: i64) -> Value {
    for _ in 0..300 {
        let j = app
            .get(&format!("/api/jobs/{job}/"), Some(&user.access))
            .await
            .body;
        if j["state"] == "finished" || j["state"] == "failed" {
            assert_eq!(j["state"], "finished", "{j}");
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the job did not finish");
}
