//! Views: the five types and their settings, order and duplication, filters with groups,
//! sorts, group-bys, field options, the rows a view shows, and the events of each change.

use crate::helpers::{TableFixture, TestApp, assert_error};
use serde_json::{Value, json};

pub(crate) async fn create_view(app: &TestApp, fx: &TableFixture, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/database/views/table/{}/", fx.table),
            Some(&fx.user.access),
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// A table with Name (text), Age (number) and a few people.
pub(crate) async fn people(app: &TestApp) -> (TableFixture, i64, i64) {
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let age = app
        .field(&fx.user, fx.table, json!({"name": "Age", "type": "number"}))
        .await;
    // The two empty default rows go, so the table holds just these.
    let rows = app.rows(&fx.user, fx.table, "").await;
    let ids: Vec<i64> = rows.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    app.post(
        &format!("/api/database/rows/table/{}/batch-delete/", fx.table),
        a,
        json!({"items": ids}),
    )
    .await;
    let items: Vec<Value> = [
        ("Ann", 31),
        ("Bob", 25),
        ("Cid", 40),
        ("Dee", 25),
        ("Eve", 19),
    ]
    .iter()
    .map(|(n, g)| json!({ format!("field_{name}"): n, format!("field_{age}"): g }))
    .collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch/", fx.table),
            a,
            json!({"items": items}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (fx, name, age)
}

pub(crate) fn names(listing: &Value, name: i64) -> Vec<String> {
    listing["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[format!("field_{name}")].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn every_view_type_can_be_created_configured_ordered_duplicated_and_deleted() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let listed = app
        .get(&format!("/api/database/views/table/{}/", fx.table), a)
        .await;
    assert_eq!(
        listed.body[0]["name"], "Grid",
        "a new table has a grid view"
    );
    let select = app
        .field(&fx.user, fx.table, json!({"name": "Stage", "type": "single_select", "select_options": [{"value": "a", "color": "blue"}]}))
        .await;
    let grid = create_view(
        &app,
        &fx,
        json!({"name": "All", "type": "grid", "row_height_size": "large"}),
    )
    .await;
    assert_eq!(
        (grid["type"].clone(), grid["row_height_size"].clone()),
        (json!("grid"), json!("large"))
    );
    assert_eq!(grid["row_identifier_type"], "id");
    assert_eq!(grid["table"]["id"], fx.table);
    assert_eq!(grid["public"], false);
    assert_eq!(grid["slug"].as_str().unwrap().len(), 64);
    let gallery = create_view(&app, &fx, json!({"name": "Cards", "type": "gallery"})).await;
    assert_eq!(gallery["card_cover_image_field"], Value::Null);
    let form = create_view(
        &app,
        &fx,
        json!({"name": "Sign-up", "type": "form", "title": "Join"}),
    )
    .await;
    assert_eq!(
        (form["title"].clone(), form["submit_text"].clone()),
        (json!("Join"), json!("Submit"))
    );
    let kanban = create_view(
        &app,
        &fx,
        json!({"name": "Board", "type": "kanban", "single_select_field": select}),
    )
    .await;
    assert_eq!(kanban["single_select_field"], select);
    let calendar = create_view(&app, &fx, json!({"name": "Dates", "type": "calendar"})).await;
    assert_eq!(calendar["date_field"], Value::Null);

    let path = format!("/api/database/views/table/{}/", fx.table);
    for (body, code) in [
        (
            json!({"name": "x", "type": "timeline"}),
            "ERROR_VIEW_TYPE_DOES_NOT_EXIST",
        ),
        (json!({"type": "grid"}), "ERROR_REQUEST_BODY_VALIDATION"),
        (
            json!({"name": "x\u{0}", "type": "grid"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "grid", "row_height_size": "huge"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "kanban", "single_select_field": 999999}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "grid", "filter_type": "XOR"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "x", "type": "grid", "public_view_password": "short"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
    ] {
        let r = app.post(&path, a, body.clone()).await;
        assert_error(&r, 400, code);
    }

    let id = grid["id"].as_i64().unwrap();
    let r = app
        .patch(&format!("/api/database/views/{id}/"), a, json!({"name": "Everything", "filter_type": "OR", "public": true, "public_view_password": "s3cret-pass"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["name"].clone(), r.body["filter_type"].clone()),
        (json!("Everything"), json!("OR"))
    );
    assert_eq!(
        (
            r.body["public"].clone(),
            r.body["public_view_has_password"].clone()
        ),
        (json!(true), json!(true))
    );
    assert_eq!(
        r.body["row_height_size"], "large",
        "unchanged settings stay"
    );
    let r = app
        .patch(
            &format!("/api/database/views/{id}/"),
            a,
            json!({"public_view_password": ""}),
        )
        .await;
    assert_eq!(r.body["public_view_has_password"], false);
    let old_slug = r.body["slug"].clone();
    let r = app
        .post(
            &format!("/api/database/views/{id}/rotate-slug/"),
            a,
            json!({}),
        )
        .await;
    assert_ne!(r.body["slug"], old_slug);

    // Order: the listed ids go in front in that order.
    let ids: Vec<i64> = [&calendar, &kanban, &form, &gallery, &grid]
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    let r = app
        .post(
            &format!("/api/database/views/table/{}/order/", fx.table),
            a,
            json!({"view_ids": ids}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let listed = app.get(&path, a).await;
    let order: Vec<i64> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(&order[1..], &ids[..]);
    let other = app
        .post(
            &format!("/api/database/views/table/{}/order/", fx.table),
            a,
            json!({"view_ids": [999999]}),
        )
        .await;
    assert_error(&other, 400, "ERROR_VIEW_NOT_IN_TABLE");
    let r = app.get(&format!("{path}?type=form"), a).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);

    // Duplicate copies settings and parts.
    let name_field = app.field_id(&fx.user, fx.table, "Name").await;
    app.post(
        &format!("/api/database/views/{id}/filters/"),
        a,
        json!({"field": name_field, "type": "contains", "value": "a"}),
    )
    .await;
    app.post(
        &format!("/api/database/views/{id}/sortings/"),
        a,
        json!({"field": name_field, "order": "DESC"}),
    )
    .await;
    let copy = app
        .post(
            &format!("/api/database/views/{id}/duplicate/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(copy.status, 200, "{:?}", copy.body);
    assert_eq!(copy.body["name"], "Everything 2");
    assert_eq!(copy.body["filters"][0]["value"], "a");
    assert_eq!(copy.body["sortings"][0]["order"], "DESC");
    assert_eq!(copy.body["public"], false, "a copy is not shared");
    let with = app
        .get(
            &format!("/api/database/views/{id}/?include=filters,sortings,decorations,group_bys"),
            a,
        )
        .await;
    for key in [
        "filters",
        "filter_groups",
        "sortings",
        "decorations",
        "group_bys",
    ] {
        assert!(with.body[key].is_array(), "{key}: {:?}", with.body);
    }
    let without = app.get(&format!("/api/database/views/{id}/"), a).await;
    assert!(without.body.get("filters").is_none());

    // Someone outside the workspace reaches none of it.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app
        .get(&format!("/api/database/views/{id}/"), Some(&bob.access))
        .await;
    assert!(r.status == 404 || r.status == 400, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/views/{id}/"),
            Some(&bob.access),
            json!({"name": "mine"}),
        )
        .await;
    assert!(r.status == 404 || r.status == 400, "{:?}", r.body);

    let r = app.delete(&format!("/api/database/views/{id}/"), a).await;
    assert_eq!(r.status, 204);
    let r = app.get(&format!("/api/database/views/{id}/"), a).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");

    let logged: Vec<String> = app
        .events(fx.table)
        .await
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    for event in [
        "view_created",
        "view_updated",
        "views_reordered",
        "view_filter_created",
        "view_sort_created",
        "view_deleted",
    ] {
        assert!(
            logged.iter().any(|t| t == event),
            "{event} missing from {logged:?}"
        );
    }
}

#[tokio::test]
async fn a_grid_view_shows_rows_through_its_filter_groups_sorts_and_field_options() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "Picked", "type": "grid"})).await;
    let id = view["id"].as_i64().unwrap();

    // Age > 20 AND (Name contains "e" OR Name = "Bob"), sorted by Age descending then Name.
    let r = app
        .post(
            &format!("/api/database/views/{id}/filters/"),
            a,
            json!({"field": age, "type": "higher_than", "value": "20"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["view"].clone(), r.body["group"].clone()),
        (json!(id), Value::Null)
    );
    let group = app
        .post(
            &format!("/api/database/views/{id}/filter-groups/"),
            a,
            json!({"filter_type": "OR"}),
        )
        .await;
    assert_eq!(group.status, 200, "{:?}", group.body);
    let g = group.body["id"].as_i64().unwrap();
    app.post(
        &format!("/api/database/views/{id}/filters/"),
        a,
        json!({"field": name, "type": "contains", "value": "e", "group": g}),
    )
    .await;
    let bob_filter = app
        .post(
            &format!("/api/database/views/{id}/filters/"),
            a,
            json!({"field": name, "type": "equal", "value": "Bob", "group": g}),
        )
        .await;
    app.post(
        &format!("/api/database/views/{id}/sortings/"),
        a,
        json!({"field": age, "order": "DESC"}),
    )
    .await;
    app.post(
        &format!("/api/database/views/{id}/sortings/"),
        a,
        json!({"field": name}),
    )
    .await;
    let grid = app
        .get(
            &format!("/api/database/views/grid/{id}/?include=field_options"),
            a,
        )
        .await;
    assert_eq!(grid.status, 200, "{:?}", grid.body);
    assert_eq!(
        names(&grid.body, name),
        ["Bob", "Dee"],
        "Ann (no e), Cid, Eve (19) are out; the same age goes by name"
    );
    assert_eq!(grid.body["count"], 2);
    assert_eq!(grid.body["field_options"][age.to_string()]["width"], 200);

    // The request's own filters and order replace the view's on the view endpoint…
    let own = app
        .get(&format!("/api/database/views/grid/{id}/?order_by=field_{name}&filters={}", urlencode(&json!({"filter_type": "AND", "filters": [{"field": age, "type": "lower_than", "value": "26"}]}))), a)
        .await;
    assert_eq!(names(&own.body, name), ["Bob", "Dee", "Eve"]);
    // …and combine with them on the rows endpoint's `view_id`.
    let both = app
        .get(&format!("/api/database/rows/table/{}/?view_id={id}&filters={}", fx.table, urlencode(&json!({"filter_type": "AND", "filters": [{"field": name, "type": "equal", "value": "Bob"}]}))), a)
        .await;
    assert_eq!(names(&both.body, name), ["Bob"]);
    let paged = app
        .get(
            &format!("/api/database/views/grid/{id}/?limit=1&offset=1"),
            a,
        )
        .await;
    assert_eq!(names(&paged.body, name), ["Dee"]);

    // Editing a filter, switching filters off, and deleting a group change what shows.
    let fid = bob_filter.body["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/database/views/filter/{fid}/"),
            a,
            json!({"value": "Cid"}),
        )
        .await;
    assert_eq!(r.body["value"], "Cid");
    let grid = app.get(&format!("/api/database/views/grid/{id}/"), a).await;
    assert_eq!(names(&grid.body, name), ["Cid", "Dee"]);
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"filters_disabled": true}),
    )
    .await;
    let grid = app.get(&format!("/api/database/views/grid/{id}/"), a).await;
    assert_eq!(names(&grid.body, name), ["Cid", "Ann", "Bob", "Dee", "Eve"]);
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"filters_disabled": false}),
    )
    .await;
    let r = app
        .delete(&format!("/api/database/views/filter-group/{g}/"), a)
        .await;
    assert_eq!(r.status, 204);
    let filters = app
        .get(&format!("/api/database/views/{id}/filters/"), a)
        .await;
    assert_eq!(
        filters.body.as_array().unwrap().len(),
        1,
        "the group's filters went with it"
    );

    // A filter on a field in the trash is skipped; the view keeps working.
    app.delete(&format!("/api/database/fields/{age}/"), a).await;
    let grid = app.get(&format!("/api/database/views/grid/{id}/"), a).await;
    assert_eq!(grid.status, 200, "{:?}", grid.body);
    assert_eq!(names(&grid.body, name), ["Ann", "Bob", "Cid", "Dee", "Eve"]);
}

