//! Baserow's lookup endpoints: row names, adjacent rows and a field's unique values.

use crate::helpers::{TestApp, assert_error, create_row_id};
use serde_json::{Value, json};

/// Names the fixture's two seed rows and adds `names` as new rows; returns their ids.
async fn named_rows(app: &TestApp, fx: &crate::helpers::TableFixture, names: &[&str]) -> Vec<i64> {
    let t = fx.table;
    for (id, name) in [(1, "seed one"), (2, "seed two")] {
        let r = app
            .patch(
                &format!("/api/database/rows/table/{t}/{id}/?user_field_names=true"),
                Some(&fx.user.access),
                json!({"Name": name}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let mut ids = Vec::new();
    for name in names {
        ids.push(create_row_id(app, &fx.user, t, json!({"Name": name})).await);
    }
    ids
}

#[tokio::test]
async fn row_names_answer_each_tables_primary_texts() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let ids = named_rows(&app, &fx, &["Ann"]).await;
    let t2 = app.table_fixture_in(&fx).await;
    let r = app
        .get(
            &format!(
                "/api/database/rows/names/?table__{t}=1,{},999&table__{t2}=1",
                ids[0]
            ),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Missing rows are left out; an empty primary value is an empty text.
    assert_eq!(
        r.body,
        json!({t.to_string(): {"1": "seed one", ids[0].to_string(): "Ann"}, t2.to_string(): {"1": ""}})
    );
}

#[tokio::test]
async fn row_names_refuse_bad_parameters_and_foreign_tables() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    for query in ["other=1", "table__x=1", &format!("table__{t}=1,a")] {
        let r = app
            .get(&format!("/api/database/rows/names/?{query}"), token)
            .await;
        assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
        assert!(r.body["detail"].is_string(), "{:?}", r.body);
    }
    let r = app
        .get("/api/database/rows/names/?table__99999=1", token)
        .await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");

    // A table of another database is treated as missing.
    let workspace = fx.workspace_id(&app).await;
    let other_db = app.database(&fx.user, workspace).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{other_db}/"),
            token,
            json!({"name": "Elsewhere"}),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = app
        .get(
            &format!("/api/database/rows/names/?table__{t}=1&table__{other}=1"),
            token,
        )
        .await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");

    // Someone outside the workspace learns nothing.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .get(
            &format!("/api/database/rows/names/?table__{t}=1"),
            Some(&bob.access),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app
        .get(&format!("/api/database/rows/names/?table__{t}=1"), None)
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);
}

fn name_of(body: &Value) -> &str {
    body["Name"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn adjacent_rows_follow_the_table_or_the_views_order() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    let ids = named_rows(&app, &fx, &["b", "c", "a"]).await;
    let adjacent = |row: i64, query: &str| {
        let path =
            format!("/api/database/rows/table/{t}/{row}/adjacent/?user_field_names=true&{query}");
        let app = &app;
        async move { app.get(&path, token).await }
    };

    // The table's order: by id (manual order).
    let r = adjacent(1, "").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["id"].as_i64(), name_of(&r.body)),
        (Some(2), "seed two")
    );
    let r = adjacent(2, "previous=true").await;
    assert_eq!(r.body["id"], 1);
    let r = adjacent(1, "previous").await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = adjacent(ids[2], "").await;
    assert_eq!(r.status, 204, "{:?}", r.body);

    // A view sorted by name and filtered to one-letter names: a, b, c.
    let r = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            token,
            json!({"name": "Sorted", "type": "grid"}),
        )
        .await;
    let view = r.body["id"].as_i64().unwrap();
    let name_field = app.field_id(&fx.user, t, "Name").await;
    let r = app
        .post(
            &format!("/api/database/views/{view}/sortings/"),
            token,
            json!({"field": name_field, "order": "ASC"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            token,
            json!({"field": name_field, "type": "length_is_lower_than", "value": "2"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = adjacent(ids[2], &format!("view_id={view}")).await;
    assert_eq!(name_of(&r.body), "b", "{:?}", r.body);
    let r = adjacent(ids[0], &format!("view_id={view}")).await;
    assert_eq!(name_of(&r.body), "c", "{:?}", r.body);
    let r = adjacent(ids[0], &format!("view_id={view}&previous=1")).await;
    assert_eq!(name_of(&r.body), "a", "{:?}", r.body);
    let r = adjacent(ids[1], &format!("view_id={view}")).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // A row the view's filter leaves out has no neighbours there.
    let r = adjacent(1, &format!("view_id={view}")).await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");

    // Search narrows the rows stepped through: only "seed …" rows.
    let r = adjacent(1, "search=seed").await;
    assert_eq!(r.body["id"], 2);
    let r = adjacent(2, "search=seed").await;
    assert_eq!(r.status, 204, "{:?}", r.body);

    // Without user_field_names the keys are field ids.
    let r = app
        .get(&format!("/api/database/rows/table/{t}/1/adjacent/"), token)
        .await;
    assert_eq!(r.body[format!("field_{name_field}")], "seed two");
}

#[tokio::test]
async fn adjacent_rows_refuse_bad_input_and_strangers() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/1/adjacent/?previous=maybe"),
            token,
        )
        .await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/1/adjacent/?view_id=x"),
            token,
        )
        .await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/1/adjacent/?search=a%00b"),
            token,
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/999/adjacent/"),
            token,
        )
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    let r = app
        .get("/api/database/rows/table/99999/1/adjacent/", token)
        .await;
    assert_error(&r, 404, "ERROR_TABLE_DOES_NOT_EXIST");
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/1/adjacent/?view_id=99999"),
            token,
        )
        .await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/1/adjacent/"),
            Some(&bob.access),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
}

