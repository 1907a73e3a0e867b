//! View decorations: Baserow's shapes and errors for the five endpoints, the events of each
//! change, `include=decorations`, duplication, the colours the server works out for rows
//! (single select option colours, the first matching condition), and fields that are
//! deleted or change type under a decoration.

use crate::helpers::{TableFixture, TestApp, assert_error};
use crate::views::{create_view, people};
use serde_json::{Value, json};

/// The people table with a Team single select (Red: Ann, Bob; Blue: Cid), and its grid.
async fn decorated(app: &TestApp) -> (TableFixture, i64, i64, i64, i64) {
    let (fx, name, age) = people(app).await;
    let a = Some(fx.user.access.as_str());
    let team = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Team", "type": "single_select",
                   "select_options": [{"value": "Red", "color": "light-red"}, {"value": "Blue", "color": "dark-blue"}]}),
        )
        .await;
    let options = app
        .get(&format!("/api/database/fields/{team}/"), a)
        .await
        .body["select_options"]
        .clone();
    let rows = app.rows(&fx.user, fx.table, "").await.body["results"].clone();
    for (i, row) in rows.as_array().unwrap().iter().take(3).enumerate() {
        let option = &options[if i < 2 { 0 } else { 1 }]["id"];
        let r = app
            .patch(
                &format!(
                    "/api/database/rows/table/{}/{}/",
                    fx.table,
                    row["id"].as_i64().unwrap()
                ),
                a,
                json!({ format!("field_{team}"): option }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let grid = app
        .get(&format!("/api/database/views/table/{}/", fx.table), a)
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    (fx, name, age, team, grid)
}

fn conditional(age: i64) -> Value {
    json!({"colors": [
        {"id": "old", "color": "red", "filters": [{"id": "f1", "field": age, "type": "higher_than", "value": "30"}]},
        {"id": 7, "color": "#00ff00", "operator": "OR", "filter_groups": [{"id": "g1", "filter_type": "AND"}],
         "filters": [{"id": "f2", "field": age, "type": "equal", "value": "25", "group": "g1"}]},
    ]})
}

/// Row id by name.
async fn ids_by_name(app: &TestApp, fx: &TableFixture, name: i64) -> Vec<(String, i64)> {
    app.rows(&fx.user, fx.table, "").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[format!("field_{name}")].as_str().unwrap_or("").to_owned(),
                r["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// `name → colour` from the colours endpoint, for one decoration.
async fn colors_by_name(
    app: &TestApp,
    fx: &TableFixture,
    name: i64,
    view: i64,
    decoration: i64,
) -> Vec<(String, String)> {
    let rows = ids_by_name(app, fx, name).await;
    let ids: Vec<String> = rows.iter().map(|(_, id)| id.to_string()).collect();
    let r = app
        .get(
            &format!(
                "/api/database/views/{view}/decorations/colors/?row_ids={}",
                ids.join(",")
            ),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let colors = &r.body[decoration.to_string()];
    assert!(colors.is_object(), "{:?}", r.body);
    rows.iter()
        .filter_map(|(n, id)| Some((n.clone(), colors.get(id.to_string())?.as_str()?.to_owned())))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn decorations_are_created_listed_updated_and_deleted_in_baserows_shapes_with_events() {
    let app = TestApp::spawn().await;
    let (fx, _, age, team, grid) = decorated(&app).await;
    let a = Some(fx.user.access.as_str());
    let border = app
        .post(
            &format!("/api/database/views/{grid}/decorations/"),
            a,
            json!({"type": "left_border_color", "value_provider_type": "single_select_color",
                   "value_provider_conf": {"field_id": team, "ignored": 1}}),
        )
        .await;
    assert_eq!(border.status, 200, "{:?}", border.body);
    let border_id = border.body["id"].as_i64().unwrap();
    assert_eq!(
        border.body,
        json!({"id": border_id, "view": grid, "type": "left_border_color",
               "value_provider_type": "single_select_color",
               "value_provider_conf": {"field_id": team}, "order": 1})
    );
    let background = app
        .post(
            &format!("/api/database/views/{grid}/decorations/"),
            a,
            json!({"type": "background_color", "value_provider_type": "conditional_color",
                   "value_provider_conf": conditional(age)}),
        )
        .await;
    assert_eq!(background.status, 200, "{:?}", background.body);
    let background_id = background.body["id"].as_i64().unwrap();
    assert_eq!(background.body["order"], 2);
    // Defaults filled in as Baserow's serializer does; ids are text.
    let colors = &background.body["value_provider_conf"]["colors"];
    assert_eq!(colors[0]["operator"], "AND");
    assert_eq!(colors[0]["filter_groups"], json!([]));
    assert_eq!(colors[0]["filters"][0]["group"], Value::Null);
    assert_eq!(colors[1]["id"], "7");
    assert_eq!(
        colors[1]["filter_groups"],
        json!([{"id": "g1", "filter_type": "AND", "parent_group": null}])
    );
    // An empty decoration (no provider yet), as Baserow's client first creates one.
    let empty = app
        .post(
            &format!("/api/database/views/{grid}/decorations/"),
            a,
            json!({"type": "background_color"}),
        )
        .await;
    assert_eq!(empty.status, 200, "{:?}", empty.body);
    assert_eq!(empty.body["value_provider_type"], "");
    assert_eq!(empty.body["value_provider_conf"], json!({}));
    let empty_id = empty.body["id"].as_i64().unwrap();

    let listed = app
        .get(&format!("/api/database/views/{grid}/decorations/"), a)
        .await;
    assert_eq!(listed.status, 200);
    let ids: Vec<i64> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![border_id, background_id, empty_id]);
    let one = app
        .get(&format!("/api/database/views/decoration/{border_id}/"), a)
        .await;
    assert_eq!(one.body, border.body);

    // include=decorations on the view and on the table's views.
    let view = app
        .get(
            &format!("/api/database/views/{grid}/?include=decorations"),
            a,
        )
        .await;
    assert_eq!(view.body["decorations"], listed.body);
    let views = app
        .get(
            &format!(
                "/api/database/views/table/{}/?include=filters,decorations",
                fx.table
            ),
            a,
        )
        .await;
    assert_eq!(views.body[0]["decorations"], listed.body);
    let plain = app.get(&format!("/api/database/views/{grid}/"), a).await;
    assert!(plain.body.get("decorations").is_none());

    // PATCH: the provider changes with its configuration; order alone keeps the rest.
    let changed = app
        .patch(
            &format!("/api/database/views/decoration/{empty_id}/"),
            a,
            json!({"value_provider_type": "single_select_color", "value_provider_conf": {"field_id": team}, "order": 0}),
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(
        changed.body["value_provider_conf"],
        json!({"field_id": team})
    );
    assert_eq!(changed.body["order"], 0);
    let moved = app
        .patch(
            &format!("/api/database/views/decoration/{border_id}/"),
            a,
            json!({"type": "background_color"}),
        )
        .await;
    assert_eq!(moved.body["type"], "background_color");
    assert_eq!(moved.body["value_provider_conf"], json!({"field_id": team}));
    // A new provider without a configuration checks the current one: {field_id} is not
    // a conditional configuration.
    let refused = app
        .patch(
            &format!("/api/database/views/decoration/{border_id}/"),
            a,
            json!({"value_provider_type": "conditional_color"}),
        )
        .await;
    assert_error(&refused, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let gone = app
        .delete(&format!("/api/database/views/decoration/{empty_id}/"), a)
        .await;
    assert_eq!(gone.status, 204);
    assert_error(
        &app.get(&format!("/api/database/views/decoration/{empty_id}/"), a)
            .await,
        404,
        "ERROR_VIEW_DECORATION_DOES_NOT_EXIST",
    );
    assert_error(
        &app.delete(&format!("/api/database/views/decoration/{empty_id}/"), a)
            .await,
        404,
        "ERROR_VIEW_DECORATION_DOES_NOT_EXIST",
    );

    let events = app.events(fx.table).await;
    let of = |kind: &str| -> Vec<Value> {
        events
            .iter()
            .filter(|(_, t, _)| t == kind)
            .map(|(_, _, p)| p.clone())
            .collect()
    };
    let created = of("view_decoration_created");
    assert_eq!(created.len(), 3);
    assert_eq!(created[0]["view_decoration"], border.body);
    let updated = of("view_decoration_updated");
    assert_eq!(updated.len(), 2);
    assert_eq!(updated[1]["view_decoration_id"], border_id);
    assert_eq!(updated[1]["view_decoration"], moved.body);
    assert_eq!(
        of("view_decoration_deleted"),
        vec![json!({"view_id": grid, "view_decoration_id": empty_id})]
    );
}

#[tokio::test]
async fn bad_decorations_are_refused_with_baserows_errors_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (fx, name, age, team, grid) = decorated(&app).await;
    let a = Some(fx.user.access.as_str());
    let path = format!("/api/database/views/{grid}/decorations/");
    let post = |body: Value| {
        let app = &app;
        let path = path.clone();
        async move { app.post(&path, a, body).await }
    };
    let form = create_view(&app, &fx, json!({"name": "F", "type": "form"})).await["id"]
        .as_i64()
        .unwrap();
    assert_error(
        &app.post(
            &format!("/api/database/views/{form}/decorations/"),
            a,
            json!({"type": "left_border_color"}),
        )
        .await,
        400,
        "ERROR_VIEW_DECORATION_NOT_SUPPORTED",
    );
    let other_table = app.table_fixture_in(&fx).await;
    let foreign = app.field_id(&fx.user, other_table, "Name").await;
    let cases = [
        (json!({}), "ERROR_REQUEST_BODY_VALIDATION"),
        (json!({"type": "glow"}), "ERROR_REQUEST_BODY_VALIDATION"),
        (json!({"type": 3}), "ERROR_REQUEST_BODY_VALIDATION"),
        (
            json!({"type": "background_color", "value_provider_type": "rainbow"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_conf": {"field_id": team}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "single_select_color", "value_provider_conf": {}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "single_select_color", "value_provider_conf": {"field_id": name}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "single_select_color", "value_provider_conf": {"field_id": foreign}}),
            "ERROR_FIELD_NOT_IN_TABLE",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [{"id": "f", "field": foreign, "type": "equal", "value": "x"}]}]}}),
            "ERROR_FIELD_NOT_IN_TABLE",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [{"id": "f", "field": age, "type": "sounds_like", "value": "x"}]}]}}),
            "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [{"id": "f", "field": age, "type": "single_select_equal", "value": "1"}]}]}}),
            "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red\u{0}", "filters": []}]}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [{"id": "f", "field": name, "type": "equal", "value": "a\u{0}"}]}]}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [{"id": "f", "field": name, "type": "equal", "value": "a", "group": "nope"}]}]}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red", "filters": [], "filter_groups": [{"id": "g", "parent_group": "h"}]}]}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": [
                {"id": "a", "color": "red"}]}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "value_provider_type": "conditional_color", "value_provider_conf": {"colors": "red"}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"type": "background_color", "order": 100_000}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
    ];
    for (body, code) in cases {
        let r = post(body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {:?}", r.body);
        assert_eq!(r.body["error"], code, "{body}: {:?}", r.body);
    }
    let listed = app.get(&path, a).await;
    assert_eq!(listed.body, json!([]));
    assert!(
        !app.events(fx.table)
            .await
            .iter()
            .any(|(_, t, _)| t.starts_with("view_decoration"))
    );

    // Someone outside the workspace reaches neither the view's decorations nor one by id
    // (Baserow's ERROR_USER_NOT_IN_GROUP, as for filters).
    let created = post(json!({"type": "left_border_color"})).await;
    let id = created.body["id"].as_i64().unwrap();
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let e = Some(eve.access.as_str());
    assert_error(&app.get(&path, e).await, 400, "ERROR_USER_NOT_IN_GROUP");
    for r in [
        app.get(&format!("/api/database/views/decoration/{id}/"), e)
            .await,
        app.patch(
            &format!("/api/database/views/decoration/{id}/"),
            e,
            json!({"order": 3}),
        )
        .await,
        app.delete(&format!("/api/database/views/decoration/{id}/"), e)
            .await,
    ] {
        assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
    }
    assert_error(
        &app.get(
            &format!("/api/database/views/{grid}/decorations/colors/?row_ids=1"),
            e,
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    // A bad PATCH changes nothing either.
    let r = app
        .patch(
            &format!("/api/database/views/decoration/{id}/"),
            a,
            json!({"type": "glow", "order": 9}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let kept = app
        .get(&format!("/api/database/views/decoration/{id}/"), a)
        .await;
    assert_eq!(kept.body, created.body);
    assert_error(
        &app.get(
            &format!("/api/database/views/{grid}/decorations/colors/?row_ids=1,x"),
            a,
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
}

#[tokio::test]
async fn the_server_colours_rows_by_option_and_by_first_matching_condition() {
    let app = TestApp::spawn().await;
    let (fx, name, age, team, grid) = decorated(&app).await;
    let a = Some(fx.user.access.as_str());
    let border = app
        .post(
            &format!("/api/database/views/{grid}/decorations/"),
            a,
            json!({"type": "left_border_color", "value_provider_type": "single_select_color",
                   "value_provider_conf": {"field_id": team}}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let background = app
        .post(
            &format!("/api/database/views/{grid}/decorations/"),
            a,
            json!({"type": "background_color", "value_provider_type": "conditional_color",
                   "value_provider_conf": conditional(age)}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    // Ann 31, Bob 25, Cid 40, Dee 25, Eve 19; Ann and Bob Red, Cid Blue.
    assert_eq!(
        colors_by_name(&app, &fx, name, grid, border).await,
        pairs(&[
            ("Ann", "light-red"),
            ("Bob", "light-red"),
            ("Cid", "dark-blue")
        ])
    );
    assert_eq!(
        colors_by_name(&app, &fx, name, grid, background).await,
        pairs(&[
            ("Ann", "red"),
            ("Bob", "#00ff00"),
            ("Cid", "red"),
            ("Dee", "#00ff00")
        ])
    );
    // A last colour without conditions takes every row the others leave.
    app.patch(
        &format!("/api/database/views/decoration/{background}/"),
        a,
        json!({"value_provider_conf": {"colors": [
            {"id": "a", "color": "blue", "filters": [{"id": "f", "field": name, "type": "contains", "value": "e"}]},
            {"id": "b", "color": "gray", "filters": []}]}}),
    )
    .await;
    assert_eq!(
        colors_by_name(&app, &fx, name, grid, background).await,
        pairs(&[
            ("Ann", "gray"),
            ("Bob", "gray"),
            ("Cid", "gray"),
            ("Dee", "blue"),
            ("Eve", "blue")
        ])
    );

    // The duplicate of the view has the decorations, and its view_created carries them.
    let copy = app
        .post(
            &format!("/api/database/views/{grid}/duplicate/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(copy.status, 200, "{:?}", copy.body);
    let copied = copy.body["decorations"].as_array().unwrap();
    assert_eq!(copied.len(), 2);
    assert_eq!(copied[0]["value_provider_conf"], json!({"field_id": team}));
    assert_ne!(copied[0]["id"], border);
    assert_eq!(copied[0]["view"], copy.body["id"]);
    let events = app.events(fx.table).await;
    let created = events
        .iter()
        .rfind(|(_, t, _)| t == "view_created")
        .unwrap();
    assert_eq!(created.2["view"]["decorations"], copy.body["decorations"]);

    // The select field becomes text: no option colours, no error; the condition on Name
    // stays. Then Name goes to the trash: its condition is skipped.
    let r = app
        .patch(
            &format!("/api/database/fields/{team}/"),
            a,
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(colors_by_name(&app, &fx, name, grid, border).await, vec![]);
    let kept = app
        .get(&format!("/api/database/views/decoration/{border}/"), a)
        .await;
    assert_eq!(kept.body["value_provider_conf"], json!({"field_id": team}));
    // Age with a filter type text does not take any more: that colour matches nothing.
    app.patch(
        &format!("/api/database/views/decoration/{background}/"),
        a,
        json!({"value_provider_conf": {"colors": [
            {"id": "a", "color": "blue", "filters": [{"id": "f", "field": age, "type": "higher_than", "value": "30"}]},
            {"id": "b", "color": "gray", "filters": []}]}}),
    )
    .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{age}/"),
            a,
            json!({"type": "boolean"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let after = colors_by_name(&app, &fx, name, grid, background).await;
    assert!(after.iter().all(|(_, c)| c == "gray"), "{after:?}");
    assert_eq!(after.len(), 5);
    let r = app.delete(&format!("/api/database/fields/{age}/"), a).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let after = colors_by_name(&app, &fx, name, grid, background).await;
    assert_eq!(after.len(), 5, "a filter on a deleted field is skipped");
    let listed = app
        .get(&format!("/api/database/views/{grid}/decorations/"), a)
        .await;
    assert_eq!(listed.status, 200);
    // Rows not in the table, and no rows at all, have no colour.
    let r = app
        .get(
            &format!("/api/database/views/{grid}/decorations/colors/?row_ids=999999"),
            a,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body[background.to_string()], json!({}));
    let r = app
        .get(
            &format!("/api/database/views/{grid}/decorations/colors/"),
            a,
        )
        .await;
    assert_eq!(r.status, 200);
}

/// A request from a tab (`ClientSessionId`), as undo records it.
async fn from_tab(
    app: &TestApp,
    fx: &TableFixture,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> crate::helpers::Resp {
    let mut req = app
        .client()
        .request(method, format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {}", fx.user.access))
        .header("ClientSessionId", "tab1");
    if let Some(body) = body {
        req = req.json(&body);
    }
    app.raw(req).await
}

#[tokio::test]
async fn decoration_changes_are_undone_and_redone_in_the_views_scope() {
    use reqwest::Method;
    let app = TestApp::spawn().await;
    let (fx, _, age, team, grid) = decorated(&app).await;
    let a = Some(fx.user.access.as_str());
    let list = || async {
        app.get(&format!("/api/database/views/{grid}/decorations/"), a)
            .await
            .body
    };
    let replay = |what: &'static str| {
        let app = &app;
        let fx = &fx;
        async move {
            let r = from_tab(
                app,
                fx,
                Method::PATCH,
                &format!("/api/user/{what}/"),
                Some(json!({"scopes": {"view": grid}})),
            )
            .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.body
        }
    };
    let created = from_tab(
        &app,
        &fx,
        Method::POST,
        &format!("/api/database/views/{grid}/decorations/"),
        Some(
            json!({"type": "left_border_color", "value_provider_type": "single_select_color",
                    "value_provider_conf": {"field_id": team}}),
        ),
    )
    .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let updated = from_tab(
        &app,
        &fx,
        Method::PATCH,
        &format!("/api/database/views/decoration/{id}/"),
        Some(
            json!({"type": "background_color", "value_provider_type": "conditional_color",
                    "value_provider_conf": conditional(age)}),
        ),
    )
    .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);

    // Undo the update, then the creation; redo both.
    let undone = replay("undo").await;
    assert_eq!(
        undone["actions"],
        json!([{"action_type": "update_decoration", "action_scope": format!("view{grid}")}])
    );
    assert_eq!(list().await, json!([created.body]));
    let undone = replay("undo").await;
    assert_eq!(undone["actions"][0]["action_type"], "create_decoration");
    assert_eq!(list().await, json!([]));
    replay("redo").await;
    assert_eq!(list().await, json!([created.body]), "back with its id");
    replay("redo").await;
    assert_eq!(list().await, json!([updated.body]));

    // A deletion comes back, with its id, on undo.
    let r = from_tab(
        &app,
        &fx,
        Method::DELETE,
        &format!("/api/database/views/decoration/{id}/"),
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    let undone = replay("undo").await;
    assert_eq!(undone["actions"][0]["action_type"], "delete_decoration");
    assert_eq!(list().await, json!([updated.body]));
    let events: Vec<String> = app
        .events(fx.table)
        .await
        .into_iter()
        .map(|(_, t, _)| t)
        .filter(|t| t.starts_with("view_decoration"))
        .collect();
    assert_eq!(events.len(), 8, "{events:?}");
}
