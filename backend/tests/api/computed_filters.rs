//! Filters, sorts and footer aggregations on computed fields, decided by the formula type
//! each stores: number, text, boolean and date formulas take their plain type's filters,
//! lookups (array formulas) the array filters, and a filter of the wrong type is refused.

use crate::helpers::{Session, TableFixture, TestApp, assert_error};
use serde_json::{Value, json};

const UNSUPPORTED: &str = "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD";

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Deletes a new table's default rows, then adds `items`; returns the new rows' ids.
async fn fill(app: &TestApp, user: &Session, table: i64, items: Vec<Value>) -> Vec<i64> {
    let a = Some(user.access.as_str());
    let ids: Vec<i64> = app.rows(user, table, "").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    app.post(
        &format!("/api/database/rows/table/{table}/batch-delete/"),
        a,
        json!({ "items": ids }),
    )
    .await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{table}/batch/?user_field_names=true"),
            a,
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

struct Fixture {
    fx: TableFixture,
    qty: i64,
    double: i64,
    upper: i64,
    big: i64,
    day: i64,
    totals: i64,
    order_names: i64,
    order_dates: i64,
    /// A `lookup` field of the orders' totals, a `rollup` summing them, a `count` of them.
    looked_up: i64,
    spent: i64,
    n_orders: i64,
}

/// Orders o1 (10, 2024-01-05), o2 (30, 2024-02-10), o3 (5, 2024-03-01); rows
/// apple pie (Qty 3, 2024-01-10, o1+o2), banana (8, 2024-03-05, o3), cherry tart (6, -, none).
async fn fixture(app: &TestApp) -> Fixture {
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let orders = app.table_fixture_in(&fx).await;
    app.field(
        user,
        orders,
        json!({"name": "Total", "type": "number", "number_decimal_places": 1}),
    )
    .await;
    app.field(user, orders, json!({"name": "Placed", "type": "date"}))
        .await;
    let o = fill(
        app,
        user,
        orders,
        vec![
            json!({"Name": "o1", "Total": "10", "Placed": "2024-01-05"}),
            json!({"Name": "o2", "Total": "30", "Placed": "2024-02-10"}),
            json!({"Name": "o3", "Total": "5", "Placed": "2024-03-01"}),
        ],
    )
    .await;
    let qty = app
        .field(user, t, json!({"name": "Qty", "type": "number"}))
        .await;
    app.field(user, t, json!({"name": "When", "type": "date"}))
        .await;
    app.field(
        user,
        t,
        json!({"name": "Orders", "type": "link_row", "link_row_table_id": orders, "has_related_field": false}),
    )
    .await;
    let formula =
        |name: &str, text: &str| json!({"name": name, "type": "formula", "formula": text});
    let double = app
        .field(user, t, formula("Double", "field('Qty') * 2"))
        .await;
    let upper = app
        .field(user, t, formula("Upper", "upper(field('Name'))"))
        .await;
    let big = app.field(user, t, formula("Big", "field('Qty') > 5")).await;
    let day = app.field(user, t, formula("Day", "field('When')")).await;
    let totals = app
        .field(user, t, formula("Totals", "lookup('Orders', 'Total')"))
        .await;
    let order_names = app
        .field(user, t, formula("OrderNames", "lookup('Orders', 'Name')"))
        .await;
    let order_dates = app
        .field(user, t, formula("OrderDates", "lookup('Orders', 'Placed')"))
        .await;
    let through = json!({"through_field_name": "Orders", "target_field_name": "Total"});
    let with = |mut body: Value| {
        body.as_object_mut()
            .unwrap()
            .extend(through.as_object().unwrap().clone());
        body
    };
    let looked_up = app
        .field(user, t, with(json!({"name": "Looked", "type": "lookup"})))
        .await;
    let spent = app
        .field(
            user,
            t,
            with(json!({"name": "Spent", "type": "rollup", "rollup_function": "sum"})),
        )
        .await;
    let n_orders = app
        .field(
            user,
            t,
            json!({"name": "N", "type": "count", "through_field_name": "Orders"}),
        )
        .await;
    fill(
        app,
        user,
        t,
        vec![
            json!({"Name": "apple pie", "Qty": "3", "When": "2024-01-10", "Orders": [o[0], o[1]]}),
            json!({"Name": "banana", "Qty": "8", "When": "2024-03-05", "Orders": [o[2]]}),
            json!({"Name": "cherry tart", "Qty": "6", "Orders": []}),
        ],
    )
    .await;
    let r = app
        .get(
            &format!("/api/database/fields/{totals}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.body["formula_type"], "array", "{:?}", r.body);
    assert_eq!(r.body["array_formula_type"], "number");
    Fixture {
        fx,
        qty,
        double,
        upper,
        big,
        day,
        totals,
        order_names,
        order_dates,
        looked_up,
        spent,
        n_orders,
    }
}

/// The Name of each row `filter__field_{field}__{kind}={value}` lists.
async fn filtered(app: &TestApp, f: &Fixture, field: i64, kind: &str, value: &str) -> Vec<String> {
    let r = app
        .rows(
            &f.fx.user,
            f.fx.table,
            &format!(
                "user_field_names=true&filter__field_{field}__{kind}={}",
                encode(value)
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{kind} {value:?}: {:?}", r.body);
    names(&r.body)
}

fn names(listing: &Value) -> Vec<String> {
    listing["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn computed_fields_take_the_filters_of_their_formula_type() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let cases: Vec<(i64, &str, &str, Vec<&str>)> = vec![
        // Number formula: 6, 16, 12.
        (f.double, "higher_than", "10", vec!["banana", "cherry tart"]),
        (
            f.double,
            "lower_than_or_equal",
            "12",
            vec!["apple pie", "cherry tart"],
        ),
        (f.double, "equal", "12", vec!["cherry tart"]),
        (f.double, "not_equal", "12", vec!["apple pie", "banana"]),
        (
            f.double,
            "is_even_and_whole",
            "",
            vec!["apple pie", "banana", "cherry tart"],
        ),
        (f.double, "contains", "1", vec!["banana", "cherry tart"]),
        // Text formula.
        (f.upper, "equal", "BANANA", vec!["banana"]),
        (
            f.upper,
            "not_equal",
            "BANANA",
            vec!["apple pie", "cherry tart"],
        ),
        (f.upper, "contains_word", "pie", vec!["apple pie"]),
        (
            f.upper,
            "doesnt_contain_word",
            "pie",
            vec!["banana", "cherry tart"],
        ),
        (f.upper, "length_is_lower_than", "7", vec!["banana"]),
        (
            f.upper,
            "contains_not",
            "AN",
            vec!["apple pie", "cherry tart"],
        ),
        // Boolean formula: Qty > 5.
        (f.big, "boolean", "1", vec!["banana", "cherry tart"]),
        (f.big, "boolean", "0", vec!["apple pie"]),
        // Date formula.
        (
            f.day,
            "date_is",
            "UTC?2024-01-10?exact_date",
            vec!["apple pie"],
        ),
        (
            f.day,
            "date_is_after",
            "UTC?2024-02-01?exact_date",
            vec!["banana"],
        ),
        (f.day, "date_before", "2024-02-01", vec!["apple pie"]),
        (f.day, "empty", "", vec!["cherry tart"]),
        // Lookup of numbers: [10, 30], [5], [].
        (f.totals, "has_value_higher", "20", vec!["apple pie"]),
        (
            f.totals,
            "has_not_value_higher",
            "20",
            vec!["banana", "cherry tart"],
        ),
        (f.totals, "has_value_equal", "5", vec!["banana"]),
        (
            f.totals,
            "has_not_value_equal",
            "5",
            vec!["apple pie", "cherry tart"],
        ),
        (
            f.totals,
            "has_value_lower_or_equal",
            "10",
            vec!["apple pie", "banana"],
        ),
        (
            f.totals,
            "has_value_higher_or_equal",
            "30",
            vec!["apple pie"],
        ),
        (f.totals, "has_value_lower", "abc", vec![]),
        (f.totals, "empty", "", vec!["cherry tart"]),
        // Lookup of texts: [o1, o2], [o3], [].
        (f.order_names, "has_value_equal", "o3", vec!["banana"]),
        (f.order_names, "has_value_contains", "O2", vec!["apple pie"]),
        (
            f.order_names,
            "has_not_value_contains",
            "o",
            vec!["cherry tart"],
        ),
        (
            f.order_names,
            "has_value_contains_word",
            "o1",
            vec!["apple pie"],
        ),
        (
            f.order_names,
            "has_not_value_contains_word",
            "o1",
            vec!["banana", "cherry tart"],
        ),
        (
            f.order_names,
            "has_value_length_is_lower_than",
            "3",
            vec!["apple pie", "banana"],
        ),
        (f.order_names, "has_all_values_equal", "o3", vec!["banana"]),
        (f.order_names, "has_empty_value", "", vec![]),
        (
            f.order_names,
            "has_not_empty_value",
            "",
            vec!["apple pie", "banana", "cherry tart"],
        ),
        (
            f.order_names,
            "has_value_equal",
            "",
            vec!["apple pie", "banana", "cherry tart"],
        ),
        // Lookup of dates: [2024-01-05, 2024-02-10], [2024-03-01], [].
        (
            f.order_dates,
            "has_date_before",
            "UTC?2024-02-01?exact_date",
            vec!["apple pie"],
        ),
        (
            f.order_dates,
            "has_not_date_before",
            "UTC?2024-02-01?exact_date",
            vec!["banana", "cherry tart"],
        ),
        (
            f.order_dates,
            "has_date_on_or_after",
            "UTC?2024-02-10?exact_date",
            vec!["apple pie", "banana"],
        ),
        (
            f.order_dates,
            "has_date_equal",
            "UTC?2024-03-01?exact_date",
            vec!["banana"],
        ),
        (
            f.order_dates,
            "has_date_equal",
            "",
            vec!["apple pie", "banana", "cherry tart"],
        ),
        // Lookup, rollup and count fields, by the formula type they store.
        (f.looked_up, "has_value_higher", "20", vec!["apple pie"]),
        (
            f.looked_up,
            "has_not_value_equal",
            "5",
            vec!["apple pie", "cherry tart"],
        ),
        (f.spent, "higher_than", "10", vec!["apple pie"]),
        (f.n_orders, "equal", "1", vec!["banana"]),
        (f.n_orders, "lower_than", "2", vec!["banana", "cherry tart"]),
    ];
    for (field, kind, value, expected) in cases {
        assert_eq!(
            filtered(&app, &f, field, kind, value).await,
            expected,
            "{kind} {value:?} on field {field}"
        );
    }
}

#[tokio::test]
async fn filters_that_do_not_fit_the_formula_type_are_refused() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (user, t) = (&f.fx.user, f.fx.table);
    for (field, kind) in [
        (f.upper, "higher_than"),
        (f.double, "boolean"),
        (f.big, "equal"),
        (f.day, "higher_than"),
        (f.totals, "equal"),
        (f.totals, "has_value_contains_word"),
        (f.order_names, "has_value_higher"),
        (f.order_names, "has_date_before"),
        (f.order_dates, "has_value_higher"),
        (f.looked_up, "higher_than"),
        (f.spent, "has_value_higher"),
        (f.n_orders, "contains_word"),
        (f.double, "has_value_equal"),
        (f.double, "single_select_equal"),
    ] {
        let r = app
            .rows(user, t, &format!("filter__field_{field}__{kind}=1"))
            .await;
        assert_error(&r, 400, UNSUPPORTED);
    }
    // A view's filter is checked the same way when saved.
    let view = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            Some(&user.access),
            json!({"name": "Grid", "type": "grid"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            Some(&user.access),
            json!({"field": f.upper, "type": "higher_than", "value": "1"}),
        )
        .await;
    assert_error(&r, 400, UNSUPPORTED);
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            Some(&user.access),
            json!({"field": f.totals, "type": "has_value_higher", "value": "20"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Every filter type on every computed field, with awkward values: rows or a refusal,
    // never a server error.
    let values = [
        "",
        "1",
        "x",
        "2024-01-31",
        "UTC?2024-01-31?exact_date",
        "1,2",
        "-3.5",
    ];
    let fields = [
        f.double,
        f.upper,
        f.big,
        f.day,
        f.totals,
        f.order_names,
        f.order_dates,
        f.looked_up,
        f.spent,
        f.n_orders,
    ];
    let mut accepted = 0;
    for filter in tessera::database::filters::registry::filter_types().iter() {
        for field in fields {
            for value in values {
                let r = app
                    .rows(
                        user,
                        t,
                        &format!("filter__field_{field}__{}={}", filter.name(), encode(value)),
                    )
                    .await;
                if r.status == 200 {
                    accepted += 1;
                } else {
                    assert_error(&r, 400, UNSUPPORTED);
                }
            }
        }
    }
    assert!(accepted > 300, "only {accepted} combinations were accepted");
}

#[tokio::test]
async fn a_saved_filter_the_formula_type_no_longer_fits_is_removed() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (user, t) = (&f.fx.user, f.fx.table);
    let a = Some(user.access.as_str());
    let view = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Grid", "type": "grid"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let higher = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": f.double, "type": "higher_than", "value": "10"}),
        )
        .await;
    assert_eq!(higher.status, 200, "{:?}", higher.body);
    let rows = format!("/api/database/views/grid/{view}/?user_field_names=true");
    assert_eq!(
        names(&app.get(&rows, a).await.body),
        ["banana", "cherry tart"]
    );

    // Qty becomes text: `field('Qty') * 2` is no number formula any more.
    let r = app
        .patch(
            &format!("/api/database/fields/{}/", f.qty),
            a,
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let double = app
        .get(&format!("/api/database/fields/{}/", f.double), a)
        .await;
    assert_ne!(double.body["formula_type"], "number", "{:?}", double.body);
    // The saved filter went with the type change (as a conversion by hand does), so
    // the view lists every row again, never a 500.
    let listed = app
        .get(&format!("/api/database/views/{view}/filters/"), a)
        .await;
    assert!(
        !(listed.body.as_array().unwrap().iter()).any(|f| f["id"] == higher.body["id"]),
        "{:?}",
        listed.body
    );
    let r = app.get(&rows, a).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(names(&r.body).len(), 3, "{:?}", r.body);
    // Sent with a request, the same filter is refused.
    let r = app
        .rows(
            user,
            t,
            &format!("filter__field_{}__higher_than=10", f.double),
        )
        .await;
    assert_error(&r, 400, UNSUPPORTED);

    // Editing a formula into another type deletes the filters that no longer fit, as a
    // field's conversion does.
    let words = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": f.upper, "type": "contains_word", "value": "pie"}),
        )
        .await;
    assert_eq!(words.status, 200, "{:?}", words.body);
    let kept = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            a,
            json!({"field": f.upper, "type": "not_empty", "value": ""}),
        )
        .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{}/", f.upper),
            a,
            json!({"formula": "1"}),
        )
        .await;
    assert_eq!(r.body["formula_type"], "number", "{:?}", r.body);
    let listed = app
        .get(&format!("/api/database/views/{view}/filters/"), a)
        .await;
    let ids: Vec<&Value> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["id"])
        .collect();
    assert!(!ids.contains(&&words.body["id"]), "{:?}", listed.body);
    assert!(ids.contains(&&kept.body["id"]), "{:?}", listed.body);
}

