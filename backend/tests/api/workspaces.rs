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

#[tokio::test]
async fn the_initial_workspace_holds_an_example_database_with_two_tables() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("Ada", "ada@x.io").await;
    let a = Some(ada.access.as_str());
    let path = "/api/workspaces/create-initial-workspace/";
    let r = app.post(path, None, json!({})).await;
    assert_eq!(r.status, 401, "{:?}", r.body);

    let r = app.post(path, a, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"], "Ada's workspace");
    assert_eq!(r.body["permissions"], "ADMIN");
    assert_eq!(r.body["users"][0]["email"], "ada@x.io");
    let workspace = r.body["id"].as_i64().unwrap();

    let apps = app
        .get(&format!("/api/applications/workspace/{workspace}/"), a)
        .await;
    assert_eq!(apps.status, 200, "{:?}", apps.body);
    let apps = apps.body.as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["name"], "Ada's company");
    assert_eq!(apps[0]["type"], "database");
    let tables = apps[0]["tables"].as_array().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Customers", "Projects"]);

    let customers = tables[0]["id"].as_i64().unwrap();
    let r = app
        .get(
            &format!("/api/database/rows/table/{customers}/?user_field_names=true"),
            a,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["count"], 5);
    let first = &r.body["results"][0];
    assert_eq!(first["Name"], "Ada");
    assert_eq!(first["Last name"], "Lovelace");
    assert_eq!(first["Active"], true);
    assert!(
        r.body["results"][1]["Notes"]
            .as_str()
            .unwrap()
            .starts_with("Lorem ipsum")
    );
    let fields = app
        .get(&format!("/api/database/fields/table/{customers}/"), a)
        .await;
    let kinds: Vec<(&str, &str, bool)> = fields
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["type"].as_str().unwrap(),
                f["primary"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Name", "text", true),
            ("Last name", "text", false),
            ("Notes", "long_text", false),
            ("Active", "boolean", false)
        ]
    );
    // Its grid view shows the notes wide and the checkbox narrow.
    let views = app
        .get(&format!("/api/database/views/table/{customers}/"), a)
        .await;
    let grid = views.body[0]["id"].as_i64().unwrap();
    let options = app
        .get(&format!("/api/database/views/{grid}/field-options/"), a)
        .await;
    let notes = fields.body[2]["id"].to_string();
    let active = fields.body[3]["id"].to_string();
    assert_eq!(options.body["field_options"][&notes]["width"], 400);
    assert_eq!(options.body["field_options"][&active]["width"], 100);

    let projects = tables[1]["id"].as_i64().unwrap();
    let r = app
        .get(
            &format!("/api/database/rows/table/{projects}/?user_field_names=true"),
            a,
        )
        .await;
    assert_eq!(r.body["count"], 4, "{:?}", r.body);
    assert_eq!(r.body["results"][1]["Name"], "Turing machine");
    assert_eq!(r.body["results"][1]["Started"], "1936-06-01");
    assert_eq!(r.body["results"][1]["Active"], true);

    // When only staff may create workspaces, others get no initial workspace either.
    let r = app
        .patch(
            "/api/settings/update/",
            a,
            json!({"allow_global_workspace_creation": false}),
        )
        .await;
    assert_eq!(r.status, 200, "Ada, the first user, is staff: {:?}", r.body);
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let r = app.post(path, Some(&bob.access), json!({})).await;
    assert_error(&r, 401, "PERMISSION_DENIED");
    let r = app.get("/api/workspaces/", Some(&bob.access)).await;
    assert_eq!(r.body.as_array().unwrap().len(), 0, "{:?}", r.body);
}