#[tokio::test]
async fn unique_row_values_are_the_most_frequent_texts_first() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    named_rows(&app, &fx, &["b", "a, b", "b", "c", "c", "\"x, y\", a"]).await;
    let name_field = app.field_id(&fx.user, t, "Name").await;
    let path = format!("/api/database/fields/{name_field}/unique_row_values/");
    let r = app.get(&path, token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["values"][0], "b");
    assert_eq!(r.body["values"][1], "c");
    assert_eq!(r.body["values"].as_array().unwrap().len(), 6);

    let r = app.get(&format!("{path}?limit=2"), token).await;
    assert_eq!(r.body, json!({"values": ["b", "c"]}));
    // Split at commas outside quotes: b ×3, a ×2, c ×2, then the others (the quoted one
    // whole, without its quotes).
    let r = app
        .get(&format!("{path}?split_comma_separated=true"), token)
        .await;
    assert_eq!(
        r.body,
        json!({"values": ["b", "a", "c", "seed one", "seed two", "x, y"]})
    );
    let r = app.get(&format!("{path}?search=SEED"), token).await;
    assert_eq!(r.body, json!({"values": ["seed one", "seed two"]}));

    // Numbers come as their text.
    let number = app
        .field(
            &fx.user,
            t,
            json!({"name": "N", "type": "number", "number_decimal_places": 1}),
        )
        .await;
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/1/"),
            token,
            json!({format!("field_{number}"): 2.5}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/database/fields/{number}/unique_row_values/"),
            token,
        )
        .await;
    assert_eq!(r.body, json!({"values": ["2.5"]}));
}

#[tokio::test]
async fn unique_row_values_refuse_bad_input_other_types_and_strangers() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    let name_field = app.field_id(&fx.user, t, "Name").await;
    let path = format!("/api/database/fields/{name_field}/unique_row_values/");
    let r = app.get(&format!("{path}?limit=many"), token).await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    let r = app.get(&format!("{path}?search=a%00"), token).await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    let multi = app
        .field(
            &fx.user,
            t,
            json!({"name": "Tags", "type": "multiple_select"}),
        )
        .await;
    let r = app
        .get(
            &format!("/api/database/fields/{multi}/unique_row_values/"),
            token,
        )
        .await;
    assert_error(&r, 400, "ERROR_INCOMPATIBLE_FIELD_TYPE_FOR_UNIQUE_VALUES");
    let r = app
        .get("/api/database/fields/99999/unique_row_values/", token)
        .await;
    assert_error(&r, 404, "ERROR_FIELD_DOES_NOT_EXIST");
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app.get(&path, Some(&bob.access)).await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
}

