//! Tables: created empty or from data, listed, renamed, ordered, trashed.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn a_new_table_gets_baserows_default_fields_rows_and_grid_view() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let table = app
        .get(&format!("/api/database/tables/{t}/"), Some(&fx.user.access))
        .await;
    assert_eq!(
        table.body,
        json!({"id": t, "name": "T", "order": 1, "database_id": fx.database, "data_sync": null})
    );

    let fields = app
        .get(
            &format!("/api/database/fields/table/{t}/"),
            Some(&fx.user.access),
        )
        .await;
    let summary: Vec<_> = fields
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].clone(), f["type"].clone(), f["primary"].clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!("Name"), json!("text"), json!(true)),
            (json!("Notes"), json!("long_text"), json!(false)),
            (json!("Active"), json!("boolean"), json!(false))
        ]
    );

    let rows = app.rows(&fx.user, t, "user_field_names=true").await;
    assert_eq!(rows.body["count"], 2);
    assert_eq!(
        rows.body["results"][0],
        json!({"id": 1, "order": "1.00000000000000000000", "Name": null, "Notes": null, "Active": false})
    );

    let views: Vec<(String, String)> =
        sqlx::query_as("SELECT name, type FROM database_views WHERE table_id = $1")
            .bind(t)
            .fetch_all(&app.ctx.db)
            .await
            .unwrap();
    assert_eq!(views, vec![("Grid".to_string(), "grid".to_string())]);
    // The user table is a real PostgreSQL table with the system columns.
    let columns: Vec<String> = sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position")
        .bind(format!("database_table_{t}"))
        .fetch_all(&app.ctx.db)
        .await
        .unwrap();
    for c in [
        "id",
        "order",
        "created_on",
        "updated_on",
        "created_by",
        "last_modified_by",
        "trashed",
    ] {
        assert!(
            columns.contains(&c.to_string()),
            "{c} missing from {columns:?}"
        );
    }
}

