//! Workspaces and members, including the old `/api/groups/` paths.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn create_list_rename_order_and_delete() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .post("/api/workspaces/", Some(&ann.access), json!({"name": "W"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["permissions"], "ADMIN");
    assert_eq!(r.body["users"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["users"][0]["email"], "ann@x.io");
    let w1 = r.body["id"].as_i64().unwrap();
    let w2 = app.workspace(&ann, "Second 🚀").await;

    let r = app.get("/api/workspaces/", Some(&ann.access)).await;
    let ids: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![w1, w2]);

    assert_eq!(
        app.post(
            "/api/workspaces/order/",
            Some(&ann.access),
            json!({"workspaces": [w2, w1]})
        )
        .await
        .status,
        204
    );
    let r = app.get("/api/workspaces/", Some(&ann.access)).await;
    assert_eq!(r.body[0]["id"], w2);
    assert_eq!(r.body[1]["name"], "W");

    let r = app
        .patch(
            &format!("/api/workspaces/{w1}/"),
            Some(&ann.access),
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(r.body["name"], "Renamed");
    let r = app
        .patch(
            &format!("/api/workspaces/{w1}/"),
            Some(&ann.access),
            json!({"name": "x".repeat(1000)}),
        )
        .await;
    assert_eq!(r.body["detail"]["name"][0]["code"], "max_length");
    let r = app
        .patch(
            &format!("/api/workspaces/{w1}/"),
            Some(&ann.access),
            json!({"name": "a\u{0}b"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    assert_eq!(
        app.delete(&format!("/api/workspaces/{w1}/"), Some(&ann.access))
            .await
            .status,
        204
    );
    let r = app.get("/api/workspaces/", Some(&ann.access)).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_error(
        &app.get(&format!("/api/workspaces/{w1}/"), Some(&ann.access))
            .await,
        404,
        "ERROR_GROUP_DOES_NOT_EXIST",
    );
    let trashed: i64 = sqlx::query_scalar("SELECT count(*) FROM trash_entries WHERE trash_item_type = 'workspace' AND trash_item_id = $1")
        .bind(w1)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(trashed, 1, "deleting records a trash entry");
}

#[tokio::test]
async fn a_non_member_never_sees_or_changes_a_workspace() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let w = app.workspace(&ann, "Private").await;

    assert_eq!(
        app.get("/api/workspaces/", Some(&eve.access)).await.body,
        json!([])
    );
    for r in [
        app.get(&format!("/api/workspaces/{w}/"), Some(&eve.access))
            .await,
        app.patch(
            &format!("/api/workspaces/{w}/"),
            Some(&eve.access),
            json!({"name": "Pwned"}),
        )
        .await,
        app.delete(&format!("/api/workspaces/{w}/"), Some(&eve.access))
            .await,
        app.post(
            &format!("/api/workspaces/{w}/leave/"),
            Some(&eve.access),
            json!({}),
        )
        .await,
        app.get(
            &format!("/api/workspaces/users/workspace/{w}/"),
            Some(&eve.access),
        )
        .await,
        app.get(
            &format!("/api/workspaces/invitations/workspace/{w}/"),
            Some(&eve.access),
        )
        .await,
        app.get(
            &format!("/api/applications/workspace/{w}/"),
            Some(&eve.access),
        )
        .await,
        app.post(
            &format!("/api/applications/workspace/{w}/"),
            Some(&eve.access),
            json!({"name": "DB", "type": "database"}),
        )
        .await,
        app.post(
            "/api/workspaces/order/",
            Some(&eve.access),
            json!({"workspaces": [w]}),
        )
        .await,
    ] {
        assert_error(&r, 400, "ERROR_USER_NOT_IN_GROUP");
        assert!(
            !r.body.to_string().contains("Private"),
            "leaked: {:?}",
            r.body
        );
    }
    let r = app
        .get(&format!("/api/workspaces/{w}/"), Some(&ann.access))
        .await;
    assert_eq!(r.body["name"], "Private", "nothing changed");
    assert_error(
        &app.get("/api/workspaces/999999/", Some(&eve.access)).await,
        404,
        "ERROR_GROUP_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn members_are_managed_by_admins_and_the_last_admin_stays() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let w = app.workspace(&ann, "Team").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, w, bob.id, "MEMBER")
        .await
        .unwrap();

    let r = app
        .get(
            &format!("/api/workspaces/users/workspace/{w}/"),
            Some(&ann.access),
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let bob_membership = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@x.io")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let ann_membership = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "ann@x.io")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Members cannot administer.
    let r = app
        .get(
            &format!("/api/workspaces/users/workspace/{w}/"),
            Some(&bob.access),
        )
        .await;
    assert_error(&r, 400, "ERROR_USER_INVALID_GROUP_PERMISSIONS");
    assert_eq!(r.body["detail"], "You need ['ADMIN'] permissions.");
    assert_error(
        &app.patch(
            &format!("/api/workspaces/{w}/"),
            Some(&bob.access),
            json!({"name": "X"}),
        )
        .await,
        400,
        "ERROR_USER_INVALID_GROUP_PERMISSIONS",
    );

    // The last admin can neither leave nor be demoted, nor remove themselves.
    assert_error(
        &app.post(
            &format!("/api/workspaces/{w}/leave/"),
            Some(&ann.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_GROUP_USER_IS_LAST_ADMIN",
    );
    let r = app
        .patch(
            &format!("/api/workspaces/users/{ann_membership}/"),
            Some(&ann.access),
            json!({"permissions": "MEMBER"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_GROUP_USER_IS_LAST_ADMIN");
    assert_error(
        &app.delete(
            &format!("/api/workspaces/users/{ann_membership}/"),
            Some(&ann.access),
        )
        .await,
        400,
        "ERROR_CANNOT_DELETE_YOURSELF_FROM_GROUP",
    );

    let r = app
        .patch(
            &format!("/api/workspaces/users/{bob_membership}/"),
            Some(&ann.access),
            json!({"permissions": "BOSS"}),
        )
        .await;
    assert_eq!(r.body["detail"]["permissions"][0]["code"], "invalid_choice");
    let r = app
        .patch(
            &format!("/api/workspaces/users/{bob_membership}/"),
            Some(&ann.access),
            json!({"permissions": "ADMIN"}),
        )
        .await;
    assert_eq!(r.body["permissions"], "ADMIN");
    // With a second admin, Ann may leave.
    assert_eq!(
        app.post(
            &format!("/api/workspaces/{w}/leave/"),
            Some(&ann.access),
            json!({})
        )
        .await
        .status,
        204
    );
    assert_error(
        &app.get(&format!("/api/workspaces/{w}/"), Some(&ann.access))
            .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.delete("/api/workspaces/users/999999/", Some(&bob.access))
            .await,
        404,
        "ERROR_GROUP_USER_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn the_old_group_paths_still_work() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let r = app
        .post(
            "/api/groups/",
            Some(&ann.access),
            json!({"name": "Old client"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let w = r.body["id"].as_i64().unwrap();
    assert_eq!(
        app.get("/api/workspaces/", Some(&ann.access)).await.body[0]["id"],
        w
    );
    assert_eq!(
        app.get(&format!("/api/groups/users/group/{w}/"), Some(&ann.access))
            .await
            .status,
        200
    );
    let r = app
        .post(
            &format!("/api/applications/group/{w}/"),
            Some(&ann.access),
            json!({"name": "DB", "type": "database"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
