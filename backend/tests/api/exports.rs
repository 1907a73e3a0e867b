//! Exports: every format's content, views' filters, sorts and hidden fields, formula
//! injection, charsets and separators, downloads (and refused names), who may export,
//! cancellation and expiry.

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::{collections::HashMap, io::Read, time::Duration};

/// A table "Stock" with a field of several types and three rows, one of them hostile.
struct Stock {
    user: Session,
    database: i64,
    table: i64,
    fields: HashMap<&'static str, i64>,
}

const HOSTILE_NAME: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

async fn stock(app: &TestApp) -> Stock {
    let user = app.sign_up("Ann", "ann@x.io").await;
    let workspace = app.workspace(&user, "W").await;
    let database = app.database(&user, workspace).await;
    let a = Some(user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            a,
            json!({"name": "Stock", "data": [["Name"], ["Ann"], [HOSTILE_NAME], ["Zoë"]],
                   "first_row_header": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let table = r.body["id"].as_i64().unwrap();
    let mut fields = HashMap::new();
    fields.insert("Name", app.field_id(&user, table, "Name").await);
    for (name, body) in [
        ("Notes", json!({"type": "long_text"})),
        (
            "Price",
            json!({"type": "number", "number_decimal_places": 2, "number_negative": true}),
        ),
        (
            "Color",
            json!({"type": "single_select", "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]}),
        ),
        ("Due", json!({"type": "date"})),
        ("Done", json!({"type": "boolean"})),
        (
            "Tags",
            json!({"type": "multiple_select", "select_options": [{"value": "A", "color": "red"}, {"value": "B", "color": "blue"}]}),
        ),
    ] {
        let mut body = body;
        body["name"] = json!(name);
        fields.insert(name, app.field(&user, table, body).await);
    }
    let r = app
        .patch(
            &format!("/api/database/rows/table/{table}/batch/?user_field_names=true"),
            a,
            json!({"items": [
                {"id": 1, "Notes": "likes \"quotes\", commas\nand lines", "Price": "12.5",
                 "Color": "Red", "Due": "2024-01-31", "Done": true, "Tags": ["A", "B"]},
                {"id": 2, "Notes": "@SUM(A1)", "Price": "-5"},
                {"id": 3, "Notes": "+1 555 0100", "Price": "3", "Color": "Blue",
                 "Due": "2023-12-01", "Tags": ["B"]},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    Stock {
        user,
        database,
        table,
        fields,
    }
}

const HEADER: [&str; 8] = [
    "id", "Name", "Notes", "Price", "Color", "Due", "Done", "Tags",
];

/// The rows as text, the way CSV and Excel show them (formula-looking cells quoted).
fn expected_text() -> Vec<Vec<String>> {
    let rows: [[&str; 8]; 3] = [
        [
            "1",
            "Ann",
            "likes \"quotes\", commas\nand lines",
            "12.50",
            "Red",
            "2024-01-31",
            "true",
            "A, B",
        ],
        [
            "2",
            "'=HYPERLINK(\"http://evil.example\",\"x\")",
            "'@SUM(A1)",
            "-5.00",
            "",
            "",
            "false",
            "",
        ],
        [
            "3",
            "Zoë",
            "'+1 555 0100",
            "3.00",
            "Blue",
            "2023-12-01",
            "false",
            "B",
        ],
    ];
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

/// Starts an export; returns the job.
async fn start(app: &TestApp, user: &Session, table: i64, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/database/export/table/{table}/"),
            Some(&user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// Polls the export until it is over; returns the job.
async fn wait(app: &TestApp, user: &Session, job: &Value) -> Value {
    let path = format!("/api/database/export/{}/", job["id"]);
    for _ in 0..300 {
        let r = app.get(&path, Some(&user.access)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        if ["finished", "failed", "cancelled", "expired"]
            .contains(&r.body["state"].as_str().unwrap())
        {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the export did not finish");
}

/// Exports and downloads: the finished job and the file's bytes.
async fn export(app: &TestApp, fx: &Stock, body: Value) -> (Value, Vec<u8>) {
    let job = start(app, &fx.user, fx.table, body).await;
    let done = wait(app, &fx.user, &job).await;
    assert_eq!(done["state"], "finished", "{done:?}");
    let (status, _, bytes) = download(app, done["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    (done, bytes)
}

async fn download(app: &TestApp, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app.client().get(url).send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

/// A CSV reader for the tests: quoted cells, doubled quotes, `\r\n` line ends.
fn parse_csv(text: &str, separator: char) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == separator && !quoted => row.push(std::mem::take(&mut cell)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
    }
    assert!(
        row.is_empty() && cell.is_empty(),
        "the file ends with a line end"
    );
    rows
}

/// The cells of an xlsx's only sheet, row by row (empty cells as "").
fn parse_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
    ] {
        assert!(zip.by_name(part).is_ok(), "{part} is in the workbook");
    }
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    assert!(sheet.ends_with("</sheetData></worksheet>"));
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let mut rows = Vec::new();
    for row in sheet.split("<row ").skip(1) {
        let mut cells: Vec<String> = Vec::new();
        for cell in row.split("<c r=\"").skip(1) {
            let letters: String = cell
                .chars()
                .take_while(|c| c.is_ascii_uppercase())
                .collect();
            let column = letters
                .bytes()
                .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize)
                - 1;
            let value = if let Some(start) = cell.find("<t xml:space=\"preserve\">") {
                let rest = &cell[start + "<t xml:space=\"preserve\">".len()..];
                unescape(&rest[..rest.find("</t>").unwrap()])
            } else {
                let rest = &cell[cell.find("<v>").unwrap() + 3..];
                rest[..rest.find("</v>").unwrap()].to_owned()
            };
            cells.resize(column, String::new());
            cells.push(value);
        }
        rows.push(cells);
    }
    rows
}

fn padded(rows: Vec<Vec<String>>, width: usize) -> Vec<Vec<String>> {
    rows.into_iter()
        .map(|mut r| {
            r.resize(width, String::new());
            r
        })
        .collect()
}

#[tokio::test]
async fn a_csv_export_has_a_bom_a_header_and_every_value_as_text() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let job = start(&app, &fx.user, fx.table, json!({"exporter_type": "csv"})).await;
    assert_eq!(job["state"], "pending");
    assert_eq!(job["status"], "pending");
    assert_eq!(job["url"], Value::Null);
    assert_eq!(
        (
            job["table"].clone(),
            job["view"].clone(),
            job["exporter_type"].clone()
        ),
        (json!(fx.table), Value::Null, json!("csv"))
    );
    let done = wait(&app, &fx.user, &job).await;
    assert_eq!(done["state"], "finished", "{done:?}");
    assert_eq!(done["progress_percentage"], 100);
    let url = done["url"].as_str().unwrap();
    let name = done["exported_file_name"].as_str().unwrap();
    assert_eq!(url, format!("{}/media/export_files/{name}", app.url));
    assert!(name.ends_with(".csv") && name.len() == 36, "{name}");
    assert!(done["created_at"].is_string());

    let (status, headers, bytes) = download(&app, url).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Stock.csv\"; filename*=UTF-8''Stock.csv"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    // Never kept by a shared cache, and opened inline it runs in a sandbox of its own.
    assert_eq!(headers["cache-control"], "private, no-store");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.ends_with("; sandbox"),
        "{csp}"
    );
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap(), ',');
    assert_eq!(rows[0], HEADER);
    assert_eq!(rows[1..], expected_text());

    // The generic jobs endpoint lists it too.
    let r = app
        .get(&format!("/api/jobs/{}/", done["id"]), Some(&fx.user.access))
        .await;
    assert_eq!(
        (r.body["type"].clone(), r.body["state"].clone()),
        (json!("export_table"), json!("finished"))
    );
}

#[tokio::test]
async fn json_xml_and_excel_exports_hold_the_same_rows() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let api = app
        .rows(&fx.user, fx.table, "user_field_names=true")
        .await
        .body["results"]
        .clone();

    // JSON: the API's values, keyed by field name, `id` first.
    let (_, bytes) = export(&app, &fx, json!({"exporter_type": "json"})).await;
    let exported: Value = serde_json::from_slice(&bytes).unwrap();
    let exported = exported.as_array().unwrap();
    assert_eq!(exported.len(), 3);
    for (row, api_row) in exported.iter().zip(api.as_array().unwrap()) {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys, HEADER);
        for key in &HEADER {
            assert_eq!(row[key], api_row[key], "{key}");
        }
    }
    assert_eq!(
        exported[1]["Name"], HOSTILE_NAME,
        "JSON is not a spreadsheet"
    );

    // XML: Baserow's element shape.
    let (done, bytes) = export(&app, &fx, json!({"exporter_type": "xml"})).await;
    assert!(done["url"].as_str().unwrap().ends_with(".xml"));
    let xml = String::from_utf8(bytes).unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rows>\n<row><id>1</id><Name>Ann</Name><Notes>likes \"quotes\", commas\nand lines</Notes><Price>12.50</Price><Color><id>"),
        "{xml}"
    );
    assert!(xml.ends_with("</row>\n</rows>\n"), "{xml}");
    assert_eq!(xml.matches("<row>").count(), 3);
    assert!(xml.contains("<Due>2024-01-31</Due><Done>true</Done><Tags><item><id>"));
    assert!(xml.contains("<value>A</value><color>red</color></item><item>"));
    assert!(xml.contains(
        "<row><id>2</id><Name>=HYPERLINK(\"http://evil.example\",\"x\")</Name><Notes>@SUM(A1)</Notes><Price>-5.00</Price><Color/><Due/><Done>false</Done><Tags/></row>"
    ), "{xml}");
    assert!(xml.contains("<Name>Zoë</Name>"));

    // Excel: a real workbook; text cells, id as a number, header only when asked.
    let (done, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "excel", "excel_include_header": true}),
    )
    .await;
    assert!(done["url"].as_str().unwrap().ends_with(".xlsx"));
    let (_, headers, _) = download(&app, done["url"].as_str().unwrap()).await;
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let rows = padded(parse_xlsx(&bytes), HEADER.len());
    assert_eq!(rows[0], HEADER);
    assert_eq!(rows[1..], expected_text());
    let (_, bytes) = export(&app, &fx, json!({"exporter_type": "excel"})).await;
    assert_eq!(padded(parse_xlsx(&bytes), HEADER.len()), expected_text());
}

#[tokio::test]
async fn a_view_export_follows_its_filters_sorts_and_hidden_fields() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Cheap first", "type": "grid"}),
        )
        .await;
    let view = r.body["id"].as_i64().unwrap();
    let price = fx.fields["Price"];
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": price, "type": "higher_than", "value": "0"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    app.post(
        &format!("/api/database/views/{view}/sortings/"),
        a,
        json!({"field": price, "order": "ASC"}),
    )
    .await;
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            a,
            json!({"field_options": {
                fx.fields["Notes"].to_string(): {"hidden": true},
                fx.fields["Tags"].to_string(): {"hidden": true},
                fx.fields["Done"].to_string(): {"order": 0},
            }}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let (done, bytes) = export(&app, &fx, json!({"exporter_type": "csv", "view_id": view})).await;
    assert_eq!(done["view"], view);
    let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap(), ',');
    assert_eq!(
        rows,
        vec![
            vec!["id", "Done", "Name", "Price", "Color", "Due"],
            vec!["3", "false", "Zoë", "3.00", "Blue", "2023-12-01"],
            vec!["1", "true", "Ann", "12.50", "Red", "2024-01-31"],
        ]
    );

    // The request's filters apply on top of the view's, its order replaces the sorts,
    // and `fields` picks the columns and their order.
    let (_, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "csv", "view_id": view, "order_by": format!("-field_{price}"),
               "fields": [fx.fields["Price"], fx.fields["Name"]],
               "filters": {"filter_type": "AND", "filters": [
                   {"field": fx.fields["Name"], "type": "contains", "value": "n"}]}}),
    )
    .await;
    let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap(), ',');
    assert_eq!(
        rows,
        vec![vec!["id", "Price", "Name"], vec!["1", "12.50", "Ann"]]
    );

    // Without a view, the table's order and every field.
    let (_, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "json", "order_by": format!("field_{price}")}),
    )
    .await;
    let ids: Vec<i64> = serde_json::from_slice::<Vec<Value>>(&bytes)
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [2, 3, 1]);
}