#[tokio::test]
async fn every_formula_type_sorts() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (user, t) = (&f.fx.user, f.fx.table);
    let sorted = |field: i64, desc: bool| {
        format!(
            "user_field_names=true&order_by={}field_{field}",
            if desc { "-" } else { "" }
        )
    };
    let cases = [
        (f.double, false, ["apple pie", "cherry tart", "banana"]),
        (f.double, true, ["banana", "cherry tart", "apple pie"]),
        (f.upper, true, ["cherry tart", "banana", "apple pie"]),
        (f.big, false, ["apple pie", "banana", "cherry tart"]),
        // Empty values come first ascending, last descending.
        (f.day, false, ["cherry tart", "apple pie", "banana"]),
        (f.day, true, ["banana", "apple pie", "cherry tart"]),
        // Lookups sort by their text.
        (f.totals, false, ["cherry tart", "apple pie", "banana"]),
        (f.order_names, true, ["banana", "apple pie", "cherry tart"]),
    ];
    for (field, desc, expected) in cases {
        let r = app.rows(user, t, &sorted(field, desc)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(names(&r.body), expected, "field {field} desc {desc}");
    }
    // A view's sort on a lookup.
    let a = Some(user.access.as_str());
    let view = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Grid", "type": "grid"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{view}/sortings/"),
            a,
            json!({"field": f.double, "order": "DESC"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/?user_field_names=true"),
            a,
        )
        .await;
    assert_eq!(names(&r.body), ["banana", "cherry tart", "apple pie"]);
}

