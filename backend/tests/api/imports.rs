//! File imports: uploads, the `file_import` job for every format into new and existing
//! tables, detection of encodings and delimiters, per-row reports, limits and access.

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;

/// A multipart body with one `file` part, built by hand.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tessera-test-boundary-5f1c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_raw(
    app: &TestApp,
    user: &Session,
    name: &str,
    bytes: &[u8],
) -> crate::helpers::Resp {
    let (content_type, body) = multipart(name, bytes);
    app.raw(
        app.client()
            .post(format!("{}/api/database/import/upload/", app.url))
            .header("Authorization", format!("JWT {}", user.access))
            .header("Content-Type", content_type)
            .body(body),
    )
    .await
}

pub(crate) async fn upload(app: &TestApp, user: &Session, name: &str, bytes: &[u8]) -> String {
    let r = upload_raw(app, user, name, bytes).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"], name);
    assert_eq!(r.body["size"], bytes.len());
    r.body["upload_id"].as_str().unwrap().to_owned()
}

/// Starts an import and waits for it to end; returns the job as last polled.
pub(crate) async fn import(app: &TestApp, user: &Session, body: Value) -> Value {
    let mut body = body;
    body["type"] = json!("file_import");
    let r = app.post("/api/jobs/", Some(&user.access), body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "file_import");
    for key in [
        "database_id",
        "name",
        "table_id",
        "first_row_header",
        "report",
    ] {
        assert!(r.body.get(key).is_some(), "{key} missing from {}", r.body);
    }
    let job = r.body["id"].as_i64().unwrap();
    for _ in 0..300 {
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

async fn finished(app: &TestApp, user: &Session, body: Value) -> Value {
    let job = import(app, user, body).await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["progress_percentage"], 100);
    job
}

/// Rows by field name, in order.
async fn rows(app: &TestApp, user: &Session, table: i64) -> Vec<Value> {
    let r = app
        .rows(user, table, "user_field_names=true&size=200")
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["results"].as_array().unwrap().clone()
}

async fn field_names(app: &TestApp, user: &Session, table: i64) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/database/fields/table/{table}/"),
            Some(&user.access),
        )
        .await;
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn new_database(app: &TestApp) -> (Session, i64) {
    let user = app.sign_up("Ann", "ann@x.io").await;
    let workspace = app.workspace(&user, "W").await;
    let database = app.database(&user, workspace).await;
    (user, database)
}

