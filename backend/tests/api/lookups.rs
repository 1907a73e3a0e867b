//! `lookup`, `rollup` and `count` fields: a Customers / Orders / Items base whose line
//! totals, order totals, rolled-up spend and order counts stay right through row edits,
//! link changes, deletes, trash restores, renames and the deletion of the fields they
//! go through.

use crate::helpers::*;
use serde_json::{Value, json};

async fn restore_field(app: &TestApp, user: &Session, workspace: i64, id: i64) {
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&user.access),
            json!({"trash_item_type": "field", "trash_item_id": id, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

/// The looked-up values of a lookup cell, without their ids.
fn values(cell: &Value) -> Vec<Value> {
    (cell.as_array().unwrap().iter())
        .map(|item| item["value"].clone())
        .collect()
}

#[tokio::test]
async fn a_customers_orders_and_items_base_stays_right() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let workspace = fx.workspace_id(&app).await;
    let (items, orders, customers) = (
        app.table_fixture_in(&fx).await,
        app.table_fixture_in(&fx).await,
        fx.table,
    );

    // Items: a price, a quantity and a line total.
    app.field(
        user,
        items,
        json!({"name": "Price", "type": "number", "number_decimal_places": 2}),
    )
    .await;
    app.field(user, items, json!({"name": "Qty", "type": "number"}))
        .await;
    let line = app
        .field(
            user,
            items,
            json!({"name": "Line", "type": "formula", "formula": "field('Price') * field('Qty')"}),
        )
        .await;
    let pen = create_row_id(
        &app,
        user,
        items,
        json!({"Name": "pen", "Price": "1.50", "Qty": 4}),
    )
    .await;
    let ink = create_row_id(
        &app,
        user,
        items,
        json!({"Name": "ink", "Price": "3.00", "Qty": 1}),
    )
    .await;

    // Orders: the items, and their total as a rollup chosen by names.
    app.field(
        user,
        orders,
        json!({"name": "Items", "type": "link_row", "link_row_table_id": items, "has_related_field": true}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/database/fields/table/{orders}/"),
            Some(&user.access),
            json!({"name": "Total", "type": "rollup", "through_field_name": "Items",
                   "target_field_name": "Line", "rollup_function": "sum"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let total = r.body["id"].as_i64().unwrap();
    let items_link = app.field_id(user, orders, "Items").await;
    assert_eq!(r.body["through_field_id"], items_link);
    assert_eq!(r.body["target_field_id"], line);
    assert_eq!(r.body["rollup_function"], "sum");
    assert_eq!(r.body["formula_type"], "number");
    assert_eq!(r.body["number_decimal_places"], 2);
    assert!(r.body.get("through_field_name").is_none());
    let o1 = create_row_id(
        &app,
        user,
        orders,
        json!({"Name": "o1", "Items": [pen, ink]}),
    )
    .await;
    let o2 = create_row_id(&app, user, orders, json!({"Name": "o2", "Items": [ink]})).await;
    assert_eq!(row(&app, user, orders, o1).await["Total"], "9.00");

    // Customers: their orders, what they spent, how many orders, the order names.
    app.field(
        user,
        customers,
        json!({"name": "Orders", "type": "link_row", "link_row_table_id": orders, "has_related_field": true}),
    )
    .await;
    let orders_link = app.field_id(user, customers, "Orders").await;
    let cy = create_row_id(
        &app,
        user,
        customers,
        json!({"Name": "Cy", "Orders": [o1, o2]}),
    )
    .await;
    let spent = app
        .field(
            user,
            customers,
            json!({"name": "Spent", "type": "rollup", "through_field_id": orders_link,
                   "target_field_id": total, "rollup_function": "sum"}),
        )
        .await;
    let count = app
        .field(
            user,
            customers,
            json!({"name": "Orders count", "type": "count", "through_field_id": orders_link}),
        )
        .await;
    let r = app
        .post(
            &format!("/api/database/fields/table/{customers}/"),
            Some(&user.access),
            json!({"name": "Order names", "type": "lookup", "through_field_id": orders_link,
                   "target_field_name": "Name"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["formula_type"], "array");
    assert_eq!(r.body["array_formula_type"], "text");
    assert_eq!(field_of(&app, user, count).await["formula_type"], "number");
    let got = row(&app, user, customers, cy).await;
    assert_eq!(got["Spent"], "12.00");
    assert_eq!(got["Orders count"], "2");
    assert_eq!(values(&got["Order names"]), vec![json!("o1"), json!("o2")]);
    assert_eq!(
        got["Order names"][0]["id"], o1,
        "lookup items are {{id, value}}"
    );

    // An item edit reaches orders and customers, announced in the customers' table.
    patch_row(&app, user, items, ink, json!({"Qty": 2})).await;
    assert_eq!(row(&app, user, orders, o1).await["Total"], "12.00");
    assert_eq!(row(&app, user, customers, cy).await["Spent"], "18.00");
    let events = app.events(customers).await;
    let (_, kind, payload) = events.last().unwrap();
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0][format!("field_{spent}")], "18.00");

    // Link changes.
    let got = patch_row(&app, user, customers, cy, json!({"Orders": [o2]})).await;
    assert_eq!(got["Orders count"], "1");
    assert_eq!(got["Spent"], "6.00");
    patch_row(&app, user, customers, cy, json!({"Orders": [o1, o2]})).await;

    // A deleted order leaves the counts and comes back with its restore.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{orders}/{o1}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, customers, cy).await;
    assert_eq!(got["Orders count"], "1");
    assert_eq!(got["Spent"], "6.00");
    assert_eq!(values(&got["Order names"]), vec![json!("o2")]);
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&user.access),
            json!({"trash_item_type": "row", "trash_item_id": o1, "parent_trash_item_id": orders, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, customers, cy).await;
    assert_eq!(got["Orders count"], "2");
    assert_eq!(got["Spent"], "18.00");

    // An item linked to one order of a customer whose orders link back (each table
    // reaches the others both ways): still recomputed items → orders → customers.
    patch_row(&app, user, items, pen, json!({"Qty": 3})).await;
    assert_eq!(row(&app, user, orders, o1).await["Total"], "10.50");
    assert_eq!(row(&app, user, customers, cy).await["Spent"], "16.50");
    // Renames change nothing: the settings hold ids.
    let r = app
        .patch(
            &format!("/api/database/fields/{total}/"),
            Some(&user.access),
            json!({"name": "Order total"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/fields/{orders_link}/"),
            Some(&user.access),
            json!({"name": "Purchases"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(field_of(&app, user, spent).await["target_field_id"], total);
    assert_eq!(field_of(&app, user, spent).await["formula_type"], "number");
    patch_row(&app, user, items, pen, json!({"Qty": 2})).await;
    assert_eq!(row(&app, user, orders, o1).await["Order total"], "9.00");
    assert_eq!(row(&app, user, customers, cy).await["Spent"], "15.00");

    // The rolled-up field deleted: invalid with a reason, valid again once restored.
    let r = app
        .delete(
            &format!("/api/database/fields/{total}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let broken = field_of(&app, user, spent).await;
    assert_eq!(broken["formula_type"], "invalid");
    assert!(
        broken["error"].as_str().unwrap().contains("Purchases"),
        "{broken}"
    );
    assert_eq!(row(&app, user, customers, cy).await["Spent"], Value::Null);
    restore_field(&app, user, workspace, total).await;
    assert_eq!(field_of(&app, user, spent).await["formula_type"], "number");
    assert_eq!(row(&app, user, customers, cy).await["Spent"], "15.00");

    // The link deleted: the count is invalid until the link comes back.
    let r = app
        .delete(
            &format!("/api/database/fields/{orders_link}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(field_of(&app, user, count).await["formula_type"], "invalid");
    restore_field(&app, user, workspace, orders_link).await;
    assert_eq!(field_of(&app, user, count).await["formula_type"], "number");
    assert_eq!(row(&app, user, customers, cy).await["Orders count"], "2");

    // The line total's type changes: the rollups above it follow.
    let r = app
        .patch(
            &format!("/api/database/fields/{line}/"),
            Some(&user.access),
            json!({"formula": "totext(field('Qty'))"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let order_total = field_of(&app, user, total).await;
    assert_eq!(order_total["formula_type"], "invalid", "{order_total}");
    let r = app
        .patch(
            &format!("/api/database/fields/{line}/"),
            Some(&user.access),
            json!({"formula": "field('Price') * field('Qty')"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(row(&app, user, orders, o1).await["Order total"], "9.00");
    assert_eq!(row(&app, user, customers, cy).await["Spent"], "15.00");
}

#[tokio::test]
async fn settings_that_do_not_fit_are_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let (a, b) = (fx.table, app.table_fixture_in(&fx).await);
    app.field(user, b, json!({"name": "Amount", "type": "number"}))
        .await;
    let link = app
        .field(
            user,
            a,
            json!({"name": "Link", "type": "link_row", "link_row_table_id": b, "has_related_field": false}),
        )
        .await;
    let name = app.field_id(user, a, "Name").await;
    let other_amount = app
        .field(user, a, json!({"name": "Own amount", "type": "number"}))
        .await;
    let post = |body: Value| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/database/fields/table/{a}/"),
                Some(&user.access),
                body,
            )
            .await
        }
    };
    let cases = [
        (
            json!({"name": "x", "type": "count", "through_field_id": name}),
            "ERROR_INVALID_LOOKUP_THROUGH_FIELD",
        ),
        (
            json!({"name": "x", "type": "lookup", "through_field_name": "Nope", "target_field_name": "Amount"}),
            "ERROR_INVALID_LOOKUP_THROUGH_FIELD",
        ),
        (
            json!({"name": "x", "type": "lookup", "through_field_id": link, "target_field_id": other_amount}),
            "ERROR_INVALID_LOOKUP_TARGET_FIELD",
        ),
        (
            json!({"name": "x", "type": "rollup", "through_field_id": link, "target_field_name": "Amount", "rollup_function": "upper"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "rollup", "through_field_id": link, "target_field_name": "Name", "rollup_function": "sum"}),
            "ERROR_WITH_FORMULA",
        ),
        (
            json!({"name": "x", "type": "lookup", "through_field_id": link}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "lookup", "through_field_id": "a\u{0}", "target_field_name": "Amount"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
    ];
    for (body, code) in cases {
        let r = post(body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {:?}", r.body);
        assert_eq!(r.body["error"], code, "{body}: {:?}", r.body);
    }
    let names: Vec<Value> = app
        .get(
            &format!("/api/database/fields/table/{a}/"),
            Some(&user.access),
        )
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].clone())
        .collect();
    assert!(!names.contains(&json!("x")), "nothing was created");

    // A lookup is read only, and a text field can become one (and back).
    let looked = app
        .field(
            user,
            a,
            json!({"name": "Amounts", "type": "lookup", "through_field_id": link, "target_field_name": "Amount"}),
        )
        .await;
    let linked = create_row_id(&app, user, b, json!({"Name": "b1", "Amount": 4})).await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{a}/?user_field_names=true"),
            Some(&user.access),
            json!({"Name": "a1", "Amounts": [1]}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let own = create_row_id(&app, user, a, json!({"Name": "a1", "Link": [linked]})).await;
    let r = app
        .patch(
            &format!("/api/database/fields/{other_amount}/"),
            Some(&user.access),
            json!({"type": "count", "through_field_id": link}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got = row(&app, user, a, own).await;
    assert_eq!(got["Own amount"], "1");
    assert_eq!(values(&got["Amounts"]), vec![json!("4")]);
    assert_eq!(
        field_of(&app, user, looked).await["array_formula_type"],
        "number"
    );
    let r = app
        .patch(
            &format!("/api/database/fields/{other_amount}/"),
            Some(&user.access),
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = patch_row(&app, user, a, own, json!({"Own amount": "free text"})).await;
    assert_eq!(r["Own amount"], "free text");
}

#[tokio::test]
async fn formatting_chosen_for_a_result_is_kept() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let price = app
        .field(
            user,
            t,
            json!({"name": "Price", "type": "number", "number_decimal_places": 3}),
        )
        .await;
    let id = create_row_id(&app, user, t, json!({"Name": "a", "Price": "2.345"})).await;
    let r = app
        .post(
            &format!("/api/database/fields/table/{t}/"),
            Some(&user.access),
            json!({"name": "Half", "type": "formula", "formula": "field('Price') / 2",
                   "number_decimal_places": 1, "date_format": "US"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let half = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["number_decimal_places"], 1);
    assert!(r.body.get("_formatting").is_none(), "{:?}", r.body);
    assert!(
        r.body.get("date_format").is_none_or(Value::is_null),
        "a date format does not fit a number: {:?}",
        r.body
    );
    assert_eq!(row(&app, user, t, id).await["Half"], "1.2");

    // The type changes underneath (the price gets other places): the choice stays.
    let r = app
        .patch(
            &format!("/api/database/fields/{price}/"),
            Some(&user.access),
            json!({"number_decimal_places": 0}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(field_of(&app, user, half).await["number_decimal_places"], 1);

    // Reset with null: the type's own places again; refused values change nothing.
    let r = app
        .patch(
            &format!("/api/database/fields/{half}/"),
            Some(&user.access),
            json!({"number_decimal_places": 11}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/fields/{half}/"),
            Some(&user.access),
            json!({"number_decimal_places": null}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let own = app
        .post(
            &format!("/api/database/formula/{t}/type/"),
            Some(&user.access),
            json!({"formula": "field('Price') / 2", "name": "Half"}),
        )
        .await;
    assert_eq!(own.status, 200, "{:?}", own.body);
    assert_ne!(own.body["number_decimal_places"], 1);
    assert_eq!(
        r.body["number_decimal_places"],
        own.body["number_decimal_places"]
    );
}

#[tokio::test]
async fn rows_linking_to_the_same_rows_share_values_and_the_others_keep_theirs() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let (tags, followers) = (fx.table, app.table_fixture_in(&fx).await);
    app.field(user, tags, json!({"name": "Count", "type": "number"}))
        .await;
    let t1 = create_row_id(&app, user, tags, json!({"Name": "t1", "Count": 2})).await;
    let t2 = create_row_id(&app, user, tags, json!({"Name": "t2", "Count": 5})).await;
    let link = app
        .field(
            user,
            followers,
            json!({"name": "Tag", "type": "link_row", "link_row_table_id": tags, "has_related_field": false}),
        )
        .await;
    app.field(user, followers, json!({"name": "Own", "type": "number"}))
        .await;
    // Rows linking to one tag, to the same tag, to both, to none and to the other.
    let mut ids = Vec::new();
    for (own, linked) in [
        (1, vec![t1]),
        (2, vec![t1]),
        (3, vec![t1, t2]),
        (4, vec![]),
        (5, vec![t2]),
    ] {
        let body = json!({"Name": format!("f{own}"), "Own": own, "Tag": linked});
        ids.push(create_row_id(&app, user, followers, body).await);
    }
    // Fields reading only through the link, and a formula reading its own row too.
    app.field(
        user,
        followers,
        json!({"name": "Sum", "type": "rollup", "through_field_id": link,
               "target_field_name": "Count", "rollup_function": "sum"}),
    )
    .await;
    app.field(
        user,
        followers,
        json!({"name": "N", "type": "count", "through_field_id": link}),
    )
    .await;
    app.field(
        user,
        followers,
        json!({"name": "Names", "type": "lookup", "through_field_id": link, "target_field_name": "Name"}),
    )
    .await;
    app.field(
        user,
        followers,
        json!({"name": "Mixed", "type": "formula", "formula": "field('Own') + sum(lookup('Tag', 'Count'))"}),
    )
    .await;
    let column = |name: &'static str| {
        let app = &app;
        let ids = ids.clone();
        async move {
            let mut out = Vec::new();
            for id in ids {
                out.push(row(app, user, followers, id).await[name].clone());
            }
            out
        }
    };
    assert_eq!(
        column("Sum").await,
        json!(["2", "2", "7", "0", "5"]).as_array().unwrap().clone()
    );
    assert_eq!(
        column("N").await,
        json!(["1", "1", "2", "0", "1"]).as_array().unwrap().clone()
    );
    assert_eq!(
        column("Mixed").await,
        json!(["3", "4", "10", "4", "10"])
            .as_array()
            .unwrap()
            .clone()
    );
    let names: Vec<Vec<Value>> = column("Names").await.iter().map(values).collect();
    assert_eq!(names[2], vec![json!("t1"), json!("t2")]);
    assert!(names[3].is_empty());

    // An edit of the shared tag reaches every row linking to it, and only those.
    patch_row(&app, user, tags, t1, json!({"Name": "one", "Count": 10})).await;
    assert_eq!(
        column("Sum").await,
        json!(["10", "10", "15", "0", "5"])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        column("Mixed").await,
        json!(["11", "12", "18", "4", "10"])
            .as_array()
            .unwrap()
            .clone()
    );
    let names: Vec<Vec<Value>> = column("Names").await.iter().map(values).collect();
    assert_eq!(names[0], vec![json!("one")]);
    assert_eq!(names[4], vec![json!("t2")]);

    // A row that changes its links gets the values of its new set.
    patch_row(&app, user, followers, ids[1], json!({"Tag": [t2]})).await;
    patch_row(&app, user, followers, ids[3], json!({"Tag": [t1, t2]})).await;
    assert_eq!(
        column("Sum").await,
        json!(["10", "5", "15", "15", "5"])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(
        column("N").await,
        json!(["1", "1", "2", "2", "1"]).as_array().unwrap().clone()
    );
}
