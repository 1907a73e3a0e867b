//! Rows: shape, validation, ordering, batches, paging, trash and events.

use crate::helpers::{TestApp, assert_error};
use serde_json::{Value, json};

#[tokio::test]
async fn rows_have_baserows_shape_and_numbers_are_strings() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let price = app
        .field(
            &fx.user,
            t,
            json!({"name": "Price", "type": "number", "number_decimal_places": 2}),
        )
        .await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?user_field_names=true"),
            Some(&fx.user.access),
            json!({"Name": "x", "Price": 3.5}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"id": 3, "order": "3.00000000000000000000", "Name": "x", "Notes": null, "Active": false, "Price": "3.50"})
    );

    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/3/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.body[format!("field_{price}")], "3.50");
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?user_field_names=true"),
            Some(&fx.user.access),
            json!({"Price": -1}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["Price"][0]["code"], "invalid");
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/"),
            Some(&fx.user.access),
            json!({format!("field_{price}"): "abc"}),
        )
        .await;
    assert!(
        r.body["detail"][format!("field_{price}")].is_array(),
        "{:?}",
        r.body
    );
    // Unknown keys are ignored, as in Baserow.
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/"),
            Some(&fx.user.access),
            json!({"nope": 1, "field_999999": 2}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_error(
        &app.post(
            &format!("/api/database/rows/table/{t}/"),
            Some(&fx.user.access),
            json!([1]),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
}

#[tokio::test]
async fn wrong_value_types_are_refused_per_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let cases = [
        (json!({"name": "n", "type": "number"}), json!("twelve")),
        (
            json!({"name": "r", "type": "rating", "max_value": 3}),
            json!(4),
        ),
        (json!({"name": "b", "type": "boolean"}), json!("maybe")),
        (json!({"name": "d", "type": "date"}), json!("31/31/2024")),
        (
            json!({"name": "u", "type": "url"}),
            json!("javascript:alert(1)"),
        ),
        (json!({"name": "e", "type": "email"}), json!("not-an-email")),
        (
            json!({"name": "p", "type": "phone_number"}),
            json!("call me"),
        ),
        (
            json!({"name": "s", "type": "single_select", "select_options": [{"value": "Red", "color": "red"}]}),
            json!(999999),
        ),
        (
            json!({"name": "m", "type": "multiple_select", "select_options": [{"value": "A", "color": "red"}]}),
            json!(["Z"]),
        ),
        (json!({"name": "du", "type": "duration"}), json!({"h": 1})),
        (json!({"name": "t", "type": "text"}), json!("nul\u{0}byte")),
    ];
    for (field, bad) in cases {
        let name = field["name"].as_str().unwrap().to_owned();
        app.field(&fx.user, t, field).await;
        let r = app
            .post(
                &format!("/api/database/rows/table/{t}/?user_field_names=true"),
                a,
                json!({ name.clone(): bad }),
            )
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(r.body["detail"][&name].is_array(), "{name}: {:?}", r.body);
    }
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?user_field_names=true"),
            a,
            json!({"s": "Red", "m": ["A"], "u": "https://ok.io"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        app.rows(&fx.user, t, "").await.body["count"],
        3,
        "only the valid row was added"
    );

    let created = app
        .field(&fx.user, t, json!({"name": "c", "type": "created_on"}))
        .await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/"),
            a,
            json!({format!("field_{created}"): "2024-01-01"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert!(r.body["detail"].as_str().unwrap().contains("read only"));
}

#[tokio::test]
async fn sql_looking_values_are_stored_verbatim() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let name = app.field_id(&fx.user, t, "Name").await;
    for value in [
        "'; DROP TABLE users; --",
        "\\x00",
        "$1",
        "🎉 emoji",
        "<script>alert(1)</script>",
    ] {
        let r = app
            .post(
                &format!("/api/database/rows/table/{t}/"),
                Some(&fx.user.access),
                json!({ format!("field_{name}"): value }),
            )
            .await;
        assert_eq!(r.body[format!("field_{name}")], value);
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn insert_before_and_move_use_fractional_orders() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?before=2"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["order"], "1.50000000000000000000");
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?before=1"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["order"], "0.50000000000000000000");
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/1/move/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["order"], "3.00000000000000000000");
    let ids: Vec<i64> = app.rows(&fx.user, t, "").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![4, 3, 2, 1]);
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/1/move/?before_id=4"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["order"], "0.25000000000000000000");
    assert_error(
        &app.post(
            &format!("/api/database/rows/table/{t}/?before=999"),
            a,
            json!({}),
        )
        .await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );

    // Halving keeps working until precision runs out, then the table is renumbered.
    for _ in 0..80 {
        let r = app
            .post(
                &format!("/api/database/rows/table/{t}/?before=1"),
                a,
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let orders: Vec<String> = app.rows(&fx.user, t, "size=200").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["order"].as_str().unwrap().to_owned())
        .collect();
    let mut unique = orders.clone();
    unique.dedup();
    assert_eq!(unique.len(), orders.len(), "orders stay distinct");
}

#[tokio::test]
async fn batches_respect_limits_and_report_per_item_errors() {
    let app = TestApp::spawn_with(|s| s.batch_rows_limit = 200).await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let name = app.field_id(&fx.user, t, "Name").await;
    let items: Vec<Value> = (0..200)
        .map(|i| json!({ format!("field_{name}"): format!("row {i}") }))
        .collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch/"),
            a,
            json!({"items": items}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 200);
    assert_eq!(r.body["items"][0]["order"], "3.00000000000000000000");
    assert_eq!(r.body["items"][199]["order"], "202.00000000000000000000");

    let too_many: Vec<Value> = (0..201).map(|_| json!({})).collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch/"),
            a,
            json!({"items": too_many}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["items"][0]["code"], "max_length");

    let active = app.field_id(&fx.user, t, "Active").await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch/"),
            a,
            json!({"items": [{}, {format!("field_{active}"): "maybe"}]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert!(
        r.body["detail"]["items"]["1"][format!("field_{active}")].is_array(),
        "{:?}",
        r.body
    );

    let r = app.request(reqwest::Method::PATCH, &format!("/api/database/rows/table/{t}/batch/"), a, Some(json!({"items": [{"id": 1, format!("field_{name}"): "a"}, {"id": 1, format!("field_{name}"): "b"}]}))).await;
    assert_error(&r, 400, "ERROR_ROW_IDS_NOT_UNIQUE");
    let r = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/database/rows/table/{t}/batch/"),
            a,
            Some(json!({"items": [{"id": 1, format!("field_{name}"): "a"}, {"id": 99999}]})),
        )
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    assert_eq!(r.body["detail"], "The rows [99999] do not exist.");
    let r = app.request(reqwest::Method::PATCH, &format!("/api/database/rows/table/{t}/batch/"), a, Some(json!({"items": [{"id": 1, format!("field_{name}"): "one"}, {"id": 2, format!("field_{name}"): "two"}]}))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["items"][1][format!("field_{name}")], "two");

    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch-delete/"),
            a,
            json!({"items": [1, 2]}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 200);
    assert_error(
        &app.post(
            &format!("/api/database/rows/table/{t}/batch-delete/"),
            a,
            json!({"items": [1]}),
        )
        .await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn pages_link_to_their_neighbours_and_size_is_limited() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let items: Vec<Value> = (0..200).map(|_| json!({})).collect();
    app.post(
        &format!("/api/database/rows/table/{t}/batch/"),
        Some(&fx.user.access),
        json!({"items": items}),
    )
    .await;
    let items: Vec<Value> = (0..50).map(|_| json!({})).collect();
    app.post(
        &format!("/api/database/rows/table/{t}/batch/"),
        Some(&fx.user.access),
        json!({"items": items}),
    )
    .await;
    let r = app.rows(&fx.user, t, "size=100&page=2").await;
    assert_eq!(r.body["count"], 252);
    assert_eq!(r.body["results"].as_array().unwrap().len(), 100);
    assert!(
        r.body["next"]
            .as_str()
            .unwrap()
            .ends_with("?page=3&size=100"),
        "{}",
        r.body["next"]
    );
    assert!(
        r.body["previous"].as_str().unwrap().ends_with("?size=100"),
        "{}",
        r.body["previous"]
    );
    assert!(r.body["next"].as_str().unwrap().starts_with(&app.url));
    let last = app.rows(&fx.user, t, "size=100&page=3").await;
    assert_eq!(last.body["next"], json!(null));
    assert_eq!(last.body["results"].as_array().unwrap().len(), 52);
    assert_eq!(
        app.rows(&fx.user, t, "size=100&page=9").await.body["results"],
        json!([])
    );
    assert_error(
        &app.rows(&fx.user, t, "size=201").await,
        400,
        "ERROR_PAGE_SIZE_LIMIT",
    );
    assert_eq!(
        app.rows(&fx.user, t, "size=abc").await.body["results"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
}

#[tokio::test]
async fn include_exclude_and_user_field_names() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let notes = app.field_id(&fx.user, t, "Notes").await;
    let r = app
        .rows(&fx.user, t, &format!("include=field_{notes}"))
        .await;
    let keys: Vec<&String> = r.body["results"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["id", "order", &format!("field_{notes}")]);
    let r = app
        .rows(&fx.user, t, "user_field_names=true&exclude=Notes,Active")
        .await;
    let keys: Vec<&String> = r.body["results"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["id", "order", "Name"]);
}

#[tokio::test]
async fn row_writes_are_logged_in_order_with_baserows_payloads_and_deletes_go_to_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let name = app.field_id(&fx.user, t, "Name").await;
    let row = app
        .post(
            &format!("/api/database/rows/table/{t}/?send_webhook_events=false"),
            a,
            json!({ format!("field_{name}"): "new" }),
        )
        .await
        .body;
    let id = row["id"].as_i64().unwrap();
    app.patch(
        &format!("/api/database/rows/table/{t}/{id}/"),
        a,
        json!({ format!("field_{name}"): "changed" }),
    )
    .await;
    assert_eq!(
        app.delete(&format!("/api/database/rows/table/{t}/{id}/"), a)
            .await
            .status,
        204
    );
    assert_error(
        &app.get(&format!("/api/database/rows/table/{t}/{id}/"), a)
            .await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );

    let events = app.events(t).await;
    let tail: Vec<(i64, &str)> = events.iter().skip(1).map(|e| (e.0, e.1.as_str())).collect();
    assert_eq!(
        tail,
        vec![
            (2, "rows_created"),
            (3, "row_history_updated"),
            (4, "rows_updated"),
            (5, "row_history_updated"),
            (6, "rows_deleted"),
            (7, "row_history_updated")
        ]
    );
    assert_eq!(events[1].2["rows"][0]["id"], id);
    assert_eq!(events[1].2["before_row_id"], json!(null));
    assert_eq!(
        events[3].2["rows_before_update"][0][format!("field_{name}")],
        "new"
    );
    assert_eq!(events[3].2["rows"][0][format!("field_{name}")], "changed");
    assert_eq!(events[3].2["updated_field_ids"], json!([name]));
    for history in [2, 4, 6] {
        assert_eq!(events[history].2["entries"][0]["row_id"], id);
    }
    assert_eq!(events[5].2["row_ids"], json!([id]));
    let flags: Vec<bool> = sqlx::query_scalar(
        "SELECT send_webhooks FROM database_table_events WHERE table_id = $1 ORDER BY seq",
    )
    .bind(t)
    .fetch_all(&app.ctx.db)
    .await
    .unwrap();
    // The creation's history follows its request's choice too.
    assert_eq!(flags, vec![true, false, false, true, true, true, true]);

    let entry: (String, i64, Option<i64>, String) = sqlx::query_as("SELECT trash_item_type, trash_item_id, parent_trash_item_id, name FROM trash_entries WHERE trash_item_type = 'row'")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(
        entry,
        ("row".to_string(), id, Some(t), "changed".to_string())
    );
    let physically: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM database_table_{t} WHERE id = {id} AND trashed"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(physically, 1, "trashed, not removed");
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], 2);
}

#[tokio::test]
async fn concurrent_writers_get_a_gap_free_event_sequence() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let fx = app.table_fixture().await;
    let mut handles = Vec::new();
    for _ in 0..20 {
        let (app, t, token) = (app.clone(), fx.table, fx.user.access.clone());
        handles.push(tokio::spawn(async move {
            app.post(
                &format!("/api/database/rows/table/{t}/"),
                Some(&token),
                json!({}),
            )
            .await
            .status
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), 200);
    }
    // The table's creation, then each row's creation and its row history.
    let seqs: Vec<i64> = app.events(fx.table).await.iter().map(|e| e.0).collect();
    assert_eq!(seqs, (1..=41).collect::<Vec<i64>>());
    let ids: Vec<String> = app.rows(&fx.user, fx.table, "size=200").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["order"].as_str().unwrap().to_owned())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 22, "every row got its own order");
}

/// The names on a listing's page, in order.
fn page_names(body: &Value, name: i64) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[format!("field_{name}")].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn filtered_counts_are_exact_up_to_ten_thousand_matches_and_estimated_beyond() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let name = app.field_id(&fx.user, t, "Name").await;
    let db = app.ctx.db.clone();
    let sql = |text: String| {
        let db = db.clone();
        async move {
            sqlx::query(sqlx::AssertSqlSafe(text))
                .execute(&db)
                .await
                .unwrap();
        }
    };
    // 5,000 "common…" names, 24,950 "other…" and 50 "rare…". Autovacuum stays away, so
    // the statistics are exactly those of the ANALYZE below.
    sql(format!(
        "ALTER TABLE database_table_{t} SET (autovacuum_enabled = false)"
    ))
    .await;
    sql(format!(
        "INSERT INTO database_table_{t} (\"order\", field_{name}) \
         SELECT g + 2, CASE WHEN g <= 5000 THEN 'common' WHEN g <= 29950 THEN 'other' \
         ELSE 'rare' END || g FROM generate_series(1, 30000) g"
    ))
    .await;
    sql(format!("ANALYZE database_table_{t}")).await;

    // Few matches: counted exactly, paged and sorted like any listing, also past the end.
    let r = app
        .rows(
            &fx.user,
            t,
            &format!("filter__field_{name}__contains=rare&order_by=-field_{name}&size=20&page=2"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 50);
    let expected: Vec<String> = (29961..=29980).rev().map(|g| format!("rare{g}")).collect();
    assert_eq!(page_names(&r.body, name), expected);
    let r = app
        .rows(
            &fx.user,
            t,
            &format!("filter__field_{name}__contains=rare&size=20&page=4"),
        )
        .await;
    assert_eq!(r.body["count"], 50, "a page past the end still counts");
    assert_eq!(r.body["results"], json!([]));
    let r = app.rows(&fx.user, t, "search=rare2998").await;
    assert_eq!(r.body["count"], 10);
    assert_eq!(r.body["results"].as_array().unwrap().len(), 10);
    let r = app
        .rows(
            &fx.user,
            t,
            &format!("filter__field_{name}__contains=common&order_by=field_{name}&size=4"),
        )
        .await;
    assert_eq!(r.body["count"], 5000);
    assert_eq!(
        page_names(&r.body, name),
        ["common1", "common10", "common100", "common1000"]
    );

    // Many matches: the planner's estimate, with the page still exact.
    let r = app
        .rows(
            &fx.user,
            t,
            &format!("filter__field_{name}__contains=other&order_by=field_{name}&size=3"),
        )
        .await;
    let count = r.body["count"].as_i64().unwrap();
    assert!((10_001..=30_000).contains(&count), "{count}");
    assert_eq!(
        page_names(&r.body, name),
        ["other10000", "other10001", "other10002"]
    );

    // The planner thinks no row says "late" (the statistics predate the update), so the
    // matches are gathered to be counted; finding more than can be gathered, the listing
    // still shows the right page, the last rows' (which were not among those gathered),
    // and reports more than 10,000.
    sql(format!(
        "UPDATE database_table_{t} SET field_{name} = 'late' || lpad(id::text, 6, '0') \
         WHERE field_{name} LIKE 'other%'"
    ))
    .await;
    let r = app
        .rows(
            &fx.user,
            t,
            &format!("filter__field_{name}__contains=late&order_by=-field_{name}&size=3"),
        )
        .await;
    let count = r.body["count"].as_i64().unwrap();
    assert!(count > 10_000, "{count}");
    assert_eq!(
        page_names(&r.body, name),
        ["late029952", "late029951", "late029950"]
    );
}
