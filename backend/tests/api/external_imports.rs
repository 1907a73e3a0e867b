//! Imports from external databases: a PostgreSQL and a MariaDB table of mixed types (with
//! rows that cannot be imported) into a new table and appended to it, the outbound guard
//! refusing local servers, passwords never shown, and bad requests refused up front.

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use std::time::Duration;

/// MySQL/MariaDB server the tests create their source databases on.
fn mysql_server_url() -> String {
    std::env::var("TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

fn pg_server_url() -> String {
    tessera::test_support::database_server_url()
}

/// The PostgreSQL URL with a password in it, which the test server's trust auth ignores.
fn with_password(url: &str, password: &str) -> String {
    url.replacen("://postgres@", &format!("://postgres:{password}@"), 1)
}

/// A source database of its own, dropped when the test ends.
struct SourceDb {
    server: String,
    name: String,
    mysql: bool,
}

impl SourceDb {
    async fn postgres(setup: &[&str]) -> Self {
        let name = format!("tessera_src_{}", uuid::Uuid::new_v4().simple());
        let server = pg_server_url();
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap();
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut conn = sqlx::PgConnection::connect(&format!("{server}/{name}"))
            .await
            .unwrap();
        for sql in setup {
            sqlx::raw_sql(AssertSqlSafe(*sql))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        Self {
            server,
            name,
            mysql: false,
        }
    }

    async fn mysql(setup: &[&str]) -> Self {
        let name = format!("tessera_src_{}", uuid::Uuid::new_v4().simple());
        let server = mysql_server_url();
        let mut conn = sqlx::MySqlConnection::connect(&server).await.unwrap();
        for sql in [
            format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
            format!("USE {name}"),
            // Zero dates are what old MySQL data is made of.
            "SET SESSION sql_mode = ''".to_owned(),
        ]
        .iter()
        .map(String::as_str)
        .chain(setup.iter().copied())
        {
            sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        Self {
            server,
            name,
            mysql: true,
        }
    }

    fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }
}

impl Drop for SourceDb {
    fn drop(&mut self) {
        let (server, name, mysql) = (self.server.clone(), self.name.clone(), self.mysql);
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if mysql {
                    if let Ok(mut c) = sqlx::MySqlConnection::connect(&server).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name}");
                        let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await;
                    }
                } else if let Ok(mut c) =
                    sqlx::PgConnection::connect(&format!("{server}/postgres")).await
                {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await;
                }
            });
        })
        .join();
    }
}

/// Starts an external import and waits for it to end; returns the job as last polled.
pub(crate) async fn import(app: &TestApp, user: &Session, body: Value) -> Value {
    let mut body = body;
    body["type"] = json!("external_database_import");
    let r = app.post("/api/jobs/", Some(&user.access), body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "external_database_import");
    let job = r.body["id"].as_i64().unwrap();
    // Up to two minutes: larger tables are measured with this too.
    for _ in 0..1200 {
        let j = app
            .get(&format!("/api/jobs/{job}/"), Some(&user.access))
            .await
            .body;
        if j["state"] == "finished" || j["state"] == "failed" {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not end");
}

pub(crate) async fn new_database(app: &TestApp) -> (Session, i64) {
    let user = app.sign_up("Ann", "ann@x.io").await;
    let workspace = app.workspace(&user, "W").await;
    let database = app.database(&user, workspace).await;
    (user, database)
}

/// The table's fields: name → (type, id, the whole field).
async fn table_fields(app: &TestApp, user: &Session, table: i64) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/database/fields/table/{table}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body.as_array().unwrap().clone()
}

fn field<'a>(fields: &'a [Value], name: &str) -> &'a Value {
    fields
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {fields:?}"))
}

pub(crate) async fn rows(app: &TestApp, user: &Session, table: i64) -> Vec<Value> {
    let r = app
        .rows(user, table, "user_field_names=true&size=200")
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["results"].as_array().unwrap().clone()
}

