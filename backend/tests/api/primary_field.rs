//! `POST /api/database/fields/table/{id}/change-primary-field/`.

use crate::helpers::{TestApp, assert_error};
use serde_json::{Value, json};

async fn primary_name(app: &TestApp, access: &str, table: i64) -> Value {
    let fields = app
        .get(
            &format!("/api/database/fields/table/{table}/"),
            Some(access),
        )
        .await
        .body;
    let primaries: Vec<_> = fields
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["primary"] == true)
        .map(|f| f["name"].clone())
        .collect();
    assert_eq!(primaries.len(), 1, "{fields}");
    primaries[0].clone()
}

#[tokio::test]
async fn another_field_becomes_primary_and_undo_swaps_back() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (t, a) = (fx.table, fx.user.access.as_str());
    let name = app.field_id(&fx.user, t, "Name").await;
    let notes = app.field_id(&fx.user, t, "Notes").await;
    let path = format!("/api/database/fields/table/{t}/change-primary-field/");
    let req = app
        .client()
        .post(format!("{}{path}", app.url))
        .header("Authorization", format!("JWT {a}"))
        .header("ClientSessionId", "s1")
        .json(&json!({"new_primary_field_id": notes}));
    let r = app.raw(req).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], notes);
    assert_eq!(r.body["primary"], true);
    assert_eq!(r.body["related_fields"][0]["id"], name);
    assert_eq!(r.body["related_fields"][0]["primary"], false);
    assert_eq!(primary_name(&app, a, t).await, "Notes");
    let (_, kind, payload) = crate::helpers::last_change(&app.events(t).await).clone();
    assert_eq!(kind, "field_updated");
    assert_eq!(payload["field"]["id"], notes);
    assert_eq!(payload["related_fields"][0]["id"], name);

    let undo = app
        .client()
        .patch(format!("{}/api/user/undo/", app.url))
        .header("Authorization", format!("JWT {a}"))
        .header("ClientSessionId", "s1")
        .json(&json!({"scopes": {"table": t}}));
    let r = app.raw(undo).await;
    assert_eq!(
        r.body["actions"][0]["action_type"], "change_primary_field",
        "{:?}",
        r.body
    );
    assert_eq!(primary_name(&app, a, t).await, "Name");
    let redo = app
        .client()
        .patch(format!("{}/api/user/redo/", app.url))
        .header("Authorization", format!("JWT {a}"))
        .header("ClientSessionId", "s1")
        .json(&json!({"scopes": {"table": t}}));
    app.raw(redo).await;
    assert_eq!(primary_name(&app, a, t).await, "Notes");
}

#[tokio::test]
async fn bad_requests_are_refused_with_baserows_errors_and_change_nothing() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (t, a) = (fx.table, fx.user.access.as_str());
    let other = app.table_fixture_in(&fx).await;
    let name = app.field_id(&fx.user, t, "Name").await;
    let elsewhere = app.field_id(&fx.user, other, "Name").await;
    let link = app
        .field(
            &fx.user,
            t,
            json!({"name": "L", "type": "link_row", "link_row_table_id": other}),
        )
        .await;
    let path = format!("/api/database/fields/table/{t}/change-primary-field/");
    let post = |body: Value| {
        let path = path.clone();
        let app = &app;
        async move { app.post(&path, Some(a), body).await }
    };
    assert_error(
        &post(json!({"new_primary_field_id": name})).await,
        400,
        "ERROR_FIELD_IS_ALREADY_PRIMARY",
    );
    assert_error(
        &post(json!({"new_primary_field_id": elsewhere})).await,
        400,
        "ERROR_FIELD_NOT_IN_TABLE",
    );
    assert_error(
        &post(json!({"new_primary_field_id": link})).await,
        400,
        "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE",
    );
    assert_error(
        &post(json!({"new_primary_field_id": 99999})).await,
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    );
    assert_error(&post(json!({})).await, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_error(
        &post(json!({"new_primary_field_id": "x\u{0}"})).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(
            "/api/database/fields/table/99999/change-primary-field/",
            Some(a),
            json!({"new_primary_field_id": name}),
        )
        .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let notes = app.field_id(&fx.user, t, "Notes").await;
    assert_error(
        &app.post(
            &path,
            Some(&eve.access),
            json!({"new_primary_field_id": notes}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_eq!(primary_name(&app, a, t).await, "Name");
}
