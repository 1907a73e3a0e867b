//! What views compute beyond a page of rows: grid footer aggregations, calendar days,
//! the composite index a view's sorts get, views kept valid when a field changes type,
//! and form fields asked on conditions with answers emailed to who asked.

use crate::{
    helpers::{TableFixture, TestApp, assert_error},
    views::{create_view, names, people},
};
use serde_json::{Value, json};
use std::time::Duration;

fn enc(v: &Value) -> String {
    url::form_urlencoded::byte_serialize(v.to_string().as_bytes()).collect()
}

async fn filter(app: &TestApp, fx: &TableFixture, view: i64, body: Value) {
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            Some(&fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn field_options(app: &TestApp, fx: &TableFixture, view: i64, options: Value) -> Value {
    app.patch(
        &format!("/api/database/views/{view}/field-options/"),
        Some(&fx.user.access),
        json!({ "field_options": options }),
    )
    .await
    .body["field_options"]
        .clone()
}

#[tokio::test]
async fn grid_footers_aggregate_every_row_the_view_shows() {
    let app = TestApp::spawn().await;
    // Ages: Ann 31, Bob 25, Cid 40, Dee 25, Eve 19.
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "Adults", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    filter(
        &app,
        &fx,
        view,
        json!({"field": age, "type": "higher_than", "value": "20"}),
    )
    .await;
    let set = field_options(
        &app,
        &fx,
        view,
        json!({
            age.to_string(): {"aggregation_type": "sum", "aggregation_raw_type": "sum"},
            name.to_string(): {"aggregation_type": "empty_percentage", "aggregation_raw_type": "empty_count"},
        }),
    )
    .await;
    assert_eq!(set[age.to_string()]["aggregation_raw_type"], "sum");

    let count = app
        .get(&format!("/api/database/views/grid/{view}/?count=true"), a)
        .await;
    assert_eq!(count.body, json!({"count": 4}), "count alone, exact");

    let all = format!("/api/database/views/grid/{view}/field-aggregations/");
    let r = app.get(&format!("{all}?include=total"), a).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({ format!("field_{age}"): 121, format!("field_{name}"): 0, "total": 4 }),
        "Eve (19) is filtered out"
    );
    let r = app.get(&all, a).await;
    assert!(r.body.get("total").is_none(), "total only on request");

    // The request's own filters replace the view's; search narrows further.
    let young = json!({"filter_type": "AND", "filters": [{"field": age, "type": "lower_than", "value": "30"}]});
    let r = app.get(&format!("{all}?filters={}", enc(&young)), a).await;
    assert_eq!(r.body[format!("field_{age}")], 69);
    let r = app.get(&format!("{all}?search=Ann"), a).await;
    assert_eq!(r.body[format!("field_{age}")], 31);

    // One aggregation at a time, any raw type the field supports.
    let one = |kind: &str| {
        format!("/api/database/views/grid/{view}/field-aggregation/{age}/?type={kind}")
    };
    let expect = [
        ("min", json!(25)),
        ("max", json!(40)),
        ("average", json!(30.25)),
        ("median", json!(28.0)),
        ("variance", json!(37.6875)),
        ("unique_count", json!(3)),
        ("not_empty_count", json!(4)),
    ];
    for (kind, value) in expect {
        let r = app.get(&one(kind), a).await;
        assert_eq!(r.status, 200, "{kind}: {:?}", r.body);
        let got = r.body["value"].as_f64().unwrap();
        assert!(
            (got - value.as_f64().unwrap()).abs() < 1e-9,
            "{kind}: {got} vs {value}"
        );
    }
    let r = app.get(&format!("{}&include=total", one("sum")), a).await;
    assert_eq!(r.body, json!({"value": 121, "total": 4}));

    // What does not fit is refused, and refused settings change nothing.
    assert_error(
        &app.get(&one("nope"), a).await,
        400,
        "ERROR_AGGREGATION_TYPE_DOES_NOT_EXIST",
    );
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/field-aggregation/{name}/?type=sum"),
            a,
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_AGGREGATION_NOT_SUPPORTED");
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/field-aggregation/{age}/"),
            a,
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let other = app.table_fixture_in(&fx).await;
    let foreign = app.field_id(&fx.user, other, "Name").await;
    let r = app
        .get(
            &format!(
                "/api/database/views/grid/{view}/field-aggregation/{foreign}/?type=empty_count"
            ),
            a,
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_NOT_IN_TABLE");
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            a,
            json!({"field_options": {name.to_string(): {"aggregation_raw_type": "sum"}}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_AGGREGATION_NOT_SUPPORTED");
    let r = app.get(&all, a).await;
    assert_eq!(
        r.body[format!("field_{name}")],
        0,
        "the refused setting kept the old one"
    );
    let stranger = app.sign_up("Zed", "zed@x.io").await;
    let r = app.get(&all, Some(&stranger.access)).await;
    assert!(r.status >= 400 && r.status < 500, "{:?}", r.body);

    // A shared grid aggregates only the fields it shows.
    field_options(
        &app,
        &fx,
        view,
        json!({ name.to_string(): {"hidden": true} }),
    )
    .await;
    let shared = app
        .patch(
            &format!("/api/database/views/{view}/"),
            a,
            json!({"public": true}),
        )
        .await;
    let slug = shared.body["slug"].as_str().unwrap();
    let r = app
        .get(
            &format!("/api/database/views/grid/{slug}/public/aggregations/?include=total"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({ format!("field_{age}"): 121, "total": 4 }));
}

/// A calendar view over a new date field; returns (view id, date field id).
async fn calendar(app: &TestApp, fx: &TableFixture, include_time: bool) -> (i64, i64) {
    let date = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "When", "type": "date", "date_include_time": include_time, "date_format": "ISO"}),
        )
        .await;
    let view = create_view(
        app,
        fx,
        json!({"name": "Cal", "type": "calendar", "date_field": date}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    (view, date)
}

async fn add_rows(app: &TestApp, fx: &TableFixture, items: Vec<Value>) {
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            Some(&fx.user.access),
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

fn day_counts(body: &Value) -> Vec<(String, i64, usize)> {
    body["rows"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(day, d)| {
            (
                day.clone(),
                d["count"].as_i64().unwrap(),
                d["results"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_calendar_lists_rows_per_day_in_the_users_time_zone() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let (view, date) = calendar(&app, &fx, true).await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let at = |n: &str, when: Option<&str>| json!({ format!("field_{name}"): n, format!("field_{date}"): when });
    add_rows(
        &app,
        &fx,
        vec![
            at("late", Some("2024-05-01T23:30:00Z")),
            at("morning", Some("2024-05-02T08:00:00Z")),
            at("noon", Some("2024-05-03T12:00:00Z")),
            at("june", Some("2024-06-01T12:00:00Z")),
            at("undated", None),
        ],
    )
    .await;
    let path = |query: &str| format!("/api/database/views/calendar/{view}/?{query}");
    let range = "from_timestamp=2024-05-01T00:00:00Z&to_timestamp=2024-05-04T00:00:00Z";

    let r = app.get(&path(range), a).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        day_counts(&r.body),
        [
            ("2024-05-01".to_owned(), 1, 1),
            ("2024-05-02".to_owned(), 1, 1),
            ("2024-05-03".to_owned(), 1, 1)
        ]
    );
    assert_eq!(
        r.body["rows"]["2024-05-01"]["results"][0][format!("field_{name}")],
        "late"
    );

    // In Berlin (UTC+2) the late row falls on the 2nd, and the range ends on the 4th.
    let r = app
        .get(&path(&format!("{range}&user_timezone=Europe/Berlin")), a)
        .await;
    assert_eq!(
        day_counts(&r.body),
        [
            ("2024-05-01".to_owned(), 0, 0),
            ("2024-05-02".to_owned(), 2, 2),
            ("2024-05-03".to_owned(), 1, 1),
            ("2024-05-04".to_owned(), 0, 0)
        ]
    );
    let day2 = |body: &Value| names(&body["rows"]["2024-05-02"], name);
    assert_eq!(day2(&r.body), ["late", "morning"], "in time order");

    // Every day is paged on its own.
    let r = app
        .get(
            &path(&format!(
                "{range}&user_timezone=Europe/Berlin&limit=1&offset=1"
            )),
            a,
        )
        .await;
    assert_eq!(r.body["rows"]["2024-05-02"]["count"], 2);
    assert_eq!(day2(&r.body), ["morning"]);

    // The view's filters apply.
    filter(
        &app,
        &fx,
        view,
        json!({"field": name, "type": "not_equal", "value": "noon"}),
    )
    .await;
    let r = app.get(&path(range), a).await;
    assert_eq!(r.body["rows"]["2024-05-03"]["count"], 0);

    // Bad requests are refused clearly.
    for (query, code) in [
        (
            "to_timestamp=2024-05-04T00:00:00Z",
            "ERROR_QUERY_PARAMETER_VALIDATION",
        ),
        (
            "from_timestamp=yesterday&to_timestamp=2024-05-04T00:00:00Z",
            "ERROR_QUERY_PARAMETER_VALIDATION",
        ),
        (
            "from_timestamp=2024-05-04T00:00:00Z&to_timestamp=2024-05-01T00:00:00Z",
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            "from_timestamp=2024-01-01T00:00:00Z&to_timestamp=2024-06-01T00:00:00Z",
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            "from_timestamp=2024-05-01T00:00:00Z&to_timestamp=2024-05-04T00:00:00Z&limit=x",
            "ERROR_QUERY_PARAMETER_VALIDATION",
        ),
    ] {
        assert_error(&app.get(&path(query), a).await, 400, code);
    }
    let r = app
        .get(&path(&format!("{range}&user_timezone=%00")), a)
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let grid = create_view(&app, &fx, json!({"name": "G", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(&format!("/api/database/views/calendar/{grid}/?{range}"), a)
        .await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    let undated = create_view(&app, &fx, json!({"name": "C2", "type": "calendar"})).await["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(
            &format!("/api/database/views/calendar/{undated}/?{range}"),
            a,
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
}

#[tokio::test]
async fn a_calendar_on_a_date_without_time_places_rows_on_their_day() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (view, date) = calendar(&app, &fx, false).await;
    add_rows(
        &app,
        &fx,
        vec![
            json!({ format!("field_{date}"): "2024-02-28" }),
            json!({ format!("field_{date}"): "2024-02-29" }),
            json!({ format!("field_{date}"): "2024-03-01" }),
        ],
    )
    .await;
    let r = app
        .get(
            &format!("/api/database/views/calendar/{view}/?from_timestamp=2024-02-29T00:00:00%2B01:00&to_timestamp=2024-03-01T00:00:00%2B01:00&user_timezone=Europe/Paris&include=field_options"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(day_counts(&r.body), [("2024-02-29".to_owned(), 1, 1)]);
    assert!(r.body["field_options"][date.to_string()].is_object());
}

#[tokio::test]
async fn a_grid_listing_includes_row_metadata_and_field_options_on_request() {
    let app = TestApp::spawn().await;
    let (fx, _, _) = people(&app).await;
    let view = create_view(&app, &fx, json!({"name": "G", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/?limit=2&include=field_options,row_metadata"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["row_metadata"], json!({}));
    assert!(r.body["field_options"].is_object());
    assert_eq!(r.body["results"].as_array().unwrap().len(), 2);
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/?limit=2"),
            Some(&fx.user.access),
        )
        .await;
    assert!(r.body.get("row_metadata").is_none());
}

#[tokio::test]
async fn a_views_sorts_get_one_composite_index_built_in_the_background() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "By age", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    for (field, order) in [(age, "DESC"), (name, "ASC")] {
        let r = app
            .post(
                &format!("/api/database/views/{view}/sortings/"),
                a,
                json!({"field": field, "order": order}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    // Age descending, then name ascending: the index is kept with age ascending (it is the
    // same index read backwards), so name runs opposite to it.
    // Saving the first sort asked for an index on age alone, the second for the composite:
    // two builds on one table, which take turns (concurrent builds would deadlock and
    // leave an invalid index behind).
    let index = format!("database_table_{}_sort_{age}_{name}d", fx.table);
    let single = format!("database_table_{}_field_{age}_sort", fx.table);
    let mut built = false;
    for _ in 0..150 {
        let valid: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid IN (to_regclass($1), to_regclass($2))",
        )
        .bind(&index)
        .bind(&single)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
        if valid == 2 {
            built = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(built, "{index} and {single} were not both built");
    let invalid: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(invalid, 0);
    let definition: String =
        sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = $1")
            .bind(&index)
            .fetch_one(&app.ctx.db)
            .await
            .unwrap();
    assert!(
        definition.contains(&format!("field_{age} NULLS FIRST"))
            && definition.contains(&format!("field_{name} DESC NULLS LAST")),
        "{definition}"
    );
    let r = app
        .get(&format!("/api/database/views/grid/{view}/?limit=10"), a)
        .await;
    assert_eq!(names(&r.body, name), ["Cid", "Ann", "Bob", "Dee", "Eve"]);
}

#[tokio::test]
async fn converting_a_field_keeps_its_views_usable() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "Adults", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    filter(
        &app,
        &fx,
        view,
        json!({"field": age, "type": "higher_than", "value": "20"}),
    )
    .await;
    filter(
        &app,
        &fx,
        view,
        json!({"field": age, "type": "not_empty", "value": ""}),
    )
    .await;
    app.post(
        &format!("/api/database/views/{view}/sortings/"),
        a,
        json!({"field": age, "order": "DESC"}),
    )
    .await;
    field_options(
        &app,
        &fx,
        view,
        json!({ age.to_string(): {"aggregation_raw_type": "sum"} }),
    )
    .await;
    let r = app
        .get(&format!("/api/database/views/grid/{view}/"), a)
        .await;
    assert_eq!(r.body["count"], 4);

    // Age becomes text: `higher_than` no longer applies to it and goes; `not_empty` stays;
    // text still sorts; a sum of text makes no sense and is cleared.
    let r = app
        .patch(
            &format!("/api/database/fields/{age}/"),
            a,
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let filters = app
        .get(&format!("/api/database/views/{view}/filters/"), a)
        .await;
    let kinds: Vec<&str> = filters
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["not_empty"]);
    let r = app
        .get(&format!("/api/database/views/grid/{view}/"), a)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 5, "every row has an age");
    let options = app
        .get(&format!("/api/database/views/{view}/field-options/"), a)
        .await;
    assert_eq!(
        options.body["field_options"][age.to_string()]["aggregation_raw_type"],
        ""
    );
    let events: Vec<String> = app
        .events(fx.table)
        .await
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    let tail = &events[events.len() - 3..];
    assert_eq!(
        tail,
        [
            "view_filter_deleted",
            "view_field_options_updated",
            "field_updated"
        ]
    );

    // A kanban built on a single select loses it when the field stops being one.
    let status = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Status", "type": "single_select", "select_options": [{"value": "new", "color": "blue"}]}),
        )
        .await;
    let kanban = create_view(
        &app,
        &fx,
        json!({"name": "Board", "type": "kanban", "single_select_field": status}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    app.patch(
        &format!("/api/database/fields/{status}/"),
        a,
        json!({"type": "text"}),
    )
    .await;
    let r = app.get(&format!("/api/database/views/{kanban}/"), a).await;
    assert_eq!(r.body["single_select_field"], Value::Null);
    let r = app
        .get(&format!("/api/database/views/kanban/{kanban}/"), a)
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let _ = name;
}

#[tokio::test]
async fn a_form_asks_fields_on_conditions_and_emails_answers_to_who_asked() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let notes = app.field_id(&fx.user, fx.table, "Notes").await;
    let form = create_view(
        &app,
        &fx,
        json!({"name": "Sign-up", "type": "form", "public": true, "receive_notification_on_submit": true}),
    )
    .await;
    assert_eq!(form["receive_notification_on_submit"], true);
    assert!(
        form.get("users_to_notify_on_submit").is_none(),
        "who is emailed stays private"
    );
    let id = form["id"].as_i64().unwrap();
    let slug = form["slug"].as_str().unwrap().to_owned();
    // Notes is asked (and required) only of people older than 30.
    let set = field_options(
        &app,
        &fx,
        id,
        json!({
            name.to_string(): {"enabled": true, "required": true, "order": 1, "name": "Your name"},
            age.to_string(): {"enabled": true, "required": true, "order": 2},
            notes.to_string(): {"enabled": true, "required": true, "order": 3,
                "show_when_matching_conditions": true, "condition_type": "AND",
                "conditions": [{"field": age, "type": "higher_than", "value": "30"}]},
        }),
    )
    .await;
    assert_eq!(
        set[notes.to_string()]["conditions"][0]["value"],
        "30",
        "{set:?}"
    );
    let path = format!("/api/database/views/form/{slug}/submit/");
    let page = app.get(&path, None).await;
    assert_eq!(
        page.body["fields"][2]["show_when_matching_conditions"],
        true
    );
    assert!(page.body.get("users_to_notify_on_submit").is_none());

    // Young: Notes is not asked, so it is neither required nor kept.
    let r = app
        .post(
            &path,
            None,
            json!({ format!("field_{name}"): "Kid", format!("field_{age}"): 12, format!("field_{notes}"): "ignored" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let kid = r.body["row_id"].as_i64().unwrap();
    let row = app
        .get(&format!("/api/database/rows/table/{}/{kid}/", fx.table), a)
        .await;
    assert_eq!(row.body[format!("field_{notes}")], Value::Null);

    // Older: Notes is asked and required.
    let r = app
        .post(
            &path,
            None,
            json!({ format!("field_{name}"): "Gran", format!("field_{age}"): 80 }),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert!(r.body["detail"][format!("field_{notes}")].is_array());
    let rows = app.rows(&fx.user, fx.table, "").await;
    assert_eq!(
        rows.body["count"], 6,
        "the refused answer left nothing behind"
    );
    let r = app
        .post(
            &path,
            None,
            json!({ format!("field_{name}"): "Gran", format!("field_{age}"): 80, format!("field_{notes}"): "<b>hi</b>" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // The creator asked to hear of answers: one email per accepted answer.
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = app
            .mail
            .received()
            .into_iter()
            .filter(|m| m.subject.contains("Sign-up"))
            .collect();
        if mails.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        mails.len(),
        2,
        "one per accepted answer: {:?}",
        app.mail
            .received()
            .iter()
            .map(|m| (&m.subject, &m.text))
            .collect::<Vec<_>>()
    );
    assert!(mails.iter().all(|m| m.to == ["ann@x.io"]));
    let gran = mails.iter().find(|m| m.text.contains("Gran")).unwrap();
    assert!(gran.text.contains("Your name: Gran"), "{}", gran.text);
    assert!(gran.text.contains("<b>hi</b>"), "plain text stays literal");
    assert!(!gran.html.contains("<b>hi</b>"), "HTML is escaped");
    let kid_mail = mails.iter().find(|m| m.text.contains("Kid")).unwrap();
    assert!(!kid_mail.text.contains("ignored"));

    // Turning it off stops the emails; bad conditions are refused.
    let r = app
        .patch(
            &format!("/api/database/views/{id}/"),
            a,
            json!({"receive_notification_on_submit": false}),
        )
        .await;
    assert_eq!(r.body["receive_notification_on_submit"], false);
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            a,
            json!({"field_options": {notes.to_string(): {"conditions": [{"field": notes, "type": "equal", "value": "x"}]}}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            a,
            json!({"field_options": {notes.to_string(): {"conditions": [{"field": age, "type": "contains_word", "value": "x"}]}}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .post(
            &path,
            None,
            json!({ format!("field_{name}"): "Late", format!("field_{age}"): 5 }),
        )
        .await;
    assert_eq!(r.status, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = app
        .mail
        .received()
        .into_iter()
        .filter(|m| m.subject.contains("Sign-up"))
        .count();
    assert_eq!(after, 2, "nobody asked any more");
}

/// Names and definitions of a view's own indexes (`database_table_{t}_view_{v}_…`), with
/// whether each is valid.
async fn view_indexes(app: &TestApp, table: i64, view: i64) -> Vec<(String, String, bool)> {
    sqlx::query_as(
        "SELECT i.indexname::text, i.indexdef, x.indisvalid FROM pg_indexes i \
         JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid \
         WHERE starts_with(i.indexname, $1)",
    )
    .bind(format!("database_table_{table}_view_{view}_"))
    .fetch_all(&app.ctx.db)
    .await
    // Reading an index's definition while it is dropped concurrently fails; the callers
    // poll, so such a moment counts as "not there yet".
    .unwrap_or_default()
}

async fn wait_for_view_index(
    app: &TestApp,
    table: i64,
    view: i64,
    done: impl Fn(&[(String, String, bool)]) -> bool,
) -> Vec<(String, String, bool)> {
    for _ in 0..100 {
        let found = view_indexes(app, table, view).await;
        if done(&found) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    view_indexes(app, table, view).await
}

#[tokio::test]
async fn a_filtered_view_on_a_large_table_gets_an_index_of_just_its_rows() {
    let app = TestApp::spawn_with(|s| s.view_index_min_rows = 0).await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "Adults", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/database/views/{view}/sortings/"),
        a,
        json!({"field": name, "order": "ASC"}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": age, "type": "higher_than", "value": "20"}),
        )
        .await;
    let filter_id = r.body["id"].as_i64().unwrap();
    // Found and valid: a concurrent build shows the index before it is ready.
    let first =
        wait_for_view_index(&app, fx.table, view, |found| found.len() == 1 && found[0].2).await;
    assert_eq!(first.len(), 1, "{first:?}");
    let (first_name, definition, valid) = &first[0];
    assert!(*valid);
    assert!(
        definition.contains(&format!("field_{name} NULLS FIRST"))
            && definition.contains(&format!("field_{age})::numeric > '20'"))
            && definition.contains("NOT trashed"),
        "{definition}"
    );
    let r = app
        .get(&format!("/api/database/views/grid/{view}/?limit=10"), a)
        .await;
    assert_eq!(names(&r.body, name), ["Ann", "Bob", "Cid", "Dee"]);

    // A changed filter gets a new index; the old one goes.
    app.patch(
        &format!("/api/database/views/filter/{filter_id}/"),
        a,
        json!({"value": "30"}),
    )
    .await;
    let second = wait_for_view_index(&app, fx.table, view, |found| {
        found.len() == 1 && found[0].0 != *first_name && found[0].2
    })
    .await;
    assert_eq!(second.len(), 1, "{second:?}");
    assert!(
        second[0]
            .1
            .contains(&format!("field_{age})::numeric > '30'")),
        "{second:?}"
    );
    let r = app
        .get(&format!("/api/database/views/grid/{view}/?limit=10"), a)
        .await;
    assert_eq!(names(&r.body, name), ["Ann", "Cid"]);

    // A filter that depends on today cannot be indexed: the view keeps no index, and no
    // invalid one is left behind.
    let date = app
        .field(&fx.user, fx.table, json!({"name": "Born", "type": "date"}))
        .await;
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": date, "type": "date_is", "value": "UTC??today"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let third = wait_for_view_index(&app, fx.table, view, |found| found.is_empty()).await;
    assert!(third.is_empty(), "{third:?}");
    let invalid: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(invalid, 0);
}

#[tokio::test]
async fn a_grid_answers_rows_by_id_by_post_with_the_fields_asked_for() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let grid = create_view(&app, &fx, json!({"name": "Grid 2", "type": "grid"})).await;
    let id = grid["id"].as_i64().unwrap();
    let path = format!("/api/database/views/grid/{id}/");
    let listing = app.get(&path, a).await;
    let id_of = |who: &str| {
        listing.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[format!("field_{name}")] == who)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ann, eve) = (id_of("Ann"), id_of("Eve"));
    // The view's filters do not apply: the rows asked for are refreshed as they are.
    filter(
        &app,
        &fx,
        id,
        json!({"field": age, "type": "higher_than", "value": "20"}),
    )
    .await;

    let r = app
        .post(&path, a, json!({"row_ids": [eve, 999_999, ann]}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rows = r.body.as_array().unwrap();
    let got: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(got, [ann, eve], "the table's order, missing ids left out");
    assert_eq!(rows[0][format!("field_{name}")], "Ann");
    assert_eq!(rows[1][format!("field_{age}")], "19");
    assert!(rows[0]["order"].is_string());

    let r = app
        .post(&path, a, json!({"row_ids": [ann], "field_ids": [name]}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[0][format!("field_{name}")], "Ann");
    assert!(
        r.body[0].get(format!("field_{age}")).is_none(),
        "{:?}",
        r.body
    );

    // Bad bodies change nothing and answer 400.
    let too_many: Vec<i64> = (1..=201).collect();
    for body in [
        json!({}),
        json!({"row_ids": []}),
        json!({"row_ids": ["x"]}),
        json!({"row_ids": "1"}),
        json!({"row_ids": [ann], "field_ids": []}),
        json!({"row_ids": too_many}),
        json!({"row_ids": ["\u{0}"]}),
    ] {
        let r = app.post(&path, a, body.clone()).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }

    // Only grid views, only for users who may read the table.
    let gallery = create_view(&app, &fx, json!({"name": "Cards", "type": "gallery"})).await;
    let r = app
        .post(
            &format!("/api/database/views/grid/{}/", gallery["id"]),
            a,
            json!({"row_ids": [ann]}),
        )
        .await;
    assert_error(&r, 404, "ERROR_GRID_DOES_NOT_EXIST");
    let r = app
        .post(
            "/api/database/views/grid/999999/",
            a,
            json!({"row_ids": [ann]}),
        )
        .await;
    assert_error(&r, 404, "ERROR_GRID_DOES_NOT_EXIST");
    let r = app.post(&path, None, json!({"row_ids": [ann]})).await;
    assert_eq!(r.status, 401, "{:?}", r.body);
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .post(&path, Some(&bob.access), json!({"row_ids": [ann]}))
        .await;
    assert!(
        r.status == 400 || r.status == 404,
        "an outsider read rows: {:?}",
        r.body
    );
    assert!(r.body.get("error").is_some(), "{:?}", r.body);
}