#[tokio::test]
async fn a_csv_upload_becomes_a_new_table_with_its_header_as_fields() {
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let csv =
        "Name,Age,Name,,id\r\nAnn,3,x,\"multi\nline, with comma\",1\nBob,4\n\nCy,5,y,z,2,extra\n";
    let id = upload(&app, &user, "people.csv", csv.as_bytes()).await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "People", "first_row_header": true}),
    )
    .await;
    assert_eq!(job["format"], "csv");
    assert_eq!(job["encoding"], "UTF-8");
    assert_eq!(job["delimiter"], ",");
    assert_eq!(job["report"]["imported_row_count"], 3);
    assert_eq!(job["report"]["failing_row_count"], 0);
    assert_eq!(job["name"], "People");
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(
        field_names(&app, &user, table).await,
        ["Name", "Age", "Name 2", "Field 4", "id 2", "Field 6"]
    );
    let got = rows(&app, &user, table).await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["Name"], "Ann");
    assert_eq!(got[0]["Field 4"], "multi\nline, with comma");
    assert_eq!(got[1]["Name 2"], Value::Null, "short rows are padded");
    assert_eq!(got[2]["Field 6"], "extra", "a wider row adds a field");
    let orders: Vec<&str> = got.iter().map(|r| r["order"].as_str().unwrap()).collect();
    assert!(orders[0] < orders[1] && orders[1] < orders[2], "{orders:?}");
    let count = app.rows(&user, table, "").await.body["count"].clone();
    assert_eq!(count, 3, "the row counter is kept");
    // The table is listed and announced once.
    let tables = app
        .get(
            &format!("/api/database/tables/database/{database}/"),
            Some(&user.access),
        )
        .await;
    assert!(
        tables
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == table)
    );
    let events = app.events(table).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].1, "table_created");
    // Search works at once; the trigram indexes are built right after, in the background.
    let mut indexes = 0i64;
    for _ in 0..200 {
        indexes = sqlx::query_scalar(
            "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gin_trgm_ops%'",
        )
        .bind(format!("database_table_{table}"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
        if indexes == 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(indexes, 6);
    let found = app.rows(&user, table, "search=line,%20with").await;
    assert_eq!(found.body["count"], 1, "{:?}", found.body);
    // The upload is gone once imported.
    let again = app
        .post(
            "/api/jobs/",
            Some(&user.access),
            json!({"type": "file_import", "upload_id": id, "database_id": database, "name": "Again"}),
        )
        .await;
    assert_error(&again, 404, "ERROR_IMPORT_UPLOAD_DOES_NOT_EXIST");
}

#[tokio::test]
async fn encodings_and_delimiters_are_detected_and_headers_are_optional() {
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Stadt\tLand\nKöln\tDeutschland\nZürich\tSchweiz\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let utf16_no_bom: Vec<u8> = "Stadt\tLand\nKöln\tDeutschland\nZürich\tSchweiz\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "bom.csv",
            b"\xEF\xBB\xBFStadt;Land\nK\xC3\xB6ln;Deutschland\nZ\xC3\xBCrich;Schweiz\n".to_vec(),
            "UTF-8",
            ";",
        ),
        ("utf16.txt", utf16, "UTF-16LE", "\t"),
        ("utf16be", utf16_no_bom, "UTF-16BE", "\t"),
        (
            "latin1.csv",
            b"Stadt;Land\nK\xF6ln;Deutschland\nZ\xFCrich;Schweiz\n".to_vec(),
            "windows-1252",
            ";",
        ),
    ];
    for (name, bytes, encoding, delimiter) in cases {
        let id = upload(&app, &user, name, &bytes).await;
        let job = finished(
            &app,
            &user,
            json!({"upload_id": id, "database_id": database, "name": name, "first_row_header": true}),
        )
        .await;
        assert_eq!(job["encoding"], encoding, "{name}");
        assert_eq!(job["delimiter"], delimiter, "{name}");
        let table = job["table_id"].as_i64().unwrap();
        assert_eq!(
            field_names(&app, &user, table).await,
            ["Stadt", "Land"],
            "{name}"
        );
        let got = rows(&app, &user, table).await;
        assert_eq!(got[0]["Stadt"], "Köln", "{name}");
        assert_eq!(got[1]["Stadt"], "Zürich", "{name}");
    }
    // Without a header every line is a row, and fields are numbered.
    let id = upload(&app, &user, "plain.csv", b"a|b|c\nd|e|f\n").await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "Plain"}),
    )
    .await;
    assert_eq!(job["delimiter"], "|");
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(
        field_names(&app, &user, table).await,
        ["Field 1", "Field 2", "Field 3"]
    );
    assert_eq!(rows(&app, &user, table).await[0]["Field 1"], "a");
    // A named encoding and delimiter win over detection.
    let id = upload(&app, &user, "forced.csv", b"x;y\n\xE9;2\n").await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "Forced", "encoding": "iso-8859-15", "delimiter": ",", "first_row_header": true}),
    )
    .await;
    assert_eq!(job["encoding"], "ISO-8859-15");
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(field_names(&app, &user, table).await, ["x;y"]);
    assert_eq!(rows(&app, &user, table).await[0]["x;y"], "é;2");
}

