//! Duplicating a table (its views come along, mapped to the copy's fields) and a whole
//! database (`POST /api/applications/{id}/duplicate/async/`, a `duplicate_application` job).

use crate::helpers::{
    Resp, Session, TableFixture, TestApp, assert_error, finished_job as finished,
};
use serde_json::{Value, json};

/// A request from the tab `s1` (its undo stack).
async fn from_tab(
    app: &TestApp,
    user: &Session,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Resp {
    let req = app
        .client()
        .request(method, format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {}", user.access))
        .header("ClientSessionId", "s1")
        .json(&body);
    app.raw(req).await
}

async fn ok(r: Resp) -> Value {
    assert!(
        r.status == 200 || r.status == 202,
        "{} {:?}",
        r.status,
        r.body
    );
    r.body
}

async fn views_of(app: &TestApp, user: &Session, table: i64) -> Vec<Value> {
    app.get(
        &format!(
            "/api/database/views/table/{table}/?include=filters,sortings,decorations,group_bys"
        ),
        Some(&user.access),
    )
    .await
    .body
    .as_array()
    .cloned()
    .unwrap_or_default()
}

async fn field_options(app: &TestApp, user: &Session, view: i64) -> Value {
    app.get(
        &format!("/api/database/views/{view}/field-options/"),
        Some(&user.access),
    )
    .await
    .body["field_options"]
        .clone()
}

/// Field name → id of a table.
async fn fields_by_name(app: &TestApp, user: &Session, table: i64) -> Vec<(String, Value)> {
    app.get(
        &format!("/api/database/fields/table/{table}/"),
        Some(&user.access),
    )
    .await
    .body
    .as_array()
    .unwrap()
    .iter()
    .map(|f| (f["name"].as_str().unwrap().to_owned(), f.clone()))
    .collect()
}

fn named<'a>(fields: &'a [(String, Value)], name: &str) -> &'a Value {
    &fields.iter().find(|(n, _)| n == name).unwrap().1
}

fn by_name<'a>(views: &'a [Value], name: &str) -> &'a Value {
    views.iter().find(|v| v["name"] == name).unwrap()
}

/// A table with a select and a number field and views of every kind using them.
struct Viewed {
    fx: TableFixture,
    color: i64,
    red: i64,
    blue: i64,
    num: i64,
    grid: i64,
}

