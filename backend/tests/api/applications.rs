//! Databases inside workspaces.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn databases_are_created_listed_renamed_ordered_and_trashed() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let w = app.workspace(&ann, "W").await;
    let r = app
        .post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&ann.access),
            json!({"name": "DB", "type": "database"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "database");
    assert_eq!(r.body["tables"], json!([]));
    assert_eq!(r.body["workspace"]["id"], w);
    let a = r.body["id"].as_i64().unwrap();
    let b = app
        .post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&ann.access),
            json!({"name": "DB2", "type": "database"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    let r = app
        .post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&ann.access),
            json!({"name": "App", "type": "builder"}),
        )
        .await;
    assert_eq!(r.body["detail"]["type"][0]["code"], "invalid_choice");

    assert_eq!(
        app.post(
            &format!("/api/applications/workspace/{w}/order/"),
            Some(&ann.access),
            json!({"application_ids": [b, a]})
        )
        .await
        .status,
        204
    );
    let r = app
        .get(
            &format!("/api/applications/workspace/{w}/"),
            Some(&ann.access),
        )
        .await;
    let ids: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![b, a]);
    assert_eq!(
        app.get("/api/applications/", Some(&ann.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let other = app.workspace(&ann, "Other").await;
    let foreign = app
        .post(
            &format!("/api/applications/workspace/{other}/"),
            Some(&ann.access),
            json!({"name": "X", "type": "database"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/applications/workspace/{w}/order/"),
            Some(&ann.access),
            json!({"application_ids": [foreign]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_APPLICATION_NOT_IN_GROUP");

    let r = app
        .patch(
            &format!("/api/applications/{a}/"),
            Some(&ann.access),
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(r.body["name"], "Renamed");
    assert_eq!(
        app.delete(&format!("/api/applications/{a}/"), Some(&ann.access))
            .await
            .status,
        204
    );
    assert_error(
        &app.get(&format!("/api/applications/{a}/"), Some(&ann.access))
            .await,
        404,
        "ERROR_APPLICATION_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn another_users_database_is_out_of_reach() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let w = app.workspace(&ann, "W").await;
    let db = app
        .post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&ann.access),
            json!({"name": "Secret", "type": "database"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get("/api/applications/", Some(&eve.access)).await.body,
        json!([])
    );
    assert_error(
        &app.get(&format!("/api/applications/{db}/"), Some(&eve.access))
            .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.patch(
            &format!("/api/applications/{db}/"),
            Some(&eve.access),
            json!({"name": "x"}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.delete(&format!("/api/applications/{db}/"), Some(&eve.access))
            .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_eq!(
        app.get(&format!("/api/applications/{db}/"), Some(&ann.access))
            .await
            .body["name"],
        "Secret"
    );
}