/// The failing rows of a report as (row index, field column, reason) sorted by row.
fn failures(report: &Value) -> Vec<(u64, String, String)> {
    let mut out: Vec<(u64, String, String)> = report["failing_rows"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(row, errors)| {
            errors.as_object().unwrap().iter().map(move |(column, e)| {
                (
                    row.parse().unwrap(),
                    column.clone(),
                    e[0]["error"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    out.sort();
    out
}

fn column(fields: &[Value], name: &str) -> String {
    format!("field_{}", field(fields, name)["id"])
}

const PG_SOURCE: &[&str] = &[
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    "CREATE TABLE items (
        id serial PRIMARY KEY,
        title varchar(100),
        notes text,
        price numeric(10, 2),
        qty bigint,
        ratio double precision,
        active boolean,
        born date,
        seen timestamptz,
        feeling mood,
        meta jsonb,
        big numeric,
        span interval
    )",
    // 0 and 1 are fine; 2 has a NaN, 3 an infinite date, 5 a number too long for a field.
    "INSERT INTO items (title, notes, price, qty, ratio, active, born, seen, feeling, meta, span) VALUES
        ('Widget', E'multi\\nline', 12.5, 3, 0.25, true, '2024-01-02', '2024-01-02 03:04:05+02', 'happy', '{\"a\": 1}', '1 day')",
    "INSERT INTO items (title, qty, active) VALUES ('Gadget', -7, false)",
    "INSERT INTO items (title, ratio) VALUES ('Broken ratio', 'NaN')",
    "INSERT INTO items (title, born) VALUES ('Forever', 'infinity')",
    "INSERT INTO items (title, notes) VALUES (E'Tab\\there', E'back\\\\slash')",
    "INSERT INTO items (title, big) VALUES ('Huge', 1e45)",
    "CREATE SCHEMA other",
    "CREATE TABLE other.\"Odd \"\"name\"\"\" (label text)",
    "INSERT INTO other.\"Odd \"\"name\"\"\" VALUES ('quoted')",
];

#[tokio::test]
async fn a_postgresql_table_is_imported_with_typed_fields_and_a_report_then_appended() {
    let source = SourceDb::postgres(PG_SOURCE).await;
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let secret = "pw-7c1e0f";
    let url = with_password(&source.url(), secret);
    let job = import(
        &app,
        &user,
        json!({"connection_url": url, "source_table": "items", "database_id": database, "name": "Items"}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["progress_percentage"], 100);
    assert_eq!(job["source"], "postgresql");
    assert_eq!(job["source_table"], "public.items");
    assert!(
        job["connection_url"]
            .as_str()
            .unwrap()
            .contains(":********@"),
        "{job}"
    );
    assert!(!job.to_string().contains(secret), "{job}");
    let report = &job["report"];
    assert_eq!(report["imported_row_count"], 3, "{report}");
    assert_eq!(report["failing_row_count"], 3, "{report}");

    let table = job["table_id"].as_i64().unwrap();
    let fields = table_fields(&app, &user, table).await;
    let kinds: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("id 2", "number"),
            ("title", "text"),
            ("notes", "long_text"),
            ("price", "number"),
            ("qty", "number"),
            ("ratio", "number"),
            ("active", "boolean"),
            ("born", "date"),
            ("seen", "date"),
            ("feeling", "single_select"),
            ("meta", "long_text"),
            ("big", "number"),
            ("span", "text"),
        ]
    );
    assert_eq!(field(&fields, "price")["number_decimal_places"], 2);
    assert_eq!(field(&fields, "qty")["number_negative"], true);
    assert_eq!(field(&fields, "seen")["date_include_time"], true);
    assert_eq!(field(&fields, "born")["date_include_time"], false);
    let options: Vec<&str> = field(&fields, "feeling")["select_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["sad", "ok", "happy"]);

    assert_eq!(
        failures(report),
        [
            (
                2,
                column(&fields, "ratio"),
                "A valid number is required.".to_owned()
            ),
            (
                3,
                column(&fields, "born"),
                "Date has wrong format. Use one of these formats instead: YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z].".to_owned()
            ),
            (
                5,
                column(&fields, "big"),
                "Ensure that there are no more than 40 digits before the decimal point.".to_owned()
            ),
        ]
    );

    let got = rows(&app, &user, table).await;
    let titles: Vec<&str> = got.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Widget", "Gadget", "Tab\there"]);
    let widget = &got[0];
    assert_eq!(widget["id 2"], "1");
    assert_eq!(widget["notes"], "multi\nline");
    assert_eq!(widget["price"], "12.50");
    assert_eq!(widget["qty"], "3");
    assert_eq!(widget["ratio"], "0.250000");
    assert_eq!(widget["active"], true);
    assert_eq!(widget["born"], "2024-01-02");
    assert_eq!(widget["seen"], "2024-01-02T01:04:05Z");
    assert_eq!(widget["feeling"]["value"], "happy");
    assert_eq!(widget["meta"], "{\"a\": 1}");
    assert_eq!(widget["span"], "1 day");
    assert_eq!(got[1]["qty"], "-7");
    assert_eq!(got[1]["active"], false);
    assert_eq!(got[1]["feeling"], Value::Null);
    assert_eq!(got[2]["notes"], "back\\slash");

    // The tables to choose from.
    let listed = app
        .post(
            "/api/database/import/external/tables/",
            Some(&user.access),
            json!({"connection_url": url}),
        )
        .await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(
        listed.body["tables"],
        json!(["public.items", "other.Odd \"name\""])
    );

    // The password is gone from the job once it is over.
    let kept: bool =
        sqlx::query_scalar("SELECT params ? '_connection_url' FROM jobs WHERE id = $1")
            .bind(job["id"].as_i64().unwrap())
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    assert!(!kept);

    // Appending matches columns to fields by name; `id` matches none here.
    let job = import(
        &app,
        &user,
        json!({"connection_url": url, "source_table": "public.items", "table_id": table}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["report"]["imported_row_count"], 3);
    assert_eq!(job["report"]["failing_row_count"], 3);
    assert_eq!(job["report"]["ignored_columns"], json!(["id"]));
    let got = rows(&app, &user, table).await;
    assert_eq!(got.len(), 6);
    assert_eq!(got[3]["title"], "Widget");
    assert_eq!(got[3]["id 2"], Value::Null);
    assert_eq!(got[3]["feeling"]["value"], "happy");
    assert_eq!(
        table_fields(&app, &user, table).await.len(),
        13,
        "no field added"
    );

    // Names that need quoting, in another schema.
    let job = import(
        &app,
        &user,
        json!({"connection_url": source.url(), "source_table": "other.Odd \"name\"", "database_id": database, "name": "Odd"}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    let got = rows(&app, &user, job["table_id"].as_i64().unwrap()).await;
    assert_eq!(got[0]["label"], "quoted");
}

/// Rows of the larger table: several batches and `COPY` chunks (more rows, for measuring,
/// with `TEST_EXTERNAL_IMPORT_ROWS`).
fn larger_table_rows() -> u64 {
    std::env::var("TEST_EXTERNAL_IMPORT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000)
}

#[tokio::test]
async fn a_larger_postgresql_table_is_streamed_in_batches() {
    let n = larger_table_rows();
    let create = format!(
        "CREATE TABLE big AS SELECT g AS n, 'row ' || g AS label, g % 2 = 0 AS even, \
         timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' AS at, \
         g * 1.25 AS amount, md5(g::text) AS hash FROM generate_series(1, {n}) g"
    );
    let source = SourceDb::postgres(&[&create]).await;
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let started = std::time::Instant::now();
    let job = import(
        &app,
        &user,
        json!({"connection_url": source.url(), "source_table": "big", "database_id": database, "name": "Big"}),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["report"]["imported_row_count"], n);
    assert_eq!(job["report"]["failing_row_count"], 0);
    eprintln!(
        "external import: {n} rows x 6 columns in {:.2} s ({:.0} rows/s)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    let table = job["table_id"].as_i64().unwrap();
    let page = app
        .rows(&user, table, "user_field_names=true&size=1&page=1")
        .await;
    assert_eq!(page.body["count"], n);
    let first = &page.body["results"][0];
    assert_eq!(first["n"], "1");
    assert_eq!(first["label"], "row 1");
    assert_eq!(first["even"], false);
    assert_eq!(first["at"], "2024-01-01T00:01:00Z");
    assert_eq!(first["amount"], "1.2500000000");
    let last = app
        .rows(
            &user,
            table,
            &format!("user_field_names=true&size=1&page={n}"),
        )
        .await;
    assert_eq!(last.body["results"][0]["label"], format!("row {n}"));
}

#[tokio::test]
async fn a_larger_mariadb_table_is_streamed_in_batches() {
    let n = larger_table_rows();
    let fill = format!(
        "INSERT INTO big (n, label, even, at, amount) \
         SELECT k, CONCAT('row ', k), k % 2 = 0, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL k MINUTE, k * 1.25 \
         FROM (SELECT a.i + 10 * b.i + 100 * c.i + 1000 * d.i + 10000 * e.i + 100000 * f.i + 1 AS k \
               FROM digits a, digits b, digits c, digits d, digits e, digits f) AS g \
         WHERE k <= {n} ORDER BY k"
    );
    let source = SourceDb::mysql(&[
        "CREATE TABLE digits (i int)",
        "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
        "CREATE TABLE big (id int AUTO_INCREMENT PRIMARY KEY, n int, label varchar(40), \
         even boolean, at datetime, amount decimal(12, 2))",
        &fill,
    ])
    .await;
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let started = std::time::Instant::now();
    let job = import(
        &app,
        &user,
        json!({"connection_url": source.url(), "source_table": "big", "database_id": database, "name": "Big"}),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["report"]["imported_row_count"], n);
    assert_eq!(job["report"]["failing_row_count"], 0);
    eprintln!(
        "external import (MariaDB): {n} rows x 6 columns in {:.2} s ({:.0} rows/s)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    let table = job["table_id"].as_i64().unwrap();
    let last = app
        .rows(
            &user,
            table,
            &format!("user_field_names=true&size=1&page={n}"),
        )
        .await;
    assert_eq!(last.body["count"], n);
    let row = &last.body["results"][0];
    assert_eq!(row["label"], format!("row {n}"));
    assert_eq!(row["even"], n.is_multiple_of(2));
    // k * 1.25 is exact in binary floating point at these sizes.
    assert_eq!(row["amount"], format!("{:.2}", n as f64 * 1.25));
}

#[tokio::test]
async fn rows_appended_to_a_table_of_other_types_are_parsed_by_its_fields() {
    let source = SourceDb::postgres(&[
        "CREATE TABLE people (name int, \"NOTES\" varchar(20), active text, extra text)",
        "INSERT INTO people VALUES (1, 'first', 'yes', 'x'), (2, 'second', 'maybe', 'y'), (3, NULL, 'no', NULL)",
    ])
    .await;
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let before = rows(&app, &fx.user, fx.table).await.len();
    let job = import(
        &app,
        &fx.user,
        json!({"connection_url": source.url(), "source_table": "people", "table_id": fx.table}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    let report = &job["report"];
    assert_eq!(report["imported_row_count"], 2, "{report}");
    assert_eq!(report["ignored_columns"], json!(["extra"]));
    let fields = table_fields(&app, &fx.user, fx.table).await;
    assert_eq!(
        failures(report),
        [(
            1,
            column(&fields, "Active"),
            "Must be a valid boolean.".to_owned()
        )]
    );
    let got = rows(&app, &fx.user, fx.table).await;
    assert_eq!(got.len(), before + 2);
    let added = &got[before..];
    assert_eq!(added[0]["Name"], "1", "an integer column into a text field");
    assert_eq!(added[0]["Notes"], "first", "names match ignoring case");
    assert_eq!(added[0]["Active"], true);
    assert_eq!(added[1]["Name"], "3");
    assert_eq!(added[1]["Active"], false);
}

const MYSQL_SOURCE: &[&str] = &[
    "CREATE TABLE items (
        id int AUTO_INCREMENT PRIMARY KEY,
        title varchar(100),
        notes text,
        price decimal(10, 2),
        qty bigint,
        flag tinyint(1),
        born date,
        seen datetime,
        size enum('S', 'M', 'L'),
        meta json,
        raw varbinary(8)
    )",
    "INSERT INTO items (title, notes, price, qty, flag, born, seen, size, meta, raw) VALUES
        ('Widget', 'multi\\nline', 12.5, 3, 1, '2024-01-02', '2024-01-02 03:04:05', 'M', '{\"a\": 1}', x'0aff')",
    "INSERT INTO items (title, qty, flag) VALUES ('Gadget', -7, 0)",
    // 2 is no boolean, 3 a zero date, 4 text with a NUL byte.
    "INSERT INTO items (title, flag) VALUES ('Five', 5)",
    "INSERT INTO items (title, born) VALUES ('Zero', '0000-00-00')",
    "INSERT INTO items (title, notes) VALUES ('Nul', CONCAT('a', CHAR(0), 'b'))",
    "INSERT INTO items (title) VALUES ('Tab\\there')",
];

#[tokio::test]
async fn a_mariadb_table_is_imported_with_typed_fields_and_a_report_then_appended() {
    let source = SourceDb::mysql(MYSQL_SOURCE).await;
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let job = import(
        &app,
        &user,
        json!({"connection_url": source.url().replacen("mysql://", "mariadb://", 1), "source_table": "items", "database_id": database, "name": "Items"}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["source"], "mysql");
    assert_eq!(job["source_table"], format!("{}.items", source.name));
    let report = &job["report"];
    assert_eq!(report["imported_row_count"], 3, "{report}");
    assert_eq!(report["failing_row_count"], 3, "{report}");

    let table = job["table_id"].as_i64().unwrap();
    let fields = table_fields(&app, &user, table).await;
    let kinds: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("id 2", "number"),
            ("title", "text"),
            ("notes", "long_text"),
            ("price", "number"),
            ("qty", "number"),
            ("flag", "boolean"),
            ("born", "date"),
            ("seen", "date"),
            ("size", "single_select"),
            ("meta", "long_text"),
            ("raw", "text"),
        ]
    );
    let failed = failures(report);
    assert_eq!(
        failed
            .iter()
            .map(|(row, column, _)| (*row, column.clone()))
            .collect::<Vec<_>>(),
        [
            (2, column(&fields, "flag")),
            (3, column(&fields, "born")),
            (4, column(&fields, "notes")),
        ]
    );
    assert_eq!(failed[0].2, "Must be a valid boolean.");
    assert_eq!(failed[2].2, "Null characters are not allowed.");

    let got = rows(&app, &user, table).await;
    let titles: Vec<&str> = got.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Widget", "Gadget", "Tab\there"]);
    let widget = &got[0];
    assert_eq!(widget["notes"], "multi\nline");
    assert_eq!(widget["price"], "12.50");
    assert_eq!(widget["flag"], true);
    assert_eq!(widget["born"], "2024-01-02");
    assert_eq!(widget["seen"], "2024-01-02T03:04:05Z");
    assert_eq!(widget["size"]["value"], "M");
    assert_eq!(widget["meta"], "{\"a\": 1}");
    assert_eq!(widget["raw"], "0AFF");
    assert_eq!(got[1]["qty"], "-7");
    assert_eq!(got[1]["flag"], false);

    let job = import(
        &app,
        &user,
        json!({"connection_url": source.url(), "source_table": "items", "table_id": table}),
    )
    .await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["report"]["imported_row_count"], 3);
    assert_eq!(rows(&app, &user, table).await.len(), 6);
}

#[tokio::test]
async fn local_servers_are_refused_by_default_without_showing_the_password() {
    let app = TestApp::spawn_with(|s| s.allow_private_addresses = false).await;
    let (user, database) = new_database(&app).await;
    let secret = "hunter2-9f3b";
    for url in [
        format!("postgresql://postgres:{secret}@127.0.0.1:5432/postgres"),
        format!("mysql://root:{secret}@localhost/mysql"),
        format!("postgres://postgres:{secret}@[::ffff:127.0.0.1]/postgres"),
        format!("mysql://root:{secret}@169.254.169.254/x"),
    ] {
        let job = import(
            &app,
            &user,
            json!({"connection_url": url, "source_table": "pg_class", "database_id": database, "name": "X"}),
        )
        .await;
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["human_readable_error"].as_str().unwrap();
        assert!(error.contains("private or local address"), "{error}");
        assert!(!job.to_string().contains(secret), "{job}");
    }
    let r = app
        .post(
            "/api/database/import/external/tables/",
            Some(&user.access),
            json!({"connection_url": format!("postgresql://postgres:{secret}@localhost/postgres")}),
        )
        .await;
    assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("private or local address")
    );
    assert!(!r.body.to_string().contains(secret));
    let listed = app.get("/api/jobs/", Some(&user.access)).await;
    assert_eq!(listed.body["jobs"].as_array().unwrap().len(), 4);
    assert!(!listed.body.to_string().contains(secret));
    let kept: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE params::text LIKE '%' || $1 || '%'")
            .bind(secret)
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    assert_eq!(kept, 0, "no job keeps the password");
}

#[tokio::test]
async fn bad_requests_get_a_400_and_missing_tables_a_readable_job_error() {
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let pg = format!("{}/postgres", pg_server_url());
    for (body, field) in [
        (json!({"source_table": "t"}), "connection_url"),
        (
            json!({"connection_url": "http://example.com/db", "source_table": "t"}),
            "connection_url",
        ),
        (
            json!({"connection_url": "postgresql://h/db?sslmode=verify", "source_table": "t"}),
            "connection_url",
        ),
        (
            json!({"connection_url": "postgresql://h", "source_table": "t"}),
            "connection_url",
        ),
        (
            json!({"connection_url": "postgresql://h/d\u{0}b", "source_table": "t"}),
            "connection_url",
        ),
        (
            json!({"connection_url": pg, "source_table": "t\u{0}"}),
            "source_table",
        ),
        (
            json!({"connection_url": pg, "source_table": "a.b.c.".repeat(30)}),
            "source_table",
        ),
        (json!({"connection_url": pg}), "source_table"),
    ] {
        let mut body = body;
        body["type"] = json!("external_database_import");
        body["database_id"] = json!(database);
        body["name"] = json!("X");
        let r = app
            .post("/api/jobs/", Some(&user.access), body.clone())
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(
            r.body["detail"].get(field).is_some(),
            "{body}: {:?}",
            r.body
        );
    }
    let r = app
        .post(
            "/api/database/import/external/tables/",
            Some(&user.access),
            json!({"connection_url": "ftp://h/db"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .post(
            "/api/database/import/external/tables/",
            Some(&user.access),
            json!({"connection_url": format!("{}/no_such_db_here", pg_server_url())}),
        )
        .await;
    assert_error(&r, 400, "ERROR_EXTERNAL_DATABASE_UNREACHABLE");
    // A database that is not the caller's.
    let other = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(
            "/api/jobs/",
            Some(&other.access),
            json!({"type": "external_database_import", "connection_url": pg, "source_table": "t", "database_id": database, "name": "X"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);

    // Injection attempts are just names that are not found.
    for table in ["nope", "pg_class; DROP TABLE x", "public.\"jobs\""] {
        let job = import(
            &app,
            &user,
            json!({"connection_url": pg, "source_table": table, "database_id": database, "name": "X"}),
        )
        .await;
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["human_readable_error"].as_str().unwrap();
        assert!(
            error.contains("does not exist in the source database"),
            "{error}"
        );
    }
    let job = import(
        &app,
        &user,
        json!({"connection_url": format!("{}/no_such_db_here", pg_server_url()), "source_table": "t", "database_id": database, "name": "X"}),
    )
    .await;
    assert_eq!(job["state"], "failed", "{job}");
    let error = job["human_readable_error"].as_str().unwrap();
    assert!(
        error.contains("Could not connect to the source database"),
        "{error}"
    );
    assert!(error.contains("no_such_db_here"), "{error}");
    // Nothing was created by the failed imports.
    let tables = app
        .get(
            &format!("/api/database/tables/database/{database}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(
        tables.body.as_array().unwrap().len(),
        0,
        "{:?}",
        tables.body
    );
}

#[tokio::test]
async fn a_waiting_imports_connection_url_is_sealed_at_rest_and_forgotten_after_an_hour() {
    let app = TestApp::spawn_with(|s| s.allow_private_addresses = false).await;
    let (user, database) = new_database(&app).await;
    // What the job row held when it was written, before the worker could run it.
    sqlx::raw_sql(
        "CREATE TABLE written_params (params jsonb); \
         CREATE FUNCTION keep_params() RETURNS trigger AS $$ \
         BEGIN INSERT INTO written_params VALUES (NEW.params); RETURN NEW; END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER keep_params AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION keep_params();",
    )
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let secret = "hunter2-5e1a";
    let job = import(
        &app,
        &user,
        json!({"connection_url": format!("postgresql://ann:{secret}@db-host.invalid/shop"),
               "source_table": "t", "database_id": database, "name": "X"}),
    )
    .await;
    assert_eq!(job["state"], "failed", "{job}");
    let (all, sealed): (String, String) =
        sqlx::query_as("SELECT params::text, params ->> '_connection_url' FROM written_params")
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    assert!(!all.contains(secret), "no password at rest: {all}");
    assert!(
        !sealed.is_empty() && !sealed.contains("db-host.invalid"),
        "the URL is sealed at rest: {sealed}"
    );

    // A job that never started loses the URL after an hour; a newer one keeps it.
    let (old, new): (i64, i64) = sqlx::query_as(
        "WITH j AS (INSERT INTO jobs (type, user_id, params, created_on) VALUES \
           ('external_database_import', $1, '{\"_connection_url\": \"x\"}', now() - interval '2 hours'), \
           ('external_database_import', $1, '{\"_connection_url\": \"y\"}', now()) RETURNING id) \
         SELECT min(id), max(id) FROM j",
    )
    .bind(user.id)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    let forgotten = tessera::database::imports::external::forget_stale_passwords(&app.ctx)
        .await
        .unwrap();
    assert_eq!(forgotten, 1);
    for (id, kept) in [(old, false), (new, true)] {
        let has: bool =
            sqlx::query_scalar("SELECT params ? '_connection_url' FROM jobs WHERE id = $1")
                .bind(id)
                .fetch_one(&app.ctx.db)
                .await
                .unwrap();
        assert_eq!(has, kept, "job {id}");
    }
}