#[tokio::test]
async fn view_parts_refuse_what_does_not_fit() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let grid = create_view(&app, &fx, json!({"name": "G", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    let form = create_view(&app, &fx, json!({"name": "F", "type": "form"})).await["id"]
        .as_i64()
        .unwrap();
    let gallery = create_view(&app, &fx, json!({"name": "Y", "type": "gallery"})).await["id"]
        .as_i64()
        .unwrap();
    let active = app.field_id(&fx.user, fx.table, "Active").await;
    let elsewhere = app.table_fixture_in(&fx).await;
    let other_field = app.field_id(&fx.user, elsewhere, "Name").await;
    let cases = [
        (
            format!("/api/database/views/{grid}/filters/"),
            json!({"field": name, "type": "no_such"}),
            400,
            "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
        ),
        (
            format!("/api/database/views/{grid}/filters/"),
            json!({"field": active, "type": "contains", "value": "x"}),
            400,
            "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
        ),
        (
            format!("/api/database/views/{grid}/filters/"),
            json!({"field": other_field, "type": "equal"}),
            400,
            "ERROR_FIELD_NOT_IN_TABLE",
        ),
        (
            format!("/api/database/views/{grid}/filters/"),
            json!({"field": name, "type": "equal", "value": "a\u{0}"}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            format!("/api/database/views/{grid}/filters/"),
            json!({"field": name, "type": "equal", "group": 999999}),
            404,
            "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST",
        ),
        (
            format!("/api/database/views/{form}/filters/"),
            json!({"field": name, "type": "equal"}),
            400,
            "ERROR_VIEW_FILTER_NOT_SUPPORTED",
        ),
        (
            format!("/api/database/views/{form}/sortings/"),
            json!({"field": name}),
            400,
            "ERROR_VIEW_SORT_NOT_SUPPORTED",
        ),
        (
            format!("/api/database/views/{gallery}/group_bys/"),
            json!({"field": name}),
            400,
            "ERROR_VIEW_GROUP_BY_NOT_SUPPORTED",
        ),
        (
            format!("/api/database/views/{grid}/sortings/"),
            json!({"field": name, "order": "UP"}),
            400,
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
    ];
    for (path, body, status, code) in cases {
        let r = app.post(&path, a, body.clone()).await;
        assert_error(&r, status, code);
    }
    let r = app
        .post(
            &format!("/api/database/views/{grid}/sortings/"),
            a,
            json!({"field": age}),
        )
        .await;
    assert_eq!(r.status, 200);
    let again = app
        .post(
            &format!("/api/database/views/{grid}/sortings/"),
            a,
            json!({"field": age}),
        )
        .await;
    assert_error(&again, 400, "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS");
    let group_by = app
        .post(
            &format!("/api/database/views/{grid}/group_bys/"),
            a,
            json!({"field": age, "width": 250}),
        )
        .await;
    assert_eq!(
        (group_by.status, group_by.body["width"].clone()),
        (200, json!(250))
    );
    let listed = app
        .get(&format!("/api/database/views/{grid}/group_bys/"), a)
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let r = app.get("/api/database/views/sort/999999/", a).await;
    assert_error(&r, 404, "ERROR_VIEW_SORT_DOES_NOT_EXIST");
    let r = app.get("/api/database/views/filter/999999/", a).await;
    assert_error(&r, 404, "ERROR_VIEW_FILTER_DOES_NOT_EXIST");
    let r = app
        .get(&format!("/api/database/views/grid/{form}/"), a)
        .await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");

    // Field options: the type's defaults, changed per field, checked.
    let path = format!("/api/database/views/{grid}/field-options/");
    let r = app.get(&path, a).await;
    assert_eq!(
        r.body["field_options"][name.to_string()],
        json!({"width": 200, "hidden": false, "order": 32767, "aggregation_type": "", "aggregation_raw_type": ""})
    );
    let r = app.patch(&path, a, json!({"field_options": {age.to_string(): {"hidden": true, "width": 320, "unknown": 1}}})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["field_options"][age.to_string()]["hidden"], true);
    assert_eq!(r.body["field_options"][age.to_string()]["width"], 320);
    assert!(
        r.body["field_options"][age.to_string()]
            .get("unknown")
            .is_none()
    );
    let r = app
        .patch(
            &path,
            a,
            json!({"field_options": {age.to_string(): {"hidden": "yes"}}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .patch(
            &path,
            a,
            json!({"field_options": {other_field.to_string(): {"hidden": true}}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_NOT_IN_TABLE");
    let form_options = app
        .get(&format!("/api/database/views/{form}/field-options/"), a)
        .await;
    assert_eq!(
        form_options.body["field_options"][name.to_string()]["required"],
        true
    );
    let logged: Vec<String> = app
        .events(fx.table)
        .await
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    assert!(logged.iter().any(|t| t == "view_field_options_updated"));
    assert!(logged.iter().any(|t| t == "view_group_by_created"));
}

fn urlencode(v: &Value) -> String {
    url::form_urlencoded::byte_serialize(v.to_string().as_bytes()).collect()
}

#[tokio::test]
async fn saved_filter_groups_nest_at_most_eight_deep_and_a_view_holds_at_most_200_filters_and_groups()
 {
    let app = TestApp::spawn().await;
    let (fx, name, _) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(
        &app,
        &fx,
        json!({"name": "G", "type": "grid", "public": true}),
    )
    .await;
    let id = view["id"].as_i64().unwrap();
    let groups_path = format!("/api/database/views/{id}/filter-groups/");
    let filters_path = format!("/api/database/views/{id}/filters/");
    let group_count = |app: &TestApp| {
        let db = app.ctx.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM database_view_filter_groups WHERE view_id = $1",
            )
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };

    // Eight levels of groups are fine; a ninth is refused and nothing is saved.
    let mut parent = Value::Null;
    for _ in 0..8 {
        let r = app
            .post(
                &groups_path,
                a,
                json!({"filter_type": "OR", "parent_group": parent}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        parent = r.body["id"].clone();
    }
    let r = app
        .post(&groups_path, a, json!({"parent_group": parent}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["parent_group"][0]["code"], "max_depth");
    assert_eq!(group_count(&app).await, 8);
    // The deepest group takes filters, and the view lists through them.
    let r = app
        .post(
            &filters_path,
            a,
            json!({"field": name, "type": "equal", "value": "Bob", "group": parent}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.get(&format!("/api/database/views/grid/{id}/"), a).await;
    assert_eq!(r.body["count"], 1, "{:?}", r.body);

    // 200 filters and groups together, then no more of either.
    for i in 0..191 {
        let r = app
            .post(
                &filters_path,
                a,
                json!({"field": name, "type": "not_equal", "value": format!("x{i}")}),
            )
            .await;
        assert_eq!(r.status, 200, "filter {i}: {:?}", r.body);
    }
    let r = app
        .post(
            &filters_path,
            a,
            json!({"field": name, "type": "not_equal", "value": "one more"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["non_field_errors"][0]["code"], "max_count");
    let r = app.post(&groups_path, a, json!({})).await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(group_count(&app).await, 8);
    let filters = app.get(&filters_path, a).await;
    assert_eq!(filters.body.as_array().unwrap().len(), 192);
    // Removing one makes room for one.
    let last = filters.body.as_array().unwrap().last().unwrap()["id"].clone();
    let r = app
        .delete(&format!("/api/database/views/filter/{last}/"), a)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.post(&groups_path, a, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // A chain saved deeper before there was a cap answers an error, not rows the deeper
    // filters would hide.
    let deep = create_view(
        &app,
        &fx,
        json!({"name": "Deep", "type": "grid", "public": true}),
    )
    .await;
    let deep_id = deep["id"].as_i64().unwrap();
    let mut parent: Option<i64> = None;
    for _ in 0..9 {
        parent = Some(
            sqlx::query_scalar(
                "INSERT INTO database_view_filter_groups (view_id, filter_type, parent_group_id) \
                 VALUES ($1, 'AND', $2) RETURNING id",
            )
            .bind(deep_id)
            .bind(parent)
            .fetch_one(&app.ctx.db)
            .await
            .unwrap(),
        );
    }
    sqlx::query(
        "INSERT INTO database_view_filters (view_id, field_id, type, value, group_id) \
         VALUES ($1, $2, 'equal', 'Bob', $3)",
    )
    .bind(deep_id)
    .bind(name)
    .bind(parent)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let slug = deep["slug"].as_str().unwrap();
    let r = app
        .get(
            &format!("/api/database/views/grid/{slug}/public/rows/"),
            None,
        )
        .await;
    assert_error(&r, 400, "ERROR_FILTERS_PARAM_VALIDATION_ERROR");
}

#[tokio::test]
async fn a_shared_view_shows_only_its_visible_fields_and_honours_its_password() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let view = create_view(&app, &fx, json!({"name": "Shared", "type": "grid"})).await;
    let id = view["id"].as_i64().unwrap();
    let slug = view["slug"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/database/views/{id}/filters/"),
        a,
        json!({"field": age, "type": "higher_than", "value": "20"}),
    )
    .await;
    app.patch(
        &format!("/api/database/views/{id}/field-options/"),
        a,
        json!({"field_options": {age.to_string(): {"hidden": true}}}),
    )
    .await;
    let rows_path = format!("/api/database/views/grid/{slug}/public/rows/");

    // Not shared yet: nothing to see.
    let r = app.get(&rows_path, None).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public": true}),
    )
    .await;

    let info = app
        .get(&format!("/api/database/views/{slug}/public/info/"), None)
        .await;
    assert_eq!(info.status, 200, "{:?}", info.body);
    let shown: Vec<i64> = info.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_i64().unwrap())
        .collect();
    assert!(shown.contains(&name) && !shown.contains(&age), "{shown:?}");
    assert_eq!(
        info.body["fields"][0]["workspace_id"], 0,
        "internal ids are not shown"
    );
    let r = app.get(&rows_path, None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 4, "the view's filter applies (Eve is 19)");
    for row in r.body["results"].as_array().unwrap() {
        assert!(
            row.get(format!("field_{age}")).is_none(),
            "a hidden field leaked: {row}"
        );
        assert!(row.get(format!("field_{name}")).is_some());
    }
    // The hidden field cannot be probed through filters, sorting or search.
    let probe = urlencode(
        &json!({"filter_type": "AND", "filters": [{"field": age, "type": "equal", "value": "25"}]}),
    );
    let r = app.get(&format!("{rows_path}?filters={probe}"), None).await;
    assert_error(&r, 400, "ERROR_FILTER_FIELD_NOT_FOUND");
    let r = app
        .get(&format!("{rows_path}?order_by=-field_{age}"), None)
        .await;
    assert_error(&r, 400, "ERROR_ORDER_BY_FIELD_NOT_FOUND");
    // A search looks only in the visible fields: a hidden value finds nothing.
    let r = app.get(&format!("{rows_path}?search=25"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["count"], 0,
        "a hidden value was searched: {:?}",
        r.body
    );
    let r = app.get(&format!("{rows_path}?search=bob"), None).await;
    assert_eq!(r.body["count"], 1, "{:?}", r.body);
    let by_name = urlencode(
        &json!({"filter_type": "AND", "filters": [{"field": name, "type": "equal", "value": "Bob"}]}),
    );
    let r = app
        .get(&format!("{rows_path}?filters={by_name}"), None)
        .await;
    assert_eq!(
        r.body["count"], 1,
        "visible fields can be filtered on top of the view's filters"
    );

    // With a password: no token, a wrong one, or a wrong password get nowhere.
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public_view_password": "open sesame"}),
    )
    .await;
    let r = app.get(&rows_path, None).await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let auth_path = format!("/api/database/views/{slug}/public/auth/");
    let r = app
        .post(&auth_path, None, json!({"password": "open sesame!"}))
        .await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let r = app
        .post(&auth_path, None, json!({"password": "open sesame"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let with = |token: &str| {
        app.client()
            .get(format!("{}{rows_path}", app.url))
            .header("Baserow-View-Authorization", format!("JWT {token}"))
    };
    assert_eq!(app.raw(with(&token)).await.status, 200);
    assert_eq!(app.raw(with("forged.token.value")).await.status, 401);
    // A new password ends the old tokens; so does a new slug.
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public_view_password": "another one"}),
    )
    .await;
    assert_eq!(app.raw(with(&token)).await.status, 401);
    app.post(
        &format!("/api/database/views/{id}/rotate-slug/"),
        a,
        json!({}),
    )
    .await;
    let r = app.get(&rows_path, None).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
}

#[tokio::test]
async fn every_row_listing_refuses_a_limit_over_the_page_size_cap() {
    let app = TestApp::spawn().await;
    let (fx, _, _) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let mut paths = vec![(format!("/api/database/rows/table/{}/", fx.table), a)];
    for kind in ["grid", "gallery"] {
        let view = create_view(
            &app,
            &fx,
            json!({"name": kind, "type": kind, "public": true}),
        )
        .await;
        let (id, slug) = (view["id"].as_i64().unwrap(), view["slug"].as_str().unwrap());
        paths.push((format!("/api/database/views/{kind}/{id}/"), a));
        // Anyone with the link: the cap matters most here.
        paths.push((
            format!("/api/database/views/{kind}/{slug}/public/rows/"),
            None,
        ));
    }
    for (path, token) in paths {
        let r = app.get(&format!("{path}?limit=200"), token).await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        assert_eq!(r.body["results"].as_array().unwrap().len(), 5, "{path}");
        for query in [
            "limit=201",
            "limit=1000000&offset=0",
            "limit=18446744073709551615",
        ] {
            let r = app.get(&format!("{path}?{query}"), token).await;
            assert_error(&r, 400, "ERROR_PAGE_SIZE_LIMIT");
            assert_eq!(
                r.body["detail"], "The page size is limited to 200.",
                "{path}"
            );
        }
    }
}

/// A shared view's token re-signed as if issued `age` seconds ago: the same payload and
/// signing key, only the timestamp changes.
fn aged_view_token(app: &TestApp, token: &str, age: i64) -> String {
    use base64::Engine;
    let payload = token.split('.').next().unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    tessera::platform::signing::sign(
        &app.ctx.settings.secret_key,
        "public_view",
        std::str::from_utf8(&payload).unwrap(),
        chrono::Utc::now().timestamp() - age,
    )
}

#[tokio::test]
async fn a_shared_views_password_token_expires_after_a_day() {
    let app = TestApp::spawn().await;
    let (fx, _, _) = people(&app).await;
    let view = create_view(
        &app,
        &fx,
        json!({"name": "Shared", "type": "grid", "public": true, "public_view_password": "open sesame"}),
    )
    .await;
    let slug = view["slug"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{slug}/public/auth/"),
            None,
            json!({"password": "open sesame"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap();
    let rows = |token: String| {
        app.client()
            .get(format!(
                "{}/api/database/views/grid/{slug}/public/rows/",
                app.url
            ))
            .header("Baserow-View-Authorization", format!("JWT {token}"))
    };
    assert_eq!(app.raw(rows(token.to_owned())).await.status, 200);
    // Re-signed a little short of a day ago it still opens the view, so the re-signing
    // itself is sound; a day and a minute ago, it no longer does.
    let r = app
        .raw(rows(aged_view_token(&app, token, 24 * 3600 - 60)))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .raw(rows(aged_view_token(&app, token, 24 * 3600 + 60)))
        .await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let r = app
        .raw(
            app.client()
                .get(format!(
                    "{}/api/database/views/{slug}/public/info/",
                    app.url
                ))
                .header(
                    "Baserow-View-Authorization",
                    format!("JWT {}", aged_view_token(&app, token, 30 * 24 * 3600)),
                ),
        )
        .await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
}

#[tokio::test]
async fn anyone_with_the_link_fills_in_a_shared_form_and_only_enabled_fields_are_taken() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let notes = app.field_id(&fx.user, fx.table, "Notes").await;
    let form = create_view(&app, &fx, json!({"name": "Join", "type": "form", "title": "Join us", "submit_action_message": "Thanks!"})).await;
    let id = form["id"].as_i64().unwrap();
    let slug = form["slug"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/api/database/views/{id}/field-options/"),
        a,
        json!({"field_options": {
            name.to_string(): {"enabled": true, "required": true, "name": "Your name", "order": 1},
            notes.to_string(): {"enabled": true, "required": false, "order": 2}
        }}),
    )
    .await;
    let path = format!("/api/database/views/form/{slug}/submit/");
    let r = app.get(&path, None).await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public": true}),
    )
    .await;

    let page = app.get(&path, None).await;
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(page.body["title"], "Join us");
    let asked: Vec<i64> = page.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        asked,
        [name, notes],
        "enabled fields only, in the form's order"
    );
    assert_eq!(page.body["fields"][0]["name"], "Your name");

    let missing = app
        .post(&path, None, json!({ format!("field_{notes}"): "hi" }))
        .await;
    assert_error(&missing, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert!(
        missing.body["detail"][format!("field_{name}")].is_array(),
        "{:?}",
        missing.body
    );
    let blank = app
        .post(&path, None, json!({ format!("field_{name}"): "  " }))
        .await;
    assert_error(&blank, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let before = app.rows(&fx.user, fx.table, "").await.body["count"]
        .as_i64()
        .unwrap();
    assert_eq!(before, 5, "refused submissions created nothing");

    let sent = app
        .post(&path, None, json!({ format!("field_{name}"): "Zed", format!("field_{notes}"): "hello", format!("field_{age}"): 99 }))
        .await;
    assert_eq!(sent.status, 200, "{:?}", sent.body);
    assert_eq!(
        (
            sent.body["submit_action"].clone(),
            sent.body["submit_action_message"].clone()
        ),
        (json!("MESSAGE"), json!("Thanks!"))
    );
    let row_id = sent.body["row_id"].as_i64().unwrap();
    let row = app
        .get(
            &format!("/api/database/rows/table/{}/{row_id}/", fx.table),
            a,
        )
        .await;
    assert_eq!(row.body[format!("field_{name}")], "Zed");
    assert_eq!(row.body[format!("field_{notes}")], "hello");
    assert_eq!(
        row.body[format!("field_{age}")],
        Value::Null,
        "a field the form does not ask for is ignored"
    );
    let logged: Vec<String> = app
        .events(fx.table)
        .await
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    assert_eq!(logged.last().map(String::as_str), Some("rows_created"));

    // A password protects the form too; a grid's slug is no form.
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public_view_password": "form pass 1"}),
    )
    .await;
    let r = app
        .post(&path, None, json!({ format!("field_{name}"): "Amy" }))
        .await;
    assert_error(&r, 401, "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW");
    let grid = create_view(
        &app,
        &fx,
        json!({"name": "G", "type": "grid", "public": true}),
    )
    .await;
    let r = app
        .get(
            &format!(
                "/api/database/views/form/{}/submit/",
                grid["slug"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_error(&r, 404, "ERROR_VIEW_DOES_NOT_EXIST");
}

#[tokio::test]
async fn a_forms_redirect_url_is_only_ever_an_http_or_https_url() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let key = "submit_action_redirect_url";
    let views = format!("/api/database/views/table/{}/", fx.table);
    let create = |url: &str| {
        app.post(
            &views,
            a,
            json!({"name": "F", "type": "form", "submit_action": "REDIRECT", key: url}),
        )
    };
    let r = create("javascript:alert(document.cookie)").await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"][key][0]["code"], "invalid");
    let forms = |body: &Value| {
        body.as_array()
            .unwrap()
            .iter()
            .filter(|v| v["type"] == "form")
            .count()
    };
    assert_eq!(
        forms(&app.get(&views, a).await.body),
        0,
        "nothing was created"
    );

    let r = create("https://example.com/thanks").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let slug = r.body["slug"].as_str().unwrap().to_owned();
    for bad in [
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/",
        "//evil.example/",
    ] {
        let r = app
            .patch(
                &format!("/api/database/views/{id}/"),
                a,
                json!({ key: bad }),
            )
            .await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = app.get(&format!("/api/database/views/{id}/"), a).await;
    assert_eq!(
        r.body[key], "https://example.com/thanks",
        "refusals change nothing"
    );
    app.patch(
        &format!("/api/database/views/{id}/"),
        a,
        json!({"public": true}),
    )
    .await;
    let submit = format!("/api/database/views/form/{slug}/submit/");
    let r = app.post(&submit, None, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[key], "https://example.com/thanks");

    // A value saved before URLs were checked is never handed out.
    sqlx::query(
        "UPDATE database_views SET options = options || jsonb_build_object($2::text, $3::text) \
         WHERE id = $1",
    )
    .bind(id)
    .bind(key)
    .bind("javascript:alert(document.cookie)")
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let r = app.post(&submit, None, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[key], "");
    assert_eq!(app.get(&submit, None).await.body[key], "");
    let info = app
        .get(&format!("/api/database/views/{slug}/public/info/"), None)
        .await;
    assert_eq!(info.body["view"][key], "");
    assert_eq!(
        app.get(&format!("/api/database/views/{id}/"), a).await.body[key],
        ""
    );
}

#[tokio::test]
async fn a_kanban_view_lists_rows_per_select_option_through_its_filters() {
    let app = TestApp::spawn().await;
    let (fx, name, age) = people(&app).await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/fields/table/{}/", fx.table),
            a,
            json!({"name": "Stage", "type": "single_select", "select_options": [{"value": "todo", "color": "blue"}, {"value": "done", "color": "green"}]}),
        )
        .await;
    let stage = r.body["id"].as_i64().unwrap();
    let todo = r.body["select_options"][0]["id"].as_i64().unwrap();
    let done = r.body["select_options"][1]["id"].as_i64().unwrap();
    let rows = app.rows(&fx.user, fx.table, "").await;
    let ids: Vec<i64> = rows.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // Ann, Bob: todo; Cid: done; Dee, Eve: none.
    let items: Vec<Value> = [
        (ids[0], Some(todo)),
        (ids[1], Some(todo)),
        (ids[2], Some(done)),
    ]
    .iter()
    .map(|(id, o)| json!({"id": id, format!("field_{stage}"): o}))
    .collect();
    app.patch(
        &format!("/api/database/rows/table/{}/batch/", fx.table),
        a,
        json!({"items": items}),
    )
    .await;
    let board = create_view(
        &app,
        &fx,
        json!({"name": "Board", "type": "kanban", "single_select_field": stage}),
    )
    .await;
    let id = board["id"].as_i64().unwrap();
    let r = app
        .get(&format!("/api/database/views/kanban/{id}/"), a)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["rows"][todo.to_string()]["count"], 2);
    assert_eq!(r.body["rows"][done.to_string()]["count"], 1);
    assert_eq!(r.body["rows"]["null"]["count"], 2);
    // The view's filters apply to every column; one column can be paged on its own.
    app.post(
        &format!("/api/database/views/{id}/filters/"),
        a,
        json!({"field": age, "type": "higher_than", "value": "26"}),
    )
    .await;
    let r = app
        .get(
            &format!("/api/database/views/kanban/{id}/?select_option={todo},1,0"),
            a,
        )
        .await;
    let column = &r.body["rows"][todo.to_string()];
    assert_eq!(column["count"], 1, "only Ann is over 26");
    assert_eq!(column["results"][0][format!("field_{name}")], "Ann");
    assert!(
        r.body["rows"].get("null").is_none(),
        "only the asked column"
    );
    // A grid is no kanban; a kanban without its field says so.
    let grid = create_view(&app, &fx, json!({"name": "G", "type": "grid"})).await["id"]
        .as_i64()
        .unwrap();
    assert_error(
        &app.get(&format!("/api/database/views/kanban/{grid}/"), a)
            .await,
        404,
        "ERROR_VIEW_DOES_NOT_EXIST",
    );
    let bare = create_view(&app, &fx, json!({"name": "Empty board", "type": "kanban"})).await["id"]
        .as_i64()
        .unwrap();
    assert_error(
        &app.get(&format!("/api/database/views/kanban/{bare}/"), a)
            .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
}

#[tokio::test]
async fn simultaneous_changes_to_one_view_both_stay() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let form = create_view(&app, &fx, json!({"name": "F", "type": "form"})).await;
    let path = format!("/api/database/views/{}/", form["id"]);
    // Each round changes two settings at once from two requests; without the view locked
    // for the update, one often starts from the settings before the other's change.
    for round in 0..10 {
        let (title, description) = (format!("Title {round}"), format!("About {round}"));
        let (r1, r2) = tokio::join!(
            app.patch(&path, a, json!({"title": title})),
            app.patch(&path, a, json!({"description": description})),
        );
        assert_eq!(
            (r1.status, r2.status),
            (200, 200),
            "{:?} {:?}",
            r1.body,
            r2.body
        );
        let now = app.get(&path, a).await.body;
        assert_eq!(
            (now["title"].as_str(), now["description"].as_str()),
            (Some(title.as_str()), Some(description.as_str())),
            "round {round}"
        );
    }
}

#[tokio::test]
async fn a_shared_views_token_is_refused_by_member_and_workspace_endpoints() {
    let app = TestApp::spawn().await;
    let (fx, _, _) = people(&app).await;
    let view = create_view(
        &app,
        &fx,
        json!({"name": "Shared", "type": "grid", "public": true, "public_view_password": "open sesame"}),
    )
    .await;
    let slug = view["slug"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{slug}/public/auth/"),
            None,
            json!({"password": "open sesame"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let workspace = fx.workspace_id(&app).await;
    let t = fx.table;
    let view_id = view["id"].as_i64().unwrap();
    // What a member may do, asked with the view's token in each header a client could
    // put it in: none of it answers.
    let calls = [
        ("GET", "/api/workspaces/".to_owned(), None),
        (
            "GET",
            format!("/api/workspaces/users/workspace/{workspace}/"),
            None,
        ),
        (
            "POST",
            format!("/api/workspaces/invitations/workspace/{workspace}/"),
            Some(json!({"email": "eve@x.io", "permissions": "ADMIN", "base_url": app.url})),
        ),
        ("GET", format!("/api/database/rows/table/{t}/"), None),
        (
            "POST",
            format!("/api/database/rows/table/{t}/"),
            Some(json!({})),
        ),
        ("GET", format!("/api/database/views/{view_id}/"), None),
        ("GET", format!("/api/database/fields/table/{t}/"), None),
        ("GET", "/api/database/tokens/".to_owned(), None),
        ("GET", "/api/user/dashboard/".to_owned(), None),
    ];
    for (method, path, body) in &calls {
        for header in [
            ("Authorization", format!("JWT {token}")),
            ("Authorization", format!("Bearer {token}")),
            ("Authorization", format!("Token {token}")),
            ("Baserow-View-Authorization", format!("JWT {token}")),
        ] {
            let mut req = app
                .client()
                .request(method.parse().unwrap(), format!("{}{path}", app.url))
                .header(header.0, &header.1);
            if let Some(body) = body {
                req = req.json(body);
            }
            let r = app.raw(req).await;
            assert_eq!(
                r.status, 401,
                "{method} {path} with {}: {:?}",
                header.0, r.body
            );
        }
    }
    // Nothing was changed by the attempts.
    let invited: i64 = sqlx::query_scalar("SELECT count(*) FROM workspace_invitations")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(invited, 0);
    // The token still opens the view it was given for.
    let r = app
        .raw(
            app.client()
                .get(format!(
                    "{}/api/database/views/grid/{slug}/public/rows/",
                    app.url
                ))
                .header("Baserow-View-Authorization", format!("JWT {token}")),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
