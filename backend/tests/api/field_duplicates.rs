//! `POST /api/database/fields/{id}/duplicate/async/`: a job that copies a field, with or
//! without its values, undoable as `duplicate_field`.

use crate::helpers::{Resp, Session, TestApp, assert_error};
use serde_json::{Value, json};
use std::time::Duration;

/// A request from the tab `s1` (its undo stack).
async fn from_tab(app: &TestApp, user: &Session, path: &str, body: Value) -> Resp {
    let req = app
        .client()
        .request(reqwest::Method::POST, format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {}", user.access))
        .header("ClientSessionId", "s1")
        .json(&body);
    app.raw(req).await
}

async fn replay(app: &TestApp, user: &Session, what: &str, table: i64) -> Value {
    let req = app
        .client()
        .request(
            reqwest::Method::PATCH,
            format!("{}/api/user/{what}/", app.url),
        )
        .header("Authorization", format!("JWT {}", user.access))
        .header("ClientSessionId", "s1")
        .json(&json!({"scopes": {"table": table}}));
    let r = app.raw(req).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// Starts the duplication and waits for the finished job.
async fn duplicate(app: &TestApp, user: &Session, field: i64, data: bool) -> Value {
    let r = from_tab(
        app,
        user,
        &format!("/api/database/fields/{field}/duplicate/async/"),
        json!({"duplicate_data": data}),
    )
    .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["type"], "duplicate_field");
    assert_eq!(r.body["original_field"]["id"], field);
    assert!(r.body.get("_client_session").is_none(), "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    for _ in 0..150 {
        let j = app
            .get(&format!("/api/jobs/{job}/"), Some(&user.access))
            .await
            .body;
        if j["state"] == "finished" || j["state"] == "failed" {
            assert_eq!(j["state"], "finished", "{j}");
            return j["duplicated_field"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job did not finish");
}

async fn field_names(app: &TestApp, user: &Session, table: i64) -> Vec<String> {
    app.get(
        &format!("/api/database/fields/table/{table}/"),
        Some(&user.access),
    )
    .await
    .body
    .as_array()
    .unwrap()
    .iter()
    .map(|f| f["name"].as_str().unwrap().to_owned())
    .collect()
}

#[tokio::test]
async fn a_copy_takes_the_settings_and_with_duplicate_data_the_values_of_each_kind() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (t, user) = (fx.table, &fx.user);
    let other = app.table_fixture_in(&fx).await;
    let color = app.field(user, t, json!({"name": "Color", "type": "single_select", "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]})).await;
    let num = app
        .field(
            user,
            t,
            json!({"name": "Num", "type": "number", "number_decimal_places": 2}),
        )
        .await;
    let link = app
        .field(
            user,
            t,
            json!({"name": "Link", "type": "link_row", "link_row_table_id": other}),
        )
        .await;
    let target = crate::helpers::create_row_id(&app, user, other, json!({})).await;
    let row = crate::helpers::create_row_id(&app, user, t, json!({})).await;
    crate::helpers::patch_row(&app, user, t, row, json!({"Num": "1.50", "Link": [target]})).await;
    let original = crate::helpers::row(&app, user, t, row).await;
    let blue = app
        .get(
            &format!("/api/database/fields/{color}/"),
            Some(&user.access),
        )
        .await
        .body["select_options"][1]["id"]
        .clone();
    crate::helpers::patch_row(&app, user, t, row, json!({"Color": blue})).await;

    let copy = duplicate(&app, user, color, true).await;
    assert_eq!(copy["name"], "Color 2");
    assert_eq!(copy["type"], "single_select");
    assert_eq!(copy["primary"], false);
    assert_eq!(copy["select_options"][1]["value"], "Blue");
    assert_ne!(copy["select_options"][1]["id"], blue, "its own options");
    let num_copy = duplicate(&app, user, num, true).await;
    assert_eq!(num_copy["number_decimal_places"], 2);
    let link_copy = duplicate(&app, user, link, true).await;
    assert_eq!(link_copy["link_row_table_id"], other);
    assert_eq!(
        link_copy["related_fields"][0]["table_id"], other,
        "{link_copy}"
    );
    let empty = duplicate(&app, user, num, false).await;
    assert_eq!(empty["name"], "Num 3");

    let r = crate::helpers::row(&app, user, t, row).await;
    assert_eq!(r["Color"]["value"], "Blue", "{r}");
    assert_eq!(r["Color 2"]["value"], "Blue", "{r}");
    assert_eq!(r["Color 2"]["id"], copy["select_options"][1]["id"]);
    assert_eq!(r["Num 2"], "1.50");
    assert_eq!(r["Num 3"], Value::Null);
    assert_eq!(r["Link 2"][0]["id"], target);
    assert_eq!(r["Link"], original["Link"], "the original keeps its links");
    // Clients hear of each copy as of a new field.
    let created = app
        .events(t)
        .await
        .into_iter()
        .filter(|e| e.1 == "field_created" && e.2["field"]["name"] == "Color 2")
        .count();
    assert_eq!(created, 1);
}

#[tokio::test]
async fn undo_removes_the_copy_and_redo_brings_it_back() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let num = app
        .field(&fx.user, fx.table, json!({"name": "Num", "type": "number"}))
        .await;
    duplicate(&app, &fx.user, num, false).await;
    assert_eq!(
        field_names(&app, &fx.user, fx.table).await,
        ["Name", "Notes", "Active", "Num", "Num 2"]
    );
    let r = replay(&app, &fx.user, "undo", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "duplicate_field", "{r}");
    assert_eq!(
        field_names(&app, &fx.user, fx.table).await,
        ["Name", "Notes", "Active", "Num"]
    );
    let r = replay(&app, &fx.user, "redo", fx.table).await;
    assert_eq!(r["actions"][0]["action_type"], "duplicate_field", "{r}");
    assert_eq!(
        field_names(&app, &fx.user, fx.table).await,
        ["Name", "Notes", "Active", "Num", "Num 2"]
    );
}

#[tokio::test]
async fn only_a_member_may_duplicate_an_existing_field() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let path = format!("/api/database/fields/{name}/duplicate/async/");
    assert_error(
        &app.post(&path, Some(&eve.access), json!({})).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.post(
            "/api/database/fields/99999/duplicate/async/",
            Some(&fx.user.access),
            json!({}),
        )
        .await,
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(
            &path,
            Some(&fx.user.access),
            json!({"duplicate_data": "x\u{0}"}),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_eq!(
        field_names(&app, &fx.user, fx.table).await,
        ["Name", "Notes", "Active"]
    );
}