#[tokio::test]
async fn json_xml_and_pasted_cells_become_new_tables() {
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let json_file =
        r#"[{"name": "Ann", "age": 3}, {"name": "Bob", "city": "Oslo", "tags": ["a"]}]"#;
    let id = upload(&app, &user, "data", json_file.as_bytes()).await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "J"}),
    )
    .await;
    assert_eq!(job["format"], "json", "detected from the content");
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(
        field_names(&app, &user, table).await,
        ["name", "age", "city", "tags"]
    );
    let got = rows(&app, &user, table).await;
    assert_eq!(got[0]["age"], "3");
    assert_eq!(got[1]["city"], "Oslo");
    assert_eq!(got[1]["tags"], "[\"a\"]");

    let lists = r#"[["h1", "h2"], ["1", 2], [true, null]]"#;
    let id = upload(&app, &user, "lists.json", lists.as_bytes()).await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "L", "first_row_header": true}),
    )
    .await;
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(field_names(&app, &user, table).await, ["h1", "h2"]);
    assert_eq!(rows(&app, &user, table).await[1]["h1"], "true");

    let xml = "<?xml version=\"1.0\"?>\n<rows><row><name>Ann &amp; Co</name><n>1</n></row><row><n>2</n><note><![CDATA[<b>]]></note></row></rows>";
    let id = upload(&app, &user, "rows.xml", xml.as_bytes()).await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "X"}),
    )
    .await;
    assert_eq!(job["format"], "xml");
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(field_names(&app, &user, table).await, ["name", "n", "note"]);
    let got = rows(&app, &user, table).await;
    assert_eq!(got[0]["name"], "Ann & Co");
    assert_eq!(got[1]["note"], "<b>");

    let job = finished(
        &app,
        &user,
        json!({"data": "Item\tQty\n\"two\nlines\"\t3\n=HYPERLINK(\"x\")\t4", "database_id": database, "name": "P", "first_row_header": true}),
    )
    .await;
    assert_eq!(job["format"], "paste");
    let table = job["table_id"].as_i64().unwrap();
    let got = rows(&app, &user, table).await;
    assert_eq!(got[0]["Item"], "two\nlines");
    assert_eq!(
        got[1]["Item"], "=HYPERLINK(\"x\")",
        "formula text is kept as text"
    );
}

