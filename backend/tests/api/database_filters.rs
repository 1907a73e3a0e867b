//! Listing with filters (JSON tree and legacy parameters), search and ordering.

use crate::helpers::{Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A table with rows apple, banana, cherry in Name and numbers 1, 2, 3 in "N".
async fn fruit(app: &TestApp) -> (Session, i64, i64, i64) {
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    app.post(
        &format!("/api/database/rows/table/{t}/batch-delete/"),
        a,
        json!({"items": [1, 2]}),
    )
    .await;
    let n = app
        .field(&fx.user, t, json!({"name": "N", "type": "number"}))
        .await;
    let name = app.field_id(&fx.user, t, "Name").await;
    for (fruit, number) in [("apple", 1), ("banana", 2), ("cherry", 3)] {
        app.post(
            &format!("/api/database/rows/table/{t}/?user_field_names=true"),
            a,
            json!({"Name": fruit, "N": number}),
        )
        .await;
    }
    (fx.user, t, name, n)
}

fn names(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["Name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn json_filter_trees_with_nested_groups() {
    let app = TestApp::spawn().await;
    let (user, t, _, _) = fruit(&app).await;
    let tree = json!({"filter_type": "OR", "filters": [{"field": "Name", "type": "equal", "value": "apple"}, {"field": "Name", "type": "contains", "value": "err"}]});
    let r = app
        .rows(
            &user,
            t,
            &format!(
                "user_field_names=true&filters={}",
                encode(&tree.to_string())
            ),
        )
        .await;
    assert_eq!(names(&r.body), vec!["apple", "cherry"]);
    assert_eq!(r.body["count"], 2);

    let nested = json!({"filter_type": "AND", "filters": [{"field": "N", "type": "higher_than", "value": "1"}],
        "groups": [{"filter_type": "OR", "filters": [{"field": "Name", "type": "contains", "value": "ban"}, {"field": "Name", "type": "equal", "value": "cherry"}]}]});
    let r = app
        .rows(
            &user,
            t,
            &format!(
                "user_field_names=true&filters={}",
                encode(&nested.to_string())
            ),
        )
        .await;
    assert_eq!(names(&r.body), vec!["banana", "cherry"]);
}

#[tokio::test]
async fn legacy_filter_parameters_and_filter_errors() {
    let app = TestApp::spawn().await;
    let (user, t, name, n) = fruit(&app).await;
    let r = app
        .rows(
            &user,
            t,
            &format!("user_field_names=true&filter__field_{name}__contains=an"),
        )
        .await;
    assert_eq!(names(&r.body), vec!["banana"]);
    let r = app.rows(&user, t, &format!("user_field_names=true&filter_type=OR&filter__field_{n}__equal=1&filter__field_{n}__equal=3")).await;
    assert_eq!(names(&r.body), vec!["apple", "cherry"]);
    let r = app
        .rows(
            &user,
            t,
            "user_field_names=true&filter__Name__contains_not=a",
        )
        .await;
    assert_eq!(names(&r.body), vec!["cherry"]);

    assert_error(
        &app.rows(&user, t, "filters=notjson").await,
        400,
        "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    );
    assert_error(
        &app.rows(&user, t, &format!("filter__field_{name}__bogus=1"))
            .await,
        400,
        "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
    );
    let active = app.field_id(&user, t, "Active").await;
    assert_error(
        &app.rows(&user, t, &format!("filter__field_{active}__contains=x"))
            .await,
        400,
        "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
    );
    assert_error(
        &app.rows(&user, t, "filter__field_999999__equal=x").await,
        400,
        "ERROR_FILTER_FIELD_NOT_FOUND",
    );
    assert_error(
        &app.rows(
            &user,
            t,
            &format!(
                "filters={}",
                encode(r#"{"filters":[{"field":1,"type":"equal","value":"\u0000"}]}"#)
            ),
        )
        .await,
        400,
        "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
    );

    // A filter on a field that was deleted no longer finds it; on a converted field, the new type's rules apply.
    app.delete(&format!("/api/database/fields/{n}/"), Some(&user.access))
        .await;
    assert_error(
        &app.rows(&user, t, &format!("filter__field_{n}__equal=1"))
            .await,
        400,
        "ERROR_FILTER_FIELD_NOT_FOUND",
    );
    app.patch(
        &format!("/api/database/fields/{name}/"),
        Some(&user.access),
        json!({"type": "boolean"}),
    )
    .await;
    assert_error(
        &app.rows(&user, t, &format!("filter__field_{name}__contains=a"))
            .await,
        400,
        "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
    );
}

#[tokio::test]
async fn sql_looking_filter_values_and_names_are_only_data() {
    let app = TestApp::spawn().await;
    let (user, t, name, _) = fruit(&app).await;
    for value in ["' OR 1=1 --", "%", "_", "\\", "a'); DROP TABLE users; --"] {
        let r = app
            .rows(
                &user,
                t,
                &format!("filter__field_{name}__contains={}", encode(value)),
            )
            .await;
        assert_eq!(r.status, 200, "{value}: {:?}", r.body);
        assert_eq!(r.body["count"], 0, "{value} matched something");
    }
    let r = app
        .rows(
            &user,
            t,
            &format!("order_by={}", encode("field_1; DROP TABLE users")),
        )
        .await;
    assert_error(&r, 400, "ERROR_ORDER_BY_FIELD_NOT_FOUND");
    let r = app
        .rows(&user, t, &format!("search={}", encode("' OR ''='")))
        .await;
    assert_eq!(r.body["count"], 0);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn ordering_and_search() {
    let app = TestApp::spawn().await;
    let (user, t, name, n) = fruit(&app).await;
    assert_eq!(
        names(
            &app.rows(
                &user,
                t,
                &format!("user_field_names=true&order_by=-field_{name}")
            )
            .await
            .body
        ),
        vec!["cherry", "banana", "apple"]
    );
    assert_eq!(
        names(
            &app.rows(&user, t, "user_field_names=true&order_by=-N")
                .await
                .body
        ),
        vec!["cherry", "banana", "apple"]
    );
    assert_eq!(
        names(
            &app.rows(&user, t, &format!("user_field_names=true&order_by={n}"))
                .await
                .body
        ),
        vec!["apple", "banana", "cherry"]
    );
    assert_error(
        &app.rows(&user, t, "order_by=field_999999").await,
        400,
        "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    );

    let r = app.rows(&user, t, "user_field_names=true&search=ban").await;
    assert_eq!(r.body["count"], 1);
    assert_eq!(names(&r.body), vec!["banana"]);
    let r = app.rows(&user, t, "user_field_names=true&search=2").await;
    assert_eq!(
        names(&r.body),
        vec!["banana"],
        "numbers are searched as text"
    );
    assert_error(
        &app.rows(&user, t, "search=a%00b").await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
}

#[tokio::test]
async fn every_filter_type_runs_on_every_compatible_field_type() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let kinds = [
        json!({"name": "text", "type": "text"}),
        json!({"name": "long_text", "type": "long_text"}),
        json!({"name": "url", "type": "url"}),
        json!({"name": "email", "type": "email"}),
        json!({"name": "phone_number", "type": "phone_number"}),
        json!({"name": "number", "type": "number"}),
        json!({"name": "rating", "type": "rating"}),
        json!({"name": "boolean", "type": "boolean"}),
        json!({"name": "date", "type": "date"}),
        json!({"name": "duration", "type": "duration"}),
        json!({"name": "single_select", "type": "single_select", "select_options": [{"value": "x", "color": "red"}]}),
        json!({"name": "multiple_select", "type": "multiple_select", "select_options": [{"value": "x", "color": "red"}]}),
        json!({"name": "created_on", "type": "created_on"}),
        json!({"name": "last_modified", "type": "last_modified"}),
        json!({"name": "created_by", "type": "created_by"}),
        json!({"name": "last_modified_by", "type": "last_modified_by"}),
        json!({"name": "autonumber", "type": "autonumber"}),
        json!({"name": "uuid", "type": "uuid"}),
    ];
    let mut fields = Vec::new();
    for k in kinds {
        fields.push((
            k["type"].as_str().unwrap().to_owned(),
            app.field(&fx.user, t, k).await,
        ));
    }
    let filters = tessera::database::filters::registry::filter_types();
    let values = [
        "",
        "1",
        "x",
        "2024-01-31",
        "UTC?2024-01-31?exact_date",
        "UTC??today",
        "UTC?3?nr_days_ago",
        "Europe/Berlin??this_week",
        "1,2",
        "not a value",
    ];
    let mut checked = 0;
    for filter in filters.iter() {
        for (kind, id) in &fields {
            if !filter.supports(kind) {
                continue;
            }
            for value in values {
                let r = app
                    .rows(
                        &fx.user,
                        t,
                        &format!("filter__field_{id}__{}={}", filter.name(), encode(value)),
                    )
                    .await;
                assert_eq!(
                    r.status,
                    200,
                    "{} on {kind} with {value:?}: {:?}",
                    filter.name(),
                    r.body
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} combinations ran");
}

#[tokio::test]
async fn date_filters_pick_the_right_days() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    app.field(&fx.user, t, json!({"name": "When", "type": "date"}))
        .await;
    let today = chrono::Utc::now().date_naive();
    for (row, date) in [(1, today), (2, today - chrono::Duration::days(3))] {
        app.patch(
            &format!("/api/database/rows/table/{t}/{row}/?user_field_names=true"),
            a,
            json!({"When": date.to_string()}),
        )
        .await;
    }
    let ids = |r: &Value| -> Vec<i64> {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect()
    };
    let when = app.field_id(&fx.user, t, "When").await;
    let q = |f: &str, v: &str| format!("filter__field_{when}__{f}={}", encode(v));
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_is", "UTC??today"))
            .await
            .body),
        vec![1]
    );
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_is", "UTC?3?nr_days_ago"))
            .await
            .body),
        vec![2]
    );
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_is_before", "UTC??today"))
            .await
            .body),
        vec![2]
    );
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_is_not", "UTC??today"))
            .await
            .body),
        vec![2]
    );
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_equal", &today.to_string()))
            .await
            .body),
        vec![1]
    );
    assert_eq!(
        ids(&app
            .rows(
                &fx.user,
                t,
                &q("date_is", &format!("UTC?{today}?exact_date"))
            )
            .await
            .body),
        vec![1]
    );
    assert_eq!(
        ids(&app
            .rows(&fx.user, t, &q("date_is", "Not/AZone??today"))
            .await
            .body),
        vec![1],
        "unknown zones fall back to UTC"
    );
}