#[tokio::test]
async fn charsets_separators_and_the_header_are_honoured() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let name = fx.fields["Name"];

    let (_, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "csv", "export_charset": "latin-1", "csv_column_separator": ";",
               "fields": [name]}),
    )
    .await;
    assert_eq!(
        bytes,
        b"id;Name\r\n1;Ann\r\n2;\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"\r\n3;Zo\xEB\r\n".to_vec(),
        "no BOM, é as one latin-1 byte, quotes doubled"
    );
    let r = app
        .post(
            &format!("/api/database/export/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"exporter_type": "csv", "export_charset": "latin-1"}),
        )
        .await;
    let done = wait(&app, &fx.user, &r.body).await;
    let (_, headers, _) = download(&app, done["url"].as_str().unwrap()).await;
    assert_eq!(headers["content-type"], "text/csv; charset=windows-1252");

    let (_, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "csv", "export_charset": "utf-16", "csv_column_separator": "tab",
               "csv_include_header": false, "fields": [name]}),
    )
    .await;
    assert_eq!(&bytes[..2], &[0xFF, 0xFE], "UTF-16 byte order mark");
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    assert_eq!(
        parse_csv(&text, '\t'),
        vec![
            vec!["1", "Ann"],
            vec!["2", "'=HYPERLINK(\"http://evil.example\",\"x\")"],
            vec!["3", "Zoë"],
        ]
    );

    for (separator, c) in [
        ("|", '|'),
        ("record_separator", '\u{1e}'),
        ("unit_separator", '\u{1f}'),
    ] {
        let (_, bytes) = export(
            &app,
            &fx,
            json!({"exporter_type": "csv", "csv_column_separator": separator}),
        )
        .await;
        let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap(), c);
        assert_eq!(rows[0], HEADER, "{separator}");
        assert_eq!(rows[1..], expected_text(), "{separator}");
    }

    let (_, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "xml", "export_charset": "windows-1252", "fields": [name]}),
    )
    .await;
    assert!(bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1252\" ?>"));
    let needle = b"<Name>Zo\xEB</Name>";
    assert!(bytes.windows(needle.len()).any(|w| w == needle));
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_apis_errors() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let path = format!("/api/database/export/table/{}/", fx.table);
    let a = Some(fx.user.access.as_str());
    for (body, key) in [
        (json!({"exporter_type": "pdf"}), "exporter_type"),
        (json!({"exporter_type": "csv\u{0}"}), "exporter_type"),
        (
            json!({"exporter_type": "csv", "export_charset": "klingon"}),
            "export_charset",
        ),
        (
            json!({"exporter_type": "csv", "csv_column_separator": "#"}),
            "csv_column_separator",
        ),
        (
            json!({"exporter_type": "csv", "fields": [999_999]}),
            "fields",
        ),
        (
            json!({"exporter_type": "csv", "order_by": "field_1\u{0}"}),
            "order_by",
        ),
    ] {
        let r = app.post(&path, a, body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(r.body["detail"].get(key).is_some(), "{body}: {:?}", r.body);
    }
    assert_error(
        &app.post(&path, a, json!({})).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(
            &path,
            a,
            json!({"exporter_type": "csv", "order_by": "field_999999"}),
        )
        .await,
        400,
        "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    );
    assert_error(
        &app.post(
            &path,
            a,
            json!({"exporter_type": "csv", "filters": {"filters": [{"field": fx.fields["Name"], "type": "nope", "value": "x"}]}}),
        )
        .await,
        400,
        "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(
            &path,
            a,
            json!({"exporter_type": "csv", "filters": {"filters": [{"field": fx.fields["Name"], "type": "equal", "value": "a\u{0}"}]}}),
        )
        .await,
        400,
        "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    );
    assert_error(
        &app.post(
            "/api/database/export/table/999999/",
            a,
            json!({"exporter_type": "csv"}),
        )
        .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    assert_error(
        &app.get("/api/database/export/999999/", a).await,
        404,
        "ERROR_EXPORT_JOB_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(
            &path,
            a,
            json!({"exporter_type": "csv", "view_id": 999_999}),
        )
        .await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn views_of_other_tables_and_forms_cannot_be_exported() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/tables/database/{}/", fx.database),
            a,
            json!({"name": "Other"}),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/database/views/table/{other}/"),
            a,
            json!({"name": "Elsewhere", "type": "grid"}),
        )
        .await;
    let elsewhere = r.body["id"].as_i64().unwrap();
    assert_error(
        &app.post(
            &format!("/api/database/export/table/{}/", fx.table),
            a,
            json!({"exporter_type": "csv", "view_id": elsewhere}),
        )
        .await,
        400,
        "ERROR_VIEW_NOT_IN_TABLE",
    );
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            a,
            json!({"name": "Ask", "type": "form"}),
        )
        .await;
    assert_error(
        &app.post(
            &format!("/api/database/export/table/{}/", fx.table),
            a,
            json!({"exporter_type": "csv", "view_id": r.body["id"]}),
        )
        .await,
        400,
        "ERROR_VIEW_UNSUPPORTED_FOR_EXPORT_TYPE",
    );
}