#[tokio::test]
async fn appended_rows_are_parsed_per_field_type_and_bad_rows_are_reported() {
    let app = TestApp::spawn_with(|s| s.import_report_max_rows = 2).await;
    let fx = app.table_fixture().await;
    app.field(
        &fx.user,
        fx.table,
        json!({"name": "Count", "type": "number"}),
    )
    .await;
    app.field(
        &fx.user,
        fx.table,
        json!({"name": "No", "type": "autonumber"}),
    )
    .await;
    let count_field = app.field_id(&fx.user, fx.table, "Count").await;
    let csv = "name,COUNT,Active,Unknown,No\nfirst,1,yes,x,99\nbad,abc,no,x,1\nnu\0l,2,1,x,1\nsecond,2,true,x,1\nbad2,-,1,x,1\nbad3,?,1,x,1\n";
    let id = upload(&app, &fx.user, "append.csv", csv.as_bytes()).await;
    let job = finished(
        &app,
        &fx.user,
        json!({"upload_id": id, "table_id": fx.table, "first_row_header": true}),
    )
    .await;
    assert_eq!(job["table_id"], fx.table);
    let report = &job["report"];
    assert_eq!(report["imported_row_count"], 2, "{report}");
    assert_eq!(report["failing_row_count"], 4, "{report}");
    assert_eq!(report["failing_rows_not_listed"], 2, "the list is capped");
    assert_eq!(report["ignored_columns"], json!(["Unknown", "No"]));
    let failing = report["failing_rows"].as_object().unwrap();
    assert_eq!(failing.len(), 2);
    assert!(
        failing["1"][format!("field_{count_field}")][0]["error"].is_string(),
        "{report}"
    );
    assert!(
        failing.contains_key("2"),
        "the NUL row is reported: {report}"
    );
    let got = rows(&app, &fx.user, fx.table).await;
    assert_eq!(got.len(), 4, "the two empty rows plus two imported");
    assert_eq!(got[2]["Name"], "first");
    assert_eq!(got[2]["Count"], "1");
    assert_eq!(got[2]["Active"], true);
    assert_eq!(got[2]["No"], 3, "read-only fields keep their own values");
    assert_eq!(got[3]["Name"], "second");
    assert_eq!(got[2]["order"], "3.00000000000000000000");
    assert_eq!(app.rows(&fx.user, fx.table, "").await.body["count"], 4);
    let events = app.events(fx.table).await;
    let (_, kind, payload) = events.last().unwrap();
    assert_eq!(kind, "table_updated");
    assert_eq!(payload["force_table_refresh"], true);

    // Without a header, cells go to the writable fields in order.
    let id = upload(&app, &fx.user, "positional.csv", b"third,notes here,1,7\n").await;
    finished(
        &app,
        &fx.user,
        json!({"upload_id": id, "table_id": fx.table}),
    )
    .await;
    let got = rows(&app, &fx.user, fx.table).await;
    assert_eq!(got[4]["Name"], "third");
    assert_eq!(got[4]["Notes"], "notes here");
    assert_eq!(got[4]["Active"], true);
    assert_eq!(got[4]["Count"], "7");

    // JSON objects, XML and pasted cells append the same way.
    let id = upload(
        &app,
        &fx.user,
        "a.json",
        br#"[{"Name": "json", "Count": 5, "Active": true}, {"Name": "bad", "Count": "x"}]"#,
    )
    .await;
    let job = finished(
        &app,
        &fx.user,
        json!({"upload_id": id, "table_id": fx.table}),
    )
    .await;
    assert_eq!(job["report"]["failing_row_count"], 1);
    let id = upload(
        &app,
        &fx.user,
        "a.xml",
        b"<rows><row><Name>xml</Name><Count>6</Count></row></rows>",
    )
    .await;
    finished(
        &app,
        &fx.user,
        json!({"upload_id": id, "table_id": fx.table}),
    )
    .await;
    finished(
        &app,
        &fx.user,
        json!({"data": "Name\tCount\npasted\t8", "table_id": fx.table, "first_row_header": true}),
    )
    .await;
    let got = rows(&app, &fx.user, fx.table).await;
    let names: Vec<&str> = got[5..]
        .iter()
        .map(|r| r["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["json", "xml", "pasted"]);
    assert_eq!(got[5]["Count"], "5");
    assert_eq!(got[6]["Count"], "6");
    assert_eq!(got[7]["Count"], "8");
}

#[tokio::test]
async fn broken_and_hostile_files_fail_the_job_readably_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let (user, database) = new_database(&app).await;
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rows><row><a>&lol1;</a></row></rows>"#;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.xml", bomb.as_bytes().to_vec(), "DOCTYPE"),
        (
            "entity.xml",
            b"<rows><row><a>&ext;</a></row></rows>".to_vec(),
            "entity",
        ),
        ("broken.json", b"[{\"a\": 1}, {\"a\": ".to_vec(), "JSON"),
        (
            "scalar.json",
            b"[1, 2]".to_vec(),
            "neither an object nor a list",
        ),
        ("empty.csv", b"".to_vec(), "no data"),
        ("quote.csv", b"a,b\n\"unclosed,1\n".to_vec(), ""),
    ];
    for (name, bytes, message) in cases {
        let id = upload(&app, &user, name, &bytes).await;
        let job = import(
            &app,
            &user,
            json!({"upload_id": id, "database_id": database, "name": name}),
        )
        .await;
        if name == "quote.csv" {
            // An unclosed quote runs to the end of the file, as spreadsheets read it.
            assert_eq!(job["state"], "finished", "{job}");
            continue;
        }
        assert_eq!(job["state"], "failed", "{name}: {job}");
        assert!(
            job["human_readable_error"]
                .as_str()
                .unwrap()
                .contains(message),
            "{name}: {job}"
        );
    }
    let tables = app
        .get(
            &format!("/api/database/tables/database/{database}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(
        tables.body.as_array().unwrap().len(),
        1,
        "only quote.csv made a table"
    );

    // NUL bytes in a new table's cells are reported per row, in its header they are dropped.
    let id = upload(&app, &user, "nul.csv", b"na\0me,b\nok,1\nbad\0,2\n").await;
    let job = finished(
        &app,
        &user,
        json!({"upload_id": id, "database_id": database, "name": "Nul", "first_row_header": true}),
    )
    .await;
    assert_eq!(job["report"]["imported_row_count"], 1);
    assert_eq!(job["report"]["failing_row_count"], 1);
    let table = job["table_id"].as_i64().unwrap();
    assert_eq!(field_names(&app, &user, table).await, ["name", "b"]);
}

