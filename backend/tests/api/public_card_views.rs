//! Shared kanban and calendar views by their link: rows per column and per day, hidden
//! fields never shown, passwords honoured; and the public gallery, kanban and calendar
//! pages.

use crate::{
    helpers::{TableFixture, TestApp, assert_error},
    views::{create_view, people},
};
use serde_json::{Value, json};

/// The people table with a Stage select (Ann, Bob: todo; Cid: done; Dee, Eve: none), a
/// Due date (Ann, Bob: 2026-03-02; Cid: 2026-03-15; others none) and a Secret text
/// ("classified-…") that no shared view shows.
struct Board {
    fx: TableFixture,
    name: i64,
    age: i64,
    stage: i64,
    due: i64,
    secret: i64,
    todo: i64,
    done: i64,
}

async fn board(app: &TestApp) -> Board {
    let (fx, name, age) = people(app).await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/fields/table/{}/", fx.table),
            a,
            json!({"name": "Stage", "type": "single_select", "select_options": [
                {"value": "To do", "color": "blue"}, {"value": "Done", "color": "green"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let stage = r.body["id"].as_i64().unwrap();
    let todo = r.body["select_options"][0]["id"].as_i64().unwrap();
    let done = r.body["select_options"][1]["id"].as_i64().unwrap();
    let due = app
        .field(&fx.user, fx.table, json!({"name": "Due", "type": "date"}))
        .await;
    let secret = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Secret", "type": "text"}),
        )
        .await;
    let rows = app.rows(&fx.user, fx.table, "").await;
    let ids: Vec<i64> = rows.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let plan = [
        (Some(todo), Some("2026-03-02")),
        (Some(todo), Some("2026-03-02")),
        (Some(done), Some("2026-03-15")),
        (None, None),
        (None, None),
    ];
    let items: Vec<Value> = ids
        .iter()
        .zip(plan)
        .map(|(id, (option, date))| {
            json!({"id": id, format!("field_{stage}"): option, format!("field_{due}"): date,
                   format!("field_{secret}"): format!("classified-{id}")})
        })
        .collect();
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            a,
            json!({"items": items}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    Board {
        fx,
        name,
        age,
        stage,
        due,
        secret,
        todo,
        done,
    }
}

/// Creates a view and shows `shown` fields on it (card views hide every field until told).
async fn shared_view(app: &TestApp, b: &Board, body: Value, shown: &[i64]) -> (i64, String) {
    let view = create_view(app, &b.fx, body).await;
    let id = view["id"].as_i64().unwrap();
    let a = Some(b.fx.user.access.as_str());
    let options: serde_json::Map<String, Value> = shown
        .iter()
        .map(|f| (f.to_string(), json!({"hidden": false})))
        .collect();
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            a,
            json!({ "field_options": options }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (id, view["slug"].as_str().unwrap().to_owned())
}

async fn make_public(app: &TestApp, b: &Board, id: i64, body: Value) {
    let r = app
        .patch(
            &format!("/api/database/views/{id}/"),
            Some(&b.fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Every row of every group: `{"<key>": {"count", "results"}}`.
fn all_results(groups: &Value) -> Vec<&Value> {
    groups
        .as_object()
        .unwrap()
        .values()
        .flat_map(|g| g["results"].as_array().unwrap())
        .collect()
}

#[tokio::test]
async fn a_shared_kanban_lists_its_columns_without_hidden_fields() {
    let app = TestApp::spawn().await;
    let b = board(&app).await;
    let a = Some(b.fx.user.access.as_str());
    // The select field is hidden in the view's options, yet the board needs it.
    let (id, slug) = shared_view(
        &app,
        &b,
        json!({"name": "Board", "type": "kanban", "single_select_field": b.stage}),
        &[b.age],
    )
    .await;
    let path = format!("/api/database/views/kanban/{slug}/public/rows/");
    assert_error(
        &app.get(&path, None).await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    make_public(&app, &b, id, json!({"public": true})).await;

    let r = app.get(&path, None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rows = &r.body["rows"];
    assert_eq!(rows[b.todo.to_string()]["count"], 2, "{rows}");
    assert_eq!(rows[b.done.to_string()]["count"], 1);
    assert_eq!(rows["null"]["count"], 2);
    let results = all_results(rows);
    assert_eq!(results.len(), 5);
    for row in results {
        for shown in [b.name, b.age, b.stage] {
            assert!(row.get(format!("field_{shown}")).is_some(), "{row}");
        }
        for hidden in [b.secret, b.due] {
            assert!(
                row.get(format!("field_{hidden}")).is_none(),
                "a hidden field leaked: {row}"
            );
        }
    }
    // Hidden fields cannot be probed by filters or sorts.
    let probe = urlencoding(
        &json!({"filter_type": "AND", "filters": [{"field": b.secret, "type": "contains", "value": "classified"}]}),
    );
    assert_error(
        &app.get(&format!("{path}?filters={probe}"), None).await,
        400,
        "ERROR_FILTER_FIELD_NOT_FOUND",
    );
    assert_error(
        &app.get(&format!("{path}?order_by=field_{}", b.secret), None)
            .await,
        400,
        "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    );
    // One column, paged; the view's filter and the request's both apply.
    app.post(
        &format!("/api/database/views/{id}/filters/"),
        a,
        json!({"field": b.age, "type": "higher_than", "value": "26"}),
    )
    .await;
    let r = app
        .get(&format!("{path}?select_option={},1,0", b.todo), None)
        .await;
    let column = &r.body["rows"][b.todo.to_string()];
    assert_eq!(column["count"], 1, "only Ann is over 26: {:?}", r.body);
    assert_eq!(column["results"][0][format!("field_{}", b.name)], "Ann");
    assert!(
        r.body["rows"].get("null").is_none(),
        "only the asked column"
    );
    let own = urlencoding(
        &json!({"filter_type": "AND", "filters": [{"field": b.name, "type": "equal", "value": "Bob"}]}),
    );
    let r = app.get(&format!("{path}?filters={own}"), None).await;
    assert_eq!(
        r.body["rows"][b.todo.to_string()]["count"],
        0,
        "Bob is 25: the view's filter still applies: {:?}",
        r.body
    );
    // Field options of the shown fields only.
    let r = app
        .get(&format!("{path}?include=field_options"), None)
        .await;
    let options = r.body["field_options"].as_object().unwrap();
    assert!(options.contains_key(&b.age.to_string()));
    assert!(!options.contains_key(&b.secret.to_string()), "{options:?}");

    // Another type's slug is no kanban.
    let (grid, grid_slug) = shared_view(&app, &b, json!({"name": "G", "type": "grid"}), &[]).await;
    make_public(&app, &b, grid, json!({"public": true})).await;
    assert_error(
        &app.get(
            &format!("/api/database/views/kanban/{grid_slug}/public/rows/"),
            None,
        )
        .await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );

    // A password: nothing without the token, everything with it.
    make_public(
        &app,
        &b,
        id,
        json!({"public_view_password": "board secret"}),
    )
    .await;
    assert_error(
        &app.get(&path, None).await,
        401,
        "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW",
    );
    let r = app
        .post(
            &format!("/api/database/views/{slug}/public/auth/"),
            None,
            json!({"password": "board secret"}),
        )
        .await;
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let r = app
        .raw(
            app.client()
                .get(format!("{}{path}", app.url))
                .header("Baserow-View-Authorization", format!("JWT {token}")),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["rows"][b.done.to_string()]["count"], 1);
}

#[tokio::test]
async fn a_shared_calendar_lists_its_days_without_hidden_fields() {
    let app = TestApp::spawn().await;
    let b = board(&app).await;
    // Only the primary field and the date field (which the calendar needs) are shown.
    let (id, slug) = shared_view(
        &app,
        &b,
        json!({"name": "Dates", "type": "calendar", "date_field": b.due}),
        &[],
    )
    .await;
    let path = format!("/api/database/views/calendar/{slug}/public/rows/");
    let march = "from_timestamp=2026-03-01T00:00:00Z&to_timestamp=2026-04-01T00:00:00Z";
    assert_error(
        &app.get(&format!("{path}?{march}"), None).await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    make_public(&app, &b, id, json!({"public": true})).await;
    let r = app.get(&format!("{path}?{march}"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let days = r.body["rows"].as_object().unwrap();
    assert_eq!(days.len(), 31, "every day of March");
    assert_eq!(days["2026-03-02"]["count"], 2);
    assert_eq!(days["2026-03-15"]["count"], 1);
    assert_eq!(days["2026-03-03"]["count"], 0);
    for row in all_results(&r.body["rows"]) {
        assert!(row.get(format!("field_{}", b.name)).is_some(), "{row}");
        assert!(row.get(format!("field_{}", b.due)).is_some(), "{row}");
        for hidden in [b.secret, b.age, b.stage] {
            assert!(
                row.get(format!("field_{hidden}")).is_none(),
                "a hidden field leaked: {row}"
            );
        }
    }
    // The primary field is a card's title unless the view's options hide it explicitly.
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            Some(&b.fx.user.access),
            json!({"field_options": {b.name.to_string(): {"hidden": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get(&format!("{path}?{march}"), None).await;
    for row in all_results(&r.body["rows"]) {
        assert!(row.get(format!("field_{}", b.name)).is_none(), "{row}");
        assert!(row.get(format!("field_{}", b.due)).is_some(), "{row}");
    }
    // Per-day paging, and the request's range is checked.
    let r = app.get(&format!("{path}?{march}&limit=1"), None).await;
    assert_eq!(r.body["rows"]["2026-03-02"]["count"], 2);
    assert_eq!(
        r.body["rows"]["2026-03-02"]["results"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_error(
        &app.get(&path, None).await,
        400,
        "ERROR_QUERY_PARAMETER_VALIDATION",
    );
    let probe = urlencoding(
        &json!({"filter_type": "AND", "filters": [{"field": b.age, "type": "equal", "value": "31"}]}),
    );
    assert_error(
        &app.get(&format!("{path}?{march}&filters={probe}"), None)
            .await,
        400,
        "ERROR_FILTER_FIELD_NOT_FOUND",
    );
    make_public(
        &app,
        &b,
        id,
        json!({"public_view_password": "dates secret"}),
    )
    .await;
    assert_error(
        &app.get(&format!("{path}?{march}"), None).await,
        401,
        "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW",
    );
}

/// A page of the app as an anonymous visitor sees it: status and HTML.
async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let r = app
        .client()
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn shared_gallery_kanban_and_calendar_pages_show_cards_of_visible_fields_only() {
    let app = TestApp::spawn().await;
    let b = board(&app).await;
    let (gallery, gallery_slug) = shared_view(
        &app,
        &b,
        json!({"name": "Cards", "type": "gallery"}),
        &[b.age, b.stage],
    )
    .await;
    let (kanban, kanban_slug) = shared_view(
        &app,
        &b,
        json!({"name": "Board", "type": "kanban", "single_select_field": b.stage}),
        &[b.age],
    )
    .await;
    let (calendar, calendar_slug) = shared_view(
        &app,
        &b,
        json!({"name": "Dates", "type": "calendar", "date_field": b.due}),
        &[],
    )
    .await;
    let paths = [
        format!("/public/gallery/{gallery_slug}"),
        format!("/public/kanban/{kanban_slug}"),
        format!("/public/calendar/{calendar_slug}?month=2026-03"),
    ];
    for path in &paths {
        assert_eq!(page(&app, path).await.0, 404, "{path} before sharing");
    }
    for id in [gallery, kanban, calendar] {
        make_public(&app, &b, id, json!({"public": true})).await;
    }

    let (status, html) = page(&app, &paths[0]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h1>"), "{html}");
    assert!(html.contains("Cards"), "titled by the view too");
    for name in ["Ann", "Bob", "Cid", "Dee", "Eve"] {
        assert!(html.contains(name), "{name} missing");
    }
    assert!(html.contains("To do") && html.contains("31"));
    assert!(html.contains("Rows 1–5 of 5"));

    let (status, html) = page(&app, &paths[1]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Uncategorised"));
    assert!(html.contains("chip chip-blue\">To do") && html.contains("chip chip-green\">Done"));
    assert!(html.contains(&format!("id=\"column-{}\"", b.todo)));
    assert!(html.contains(&format!("id=\"column-{}\"", b.done)));

    let (status, html) = page(&app, &paths[2]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("March 2026"));
    assert!(html.contains("data-date=\"2026-03-02\""));
    assert!(html.contains("month=2026-02") && html.contains("month=2026-04"));
    assert!(html.contains("title=\"Ann\"") && html.contains("title=\"Cid\""));
    // A day's own list: its rows as cards.
    let (status, html) = page(&app, &format!("{}&day=2026-03-02", paths[2])).await;
    assert_eq!(status, 200);
    assert!(html.contains("2 rows"), "{html}");

    // Odd parameters are ignored, never an error.
    let (status, html) = page(
        &app,
        &format!("/public/calendar/{calendar_slug}?month=%00&day=2026-13-45&tz=%00%27"),
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("id=\"day\""), "no such day is listed");
    let (status, _) = page(
        &app,
        &format!("/public/kanban/{kanban_slug}?select_option=%00,abc&select_option=null,999999"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page(&app, &format!("{}?page=0", paths[0])).await.0, 200);
    // A board without its select field says it is not set up.
    let (bare, bare_slug) =
        shared_view(&app, &b, json!({"name": "Bare", "type": "kanban"}), &[]).await;
    make_public(&app, &b, bare, json!({"public": true})).await;
    let (status, html) = page(&app, &format!("/public/kanban/{bare_slug}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("not set up"), "{html}");

    for path in &paths {
        let (_, html) = page(&app, path).await;
        assert!(
            !html.contains("classified"),
            "{path} shows a hidden field: {html}"
        );
    }

    // A kanban slug is no gallery.
    assert_eq!(
        page(&app, &format!("/public/gallery/{kanban_slug}"))
            .await
            .0,
        404
    );

    // A password: the pages ask for it.
    for id in [gallery, kanban, calendar] {
        make_public(
            &app,
            &b,
            id,
            json!({"public_view_password": "cards secret"}),
        )
        .await;
    }
    for path in &paths {
        let (status, html) = page(&app, path).await;
        assert_eq!(status, 401, "{path}");
        assert!(html.contains("type=\"password\""), "{path}");
        assert!(!html.contains("Ann"), "{path}");
    }
}

fn urlencoding(v: &Value) -> String {
    url::form_urlencoded::byte_serialize(v.to_string().as_bytes()).collect()
}

#[tokio::test]
async fn a_calendars_ical_feed_lists_its_dated_rows_until_it_is_turned_off_or_moved() {
    let app = TestApp::spawn().await;
    let b = board(&app).await;
    let a = Some(b.fx.user.access.as_str());
    let (id, _) = shared_view(
        &app,
        &b,
        json!({"name": "Deadlines", "type": "calendar", "date_field": b.due}),
        &[b.stage],
    )
    .await;
    let r = app.get(&format!("/api/database/views/{id}/"), a).await;
    assert_eq!(r.body["ical_public"], false);
    assert!(r.body["ical_feed_url"].is_null(), "{:?}", r.body);
    assert!(r.body.get("ical_slug").is_none());
    make_public(&app, &b, id, json!({"ical_public": true})).await;
    let r = app.get(&format!("/api/database/views/{id}/"), a).await;
    let url = r.body["ical_feed_url"].as_str().unwrap().to_owned();
    assert!(url.ends_with(".ics"), "{url}");
    assert!(
        r.body.get("ical_slug").is_none(),
        "the slug shows only in the URL"
    );
    let path = url[url.find("/api/").unwrap()..].to_owned();

    let feed = app
        .client()
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = feed.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(text.contains("X-WR-CALNAME:Deadlines"));
    assert_eq!(
        text.matches("BEGIN:VEVENT").count(),
        3,
        "the dated rows: {text}"
    );
    assert_eq!(text.matches("DTSTART;VALUE=DATE:20260302").count(), 2);
    assert!(text.contains("SUMMARY:Cid - Done"), "{text}");
    assert!(
        !text.contains("classified"),
        "a hidden field leaked: {text}"
    );
    // Other settings keep the feed's address.
    make_public(&app, &b, id, json!({"name": "Due dates"})).await;
    let r = app.get(&format!("/api/database/views/{id}/"), a).await;
    assert_eq!(r.body["ical_feed_url"], url);

    // A copy has a feed address of its own.
    let copy = app
        .post(
            &format!("/api/database/views/{id}/duplicate/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(copy.status, 200, "{:?}", copy.body);
    let copied = copy.body["ical_feed_url"].as_str().unwrap();
    assert!(copied.ends_with(".ics") && copied != url, "{copied}");

    // A new slug ends the old address; turning the feed off ends the feed.
    let r = app
        .post(
            &format!("/api/database/views/calendar/{id}/ical_slug_rotate/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rotated = r.body["ical_feed_url"].as_str().unwrap().to_owned();
    assert_ne!(rotated, url);
    assert_error(
        &app.get(&path, None).await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    let new_path = rotated[rotated.find("/api/").unwrap()..].to_owned();
    let r = app
        .client()
        .get(format!("{}{new_path}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    make_public(&app, &b, id, json!({"ical_public": false})).await;
    assert_error(
        &app.get(&new_path, None).await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    // Only calendars have a feed; strangers cannot move it.
    let (grid, _) = shared_view(&app, &b, json!({"name": "G", "type": "grid"}), &[]).await;
    assert_error(
        &app.post(
            &format!("/api/database/views/calendar/{grid}/ical_slug_rotate/"),
            a,
            json!({}),
        )
        .await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    let stranger = app.sign_up("Zed", "zed@x.io").await;
    let r = app
        .post(
            &format!("/api/database/views/calendar/{id}/ical_slug_rotate/"),
            Some(&stranger.access),
            json!({}),
        )
        .await;
    assert!(r.status >= 400 && r.status < 500, "{:?}", r.body);
}