#[tokio::test]
async fn only_members_export_and_only_the_owner_reads_the_job() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    assert_error(
        &app.post(
            &format!("/api/database/export/table/{}/", fx.table),
            Some(&bob.access),
            json!({"exporter_type": "csv"}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    let r = app
        .post(
            &format!("/api/database/export/table/{}/", fx.table),
            None,
            json!({"exporter_type": "csv"}),
        )
        .await;
    assert_eq!(r.status, 401);
    let (done, _) = export(&app, &fx, json!({"exporter_type": "csv"})).await;
    assert_error(
        &app.get(
            &format!("/api/database/export/{}/", done["id"]),
            Some(&bob.access),
        )
        .await,
        404,
        "ERROR_EXPORT_JOB_DOES_NOT_EXIST",
    );
    assert_error(
        &app.get(&format!("/api/jobs/{}/", done["id"]), Some(&bob.access))
            .await,
        404,
        "ERROR_JOB_DOES_NOT_EXIST",
    );
    // Other kinds of jobs are not exports.
    let r = app
        .post(
            &format!("/api/database/tables/{}/duplicate/async/", fx.table),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_error(
        &app.get(
            &format!("/api/database/export/{}/", r.body["id"]),
            Some(&fx.user.access),
        )
        .await,
        404,
        "ERROR_EXPORT_JOB_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn only_finished_exports_are_downloadable_and_names_cannot_reach_other_files() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let (done, _) = export(&app, &fx, json!({"exporter_type": "csv"})).await;
    let url = done["url"].as_str().unwrap();
    assert_eq!(download(&app, url).await.0, 200);
    let head = app.client().head(url).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 200);

    // A file in the folder with a valid name but no export behind it is not served.
    let dir = app.ctx.settings.media_dir.join("export_files");
    let planted = "0123456789abcdef0123456789abcdef.csv";
    std::fs::write(dir.join(planted), "TOP-SECRET-CONTENT").unwrap();
    std::fs::write(
        app.ctx.settings.media_dir.join("secret.txt"),
        "TOP-SECRET-CONTENT",
    )
    .unwrap();
    for name in [
        planted,
        "nope.csv",
        "..%2Fsecret.txt",
        "%2E%2E%2Fsecret.txt",
        "..%5Csecret.txt",
        "0123456789abcdef0123456789abcdef.csv%00",
        "%2Fetc%2Fpasswd",
    ] {
        let r = app.get(&format!("/media/export_files/{name}"), None).await;
        assert_error(&r, 404, "URL_NOT_FOUND");
        assert!(!format!("{:?}", r.body).contains("TOP-SECRET-CONTENT"));
    }
    // Dot segments sent as they are (no client normalising them).
    for raw in [
        "/media/export_files/../secret.txt",
        "/media/export_files/../../../../etc/passwd",
    ] {
        let response = raw_get(&app.url, raw).await;
        assert!(response.starts_with("HTTP/1.1 404"), "{raw}: {response}");
        assert!(!response.contains("TOP-SECRET-CONTENT") && !response.contains("root:"));
    }
}

/// Sends a request line exactly as given and returns the response head and body.
async fn raw_get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_new_export_cancels_the_callers_running_one() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    // An export some worker is still busy with.
    let running: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (type, user_id, state, params) VALUES ('export_table', $1, 'started', $2) RETURNING id",
    )
    .bind(fx.user.id)
    .bind(json!({"table": fx.table, "view": null, "exporter_type": "csv"}))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    let r = app
        .get(
            &format!("/api/database/export/{running}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.body["state"], "exporting");
    let (done, _) = export(&app, &fx, json!({"exporter_type": "csv"})).await;
    assert_eq!(done["state"], "finished");
    let r = app
        .get(
            &format!("/api/database/export/{running}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(
        (r.body["state"].clone(), r.body["url"].clone()),
        (json!("cancelled"), Value::Null)
    );
}

#[tokio::test]
async fn expired_exports_lose_their_file_and_their_url() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let (old, _) = export(&app, &fx, json!({"exporter_type": "csv"})).await;
    let (fresh, _) = export(&app, &fx, json!({"exporter_type": "json"})).await;
    let dir = app.ctx.settings.media_dir.join("export_files");
    let old_name = old["exported_file_name"].as_str().unwrap();
    assert!(dir.join(old_name).exists());
    sqlx::query("UPDATE jobs SET updated_on = now() - interval '61 minutes' WHERE id = $1")
        .bind(old["id"].as_i64().unwrap())
        .execute(&app.ctx.db)
        .await
        .unwrap();

    // The export worker's periodic job, through the queue.
    let mut tx = app.ctx.db.begin().await.unwrap();
    tessera::platform::jobs::enqueue_low(&mut tx, &tessera::platform::jobs::LowJob::ExpireExports)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let path = format!("/api/database/export/{}/", old["id"]);
    let mut state = Value::Null;
    for _ in 0..200 {
        state = app.get(&path, Some(&fx.user.access)).await.body;
        if state["state"] == "expired" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state["state"], "expired", "{state:?}");
    assert_eq!(
        (state["url"].clone(), state["exported_file_name"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(!dir.join(old_name).exists(), "the file is deleted");
    assert_eq!(download(&app, old["url"].as_str().unwrap()).await.0, 404);
    // A younger export stays.
    assert_eq!(download(&app, fresh["url"].as_str().unwrap()).await.0, 200);
}

#[tokio::test]
async fn a_table_larger_than_one_chunk_is_exported_whole_and_in_order() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    for batch in 0..3 {
        let items: Vec<Value> = (0..1000)
            .map(|i| json!({ format!("field_{}", fx.fields["Name"]): format!("row {batch}-{i}") }))
            .collect();
        let r = app
            .post(
                &format!("/api/database/rows/table/{}/batch/", fx.table),
                Some(&fx.user.access),
                json!({ "items": items }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let (done, bytes) = export(
        &app,
        &fx,
        json!({"exporter_type": "csv", "fields": [fx.fields["Name"]]}),
    )
    .await;
    assert_eq!(done["progress_percentage"], 100);
    let rows = parse_csv(std::str::from_utf8(&bytes[3..]).unwrap(), ',');
    assert_eq!(rows.len(), 1 + 3003);
    let ids: Vec<i64> = rows[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "table order");
    assert_eq!(rows[3003], vec!["3003".to_owned(), "row 2-999".to_owned()]);
}

#[tokio::test]
async fn another_member_of_the_workspace_cannot_read_a_members_export_or_its_job() {
    let app = TestApp::spawn().await;
    let fx = stock(&app).await;
    let workspace: i64 = sqlx::query_scalar("SELECT workspace_id FROM applications WHERE id = $1")
        .bind(fx.database)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    let bob = app.sign_up("Bob", "bob@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, workspace, bob.id, "ADMIN")
        .await
        .unwrap();
    let (done, _) = export(&app, &fx, json!({"exporter_type": "csv"})).await;
    // Bob may export the table himself...
    let r = app
        .post(
            &format!("/api/database/export/table/{}/", fx.table),
            Some(&bob.access),
            json!({"exporter_type": "csv"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let his = r.body["id"].clone();
    // ...but Ann's export and its job are not his to read, even as an admin.
    assert_error(
        &app.get(
            &format!("/api/database/export/{}/", done["id"]),
            Some(&bob.access),
        )
        .await,
        404,
        "ERROR_EXPORT_JOB_DOES_NOT_EXIST",
    );
    assert_error(
        &app.get(&format!("/api/jobs/{}/", done["id"]), Some(&bob.access))
            .await,
        404,
        "ERROR_JOB_DOES_NOT_EXIST",
    );
    let r = app.get("/api/jobs/", Some(&bob.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let jobs = r.body["jobs"].as_array().or(r.body.as_array()).unwrap();
    assert!(jobs.iter().all(|j| j["id"] == his), "{jobs:?}");
    // Ann still reads hers.
    let r = app
        .get(
            &format!("/api/database/export/{}/", done["id"]),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
