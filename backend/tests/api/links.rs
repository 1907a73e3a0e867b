//! Link fields: a relation table per link, the related field in the other table, values
//! written by id or primary text, changes seen from both sides, filters, sorts, search,
//! trash and conversions.

use crate::helpers::*;
use serde_json::{Value, json};

/// Two tables of one database; B's rows are "Ann" and "Bob". Returns (A, B, A's rows, B's rows).
struct Linked {
    fx: TableFixture,
    a: i64,
    b: i64,
    a_rows: Vec<i64>,
    b_rows: Vec<i64>,
    name_b: String,
}

async fn create_row(app: &TestApp, fx: &TableFixture, table: i64, body: Value) -> i64 {
    let r = app
        .post(
            &format!("/api/database/rows/table/{table}/?user_field_names=true"),
            Some(&fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn linked(app: &TestApp) -> Linked {
    let fx = app.table_fixture().await;
    let (a, b) = (fx.table, app.table_fixture_in(&fx).await);
    let name_b = format!("field_{}", app.field_id(&fx.user, b, "Name").await);
    let mut b_rows = Vec::new();
    for name in ["Ann", "Bob"] {
        b_rows.push(create_row(app, &fx, b, json!({"Name": name})).await);
    }
    let mut a_rows = Vec::new();
    for name in ["x", "y"] {
        a_rows.push(create_row(app, &fx, a, json!({"Name": name})).await);
    }
    Linked {
        fx,
        a,
        b,
        a_rows,
        b_rows,
        name_b,
    }
}

async fn row(app: &TestApp, l: &Linked, table: i64, id: i64) -> Value {
    let r = app
        .get(
            &format!("/api/database/rows/table/{table}/{id}/"),
            Some(&l.fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

async fn patch(
    app: &TestApp,
    l: &Linked,
    table: i64,
    id: i64,
    body: Value,
) -> crate::helpers::Resp {
    app.patch(
        &format!("/api/database/rows/table/{table}/{id}/"),
        Some(&l.fx.user.access),
        body,
    )
    .await
}

fn ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect()
}

/// Creates "People" in A linking to B with a related field; returns (field, related).
async fn people(app: &TestApp, l: &Linked) -> (i64, i64) {
    let r = app
        .post(
            &format!("/api/database/fields/table/{}/", l.a),
            Some(&l.fx.user.access),
            json!({"name": "People", "type": "link_row", "link_row_table_id": l.b, "has_related_field": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["link_row_table_id"], l.b);
    assert_eq!(r.body["link_row_table"], l.b);
    assert_eq!(r.body["link_row_multiple_relationships"], true);
    assert_eq!(r.body["link_row_table_primary_field"]["name"], "Name");
    assert!(r.body.get("link_row_relation_id").is_none());
    let related = r.body["link_row_related_field_id"]
        .as_i64()
        .expect("related field");
    assert_eq!(r.body["related_fields"][0]["id"], related);
    assert_eq!(r.body["related_fields"][0]["table_id"], l.b);
    assert_eq!(r.body["related_fields"][0]["link_row_table_id"], l.a);
    assert_eq!(r.body["related_fields"][0]["name"], "T");
    (r.body["id"].as_i64().unwrap(), related)
}

#[tokio::test]
async fn links_are_written_by_id_or_name_and_read_from_both_sides() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let (people, related) = people(&app, &l).await;
    let key = format!("field_{people}");
    let back = format!("field_{related}");
    let (ann, bob) = (l.b_rows[0], l.b_rows[1]);

    let r = patch(&app, &l, l.a, l.a_rows[0], json!({&key: ["Bob"]})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key][0]["id"], bob);
    assert_eq!(r.body[&key][0]["value"], "Bob");
    let order = r.body[&key][0]["order"].as_str().unwrap().to_owned();
    assert_eq!(
        order,
        row(&app, &l, l.b, bob).await["order"].as_str().unwrap()
    );
    assert_eq!(
        ids(&row(&app, &l, l.b, bob).await[&back]),
        vec![l.a_rows[0]]
    );
    assert_eq!(row(&app, &l, l.b, bob).await[&back][0]["value"], "x");

    // Ids keep the order given; a comma-separated text and one id work too.
    let r = patch(&app, &l, l.a, l.a_rows[0], json!({&key: [bob, ann, bob]})).await;
    assert_eq!(ids(&r.body[&key]), vec![bob, ann]);
    let r = patch(&app, &l, l.a, l.a_rows[1], json!({&key: "Ann, Bob"})).await;
    assert_eq!(ids(&r.body[&key]), vec![ann, bob]);
    let r = patch(&app, &l, l.a, l.a_rows[1], json!({&key: ann})).await;
    assert_eq!(ids(&r.body[&key]), vec![ann]);
    assert_eq!(
        ids(&row(&app, &l, l.b, bob).await[&back]),
        vec![l.a_rows[0]]
    );
    assert_eq!(
        ids(&row(&app, &l, l.b, ann).await[&back]),
        vec![l.a_rows[0], l.a_rows[1]]
    );

    // Writing from the other side changes this one.
    let r = patch(&app, &l, l.b, bob, json!({&back: []})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ids(&row(&app, &l, l.a, l.a_rows[0]).await[&key]), vec![ann]);

    // Unknown ids or texts, mixed kinds: 400 and nothing changes.
    for bad in [
        json!(["Nobody"]),
        json!([999_999]),
        json!(["Bob", 1]),
        json!([ann, 999_999]),
    ] {
        let r = patch(&app, &l, l.a, l.a_rows[0], json!({&key: bad})).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
        assert!(r.body["detail"][&key].is_array(), "{:?}", r.body);
    }
    assert_eq!(ids(&row(&app, &l, l.a, l.a_rows[0]).await[&key]), vec![ann]);

    // A new row with links, by field names, in a batch.
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch/?user_field_names=true", l.a),
            Some(&l.fx.user.access),
            json!({"items": [{"Name": "z", "People": ["Ann", "Bob"]}, {"Name": "w", "People": [bob]}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ids(&r.body["items"][0]["People"]), vec![ann, bob]);
    let z = r.body["items"][0]["id"].as_i64().unwrap();
    let w = r.body["items"][1]["id"].as_i64().unwrap();
    assert_eq!(ids(&row(&app, &l, l.b, bob).await[&back]), vec![z, w]);

    // One relationship only.
    let r = app
        .patch(
            &format!("/api/database/fields/{people}/"),
            Some(&l.fx.user.access),
            json!({"link_row_multiple_relationships": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = patch(&app, &l, l.a, l.a_rows[0], json!({&key: [ann, bob]})).await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
}

#[tokio::test]
async fn the_other_side_sees_renames_deletes_and_restores_as_rows_updated() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let (people, related) = people(&app, &l).await;
    let key = format!("field_{people}");
    let bob = l.b_rows[1];
    patch(&app, &l, l.a, l.a_rows[0], json!({&key: [bob]})).await;
    // The link itself announced B's row as updated (before its history entry).
    let events = app.events(l.b).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0]["id"], bob);
    assert_eq!(
        ids(&payload["rows"][0][format!("field_{related}")]),
        vec![l.a_rows[0]]
    );
    assert_eq!(
        payload["rows_before_update"][0][format!("field_{related}")],
        json!([])
    );

    // Renaming Bob shows in A at once, announced in A.
    let r = patch(&app, &l, l.b, bob, json!({&l.name_b: "Robert"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        row(&app, &l, l.a, l.a_rows[0]).await[&key][0]["value"],
        "Robert"
    );
    let events = app.events(l.a).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows_before_update"][0][&key][0]["value"], "Bob");
    assert_eq!(payload["rows"][0][&key][0]["value"], "Robert");

    // Deleting Bob drops him from A's value; restoring him brings him back.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{}/{bob}/", l.b),
            Some(&l.fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(row(&app, &l, l.a, l.a_rows[0]).await[&key], json!([]));
    let events = app.events(l.a).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"][0][&key], json!([]));
    let workspace = l.fx.workspace_id(&app).await;
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&l.fx.user.access),
            json!({"trash_item_type": "row", "trash_item_id": bob, "parent_trash_item_id": l.b, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(ids(&row(&app, &l, l.a, l.a_rows[0]).await[&key]), vec![bob]);
}

async fn listed(app: &TestApp, user: &Session, table: i64, query: &str) -> Vec<i64> {
    let r = app.rows(user, table, query).await;
    assert_eq!(r.status, 200, "{query}: {:?}", r.body);
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn link_fields_filter_sort_and_search() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let (people, _) = people(&app, &l).await;
    let key = format!("field_{people}");
    let (ann, bob) = (l.b_rows[0], l.b_rows[1]);
    patch(&app, &l, l.a, l.a_rows[0], json!({&key: [bob]})).await;
    patch(&app, &l, l.a, l.a_rows[1], json!({&key: [ann]})).await;
    let u = &l.fx.user;
    let found = listed(&app, u, l.a, &format!("filter__{key}__link_row_has={bob}")).await;
    assert_eq!(found, vec![l.a_rows[0]]);
    let found = listed(
        &app,
        u,
        l.a,
        &format!("filter__{key}__link_row_has_not={bob}"),
    )
    .await;
    assert!(found.contains(&l.a_rows[1]) && !found.contains(&l.a_rows[0]));
    let found = listed(
        &app,
        u,
        l.a,
        &format!("filter__{key}__link_row_contains=nn"),
    )
    .await;
    assert_eq!(found, vec![l.a_rows[1]]);
    let found = listed(
        &app,
        u,
        l.a,
        &format!("filter__{key}__link_row_not_contains=nn"),
    )
    .await;
    assert!(found.contains(&l.a_rows[0]) && !found.contains(&l.a_rows[1]));
    let found = listed(&app, u, l.a, &format!("filter__{key}__empty=")).await;
    assert!(!found.contains(&l.a_rows[0]) && !found.contains(&l.a_rows[1]));
    let found = listed(&app, u, l.a, &format!("filter__{key}__not_empty=")).await;
    assert_eq!(found, vec![l.a_rows[0], l.a_rows[1]]);
    let found = listed(&app, u, l.a, "search=Bob").await;
    assert_eq!(found, vec![l.a_rows[0]]);
    let found = listed(
        &app,
        u,
        l.a,
        &format!("order_by={key}&filter__{key}__not_empty="),
    )
    .await;
    assert_eq!(found, vec![l.a_rows[1], l.a_rows[0]]);
    let found = listed(
        &app,
        u,
        l.a,
        &format!("order_by=-{key}&filter__{key}__not_empty="),
    )
    .await;
    assert_eq!(found, vec![l.a_rows[0], l.a_rows[1]]);
}

#[tokio::test]
async fn deleting_a_link_trashes_its_related_field_and_restoring_brings_both() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let (people, related) = people(&app, &l).await;
    patch(
        &app,
        &l,
        l.a,
        l.a_rows[0],
        json!({format!("field_{people}"): [l.b_rows[0]]}),
    )
    .await;
    let r = app
        .delete(
            &format!("/api/database/fields/{people}/"),
            Some(&l.fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["related_fields"][0]["id"], related);
    let r = app
        .get(
            &format!("/api/database/fields/{related}/"),
            Some(&l.fx.user.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_FIELD_DOES_NOT_EXIST");
    assert!(
        row(&app, &l, l.b, l.b_rows[0])
            .await
            .get(format!("field_{related}"))
            .is_none()
    );
    let workspace = l.fx.workspace_id(&app).await;
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&l.fx.user.access),
            json!({"trash_item_type": "field", "trash_item_id": people, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        ids(&row(&app, &l, l.b, l.b_rows[0]).await[format!("field_{related}")]),
        vec![l.a_rows[0]]
    );
}

#[tokio::test]
async fn link_fields_are_refused_across_databases_as_primary_and_on_themselves_with_a_related_field()
 {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let create = |table: i64, body: Value| {
        let app = &app;
        let token = l.fx.user.access.clone();
        async move {
            app.post(
                &format!("/api/database/fields/table/{table}/"),
                Some(&token),
                body,
            )
            .await
        }
    };
    let r = create(l.a, json!({"name": "L", "type": "link_row"})).await;
    assert_error(&r, 400, "ERROR_LINK_ROW_TABLE_NOT_PROVIDED");
    // Another user's table in another workspace is out of reach, and says nothing of it.
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let ws = app.workspace(&eve, "E").await;
    let db = app.database(&eve, ws).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{db}/"),
            Some(&eve.access),
            json!({"name": "Secret"}),
        )
        .await;
    let secret = r.body["id"].as_i64().unwrap();
    let r = create(
        l.a,
        json!({"name": "L", "type": "link_row", "link_row_table_id": secret}),
    )
    .await;
    assert_error(&r, 400, "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE");
    let r = app
        .post(
            &format!("/api/database/fields/table/{secret}/"),
            Some(&eve.access),
            json!({"name": "L", "type": "link_row", "link_row_table_id": l.b}),
        )
        .await;
    assert_error(&r, 400, "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE");
    let r = create(l.a, json!({"name": "L", "type": "link_row", "link_row_table_id": l.a, "has_related_field": true})).await;
    assert_error(
        &r,
        400,
        "ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD",
    );
    let name_a = app.field_id(&l.fx.user, l.a, "Name").await;
    let r = app
        .patch(
            &format!("/api/database/fields/{name_a}/"),
            Some(&l.fx.user.access),
            json!({"type": "link_row", "link_row_table_id": l.b}),
        )
        .await;
    assert_error(&r, 400, "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE");
    // A self-link, without a related field.
    let r = create(
        l.a,
        json!({"name": "Parent", "type": "link_row", "link_row_table_id": l.a}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["link_row_related_field_id"], Value::Null);
    let key = format!("field_{}", r.body["id"]);
    let r = patch(&app, &l, l.a, l.a_rows[0], json!({&key: ["y"]})).await;
    assert_eq!(ids(&r.body[&key]), vec![l.a_rows[1]]);
    assert_eq!(r.body[&key][0]["value"], "y");
}

#[tokio::test]
async fn text_converts_to_links_by_primary_text_and_back() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let notes = app.field_id(&l.fx.user, l.a, "Notes").await;
    let key = format!("field_{notes}");
    patch(
        &app,
        &l,
        l.a,
        l.a_rows[0],
        json!({&key: "Bob, Ann, Nobody"}),
    )
    .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{notes}/"),
            Some(&l.fx.user.access),
            json!({"type": "link_row", "link_row_table_id": l.b}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["related_fields"][0]["table_id"], l.b);
    assert_eq!(
        ids(&row(&app, &l, l.a, l.a_rows[0]).await[&key]),
        vec![l.b_rows[1], l.b_rows[0]]
    );
    let related = r.body["link_row_related_field_id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/database/fields/{notes}/"),
            Some(&l.fx.user.access),
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(row(&app, &l, l.a, l.a_rows[0]).await[&key], "Bob, Ann");
    let r = app
        .get(
            &format!("/api/database/fields/{related}/"),
            Some(&l.fx.user.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_FIELD_DOES_NOT_EXIST");
}

#[tokio::test]
async fn a_duplicated_table_keeps_its_links_in_relations_of_its_own() {
    let app = TestApp::spawn().await;
    let l = linked(&app).await;
    let (people, related) = people(&app, &l).await;
    let (ann, bob) = (l.b_rows[0], l.b_rows[1]);
    patch(
        &app,
        &l,
        l.a,
        l.a_rows[0],
        json!({format!("field_{people}"): [bob, ann]}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/database/fields/table/{}/", l.a),
            Some(&l.fx.user.access),
            json!({"name": "Parent", "type": "link_row", "link_row_table_id": l.a}),
        )
        .await;
    let parent = r.body["id"].as_i64().unwrap();
    patch(
        &app,
        &l,
        l.a,
        l.a_rows[0],
        json!({format!("field_{parent}"): [l.a_rows[1]]}),
    )
    .await;
    let user = Some(l.fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/tables/{}/duplicate/async/", l.a),
            user,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    let mut finished = json!(null);
    for _ in 0..100 {
        let j = app.get(&format!("/api/jobs/{job}/"), user).await.body;
        if j["state"] == "finished" || j["state"] == "failed" {
            finished = j;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(finished["state"], "finished", "{finished}");
    let copy = finished["duplicated_table"]["id"].as_i64().unwrap();
    let copy_people = app.field_id(&l.fx.user, copy, "People").await;
    let copy_parent = app.field_id(&l.fx.user, copy, "Parent").await;
    let copied = row(&app, &l, copy, l.a_rows[0]).await;
    assert_eq!(ids(&copied[format!("field_{copy_people}")]), vec![bob, ann]);
    assert_eq!(
        ids(&copied[format!("field_{copy_parent}")]),
        vec![l.a_rows[1]]
    );
    let field = app
        .get(&format!("/api/database/fields/{copy_parent}/"), user)
        .await
        .body;
    assert_eq!(
        field["link_row_table_id"], copy,
        "a self-link links the copy"
    );
    // The copy's links are its own: changing them leaves the original's alone.
    patch(
        &app,
        &l,
        copy,
        l.a_rows[0],
        json!({format!("field_{copy_people}"): []}),
    )
    .await;
    let original = row(&app, &l, l.a, l.a_rows[0]).await;
    assert_eq!(ids(&original[format!("field_{people}")]), vec![bob, ann]);
    // B got a second related field, for the copy, and still shows the original's link.
    let copy_related = app
        .get(&format!("/api/database/fields/{copy_people}/"), user)
        .await
        .body["link_row_related_field_id"]
        .as_i64()
        .unwrap();
    assert_ne!(copy_related, related);
    let b_bob = row(&app, &l, l.b, bob).await;
    assert_eq!(ids(&b_bob[format!("field_{related}")]), vec![l.a_rows[0]]);
    assert_eq!(b_bob[format!("field_{copy_related}")], json!([]));
}
