//! Imports from an external PostgreSQL or MariaDB that offers TLS with a certificate for
//! `db.tessera.test`, signed by a certificate authority of the test's own. The name is
//! resolved only by the test's resolver (to the loopback address, which only the allow-list
//! lets imports reach); no DNS server knows a `.test` name, so a connection that succeeds
//! went to the address checked for the name, not to a second lookup of it. `verify-full`
//! (`VERIFY_IDENTITY`) checks the certificate against the name typed in the URL;
//! `verify-ca` (`VERIFY_CA`) only its authority; `require` encrypts without checking either.

use crate::external_imports::{import, new_database, rows};
use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use sqlx::Connection;
use std::{
    net::SocketAddr,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};
use tessera::{
    platform::outbound::Lookup,
    test_support::{Authority, ServerCertificate, TempDir, TlsMariaDb, TlsPostgres},
};

/// The name the server's certificate is for.
const NAME: &str = "db.tessera.test";
/// Another name that leads to the same server.
const OTHER_NAME: &str = "other.tessera.test";

/// The server of a test.
enum Server {
    Postgres(TlsPostgres),
    MariaDb(TlsMariaDb),
}

/// A server with a `shop` database holding `items`, the authority that signed its
/// certificate, and one that did not.
struct Fixture {
    server: Server,
    trusted: Authority,
    stranger: Authority,
    dir: TempDir,
}

/// What every source holds.
const ITEMS: &str = "CREATE TABLE items (title varchar(20), qty int);
     INSERT INTO items VALUES ('Widget', 3), ('Gadget', 7);";

impl Fixture {
    /// The authorities and the certificate for [`NAME`].
    fn certificates() -> (TempDir, Authority, Authority, ServerCertificate) {
        let dir = TempDir::new("tessera-tls").unwrap();
        let trusted = Authority::create(dir.path(), "trusted-ca").unwrap();
        let stranger = Authority::create(dir.path(), "stranger-ca").unwrap();
        let certificate = trusted.issue("server", NAME).unwrap();
        (dir, trusted, stranger, certificate)
    }

    async fn postgres() -> Self {
        let (dir, trusted, stranger, certificate) = Self::certificates();
        let server = TlsPostgres::start(&certificate).await.unwrap();
        let mut admin = sqlx::PgConnection::connect(&server.url("postgres"))
            .await
            .unwrap();
        sqlx::raw_sql("CREATE DATABASE shop")
            .execute(&mut admin)
            .await
            .unwrap();
        let mut shop = sqlx::PgConnection::connect(&server.url("shop"))
            .await
            .unwrap();
        sqlx::raw_sql(ITEMS).execute(&mut shop).await.unwrap();
        Self {
            server: Server::Postgres(server),
            trusted,
            stranger,
            dir,
        }
    }

    async fn mariadb() -> Self {
        let (dir, trusted, stranger, certificate) = Self::certificates();
        let server = TlsMariaDb::start(&certificate).await.unwrap();
        let mut admin = sqlx::MySqlConnection::connect(&server.url("mysql"))
            .await
            .unwrap();
        sqlx::raw_sql("CREATE DATABASE shop; USE shop;")
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::raw_sql(ITEMS).execute(&mut admin).await.unwrap();
        Self {
            server: Server::MariaDb(server),
            trusted,
            stranger,
            dir,
        }
    }

    /// The source URL for `host` (as the user types it) in TLS `mode`.
    fn url(&self, host: &str, mode: &str) -> String {
        match &self.server {
            Server::Postgres(s) => {
                format!(
                    "postgresql://postgres@{host}:{}/shop?sslmode={mode}",
                    s.port
                )
            }
            Server::MariaDb(s) => format!("mysql://root@{host}:{}/shop?ssl-mode={mode}", s.port),
        }
    }
}

/// A backend that may reach only 127.0.0.1 among private addresses, trusts `ca_file`
/// besides the public authorities, and resolves both names to the loopback address,
/// counting the questions.
async fn backend(ca_file: Option<&Path>) -> (TestApp, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let lookup = Lookup::scripted(move |host, port| {
        counter.fetch_add(1, Ordering::SeqCst);
        match host {
            NAME | OTHER_NAME => Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "unknown")),
        }
    });
    let ca_file = ca_file.map(Path::to_owned);
    let app = TestApp::spawn_resolving(
        move |s| {
            s.allow_private_addresses = false;
            s.outbound_allowed = vec!["127.0.0.1".parse().unwrap()];
            s.external_database_ca_file = ca_file;
        },
        lookup,
    )
    .await;
    (app, asked)
}

/// The tables listing for `url`.
async fn list(app: &TestApp, user: &Session, url: &str) -> crate::helpers::Resp {
    app.post(
        "/api/database/import/external/tables/",
        Some(&user.access),
        json!({"connection_url": url}),
    )
    .await
}

/// The tables of a Tessera database, by name.
async fn tables_of(app: &TestApp, user: &Session, database: i64) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/database/tables/database/{database}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Imports `items` from `url` into a new table `name`; the finished or failed job.
async fn import_items(
    app: &TestApp,
    user: &Session,
    database: i64,
    url: &str,
    name: &str,
) -> Value {
    import(
        app,
        user,
        json!({"connection_url": url, "source_table": "items", "database_id": database, "name": name}),
    )
    .await
}