#[tokio::test]
async fn footer_aggregations_read_computed_fields_by_their_formula_type() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (user, t) = (&f.fx.user, f.fx.table);
    let a = Some(user.access.as_str());
    let view = app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Grid", "type": "grid"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let one = |field: i64, kind: &str| {
        format!("/api/database/views/grid/{view}/field-aggregation/{field}/?type={kind}")
    };
    let expect = [
        (f.double, "sum", json!(34)),
        (f.double, "max", json!(16)),
        (f.double, "min", json!(6)),
        (f.double, "average", json!(34.0 / 3.0)),
        (f.double, "unique_count", json!(3)),
        (f.big, "checked_count", json!(2)),
        (f.big, "not_checked_count", json!(1)),
        (f.day, "min", json!("2024-01-10")),
        (f.day, "max", json!("2024-03-05")),
        (f.day, "empty_count", json!(1)),
        (f.upper, "not_empty_count", json!(3)),
        (f.upper, "unique_count", json!(3)),
        (f.totals, "empty_count", json!(1)),
        (f.spent, "sum", json!(45)),
        (f.n_orders, "max", json!(2)),
        (f.looked_up, "empty_count", json!(1)),
    ];
    for (field, kind, value) in expect {
        let r = app.get(&one(field, kind), a).await;
        assert_eq!(r.status, 200, "{kind}: {:?}", r.body);
        match value.as_f64() {
            Some(v) => {
                let got = r.body["value"].as_f64().unwrap_or(f64::NAN);
                assert!((got - v).abs() < 1e-9, "{kind} on {field}: {:?}", r.body);
            }
            None => assert_eq!(r.body["value"], value, "{kind} on {field}"),
        }
    }
    for (field, kind) in [
        (f.upper, "sum"),
        (f.day, "sum"),
        (f.totals, "sum"),
        (f.looked_up, "sum"),
        (f.double, "checked_count"),
    ] {
        let r = app.get(&one(field, kind), a).await;
        assert_eq!(r.status, 400, "{kind} on {field}: {:?}", r.body);
    }
    // Saved in the view's field options, it shows among the view's aggregations.
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            a,
            json!({"field_options": {
                f.double.to_string(): {"aggregation_type": "sum", "aggregation_raw_type": "sum"},
            }}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/field-aggregations/"),
            a,
        )
        .await;
    assert_eq!(
        r.body[format!("field_{}", f.double)],
        json!(34),
        "{:?}",
        r.body
    );
}
