//! The table page's first response: the view's first rows as a readable HTML table, the
//! bootstrap data the grid script takes over with, and one "not found" for every table a
//! user may not open.

use crate::helpers::{Resp, TableFixture, TestApp};
use serde_json::{Value, json};

async fn page(app: &TestApp, path: &str, refresh: Option<&str>) -> Resp {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client.get(format!("{}{path}", app.url));
    if let Some(token) = refresh {
        req = req.header("Cookie", format!("tessera_session={token}"));
    }
    app.raw(req).await
}

fn html(r: &Resp) -> &str {
    r.body.as_str().unwrap_or_default()
}

/// The page's bootstrap JSON.
fn bootstrap(r: &Resp) -> Value {
    let text = html(r);
    let start = text
        .find(r#"<script type="application/json" id="bootstrap">"#)
        .expect("a bootstrap block")
        + r#"<script type="application/json" id="bootstrap">"#.len();
    let end = start + text[start..].find("</script>").unwrap();
    serde_json::from_str(&text[start..end]).expect("bootstrap JSON")
}

async fn add_rows(app: &TestApp, fx: &TableFixture, names: &[&str]) {
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let items: Vec<Value> = names
        .iter()
        .map(|n| json!({ format!("field_{name}"): n }))
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

#[tokio::test]
async fn the_first_response_holds_the_first_rows_and_what_the_script_needs() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let names: Vec<String> = (1..=100).map(|i| format!("row {i}")).collect();
    let mut with_markup: Vec<&str> = vec!["</script><script>alert(1)</script>"];
    with_markup.extend(names.iter().map(String::as_str));
    add_rows(&app, &fx, &with_markup).await;
    let path = format!("/database/{}/table/{}", fx.database, fx.table);
    let r = page(&app, &path, Some(&fx.user.refresh)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let text = html(&r);
    // The grid is in the HTML: a header per visible field and the first 80 rows (the
    // table's two starting rows, then ours), values as escaped text.
    assert!(text.contains(r#"<table id="grid""#), "{text}");
    assert!(text.contains(">Name</span>") && text.contains(">Notes</span>"));
    assert_eq!(text.matches("<tr data-row-id=").count(), 80);
    assert!(text.contains(">row 1<") && text.contains(">row 77<"));
    assert!(!text.contains(">row 78<"), "only the first 80 rows");
    assert!(text.contains("&#60;/script&#62;&#60;script&#62;alert(1)"));
    assert!(!text.contains("<script>alert(1)"));
    assert!(text.contains("103 rows"));

    // The bootstrap has what the script takes over with, the same as the API serves.
    let boot = bootstrap(&r);
    assert!(boot["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(boot["table"]["id"], fx.table);
    assert_eq!(boot["count"], 103);
    let rows = boot["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 80);
    let listing = app
        .get(
            &format!(
                "/api/database/views/grid/{}/?limit=80&offset=0",
                boot["view"]["id"]
            ),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(&listing.body["results"], &boot["rows"]);
    let fields = app
        .get(
            &format!("/api/database/fields/table/{}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(&fields.body, &boot["fields"]);
    let events = app.events(fx.table).await;
    assert_eq!(boot["seq"], events.last().map_or(0, |e| e.0));
    assert!(
        boot["filter_types"]["number"]
            .as_array()
            .unwrap()
            .contains(&json!("higher_than"))
    );

    // With the view in the path, the same view.
    let with_view = page(
        &app,
        &format!("{path}/{}", boot["view"]["id"]),
        Some(&fx.user.refresh),
    )
    .await;
    assert_eq!(with_view.status, 200);
    assert_eq!(bootstrap(&with_view)["view"]["id"], boot["view"]["id"]);
}

#[tokio::test]
async fn tables_a_user_may_not_open_are_not_found_and_strangers_are_sent_to_log_in() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let other = app.sign_up("Eve", "eve@x.io").await;
    let views = app
        .get(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    let view = views.body[0]["id"].as_i64().unwrap();
    let own = format!("/database/{}/table/{}/{view}", fx.database, fx.table);
    assert_eq!(page(&app, &own, Some(&fx.user.refresh)).await.status, 200);
    for path in [
        format!("/database/{}/table/{}/{view}", fx.database + 1, fx.table),
        format!(
            "/database/{}/table/{}/{}",
            fx.database,
            fx.table,
            view + 1000
        ),
        format!("/database/{}/table/{}", fx.database, fx.table + 1000),
        format!("/database/{}/table/x", fx.database),
        format!("/database/{}/table/{}/%00", fx.database, fx.table),
    ] {
        let r = page(&app, &path, Some(&fx.user.refresh)).await;
        assert_eq!(r.status, 404, "{path}");
    }
    // Another user's view of Ann's table: the same answer as no table at all.
    let r = page(&app, &own, Some(&other.refresh)).await;
    assert_eq!(r.status, 404);
    assert!(!html(&r).contains("Name"));
    // Without a session: to the log-in page, coming back here afterwards.
    let r = page(&app, &own, None).await;
    assert!(
        r.status == 303 || r.status == 302 || r.status == 307,
        "{}",
        r.status
    );
    let location = r.headers["location"].to_str().unwrap();
    assert!(location.starts_with("/login?next="), "{location}");
}

#[tokio::test]
async fn a_row_address_gives_the_table_with_that_row_and_an_unknown_row_a_message() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    add_rows(&app, &fx, &["Ada"]).await;
    let view = app
        .get(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
        )
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    let rows = app
        .get(
            &format!("/api/database/rows/table/{}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    let ada = rows.body["results"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let base = format!("/database/{}/table/{}/{view}", fx.database, fx.table);

    // The row comes along in the bootstrap, as the API serves it, with the table's rows.
    let r = page(
        &app,
        &format!("{base}/row/{}", ada["id"]),
        Some(&fx.user.refresh),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(html(&r).contains(">Ada<"));
    assert!(!html(&r).contains("This row does not exist"));
    assert_eq!(bootstrap(&r)["row"], ada);

    // A row that is not there: the table, a message, no row; never an error page.
    for row in ["999999", "-1", "abc", "%00", "99999999999999999999"] {
        let r = page(&app, &format!("{base}/row/{row}"), Some(&fx.user.refresh)).await;
        assert_eq!(r.status, 404, "{row}");
        assert!(html(&r).contains(r#"<table id="grid""#), "{row}");
        assert!(
            html(&r).contains("This row does not exist in this table."),
            "{row}"
        );
        assert!(bootstrap(&r).get("row").is_none(), "{row}");
    }
    // A table the user may not open stays not found, whatever the row.
    let other = app.sign_up("Eve", "eve@x.io").await;
    let r = page(
        &app,
        &format!("{base}/row/{}", ada["id"]),
        Some(&other.refresh),
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(!html(&r).contains("Ada"));
}