/// The job finished and its table holds the source's two rows.
async fn assert_items_imported(app: &TestApp, user: &Session, job: &Value) {
    assert_eq!(job["state"], "finished", "{job}");
    let table = job["table_id"].as_i64().unwrap();
    let got: Vec<(String, String)> = rows(app, user, table)
        .await
        .iter()
        .map(|r| {
            (
                r["title"].as_str().unwrap().to_owned(),
                r["qty"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("Widget".into(), "3".into()), ("Gadget".into(), "7".into())]
    );
}

#[tokio::test]
async fn verify_full_imports_from_the_named_server_at_the_checked_address() {
    let fixture = Fixture::postgres().await;
    let (app, asked) = backend(Some(&fixture.trusted.cert_file())).await;
    let (user, database) = new_database(&app).await;
    let url = fixture.url(NAME, "verify-full");

    let listed = list(&app, &user, &url).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.body["tables"], json!(["public.items"]));

    let job = import_items(&app, &user, database, &url, "Items").await;
    assert_items_imported(&app, &user, &job).await;
    // Each connection asked the resolver once, for the check; the driver never did.
    assert_eq!(asked.load(Ordering::SeqCst), 2);

    // `verify-ca` checks the authority but not the name, so another name of the server
    // passes; the same name with `verify-full` does not (next test).
    let listed = list(&app, &user, &fixture.url(OTHER_NAME, "verify-ca")).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
}

#[tokio::test]
async fn a_certificate_for_another_name_or_from_an_untrusted_authority_is_refused() {
    let fixture = Fixture::postgres().await;

    // The certificate is for `db.tessera.test`, the URL names `other.tessera.test`.
    let (app, _) = backend(Some(&fixture.trusted.cert_file())).await;
    let (user, database) = new_database(&app).await;
    let url = fixture.url(OTHER_NAME, "verify-full");
    let r = list(&app, &user, &url).await;
    assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("The TLS connection to the source database failed"),
        "{detail}"
    );
    assert!(
        detail.contains("certificate not valid for name"),
        "{detail}"
    );
    let job = import_items(&app, &user, database, &url, "Wrong name").await;
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["human_readable_error"].as_str().unwrap();
    assert!(error.contains("certificate not valid for name"), "{error}");
    assert!(tables_of(&app, &user, database).await.is_empty());

    // An authority the backend does not trust signed the certificate: the operator's file
    // names another one, or there is none and only the public authorities are trusted.
    for ca_file in [Some(fixture.stranger.cert_file()), None] {
        let (app, _) = backend(ca_file.as_deref()).await;
        let (user, database) = new_database(&app).await;
        for sslmode in ["verify-full", "verify-ca"] {
            let url = fixture.url(NAME, sslmode);
            let r = list(&app, &user, &url).await;
            assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
            let detail = r.body["detail"].as_str().unwrap();
            assert!(
                detail.contains("UnknownIssuer"),
                "{ca_file:?} {sslmode}: {detail}"
            );
        }
        let job = import_items(
            &app,
            &user,
            database,
            &fixture.url(NAME, "verify-full"),
            "Untrusted",
        )
        .await;
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["human_readable_error"].as_str().unwrap();
        assert!(error.contains("UnknownIssuer"), "{error}");
        assert!(tables_of(&app, &user, database).await.is_empty());

        // `require` encrypts without verifying anything, as libpq's does without a root
        // certificate: it still connects.
        let r = list(&app, &user, &fixture.url(OTHER_NAME, "require")).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }

    // The operator's file is gone: verifying connections fail saying so, without its path.
    let missing = fixture.dir.path().join("missing-ca.pem");
    let (app, _) = backend(Some(&missing)).await;
    let (user, _) = new_database(&app).await;
    let r = list(&app, &user, &fixture.url(NAME, "verify-full")).await;
    assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("TESSERA_EXTERNAL_DB_CA_FILE"), "{detail}");
    assert!(!detail.contains("missing-ca.pem"), "{detail}");
    let r = list(&app, &user, &fixture.url(NAME, "require")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn a_mariadb_source_verifies_its_identity_and_authority_at_the_checked_address() {
    let fixture = Fixture::mariadb().await;
    let (app, asked) = backend(Some(&fixture.trusted.cert_file())).await;
    let (user, database) = new_database(&app).await;
    let url = fixture.url(NAME, "VERIFY_IDENTITY");
    let listed = list(&app, &user, &url).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.body["tables"], json!(["items"]));
    let job = import_items(&app, &user, database, &url, "Items").await;
    assert_items_imported(&app, &user, &job).await;
    assert_eq!(asked.load(Ordering::SeqCst), 2);

    let r = list(&app, &user, &fixture.url(OTHER_NAME, "VERIFY_IDENTITY")).await;
    assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("certificate not valid for name"),
        "{detail}"
    );
    let r = list(&app, &user, &fixture.url(OTHER_NAME, "VERIFY_CA")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let (app, _) = backend(Some(&fixture.stranger.cert_file())).await;
    let (user, database) = new_database(&app).await;
    let job = import_items(
        &app,
        &user,
        database,
        &fixture.url(NAME, "VERIFY_IDENTITY"),
        "Untrusted",
    )
    .await;
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["human_readable_error"].as_str().unwrap();
    assert!(error.contains("UnknownIssuer"), "{error}");
    assert!(tables_of(&app, &user, database).await.is_empty());
    let r = list(&app, &user, &fixture.url(OTHER_NAME, "REQUIRED")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
