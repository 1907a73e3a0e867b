//! Formula fields: typed on save, stored in a real column and recomputed in the
//! transaction of every change they depend on — rows of their table, linked rows, and the
//! fields they name (renamed, deleted, restored).

use crate::helpers::*;
use serde_json::{Value, json};

async fn create_field(app: &TestApp, user: &Session, table: i64, body: Value) -> Resp {
    app.post(
        &format!("/api/database/fields/table/{table}/"),
        Some(&user.access),
        body,
    )
    .await
}

#[tokio::test]
async fn formulas_are_typed_stored_and_recomputed_with_their_rows() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    app.field(
        user,
        t,
        json!({"name": "Price", "type": "number", "number_decimal_places": 2}),
    )
    .await;
    app.field(user, t, json!({"name": "Qty", "type": "number"}))
        .await;
    let early = create_row(
        &app,
        user,
        t,
        json!({"Name": "early", "Price": "1.25", "Qty": 2}),
    )
    .await;

    // A new formula is typed and filled for the rows already there.
    let r = create_field(
        &app,
        user,
        t,
        json!({"name": "Total", "type": "formula", "formula": "field('Price') * field('Qty')"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["formula_type"], "number");
    assert_eq!(r.body["number_decimal_places"], 2);
    assert_eq!(r.body["error"], Value::Null);
    assert_eq!(r.body["read_only"], true);
    let total = r.body["id"].as_i64().unwrap();
    let early_id = early["id"].as_i64().unwrap();
    assert_eq!(row(&app, user, t, early_id).await["Total"], "2.50");

    // A formula naming a formula, and a text one.
    let double = app
        .field(
            user,
            t,
            json!({"name": "Double", "type": "formula", "formula": "field('Total') * 2"}),
        )
        .await;
    app.field(
        user,
        t,
        json!({"name": "Shout", "type": "formula", "formula": "upper(field('Name'))"}),
    )
    .await;
    assert_eq!(row(&app, user, t, early_id).await["Double"], "5.00");

    // A row written gets its values in the same answer and in its event.
    let created = create_row(
        &app,
        user,
        t,
        json!({"Name": "late", "Price": "2.50", "Qty": 4}),
    )
    .await;
    assert_eq!(created["Total"], "10.00");
    assert_eq!(created["Double"], "20.00");
    assert_eq!(created["Shout"], "LATE");
    let id = created["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/{id}/?user_field_names=true"),
            Some(&user.access),
            json!({"Qty": 3}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["Total"], "7.50");
    assert_eq!(r.body["Double"], "15.00");
    let events = app.events(t).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0][format!("field_{total}")], "7.50");
    assert_eq!(
        payload["rows_before_update"][0][format!("field_{total}")],
        "10.00"
    );

    // Sorted by the stored number, not its text.
    let r = app.rows(user, t, &format!("order_by=-field_{total}")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let order: Vec<i64> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // (The two rows a new table starts with have no values and come last.)
    assert_eq!(order[..2], [id, early_id]);

    // Filtered by its text, and by being empty.
    let shout = app.field_id(user, t, "Shout").await;
    let r = app
        .rows(user, t, &format!("filter__field_{shout}__contains=LAT"))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 1);
    assert_eq!(r.body["results"][0]["id"], id);
    let r = app
        .rows(user, t, &format!("filter__field_{shout}__empty="))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The two rows a new table starts with have no name.
    assert_eq!(r.body["count"], 2);

    // Values of a formula cannot be written.
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/{id}/?user_field_names=true"),
            Some(&user.access),
            json!({"Total": "1"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"], "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(row(&app, user, t, id).await["Total"], "7.50");

    // Renaming a field rewrites the formulas naming it.
    let price = app.field_id(user, t, "Price").await;
    let r = app
        .patch(
            &format!("/api/database/fields/{price}/"),
            Some(&user.access),
            json!({"name": "Cost"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        field_of(&app, user, total).await["formula"],
        "field('Cost') * field('Qty')"
    );
    assert_eq!(row(&app, user, t, id).await["Total"], "7.50");

    // Deleting a field it names makes it invalid (and its dependents), never a 500;
    // restoring the field brings the values back.
    let qty = app.field_id(user, t, "Qty").await;
    let r = app
        .delete(&format!("/api/database/fields/{qty}/"), Some(&user.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let broken = field_of(&app, user, total).await;
    assert_eq!(broken["formula_type"], "invalid");
    assert!(
        broken["error"].as_str().unwrap().contains("Qty"),
        "{broken}"
    );
    assert_eq!(
        field_of(&app, user, double).await["formula_type"],
        "invalid"
    );
    assert_eq!(row(&app, user, t, id).await["Total"], Value::Null);
    let (_, kind, _) = app
        .events(t)
        .await
        .into_iter()
        .rev()
        .find(|(_, k, p)| k == "field_updated" && p["field"]["id"] == total)
        .unwrap();
    assert_eq!(kind, "field_updated");
    let workspace = fx.workspace_id(&app).await;
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&user.access),
            json!({"trash_item_type": "field", "trash_item_id": qty, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(field_of(&app, user, total).await["formula_type"], "number");
    let back = row(&app, user, t, id).await;
    assert_eq!(back["Total"], "7.50");
    assert_eq!(back["Double"], "15.00");

    // Changing a formula retypes and recomputes it.
    let r = app
        .patch(
            &format!("/api/database/fields/{double}/"),
            Some(&user.access),
            json!({"formula": "field('Total') > 5"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["formula_type"], "boolean");
    assert_eq!(row(&app, user, t, id).await["Double"], true);
    assert_eq!(row(&app, user, t, early_id).await["Double"], false);
}

#[tokio::test]
async fn bad_formulas_are_refused_with_a_readable_error() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let before = app
        .get(
            &format!("/api/database/fields/table/{t}/"),
            Some(&user.access),
        )
        .await
        .body;
    for formula in [
        "field('Name'",
        "field('Nope')",
        "upper(1, 2)",
        "'a' + ",
        "concat('a\u{0}')",
    ] {
        let r = create_field(
            &app,
            user,
            t,
            json!({"name": "F", "type": "formula", "formula": formula}),
        )
        .await;
        assert_eq!(r.status, 400, "{formula}: {:?}", r.body);
        assert!(
            r.body["error"] == "ERROR_WITH_FORMULA"
                || r.body["error"] == "ERROR_REQUEST_BODY_VALIDATION",
            "{formula}: {:?}",
            r.body
        );
    }
    let r = create_field(
        &app,
        user,
        t,
        json!({"name": "F", "type": "formula", "formula": "field('Nope')"}),
    )
    .await;
    assert_eq!(r.body["error"], "ERROR_WITH_FORMULA");
    assert!(
        r.body["detail"].as_str().unwrap().contains("Nope"),
        "{:?}",
        r.body
    );
    let after = app
        .get(
            &format!("/api/database/fields/table/{t}/"),
            Some(&user.access),
        )
        .await
        .body;
    assert_eq!(before, after, "nothing was created");

    // A formula may not reach itself through another one.
    let a = app
        .field(
            user,
            t,
            json!({"name": "A", "type": "formula", "formula": "field('Name')"}),
        )
        .await;
    app.field(
        user,
        t,
        json!({"name": "B", "type": "formula", "formula": "field('A')"}),
    )
    .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{a}/"),
            Some(&user.access),
            json!({"formula": "field('B')"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"], "ERROR_WITH_FORMULA");

    // The type endpoint answers before saving.
    let r = app
        .post(
            &format!("/api/database/formula/{t}/type/"),
            Some(&user.access),
            json!({"formula": "length(field('Name')) > 3", "name": "New"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["formula_type"], "boolean");
    let r = app
        .post(
            &format!("/api/database/formula/{t}/type/"),
            Some(&user.access),
            json!({"formula": "1 +"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"], "ERROR_WITH_FORMULA");
    // Not for tables of others.
    let other = app.sign_up("Eve", "eve@x.io").await;
    let r = app
        .post(
            &format!("/api/database/formula/{t}/type/"),
            Some(&other.access),
            json!({"formula": "1"}),
        )
        .await;
    assert!(r.status == 400 || r.status == 404, "{:?}", r.body);
    assert_ne!(r.body["error"], "ERROR_WITH_FORMULA");
}

#[tokio::test]
async fn lookups_follow_the_linked_rows() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let (a, b) = (fx.table, app.table_fixture_in(&fx).await);
    app.field(user, b, json!({"name": "Amount", "type": "number"}))
        .await;
    let ann = create_row(&app, user, b, json!({"Name": "Ann", "Amount": 5})).await["id"]
        .as_i64()
        .unwrap();
    let bob = create_row(&app, user, b, json!({"Name": "Bob", "Amount": 7})).await["id"]
        .as_i64()
        .unwrap();
    app.field(
        user,
        a,
        json!({"name": "People", "type": "link_row", "link_row_table_id": b, "has_related_field": true}),
    )
    .await;
    let order = create_row(&app, user, a, json!({"Name": "o1", "People": [ann, bob]})).await;
    let order_id = order["id"].as_i64().unwrap();
    let sum = app
        .field(
            user,
            a,
            json!({"name": "Sum", "type": "formula", "formula": "sum(lookup('People', 'Amount'))"}),
        )
        .await;
    app.field(
        user,
        a,
        json!({"name": "Count", "type": "formula", "formula": "count(field('People'))"}),
    )
    .await;
    let names = app
        .field(user, a, json!({"name": "Names", "type": "formula", "formula": "join(lookup('People', 'Name'), ', ')"}))
        .await;
    let got = row(&app, user, a, order_id).await;
    assert_eq!(got["Sum"], "12");
    assert_eq!(got["Count"], "2");
    assert_eq!(got["Names"], "Ann, Bob");
    assert_eq!(field_of(&app, user, names).await["formula_type"], "text");

    // A change in the linked table reaches the formula, announced in its table.
    let r = app
        .patch(
            &format!("/api/database/rows/table/{b}/{bob}/?user_field_names=true"),
            Some(&user.access),
            json!({"Amount": 10}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(row(&app, user, a, order_id).await["Sum"], "15");
    let events = app.events(a).await;
    let (_, kind, payload) = events.last().unwrap();
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0][format!("field_{sum}")], "15");

    // Links removed, linked rows deleted.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{b}/{ann}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, a, order_id).await;
    assert_eq!(got["Sum"], "10");
    assert_eq!(got["Count"], "1");
    assert_eq!(got["Names"], "Bob");
    let workspace = fx.workspace_id(&app).await;
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&user.access),
            json!({"trash_item_type": "row", "trash_item_id": ann, "parent_trash_item_id": b, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, a, order_id).await;
    assert_eq!(got["Sum"], "15");
    assert_eq!(got["Names"], "Ann, Bob");
    let events = app.events(a).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(
        kind, "rows_updated",
        "the restore reaches the linking table"
    );
    assert_eq!(payload["rows"][0][format!("field_{sum}")], "15");
    let r = app
        .patch(
            &format!("/api/database/rows/table/{a}/{order_id}/?user_field_names=true"),
            Some(&user.access),
            json!({"People": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["Count"], "0");

    // Renaming the looked-up field rewrites the lookup.
    let amount = app.field_id(user, b, "Amount").await;
    let r = app
        .patch(
            &format!("/api/database/fields/{amount}/"),
            Some(&user.access),
            json!({"name": "Value"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        field_of(&app, user, sum).await["formula"],
        "sum(lookup('People', 'Value'))"
    );
    assert_eq!(field_of(&app, user, sum).await["formula_type"], "number");
}

#[tokio::test]
async fn a_change_reaches_formulas_two_tables_away() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    // Items ← Orders ← Customers: an order totals its items, a customer its orders.
    let (items, orders, customers) = (
        app.table_fixture_in(&fx).await,
        app.table_fixture_in(&fx).await,
        fx.table,
    );
    app.field(user, items, json!({"name": "Price", "type": "number"}))
        .await;
    let item = create_row(&app, user, items, json!({"Name": "pen", "Price": 3})).await["id"]
        .as_i64()
        .unwrap();
    app.field(
        user,
        orders,
        json!({"name": "Items", "type": "link_row", "link_row_table_id": items, "has_related_field": false}),
    )
    .await;
    app.field(
        user,
        orders,
        json!({"name": "Total", "type": "formula", "formula": "sum(lookup('Items', 'Price'))"}),
    )
    .await;
    let order = create_row(&app, user, orders, json!({"Name": "o1", "Items": [item]})).await["id"]
        .as_i64()
        .unwrap();
    app.field(
        user,
        customers,
        json!({"name": "Orders", "type": "link_row", "link_row_table_id": orders, "has_related_field": false}),
    )
    .await;
    let spent = app
        .field(
            user,
            customers,
            json!({"name": "Spent", "type": "formula", "formula": "sum(lookup('Orders', 'Total')) * 2"}),
        )
        .await;
    let customer = create_row(
        &app,
        user,
        customers,
        json!({"Name": "Cy", "Orders": [order]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(row(&app, user, customers, customer).await["Spent"], "6");

    let r = app
        .patch(
            &format!("/api/database/rows/table/{items}/{item}/?user_field_names=true"),
            Some(&user.access),
            json!({"Price": 5}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(row(&app, user, orders, order).await["Total"], "5");
    assert_eq!(row(&app, user, customers, customer).await["Spent"], "10");
    let events = app.events(customers).await;
    let (_, kind, payload) = events.last().unwrap();
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0][format!("field_{spent}")], "10");
    assert_eq!(
        payload["rows_before_update"][0][format!("field_{spent}")],
        "6"
    );
}

/// The relation's storage, which a rewrite of the table replaces and an `UPDATE` keeps.
async fn relfilenode(app: &TestApp, table: i64) -> i64 {
    sqlx::query_scalar::<_, sqlx::postgres::types::Oid>(
        "SELECT relfilenode FROM pg_class WHERE relname = $1",
    )
    .bind(format!("database_table_{table}"))
    .fetch_one(&app.ctx.db)
    .await
    .map(|oid| i64::from(oid.0))
    .unwrap()
}

async fn search_indexes(app: &TestApp, table: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE tablename = $1 \
         AND indexname LIKE '%search%' ORDER BY indexname",
    )
    .bind(format!("database_table_{table}"))
    .fetch_all(&app.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_formula_added_to_a_large_table_fills_every_row_by_one_rewrite_and_stays_searchable() {
    use crate::full_text_search::{ids, search, wait_refreshed};
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let name = app.field_id(user, t, "Name").await;
    let qty = app
        .field(user, t, json!({"name": "Qty", "type": "number"}))
        .await;
    let rows = 12_000; // above `rewrite::MIN_ROWS`
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_table_{t} (\"order\", field_{name}, field_{qty}) \
         SELECT g + 2, 'item' || g, g FROM generate_series(1, {rows}) g"
    )))
    .execute(&app.ctx.db)
    .await
    .unwrap();
    // A refresh after the first fill builds the search indexes.
    app.field(user, t, json!({"name": "Note", "type": "text"}))
        .await;
    wait_refreshed(&app, t).await;
    let indexes = search_indexes(&app, t).await;
    assert_eq!(indexes.len(), 2, "{indexes:?}");
    let before = relfilenode(&app, t).await;

    let r = create_field(
        &app,
        user,
        t,
        json!({"name": "Code", "type": "formula",
               "formula": "concat('code-', field('Name'), '-', totext(field('Qty') * 2))"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let code = r.body["id"].as_i64().unwrap();
    assert_ne!(
        relfilenode(&app, t).await,
        before,
        "the table was not rewritten"
    );
    let wrong: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM database_table_{t} WHERE field_{qty} IS NOT NULL \
         AND field_{code} IS DISTINCT FROM 'code-item' || field_{qty} || '-' || (field_{qty} * 2)"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(wrong, 0, "rows with a wrong value");
    let last: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM database_table_{t} WHERE field_{qty} = {rows}"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(
        row(&app, user, t, last).await["Code"],
        "code-item12000-24000"
    );

    // The search column was emptied with the rewrite: the row is found meanwhile, and
    // once refreshed, through its indexes built again.
    let found = search(&app, user, t, "code-item11999-").await;
    assert_eq!(ids(&found), vec![last - 1], "{found:?}");
    wait_refreshed(&app, t).await;
    assert_eq!(search_indexes(&app, t).await, indexes);
    let found = search(&app, user, t, "code-item12000").await;
    assert_eq!(ids(&found), vec![last], "{found:?}");

    // An edit afterwards recomputes the row as ever.
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/{last}/?user_field_names=true"),
            Some(&user.access),
            json!({"Qty": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["Code"], "code-item12000-2");
}

#[tokio::test]
async fn a_formula_added_to_a_small_table_is_filled_without_a_rewrite() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    app.field(user, t, json!({"name": "Qty", "type": "number"}))
        .await;
    let created = create_row(&app, user, t, json!({"Qty": 4})).await["id"]
        .as_i64()
        .unwrap();
    let before = relfilenode(&app, t).await;
    let r = create_field(
        &app,
        user,
        t,
        json!({"name": "Double", "type": "formula", "formula": "field('Qty') * 2"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(relfilenode(&app, t).await, before);
    assert_eq!(row(&app, user, t, created).await["Double"], "8");
}