async fn viewed_table(app: &TestApp) -> Viewed {
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let color = app
        .field(&fx.user, t, json!({"name": "Color", "type": "single_select",
            "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]}))
        .await;
    let num = app
        .field(&fx.user, t, json!({"name": "Num", "type": "number"}))
        .await;
    let options = app
        .get(&format!("/api/database/fields/{color}/"), a)
        .await
        .body["select_options"]
        .clone();
    let (red, blue) = (
        options[0]["id"].as_i64().unwrap(),
        options[1]["id"].as_i64().unwrap(),
    );
    let grid = views_of(app, &fx.user, t).await[0]["id"].as_i64().unwrap();
    let base = format!("/api/database/views/{grid}");
    let group = ok(app
        .post(
            &format!("{base}/filter-groups/"),
            a,
            json!({"filter_type": "OR"}),
        )
        .await)
    .await;
    let g = group["id"].as_i64().unwrap();
    ok(app.post(&format!("{base}/filters/"), a,
        json!({"field": color, "type": "single_select_is_any_of", "value": format!("{red},{blue}"), "group": g})).await).await;
    ok(app
        .post(
            &format!("{base}/filters/"),
            a,
            json!({"field": num, "type": "higher_than", "value": "3"}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("{base}/sortings/"),
            a,
            json!({"field": num, "order": "DESC"}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("{base}/group_bys/"),
            a,
            json!({"field": color, "order": "ASC"}),
        )
        .await)
    .await;
    ok(app.patch(&format!("{base}/field-options/"), a, json!({"field_options": {
        num.to_string(): {"width": 321, "aggregation_type": "sum", "aggregation_raw_type": "sum"},
        color.to_string(): {"hidden": true},
    }})).await).await;
    ok(app
        .post(
            &format!("{base}/decorations/"),
            a,
            json!({"type": "left_border_color",
        "value_provider_type": "single_select_color", "value_provider_conf": {"field_id": color}}),
        )
        .await)
    .await;
    ok(app.post(&format!("{base}/decorations/"), a, json!({"type": "background_color",
        "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
            {"id": "c1", "color": "red", "filters": [
                {"id": "f1", "field": color, "type": "single_select_equal", "value": red.to_string()}]}]}})).await).await;
    ok(app
        .patch(
            &format!("{base}/"),
            a,
            json!({"public": true, "public_view_password": "secret-pass"}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Board", "type": "kanban", "single_select_field": color}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Cal", "type": "calendar", "ical_public": true}),
        )
        .await)
    .await;
    let form = ok(app
        .post(
            &format!("/api/database/views/table/{t}/"),
            a,
            json!({"name": "Form", "type": "form"}),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();
    ok(app.patch(&format!("/api/database/views/{form}/field-options/"), a, json!({"field_options": {
        color.to_string(): {"enabled": true},
        num.to_string(): {"enabled": true, "show_when_matching_conditions": true,
            "conditions": [{"field": color, "type": "single_select_equal", "value": blue.to_string()}]},
    }})).await).await;
    Viewed {
        fx,
        color,
        red,
        blue,
        num,
        grid,
    }
}

#[tokio::test]
async fn a_duplicated_table_keeps_its_views_mapped_to_the_copys_fields() {
    let app = TestApp::spawn().await;
    let v = viewed_table(&app).await;
    let user = &v.fx.user;
    let before = views_of(&app, user, v.fx.table).await;
    let r = from_tab(
        &app,
        user,
        reqwest::Method::POST,
        &format!("/api/database/tables/{}/duplicate/async/", v.fx.table),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let job = finished(&app, user, r.body["id"].as_i64().unwrap()).await;
    let copy = job["duplicated_table"]["id"].as_i64().unwrap();
    let fields = fields_by_name(&app, user, copy).await;
    let color = named(&fields, "Color")["id"].as_i64().unwrap();
    let num = named(&fields, "Num")["id"].as_i64().unwrap();
    assert_ne!(color, v.color);
    let options = &named(&fields, "Color")["select_options"];
    let (red, blue) = (
        options[0]["id"].as_i64().unwrap(),
        options[1]["id"].as_i64().unwrap(),
    );
    assert_ne!((red, blue), (v.red, v.blue));

    let views = views_of(&app, user, copy).await;
    let names = |vs: &[Value]| {
        vs.iter()
            .map(|v| (v["name"].clone(), v["type"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&views), names(&before), "every view, in order");

    let grid = by_name(&views, "Grid");
    assert_ne!(grid["id"], v.grid);
    assert_eq!(grid["public"], true, "public stays public, as in Baserow");
    assert_ne!(
        grid["slug"],
        by_name(&before, "Grid")["slug"],
        "under a slug of its own"
    );
    assert_eq!(grid["public_view_has_password"], true, "and as protected");
    let groups = grid["filter_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["filter_type"], "OR");
    let filters = grid["filters"].as_array().unwrap();
    assert_eq!(filters.len(), 2, "{filters:?}");
    let select = filters
        .iter()
        .find(|f| f["type"] == "single_select_is_any_of")
        .unwrap();
    assert_eq!(select["field"], color);
    assert_eq!(
        select["value"],
        format!("{red},{blue}"),
        "option ids of the copy"
    );
    assert_eq!(select["group"], groups[0]["id"]);
    let higher = filters.iter().find(|f| f["type"] == "higher_than").unwrap();
    assert_eq!(
        (higher["field"].clone(), higher["value"].clone()),
        (json!(num), json!("3"))
    );
    assert_eq!(grid["sortings"][0]["field"], num);
    assert_eq!(grid["sortings"][0]["order"], "DESC");
    assert_eq!(grid["group_bys"][0]["field"], color);
    let decorations = grid["decorations"].as_array().unwrap();
    assert_eq!(
        decorations[0]["value_provider_conf"],
        json!({"field_id": color})
    );
    let condition = &decorations[1]["value_provider_conf"]["colors"][0]["filters"][0];
    assert_eq!(
        (condition["field"].clone(), condition["value"].clone()),
        (json!(color), json!(red.to_string()))
    );

    let options = field_options(&app, user, grid["id"].as_i64().unwrap()).await;
    assert_eq!(options[num.to_string()]["width"], 321);
    assert_eq!(options[num.to_string()]["aggregation_raw_type"], "sum");
    assert_eq!(options[color.to_string()]["hidden"], true);

    assert_eq!(by_name(&views, "Board")["single_select_field"], color);
    let cal = by_name(&views, "Cal");
    assert_eq!(cal["ical_public"], true);
    assert_ne!(
        cal["ical_feed_url"],
        by_name(&before, "Cal")["ical_feed_url"],
        "a feed of its own"
    );
    let form = by_name(&views, "Form")["id"].as_i64().unwrap();
    let options = field_options(&app, user, form).await;
    assert_eq!(options[color.to_string()]["enabled"], true);
    let condition = &options[num.to_string()]["conditions"][0];
    assert_eq!(
        (condition["field"].clone(), condition["value"].clone()),
        (json!(color), json!(blue.to_string()))
    );

    // The original's views are untouched and still name the original's fields.
    let original = views_of(&app, user, v.fx.table).await;
    assert_eq!(original, before);
    assert_eq!(by_name(&original, "Grid")["sortings"][0]["field"], v.num);
}

/// Starts duplicating the database from tab `s1`; returns the finished job.
async fn duplicate_database(app: &TestApp, user: &Session, database: i64) -> Value {
    let r = from_tab(
        app,
        user,
        reqwest::Method::POST,
        &format!("/api/applications/{database}/duplicate/async/"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["type"], "duplicate_application");
    assert_eq!(r.body["original_application"]["id"], database);
    assert_eq!(r.body["duplicated_application"], Value::Null);
    assert!(r.body.get("_client_session").is_none(), "{:?}", r.body);
    finished(app, user, r.body["id"].as_i64().unwrap()).await
}

fn link_ids(cell: &Value) -> Vec<i64> {
    cell.as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_duplicated_database_has_its_tables_rows_links_and_views_as_an_independent_copy() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let t2 = app.table_fixture_in(&fx).await;
    let link = app
        .field(
            user,
            fx.table,
            json!({"name": "Others", "type": "link_row", "link_row_table_id": t2}),
        )
        .await;
    let related = app
        .get(&format!("/api/database/fields/{link}/"), a)
        .await
        .body["link_row_related_field_id"]
        .as_i64()
        .unwrap();
    let lookup = app
        .field(
            user,
            fx.table,
            json!({"name": "Their names", "type": "lookup",
            "through_field_id": link, "target_field_name": "Name"}),
        )
        .await;
    let tier = app
        .field(
            user,
            t2,
            json!({"name": "Tier", "type": "single_select",
            "select_options": [{"value": "Gold", "color": "yellow"}]}),
        )
        .await;
    app.field(
        user,
        fx.table,
        json!({"name": "Tiers", "type": "lookup", "through_field_id": link, "target_field_id": tier}),
    )
    .await;
    let name = app.field_id(user, fx.table, "Name").await;
    let t2_name = app.field_id(user, t2, "Name").await;
    let t2_rows = app.rows(user, t2, "").await.body["results"].clone();
    let (x, y) = (
        t2_rows[0]["id"].as_i64().unwrap(),
        t2_rows[1]["id"].as_i64().unwrap(),
    );
    ok(app
        .patch(
            &format!("/api/database/rows/table/{t2}/{x}/"),
            a,
            json!({format!("field_{t2_name}"): "X", format!("field_{tier}"): "Gold"}),
        )
        .await)
    .await;
    ok(app
        .patch(
            &format!("/api/database/rows/table/{t2}/{y}/"),
            a,
            json!({format!("field_{t2_name}"): "Y"}),
        )
        .await)
    .await;
    let row = app.rows(user, fx.table, "").await.body["results"][0]["id"]
        .as_i64()
        .unwrap();
    ok(app
        .patch(
            &format!("/api/database/rows/table/{}/{row}/", fx.table),
            a,
            json!({format!("field_{name}"): "first", format!("field_{link}"): [y, x]}),
        )
        .await)
    .await;
    let grid = views_of(&app, user, fx.table).await[0]["id"]
        .as_i64()
        .unwrap();
    ok(app
        .post(
            &format!("/api/database/views/{grid}/filters/"),
            a,
            json!({"field": link, "type": "link_row_has", "value": x.to_string()}),
        )
        .await)
    .await;
    ok(app
        .post(
            &format!("/api/database/views/{grid}/sortings/"),
            a,
            json!({"field": lookup, "order": "ASC"}),
        )
        .await)
    .await;
    let t2_fields_before = fields_by_name(&app, user, t2).await.len();

    let job = duplicate_database(&app, user, fx.database).await;
    let copy = &job["duplicated_application"];
    assert_eq!(copy["name"], "DB 2");
    assert_eq!(copy["type"], "database");
    let tables = copy["tables"].as_array().unwrap();
    let table_names: Vec<_> = tables.iter().map(|t| t["name"].clone()).collect();
    assert_eq!(table_names, vec![json!("T"), json!("T2")]);
    let (c1, c2) = (
        tables[0]["id"].as_i64().unwrap(),
        tables[1]["id"].as_i64().unwrap(),
    );
    assert!(c1 != fx.table && c2 != t2);
    let listed = app
        .get(&format!("/api/applications/{}/", copy["id"]), a)
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["tables"].as_array().unwrap().len(), 2);

    // The link joins the copies, paired with the copy of its related field.
    let f1 = fields_by_name(&app, user, c1).await;
    let f2 = fields_by_name(&app, user, c2).await;
    let copy_link = named(&f1, "Others");
    let copy_related = named(&f2, "T");
    assert_eq!(copy_link["link_row_table_id"], c2);
    assert_eq!(copy_link["link_row_related_field_id"], copy_related["id"]);
    assert_eq!(copy_related["link_row_table_id"], c1);
    assert_eq!(copy_related["link_row_related_field_id"], copy_link["id"]);
    assert_ne!(copy_related["id"], related);
    assert_eq!(
        f2.len(),
        t2_fields_before,
        "no extra related field in the copy"
    );
    assert_eq!(
        fields_by_name(&app, user, t2).await.len(),
        t2_fields_before,
        "nor in the original"
    );
    assert_eq!(
        named(&f1, "Their names")["through_field_id"],
        copy_link["id"]
    );

    let copy_link_id = copy_link["id"].as_i64().unwrap();
    let copied_row = app.rows(user, c1, "user_field_names=true").await.body["results"][0].clone();
    assert_eq!(copied_row["id"], row);
    assert_eq!(copied_row["Name"], "first");
    assert_eq!(link_ids(&copied_row["Others"]), vec![y, x]);
    let names = copied_row["Their names"].clone();
    let original_names = app.rows(user, fx.table, "user_field_names=true").await.body["results"][0]
        ["Their names"]
        .clone();
    assert_eq!(names, original_names, "the looked-up values came along");
    // A looked-up option is the copy's option.
    let copy_gold = named(&f2, "Tier")["select_options"][0]["id"].clone();
    let tiers = &copied_row["Tiers"];
    let looked: Vec<_> = tiers
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !v["value"].is_null())
        .collect();
    assert_eq!(looked.len(), 1, "{tiers}");
    assert_eq!(looked[0]["value"]["id"], copy_gold, "{tiers}");
    assert_eq!(looked[0]["value"]["value"], "Gold");
    assert_eq!(names.as_array().map(Vec::len), Some(2), "{names:?}");
    let back = app.rows(user, c2, "user_field_names=true").await.body["results"].clone();
    let x_copy = back
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == x)
        .unwrap();
    assert_eq!(
        link_ids(&x_copy["T"]),
        vec![row],
        "the related side sees the copied links"
    );

    // Views came along, mapped to the copies' fields.
    let copy_grid = &views_of(&app, user, c1).await[0];
    assert_eq!(copy_grid["filters"][0]["field"], copy_link_id);
    assert_eq!(copy_grid["filters"][0]["value"], x.to_string());
    assert_eq!(
        copy_grid["sortings"][0]["field"],
        named(&f1, "Their names")["id"]
    );
    let listed = app
        .get(&format!("/api/database/views/{}/", copy_grid["id"]), a)
        .await;
    assert_eq!(listed.status, 200);

    // Editing the copy leaves the original alone.
    ok(app
        .patch(
            &format!("/api/database/rows/table/{c1}/{row}/?user_field_names=true"),
            a,
            json!({"Name": "changed", "Others": [x]}),
        )
        .await)
    .await;
    let changed = app.rows(user, c1, "user_field_names=true").await.body["results"][0].clone();
    assert_eq!(link_ids(&changed["Others"]), vec![x]);
    let looked_up: Vec<_> = changed["Their names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].clone())
        .collect();
    assert_eq!(
        looked_up,
        vec![json!("X")],
        "the copy's lookup reads the copy's link"
    );
    let original =
        app.rows(user, fx.table, "user_field_names=true").await.body["results"][0].clone();
    assert_eq!(original["Name"], "first");
    assert_eq!(link_ids(&original["Others"]), vec![y, x]);
    assert_eq!(original["Their names"].as_array().map(Vec::len), Some(2));
    let original_back = app.rows(user, t2, "user_field_names=true").await.body["results"].clone();
    let y_original = original_back
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == y)
        .unwrap();
    assert_eq!(link_ids(&y_original["T"]), vec![row]);

    // A second copy takes the next number.
    let again = duplicate_database(&app, user, fx.database).await;
    assert_eq!(again["duplicated_application"]["name"], "DB 3");
}

#[tokio::test]
async fn undo_trashes_the_copied_database_and_redo_brings_it_back() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let a = Some(user.access.as_str());
    let workspace = app
        .get(&format!("/api/applications/{}/", fx.database), a)
        .await
        .body["workspace"]["id"]
        .as_i64()
        .unwrap();
    let job = duplicate_database(&app, user, fx.database).await;
    let copy = job["duplicated_application"]["id"].as_i64().unwrap();
    let scopes = json!({"scopes": {"root": true, "workspace": workspace}});
    let r = from_tab(
        &app,
        user,
        reqwest::Method::PATCH,
        "/api/user/undo/",
        scopes.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["actions"][0]["action_type"], "duplicate_application",
        "{:?}",
        r.body
    );
    assert_error(
        &app.get(&format!("/api/applications/{copy}/"), a).await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    assert_eq!(
        app.get(&format!("/api/applications/{}/", fx.database), a)
            .await
            .status,
        200
    );
    let r = from_tab(
        &app,
        user,
        reqwest::Method::PATCH,
        "/api/user/redo/",
        scopes,
    )
    .await;
    assert_eq!(
        r.body["actions"][0]["action_type"], "duplicate_application",
        "{:?}",
        r.body
    );
    assert_eq!(
        app.get(&format!("/api/applications/{copy}/"), a)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn only_a_member_may_duplicate_an_existing_database_one_job_at_a_time() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let path = format!("/api/applications/{}/duplicate/async/", fx.database);
    let eve = app.sign_up("Eve", "eve@x.io").await;
    assert_error(
        &app.post(&path, Some(&eve.access), json!({})).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.post(
            "/api/applications/999999/duplicate/async/",
            Some(&fx.user.access),
            json!({}),
        )
        .await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
    assert_eq!(app.post(&path, None, json!({})).await.status, 401);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM applications")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(count, 1, "nothing was copied");
    sqlx::query(
        "INSERT INTO jobs (type, user_id, state) VALUES ('duplicate_application', $1, 'started')",
    )
    .bind(fx.user.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    assert_error(
        &app.post(&path, Some(&fx.user.access), json!({})).await,
        400,
        "ERROR_MAX_JOB_COUNT_EXCEEDED",
    );
}