#[tokio::test]
async fn limits_validation_and_access_are_enforced() {
    let app = TestApp::spawn_with(|s| s.import_max_bytes = 1000).await;
    let (ann, database) = new_database(&app).await;
    let r = upload_raw(&app, &ann, "big.csv", &vec![b'a'; 2000]).await;
    assert_error(&r, 413, "ERROR_IMPORT_FILE_TOO_LARGE");
    let files = std::fs::read_dir(app.ctx.settings.media_dir.join("import_files"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "the partial file is removed");
    // Far too large (beyond the multipart framing allowance): refused from its length.
    let r = upload_raw(&app, &ann, "huge.csv", &vec![b'a'; 100_000]).await;
    assert_error(&r, 413, "ERROR_IMPORT_FILE_TOO_LARGE");
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/database/import/upload/", app.url))
                .header("Authorization", format!("JWT {}", ann.access))
                .body("not multipart"),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/database/import/upload/", app.url))
                .body("x"),
        )
        .await;
    assert_eq!(r.status, 401);

    let ann_upload = upload(&app, &ann, "a.csv", b"a,b\n1,2\n").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let bob_workspace = app.workspace(&bob, "B").await;
    let bob_database = app.database(&bob, bob_workspace).await;
    let post = |user: &Session, body: Value| {
        let mut body = body;
        body["type"] = json!("file_import");
        let token = user.access.clone();
        let app = &app;
        async move { app.post("/api/jobs/", Some(&token), body).await }
    };
    // Bob cannot import into Ann's database, nor use her upload.
    let r = post(
        &bob,
        json!({"data": "x", "database_id": database, "name": "T"}),
    )
    .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = post(
        &bob,
        json!({"upload_id": ann_upload, "database_id": bob_database, "name": "T"}),
    )
    .await;
    assert_error(&r, 404, "ERROR_IMPORT_UPLOAD_DOES_NOT_EXIST");
    let tables = app
        .get(
            &format!("/api/database/tables/database/{database}/"),
            Some(&ann.access),
        )
        .await;
    let r = post(&bob, json!({"data": "x", "table_id": 999_999})).await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");
    assert_eq!(tables.body, json!([]));
    // Validation.
    for body in [
        json!({"database_id": database, "name": "T"}),
        json!({"data": "x", "database_id": database}),
        json!({"data": "a\u{0}b", "database_id": database, "name": "T"}),
        json!({"data": "x", "database_id": database, "name": "T", "format": "xlsx"}),
        json!({"data": "x", "database_id": database, "name": "T", "encoding": "nope"}),
        json!({"data": "x", "database_id": database, "name": "T", "delimiter": "::"}),
    ] {
        let r = post(&ann, body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = app
        .post("/api/jobs/", Some(&ann.access), json!({"type": "nope"}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = post(
        &ann,
        json!({"upload_id": uuid_like(), "database_id": database, "name": "T"}),
    )
    .await;
    assert_error(&r, 404, "ERROR_IMPORT_UPLOAD_DOES_NOT_EXIST");
}

fn uuid_like() -> String {
    "6f1c2d3e-4a5b-4c6d-8e7f-001122334455".into()
}

#[tokio::test]
async fn uploads_waiting_for_import_have_a_quota_per_user_and_for_the_server() {
    let app = TestApp::spawn_with(|s| {
        s.import_uploads_per_user = 2;
        s.import_upload_bytes_per_user = 100;
        s.import_upload_bytes_total = 150;
    })
    .await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let sixty = vec![b'a'; 60];
    upload(&app, &ann, "one.csv", &sixty).await;
    // Past Ann's bytes: refused while streaming, and nothing of it is kept.
    let r = upload_raw(&app, &ann, "two.csv", &sixty).await;
    assert_error(&r, 413, "ERROR_IMPORT_UPLOAD_QUOTA_EXCEEDED");
    upload(&app, &ann, "small.csv", b"x,y\n1,2\n").await;
    // Past Ann's count, whatever the size.
    let r = upload_raw(&app, &ann, "three.csv", b"x\n").await;
    assert_error(&r, 413, "ERROR_IMPORT_UPLOAD_QUOTA_EXCEEDED");
    // The server's total counts everyone's: Bob has 150 − 68 bytes left.
    upload(&app, &bob, "bob.csv", &sixty).await;
    let r = upload_raw(&app, &bob, "bob2.csv", &sixty).await;
    assert_error(&r, 413, "ERROR_IMPORT_UPLOAD_QUOTA_EXCEEDED");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM import_uploads")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(kept, 3);
    let files = std::fs::read_dir(app.ctx.settings.media_dir.join("import_files"))
        .unwrap()
        .count();
    assert_eq!(files, 3, "refused uploads leave no file behind");
}

#[tokio::test]
async fn imported_collaborators_are_found_by_email_or_name_and_passwords_stay_empty() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let workspace = fx.workspace_id(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, workspace, bob.id, "MEMBER")
        .await
        .unwrap();
    for (name, kind) in [("People", "multiple_collaborators"), ("Secret", "password")] {
        app.field(&fx.user, fx.table, json!({"name": name, "type": kind}))
            .await;
    }
    let csv = "Name,People,Secret\n\
               one,\"ann@x.io, Bob\",hunter22\n\
               two,Bob <BOB@x.io>,\n\
               three,,\n\
               four,Zed,\n";
    let id = upload(&app, &fx.user, "people.csv", csv.as_bytes()).await;
    let job = finished(
        &app,
        &fx.user,
        json!({"upload_id": id, "table_id": fx.table, "first_row_header": true}),
    )
    .await;
    let report = &job["report"];
    assert_eq!(report["imported_row_count"], 3, "{report}");
    let people = app.field_id(&fx.user, fx.table, "People").await;
    let why = report["failing_rows"]["3"][format!("field_{people}")][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(why.contains("Zed"), "a stranger fails its row: {report}");
    let got = rows(&app, &fx.user, fx.table).await;
    let by_name = |n: &str| got.iter().find(|r| r["Name"] == n).unwrap().clone();
    let ann = fx.user.id;
    assert_eq!(
        by_name("one")["People"],
        json!([{"id": ann, "name": "Ann"}, {"id": bob.id, "name": "Bob"}])
    );
    assert_eq!(
        by_name("two")["People"],
        json!([{"id": bob.id, "name": "Bob"}])
    );
    assert_eq!(by_name("three")["People"], json!([]));
    assert_eq!(
        by_name("one")["Secret"],
        json!(null),
        "never the password as written"
    );
    assert!(!format!("{got:?}").contains("hunter22"));

    // A text field converted to collaborators keeps the members it names.
    let crew = app
        .field(&fx.user, fx.table, json!({"name": "Crew", "type": "text"}))
        .await;
    let row = by_name("three")["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!(
                "/api/database/rows/table/{}/{row}/?user_field_names=true",
                fx.table
            ),
            Some(&fx.user.access),
            json!({"Crew": "Bob, nobody, Ann <ANN@x.io>, Bob"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/fields/{crew}/"),
            Some(&fx.user.access),
            json!({"type": "multiple_collaborators"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got = rows(&app, &fx.user, fx.table).await;
    let three = got.iter().find(|r| r["Name"] == "three").unwrap();
    assert_eq!(
        three["Crew"],
        json!([{"id": bob.id, "name": "Bob"}, {"id": ann, "name": "Ann"}])
    );
}