/// A grid view over rows named `n0`…`n11` (ages 10, 20, 20, 30, then none) beside the
/// two unnamed seed rows; answers `(view, name field, age field)`.
async fn aggregation_fixture(app: &TestApp, fx: &crate::helpers::TableFixture) -> (i64, i64, i64) {
    let t = fx.table;
    let token = Some(fx.user.access.as_str());
    let age = app
        .field(&fx.user, t, json!({"name": "Age", "type": "number"}))
        .await;
    let ages = [json!(10), json!(20), json!(20), json!(30)];
    let items: Vec<Value> = (0..12)
        .map(|i| json!({"Name": format!("n{i:02}"), "Age": ages.get(i).cloned().unwrap_or(Value::Null)}))
        .collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch/?user_field_names=true"),
            token,
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            token,
            json!({"name": "Grid", "type": "grid"}),
        )
        .await;
    let view = r.body["id"].as_i64().unwrap();
    let name = app.field_id(&fx.user, t, "Name").await;
    (view, name, age)
}

#[tokio::test]
async fn grid_aggregations_answer_at_baserows_paths_with_count_decile_and_distribution() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let token = Some(fx.user.access.as_str());
    let (view, name, age) = aggregation_fixture(&app, &fx).await;
    let one = |field: i64, kind: &str| {
        format!("/api/database/views/grid/{view}/aggregation/{field}/?type={kind}")
    };

    let r = app.get(&one(name, "count"), token).await;
    assert_eq!(r.body, json!({"value": 14}), "every row, empty or not");
    let r = app.get(&one(age, "distribution"), token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"value": [[null, 10], ["20", 2], ["10", 1], ["30", 1]]}),
        "most frequent first, then by value"
    );
    // At most ten values.
    let r = app.get(&one(name, "distribution"), token).await;
    let values = r.body["value"].as_array().unwrap();
    assert_eq!(values.len(), 10);
    assert_eq!(values[0], json!([null, 2]));
    assert_eq!(values[1], json!(["n00", 1]));
    // Deciles of 10, 20, 20, 30 (empty cells left out), interpolated.
    let r = app.get(&one(age, "decile"), token).await;
    let deciles: Vec<f64> = r.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(deciles.len(), 9);
    for (got, want) in [(deciles[0], 13.0), (deciles[4], 20.0), (deciles[8], 27.0)] {
        assert!((got - want).abs() < 1e-9, "{deciles:?}");
    }
    // The old path answers the same.
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/field-aggregation/{age}/?type=distribution"),
            token,
        )
        .await;
    assert_eq!(r.body["value"][1], json!(["20", 2]));

    // Saved in the field options, a distribution shows among the view's aggregations,
    // narrowed by the request's search like the others.
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            token,
            json!({"field_options": {age.to_string(): {"aggregation_type": "distribution", "aggregation_raw_type": "distribution"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for path in ["aggregations", "field-aggregations"] {
        let r = app
            .get(
                &format!("/api/database/views/grid/{view}/{path}/?include=total&search=n01"),
                token,
            )
            .await;
        assert_eq!(
            r.body,
            json!({format!("field_{age}"): [["20", 1]], "total": 1}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn grid_aggregations_refuse_unfit_types_and_strangers() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let token = Some(fx.user.access.as_str());
    let (view, name, _) = aggregation_fixture(&app, &fx).await;
    let path =
        |kind: &str| format!("/api/database/views/grid/{view}/aggregation/{name}/?type={kind}");
    let r = app.get(&path("decile"), token).await;
    assert_error(&r, 400, "ERROR_FIELD_AGGREGATION_NOT_SUPPORTED");
    let r = app.get(&path("deciles"), token).await;
    assert_error(&r, 400, "ERROR_AGGREGATION_TYPE_DOES_NOT_EXIST");
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/aggregation/{name}/"),
            token,
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app.get(&path("distribution"), Some(&bob.access)).await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/aggregations/"),
            Some(&bob.access),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
}

#[tokio::test]
async fn baserows_health_checks_answer_the_public_and_staff() {
    let app = TestApp::spawn().await;
    let r = app.get("/_health/", None).await;
    assert_eq!((r.status, &r.body), (200, &json!("OK")));

    let staff = app.sign_up("Ann", "ann@x.io").await;
    let r = app.get("/api/_health/full/", Some(&staff.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["checks"]["postgresql"], "working");
    assert_eq!(r.body["checks"]["redis"], "working");
    assert!(r.body["passing"].is_boolean(), "{:?}", r.body);
    assert!(r.body["celery_queue_size"].is_i64(), "{:?}", r.body);
    assert!(r.body["celery_export_queue_size"].is_i64(), "{:?}", r.body);

    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app.get("/api/_health/full/", Some(&bob.access)).await;
    assert_error(&r, 401, "PERMISSION_DENIED");
    let r = app.get("/api/_health/full/", None).await;
    assert_eq!(r.status, 401);
}
