//! One row of a shared view (`views/{slug}/row/{id}/`) and the link-row lookup of shared
//! views (`views/{slug}/link-row-field-lookup/{field_id}/`): only what the view shows,
//! only rows its filters let through, passwords honoured, other fields and tables never
//! reachable.

use crate::{
    helpers::{Resp, TestApp, assert_error},
    views::{create_view, people},
};
use serde_json::{Value, json};

async fn share(app: &TestApp, access: &str, view: i64, body: Value) {
    let r = app
        .patch(&format!("/api/database/views/{view}/"), Some(access), body)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn field_options(app: &TestApp, access: &str, view: i64, options: Value) {
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            Some(access),
            json!({ "field_options": options }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// A token for a shared view with a password.
async fn unlock(app: &TestApp, slug: &str, password: &str) -> String {
    let r = app
        .post(
            &format!("/api/database/views/{slug}/public/auth/"),
            None,
            json!({ "password": password }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["access_token"].as_str().unwrap().to_owned()
}

async fn get_with_token(app: &TestApp, path: &str, token: &str) -> Resp {
    app.raw(
        app.client()
            .get(format!("{}{path}", app.url))
            .header("Baserow-View-Authorization", format!("JWT {token}")),
    )
    .await
}

fn ids_of(listing: &Value) -> Vec<i64> {
    listing["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_shared_views_row_shows_its_visible_fields_only_and_only_through_its_filters() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = fx.user.access.as_str();
    let secret = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Secret", "type": "text"}),
        )
        .await;
    let rows = app.rows(&fx.user, fx.table, "").await;
    let id_of = |who: &str| {
        rows.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[format!("field_{name}")] == who)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ann, bob, eve) = (id_of("Ann"), id_of("Bob"), id_of("Eve"));
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{ann}/", fx.table),
            Some(a),
            json!({ format!("field_{secret}"): "classified" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let view = create_view(&app, &fx, json!({"name": "Shared", "type": "grid"})).await;
    let id = view["id"].as_i64().unwrap();
    let slug = view["slug"].as_str().unwrap().to_owned();
    // The view keeps people over 20 (Eve is 19) and hides Age and Secret.
    let r = app
        .post(
            &format!("/api/database/views/{id}/filters/"),
            Some(a),
            json!({"field": age, "type": "higher_than", "value": "20"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    field_options(
        &app,
        a,
        id,
        json!({ age.to_string(): {"hidden": true}, secret.to_string(): {"hidden": true} }),
    )
    .await;
    let row_path = |row: i64| format!("/api/database/views/{slug}/row/{row}/");

    // Not shared yet: the view does not exist for visitors.
    let r = app.get(&row_path(ann), None).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    share(&app, a, id, json!({"public": true})).await;

    let r = app.get(&row_path(ann), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], ann);
    assert_eq!(r.body[format!("field_{name}")], "Ann");
    assert!(r.body["order"].is_string(), "{:?}", r.body);
    for hidden in [age, secret] {
        assert!(
            r.body.get(format!("field_{hidden}")).is_none(),
            "a hidden field leaked: {:?}",
            r.body
        );
    }
    // A row the view's filter leaves out (on a hidden field), a row that does not exist
    // and a row in the trash are all missing here.
    let r = app.get(&row_path(eve), None).await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    let r = app.get(&row_path(999_999), None).await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{bob}/", fx.table),
            Some(a),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.get(&row_path(bob), None).await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
    // Garbage in the path changes nothing and answers 404, never 500.
    for path in [
        format!("/api/database/views/{slug}/row/abc/"),
        format!("/api/database/views/{slug}%00/row/{ann}/"),
        format!("/api/database/views/no-such-slug/row/{ann}/"),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, 404, "{path}: {:?}", r.body);
    }

    // With a password, the row needs the token.
    share(&app, a, id, json!({"public_view_password": "open sesame"})).await;
    let r = app.get(&row_path(ann), None).await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let r = get_with_token(&app, &row_path(ann), "forged.token.value").await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let token = unlock(&app, &slug, "open sesame").await;
    let r = get_with_token(&app, &row_path(ann), &token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[format!("field_{name}")], "Ann");
    assert!(r.body.get(format!("field_{secret}")).is_none());

    // A shared form shows no rows.
    let form = create_view(&app, &fx, json!({"name": "Form", "type": "form"})).await;
    share(
        &app,
        a,
        form["id"].as_i64().unwrap(),
        json!({"public": true}),
    )
    .await;
    let r = app
        .get(
            &format!(
                "/api/database/views/{}/row/{ann}/",
                form["slug"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_error(&r, 400, "ERROR_VIEW_DOES_NOT_SUPPORT_LISTING_ROWS");
}

/// Table T (Name, Notes, Active; rows "Linked" and "Other") with a link field "Fruit" to
/// T2, whose rows are Apple, Banana and Cherry with a private note each; "Linked" links
/// to Apple, "Other" to Banana.
struct Orchard {
    fx: crate::helpers::TableFixture,
    t2: i64,
    name: i64,
    fruit: i64,
    t_rows: Vec<i64>,
    fruits: Vec<i64>,
}

async fn orchard(app: &TestApp) -> Orchard {
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let t2 = app.table_fixture_in(&fx).await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let t2_name = app.field_id(&fx.user, t2, "Name").await;
    let t2_notes = app.field_id(&fx.user, t2, "Notes").await;
    let mut fruits = ids_of(&app.rows(&fx.user, t2, "").await.body);
    let r = app
        .post(&format!("/api/database/rows/table/{t2}/"), a, json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    fruits.push(r.body["id"].as_i64().unwrap());
    let items: Vec<Value> = fruits
        .iter()
        .zip(["Apple", "Banana", "Cherry"])
        .map(|(id, n)| {
            json!({"id": id, format!("field_{t2_name}"): n,
                   format!("field_{t2_notes}"): format!("private note of {n}")})
        })
        .collect();
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t2}/batch/"),
            a,
            json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fruit = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Fruit", "type": "link_row", "link_row_table_id": t2, "has_related_field": true}),
        )
        .await;
    let t_rows = ids_of(&app.rows(&fx.user, fx.table, "").await.body);
    let items = json!({"items": [
        {"id": t_rows[0], format!("field_{name}"): "Linked", format!("field_{fruit}"): [fruits[0]]},
        {"id": t_rows[1], format!("field_{name}"): "Other", format!("field_{fruit}"): [fruits[1]]},
    ]});
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            a,
            items,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    Orchard {
        fx,
        t2,
        name,
        fruit,
        t_rows,
        fruits,
    }
}

fn values(listing: &Value) -> Vec<String> {
    listing["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_shared_forms_link_lookup_lists_the_linked_tables_primary_values_only() {
    let app = TestApp::spawn().await;
    let o = orchard(&app).await;
    let a = o.fx.user.access.as_str();
    let form = create_view(&app, &o.fx, json!({"name": "Order", "type": "form"})).await;
    let form_id = form["id"].as_i64().unwrap();
    let slug = form["slug"].as_str().unwrap().to_owned();
    field_options(
        &app,
        a,
        form_id,
        json!({ o.name.to_string(): {"enabled": true}, o.fruit.to_string(): {"enabled": true} }),
    )
    .await;
    let lookup = |field: i64, query: &str| {
        format!("/api/database/views/{slug}/link-row-field-lookup/{field}/{query}")
    };

    // Not shared yet.
    let r = app.get(&lookup(o.fruit, ""), None).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    share(&app, a, form_id, json!({"public": true})).await;

    // Every row of the linked table (a form's visitor makes new links), in order, with
    // its id, primary text and order, and nothing else.
    let r = app.get(&lookup(o.fruit, ""), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 3, "{:?}", r.body);
    assert_eq!(values(&r.body), ["Apple", "Banana", "Cherry"]);
    assert_eq!(ids_of(&r.body), o.fruits);
    for row in r.body["results"].as_array().unwrap() {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "order", "value"], "{row}");
    }
    assert!(
        !r.body.to_string().contains("private note"),
        "another field leaked: {:?}",
        r.body
    );
    assert_eq!(r.body["next"], Value::Null);

    // Search looks in the primary field only; pages are Baserow's.
    let r = app.get(&lookup(o.fruit, "?search=ANA"), None).await;
    assert_eq!(values(&r.body), ["Banana"], "{:?}", r.body);
    let r = app.get(&lookup(o.fruit, "?search=private"), None).await;
    assert_eq!(
        r.body["count"], 0,
        "a hidden field was searched: {:?}",
        r.body
    );
    let r = app.get(&lookup(o.fruit, "?size=2&page=2"), None).await;
    assert_eq!(values(&r.body), ["Cherry"], "{:?}", r.body);
    assert_eq!(r.body["count"], 3);
    assert!(r.body["previous"].is_string(), "{:?}", r.body);
    let r = app.get(&lookup(o.fruit, "?size=201"), None).await;
    assert_error(&r, 400, "ERROR_PAGE_SIZE_LIMIT");
    let r = app.get(&lookup(o.fruit, "?page=x"), None).await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    let r = app.get(&lookup(o.fruit, "?search=a%00b"), None).await;
    assert_eq!(r.status, 400, "{:?}", r.body);

    // Only a link field the form asks for: not a text field, not a link field the form
    // leaves out, not another table's field, not a field that does not exist.
    let hidden_link = app
        .field(
            &o.fx.user,
            o.fx.table,
            json!({"name": "Also fruit", "type": "link_row", "link_row_table_id": o.t2}),
        )
        .await;
    let other_table_link = app
        .field(
            &o.fx.user,
            o.t2,
            json!({"name": "Back", "type": "link_row", "link_row_table_id": o.fx.table}),
        )
        .await;
    for field in [o.name, hidden_link, other_table_link, 999_999] {
        let r = app.get(&lookup(field, ""), None).await;
        assert_error(&r, 404, "ERROR_FIELD_DOES_NOT_EXIST");
    }

    // A link limited to a view of the linked table offers only that view's rows.
    let t2_name = app.field_id(&o.fx.user, o.t2, "Name").await;
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", o.t2),
            Some(a),
            json!({"name": "No cherries", "type": "grid"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let limit_view = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{limit_view}/filters/"),
            Some(a),
            json!({"field": t2_name, "type": "not_equal", "value": "Cherry"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/fields/{}/", o.fruit),
            Some(a),
            json!({"link_row_limit_selection_view_id": limit_view}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get(&lookup(o.fruit, ""), None).await;
    assert_eq!(values(&r.body), ["Apple", "Banana"], "{:?}", r.body);

    // A password protects the lookup too.
    share(
        &app,
        a,
        form_id,
        json!({"public_view_password": "fruit basket"}),
    )
    .await;
    let r = app.get(&lookup(o.fruit, ""), None).await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let token = unlock(&app, &slug, "fruit basket").await;
    let r = get_with_token(&app, &lookup(o.fruit, ""), &token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 2);
}

#[tokio::test]
async fn a_shared_grids_link_lookup_offers_only_rows_its_visible_rows_link_to() {
    let app = TestApp::spawn().await;
    let o = orchard(&app).await;
    let a = o.fx.user.access.as_str();
    let grid = create_view(&app, &o.fx, json!({"name": "Linked only", "type": "grid"})).await;
    let grid_id = grid["id"].as_i64().unwrap();
    let slug = grid["slug"].as_str().unwrap().to_owned();
    share(&app, a, grid_id, json!({"public": true})).await;
    let lookup = format!(
        "/api/database/views/{slug}/link-row-field-lookup/{}/",
        o.fruit
    );

    // Without filters: the rows the view's rows link to (Cherry is linked from none).
    let r = app.get(&lookup, None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(values(&r.body), ["Apple", "Banana"], "{:?}", r.body);

    // The view's filter leaves "Other" out, so Banana, linked from it alone, goes too.
    let r = app
        .post(
            &format!("/api/database/views/{grid_id}/filters/"),
            Some(a),
            json!({"field": o.name, "type": "equal", "value": "Linked"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get(&lookup, None).await;
    assert_eq!(values(&r.body), ["Apple"], "{:?}", r.body);
    assert_eq!(r.body["count"], 1);
    // A row in the trash links no more.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{}/", o.fx.table, o.t_rows[0]),
            Some(a),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.get(&lookup, None).await;
    assert_eq!(r.body["count"], 0, "{:?}", r.body);

    // Hidden in the grid: the field cannot be looked up.
    field_options(
        &app,
        a,
        grid_id,
        json!({ o.fruit.to_string(): {"hidden": true} }),
    )
    .await;
    let r = app.get(&lookup, None).await;
    assert_error(&r, 404, "ERROR_FIELD_DOES_NOT_EXIST");
}