#[tokio::test]
async fn sorting_by_a_field_builds_an_index_for_it_in_the_background() {
    let app = TestApp::spawn().await;
    let (user, t, _, n) = fruit(&app).await;
    let index = format!("database_table_{t}_field_{n}_sort");
    let exists = |app: &TestApp, name: String| {
        let db = app.ctx.db.clone();
        async move {
            sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
                .bind(name)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert!(!exists(&app, index.clone()).await);
    assert_eq!(
        names(
            &app.rows(
                &user,
                t,
                &format!("user_field_names=true&order_by=-field_{n}")
            )
            .await
            .body
        ),
        vec!["cherry", "banana", "apple"]
    );
    let mut built = false;
    for _ in 0..100 {
        if exists(&app, index.clone()).await {
            built = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(built, "{index} was not built");
    // The same sort still answers the same, now from the index.
    assert_eq!(
        names(
            &app.rows(
                &user,
                t,
                &format!("user_field_names=true&order_by=-field_{n}")
            )
            .await
            .body
        ),
        vec!["cherry", "banana", "apple"]
    );
}

/// A select field's option ids by value.
async fn option_ids(app: &TestApp, user: &Session, field: i64) -> HashMap<String, Value> {
    let r = app
        .get(
            &format!("/api/database/fields/{field}/"),
            Some(&user.access),
        )
        .await;
    r.body["select_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["value"].as_str().unwrap().to_owned(), o["id"].clone()))
        .collect()
}

#[tokio::test]
async fn search_and_contains_match_select_options_by_their_text_ignoring_case() {
    let app = TestApp::spawn().await;
    let (user, t, _, _) = fruit(&app).await;
    let a = Some(user.access.as_str());
    let colour = app
        .field(
            &user,
            t,
            json!({"name": "Colour", "type": "single_select", "select_options": [
                {"value": "Deep Red", "color": "red"}, {"value": "Green", "color": "green"}]}),
        )
        .await;
    let tags = app
        .field(
            &user,
            t,
            json!({"name": "Tags", "type": "multiple_select", "select_options": [
                {"value": "Sweet", "color": "blue"}, {"value": "Sour", "color": "yellow"}]}),
        )
        .await;
    let (colours, tag_ids) = (
        option_ids(&app, &user, colour).await,
        option_ids(&app, &user, tags).await,
    );
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/batch/?user_field_names=true"),
            a,
            json!({"items": [
                {"id": 3, "Colour": colours["Deep Red"], "Tags": [tag_ids["Sweet"]]},
                {"id": 4, "Colour": colours["Green"], "Tags": [tag_ids["Sweet"], tag_ids["Sour"]]},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rows = app.rows(&user, t, "user_field_names=true").await;
    let name_of = |id: i64| {
        rows.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["Name"]
            .clone()
    };
    let (red, green) = (name_of(3), name_of(4));

    for (query, expected) in [
        ("search=red", vec![red.clone()]),
        ("search=REEN", vec![green.clone()]),
        ("search=sOu", vec![green.clone()]),
        ("search=swee", vec![red.clone(), green.clone()]),
        ("search=violet", vec![]),
        (
            &*format!("filter__field_{colour}__contains=deep"),
            vec![red.clone()],
        ),
        (
            &*format!("filter__field_{tags}__contains=SOUR"),
            vec![green.clone()],
        ),
        (&*format!("filter__field_{tags}__contains=nothing"), vec![]),
    ] {
        let r = app
            .rows(&user, t, &format!("user_field_names=true&{query}"))
            .await;
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        let found: Vec<Value> = r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["Name"].clone())
            .collect();
        assert_eq!(found, expected, "{query}");
        assert_eq!(r.body["count"], expected.len(), "{query}");
    }
    let r = app
        .rows(
            &user,
            t,
            &format!("filter__field_{colour}__contains_not=deep"),
        )
        .await;
    assert_eq!(
        r.body["count"], 2,
        "rows without the option count as not containing it"
    );
}

#[tokio::test]
async fn the_planner_assumes_no_more_cache_than_twice_shared_buffers() {
    let app = TestApp::spawn().await;
    let (cache, buffers): (i64, i64) = sqlx::query_as(
        "SELECT pg_size_bytes(current_setting('effective_cache_size')), \
         pg_size_bytes(current_setting('shared_buffers'))",
    )
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    // The server's own setting, before a session changes it (counted in 8 kB pages).
    let server_default: i64 = sqlx::query_scalar(
        "SELECT reset_val::bigint * 8192 FROM pg_settings WHERE name = 'effective_cache_size'",
    )
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(cache, server_default.min(2 * buffers), "{cache} {buffers}");
}