#[tokio::test]
async fn tables_from_data_follow_the_header_rules() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let path = format!("/api/database/tables/database/{}/", fx.database);
    let a = &fx.user.access;

    let r = app
        .post(
            &path,
            Some(a),
            json!({"name": "P", "data": [["a", "b"], ["1"]], "first_row_header": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let t = r.body["id"].as_i64().unwrap();
    let rows = app.rows(&fx.user, t, "user_field_names=true").await;
    assert_eq!(rows.body["count"], 1);
    assert_eq!(rows.body["results"][0]["a"], "1");
    assert_eq!(rows.body["results"][0]["b"], json!(null));

    let r = app
        .post(
            &path,
            Some(a),
            json!({"name": "Q", "data": [["x", 1], ["y", true]]}),
        )
        .await;
    let t = r.body["id"].as_i64().unwrap();
    let rows = app.rows(&fx.user, t, "user_field_names=true").await;
    assert_eq!(rows.body["count"], 2);
    assert_eq!(
        rows.body["results"][1],
        json!({"id": 2, "order": "2.00000000000000000000", "Field 1": "y", "Field 2": "true"})
    );

    assert_error(
        &app.post(
            &path,
            Some(a),
            json!({"name": "R", "data": [["id"], ["x"]], "first_row_header": true}),
        )
        .await,
        400,
        "ERROR_RESERVED_BASEROW_FIELD_NAME",
    );
    assert_error(
        &app.post(
            &path,
            Some(a),
            json!({"name": "R", "data": [["a", "a"]], "first_row_header": true}),
        )
        .await,
        400,
        "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES",
    );
    assert_error(
        &app.post(
            &path,
            Some(a),
            json!({"name": "R", "data": [["a", ""]], "first_row_header": true}),
        )
        .await,
        400,
        "ERROR_INVALID_BASEROW_FIELD_NAME",
    );
    assert_error(
        &app.post(&path, Some(a), json!({"name": "R", "data": []}))
            .await,
        400,
        "ERROR_INVALID_INITIAL_TABLE_DATA",
    );
    let wide: Vec<String> = (0..601).map(|i| format!("c{i}")).collect();
    assert_error(
        &app.post(
            &path,
            Some(a),
            json!({"name": "R", "data": [wide], "first_row_header": true}),
        )
        .await,
        400,
        "ERROR_MAX_FIELD_COUNT_EXCEEDED",
    );
    // Refused tables left nothing behind.
    assert_eq!(
        app.get(&path, Some(a)).await.body.as_array().unwrap().len(),
        3
    );
}

#[tokio::test]
async fn tables_are_renamed_ordered_and_trashed() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = &fx.user.access;
    let list_path = format!("/api/database/tables/database/{}/", fx.database);
    let second = app
        .post(&list_path, Some(a), json!({"name": "Second"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    let r = app
        .patch(
            &format!("/api/database/tables/{}/", fx.table),
            Some(a),
            json!({"name": "Renamed 🚀"}),
        )
        .await;
    assert_eq!(r.body["name"], "Renamed 🚀");
    assert_error(
        &app.patch(
            &format!("/api/database/tables/{}/", fx.table),
            Some(a),
            json!({"name": "x".repeat(1000)}),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.patch(
            &format!("/api/database/tables/{}/", fx.table),
            Some(a),
            json!({"name": "a\u{0}"}),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );

    let order = format!("/api/database/tables/database/{}/order/", fx.database);
    assert_eq!(
        app.post(&order, Some(a), json!({"table_ids": [second, fx.table]}))
            .await
            .status,
        204
    );
    let ids: Vec<i64> = app
        .get(&list_path, Some(a))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second, fx.table]);
    assert_error(
        &app.post(&order, Some(a), json!({"table_ids": [999999]}))
            .await,
        400,
        "ERROR_TABLE_NOT_IN_DATABASE",
    );

    // The database lists its tables.
    let db = app
        .get(&format!("/api/applications/{}/", fx.database), Some(a))
        .await;
    assert_eq!(db.body["tables"].as_array().unwrap().len(), 2);

    assert_eq!(
        app.delete(&format!("/api/database/tables/{}/", fx.table), Some(a))
            .await
            .status,
        204
    );
    assert_error(
        &app.get(&format!("/api/database/tables/{}/", fx.table), Some(a))
            .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    assert_error(
        &app.rows(&fx.user, fx.table, "").await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
    // Trashed, not dropped: the PostgreSQL table is still there.
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("database_table_{}", fx.table))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert!(exists);
    let events = app.events(fx.table).await;
    let types: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        types,
        vec!["table_created", "table_updated", "table_deleted"]
    );
    assert_eq!(
        events.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "gap-free sequence"
    );
}

#[tokio::test]
async fn another_users_tables_are_out_of_reach() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let t = fx.table;
    assert_error(
        &app.get(&format!("/api/database/tables/{t}/"), Some(&eve.access))
            .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.get(
            &format!("/api/database/fields/table/{t}/"),
            Some(&eve.access),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(&app.rows(&eve, t, "").await, 400, "ERROR_USER_NOT_IN_GROUP");
    assert_error(
        &app.post(
            &format!("/api/database/rows/table/{t}/"),
            Some(&eve.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.delete(&format!("/api/database/tables/{t}/"), Some(&eve.access))
            .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.post(
            &format!("/api/database/tables/database/{}/", fx.database),
            Some(&eve.access),
            json!({"name": "x"}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
    assert_error(
        &app.get("/api/database/tables/999999/", Some(&eve.access))
            .await,
        404,
        "ERROR_TABLE_DOES_NOT_EXIST",
    );
}

#[tokio::test]
async fn duplicating_a_table_is_a_job_that_copies_fields_options_and_rows() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    app.field(&fx.user, t, json!({"name": "Color", "type": "single_select", "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]})).await;
    app.field(&fx.user, t, json!({"name": "Tags", "type": "multiple_select", "select_options": [{"value": "A", "color": "red"}, {"value": "B", "color": "blue"}]})).await;
    app.field(&fx.user, t, json!({"name": "No", "type": "autonumber"}))
        .await;
    app.patch(
        &format!("/api/database/rows/table/{t}/1/?user_field_names=true"),
        a,
        json!({"Name": "first", "Color": "Blue", "Tags": ["B", "A"]}),
    )
    .await;
    app.delete(&format!("/api/database/rows/table/{t}/2/"), a)
        .await;

    let r = app
        .post(
            &format!("/api/database/tables/{t}/duplicate/async/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["type"], "duplicate_table");
    assert_eq!(r.body["original_table"]["id"], t);
    let job = r.body["id"].as_i64().unwrap();
    let mut finished = json!(null);
    for _ in 0..100 {
        let j = app.get(&format!("/api/jobs/{job}/"), a).await.body;
        if j["state"] == "finished" || j["state"] == "failed" {
            finished = j;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(finished["state"], "finished", "{finished}");
    assert_eq!(finished["progress_percentage"], 100);
    let copy = finished["duplicated_table"]["id"].as_i64().unwrap();
    assert_eq!(finished["duplicated_table"]["name"], "T 2");

    let rows = app.rows(&fx.user, copy, "user_field_names=true").await;
    assert_eq!(rows.body["count"], 1, "trashed rows stay behind");
    let row = &rows.body["results"][0];
    assert_eq!(row["Name"], "first");
    assert_eq!(row["Color"]["value"], "Blue");
    let tags: Vec<_> = row["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].clone())
        .collect();
    assert_eq!(tags, vec![json!("B"), json!("A")]);
    assert_eq!(row["No"], 1);
    let original_option =
        app.rows(&fx.user, t, "user_field_names=true").await.body["results"][0]["Color"]["id"]
            .clone();
    assert_ne!(
        row["Color"]["id"], original_option,
        "the copy has its own options"
    );
    // The copy is independent and keeps numbering.
    let r = app
        .post(
            &format!("/api/database/rows/table/{copy}/?user_field_names=true"),
            a,
            json!({"Name": "second"}),
        )
        .await;
    assert_eq!(r.body["No"], 2);
    assert_eq!(r.body["id"], 2, "row ids continue after the copied ones");
    assert_eq!(
        app.rows(&fx.user, t, "").await.body["count"],
        1,
        "the original is untouched"
    );
    let listed = app.get("/api/jobs/", a).await;
    assert_eq!(listed.body["jobs"][0]["id"], job);

    let eve = app.sign_up("Eve", "eve@x.io").await;
    assert_error(
        &app.get(&format!("/api/jobs/{job}/"), Some(&eve.access))
            .await,
        404,
        "ERROR_JOB_DOES_NOT_EXIST",
    );
    assert_error(
        &app.post(
            &format!("/api/database/tables/{t}/duplicate/async/"),
            Some(&eve.access),
            json!({}),
        )
        .await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );
}

#[tokio::test]
async fn one_unfinished_duplication_per_user() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    // A pending job of the same type blocks a second one.
    sqlx::query(
        "INSERT INTO jobs (type, user_id, state) VALUES ('duplicate_table', $1, 'started')",
    )
    .bind(fx.user.id)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    let r = app
        .post(
            &format!("/api/database/tables/{}/duplicate/async/", fx.table),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_error(&r, 400, "ERROR_MAX_JOB_COUNT_EXCEEDED");
}
