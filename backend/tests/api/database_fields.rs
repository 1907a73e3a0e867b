//! Fields: rules, every type, conversions between every pair of types, trash, events.

use crate::helpers::{TestApp, assert_error};
use serde_json::{Value, json};

/// One field of every type, with type properties.
fn every_type() -> Vec<Value> {
    vec![
        json!({"name": "text", "type": "text"}),
        json!({"name": "long_text", "type": "long_text"}),
        json!({"name": "url", "type": "url"}),
        json!({"name": "email", "type": "email"}),
        json!({"name": "phone_number", "type": "phone_number"}),
        json!({"name": "number", "type": "number", "number_decimal_places": 2, "number_negative": true}),
        json!({"name": "rating", "type": "rating", "max_value": 5}),
        json!({"name": "boolean", "type": "boolean"}),
        json!({"name": "date", "type": "date"}),
        json!({"name": "datetime", "type": "date", "date_include_time": true}),
        json!({"name": "duration", "type": "duration", "duration_format": "h:mm:ss"}),
        json!({"name": "single_select", "type": "single_select", "select_options": [{"value": "Red", "color": "red"}, {"value": "3", "color": "blue"}]}),
        json!({"name": "multiple_select", "type": "multiple_select", "select_options": [{"value": "A", "color": "red"}, {"value": "B", "color": "blue"}]}),
        json!({"name": "created_on", "type": "created_on"}),
        json!({"name": "last_modified", "type": "last_modified"}),
        json!({"name": "created_by", "type": "created_by"}),
        json!({"name": "last_modified_by", "type": "last_modified_by"}),
        json!({"name": "autonumber", "type": "autonumber"}),
        json!({"name": "uuid", "type": "uuid"}),
    ]
}

/// Writable values for a row, by field name.
fn sample_row() -> Value {
    json!({
        "text": "3", "long_text": "line one\nline two", "url": "https://example.com", "email": "a@b.io",
        "phone_number": "+1 (555) 010", "number": "-12.5", "rating": 4, "boolean": true, "date": "2024-01-31",
        "datetime": "2024-01-31T13:45:00Z", "duration": 3725, "single_select": "Red", "multiple_select": ["B", "A"],
    })
}

#[tokio::test]
async fn field_names_follow_baserows_rules() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let path = format!("/api/database/fields/table/{}/", fx.table);
    let a = Some(fx.user.access.as_str());
    assert_error(
        &app.post(&path, a, json!({"name": "id", "type": "text"}))
            .await,
        400,
        "ERROR_RESERVED_BASEROW_FIELD_NAME",
    );
    assert_error(
        &app.post(&path, a, json!({"name": "Notes", "type": "text"}))
            .await,
        400,
        "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
    );
    assert_error(
        &app.post(&path, a, json!({"name": "  ", "type": "text"}))
            .await,
        400,
        "ERROR_INVALID_BASEROW_FIELD_NAME",
    );
    assert_error(
        &app.post(&path, a, json!({"name": "x".repeat(1000), "type": "text"}))
            .await,
        400,
        "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED",
    );
    assert_error(
        &app.post(&path, a, json!({"name": "a\u{0}b", "type": "text"}))
            .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    let r = app
        .post(&path, a, json!({"name": "X", "type": "nope"}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert_eq!(r.body["detail"]["type"][0]["code"], "invalid_choice");
    assert_error(
        &app.post(&path, a, json!({"type": "text"})).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(
            &path,
            a,
            json!({"name": "n", "type": "number", "number_decimal_places": 11}),
        )
        .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );

    // SQL-looking and emoji names are just names.
    for name in [
        "Robert'); DROP TABLE users;--",
        "select",
        "\"quoted\"",
        "🚀 launch",
        "名前",
    ] {
        let r = app
            .post(&path, a, json!({"name": name, "type": "text"}))
            .await;
        assert_eq!(r.status, 200, "{name}: {:?}", r.body);
        assert_eq!(r.body["name"], name);
        assert_eq!(r.body["related_fields"], json!([]));
    }
    let r = app.rows(&fx.user, fx.table, "user_field_names=true").await;
    assert_eq!(
        r.body["results"][0]["Robert'); DROP TABLE users;--"],
        json!(null)
    );

    let primary = app.field_id(&fx.user, fx.table, "Name").await;
    assert_error(
        &app.delete(&format!("/api/database/fields/{primary}/"), a)
            .await,
        400,
        "ERROR_CANNOT_DELETE_PRIMARY_FIELD",
    );
    let r = app
        .patch(
            &format!("/api/database/fields/{primary}/"),
            a,
            json!({"type": "created_by"}),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "read-only types may be primary: {:?}",
        r.body
    );
}

#[tokio::test]
async fn a_table_holds_at_most_the_configured_number_of_fields() {
    let app = TestApp::spawn_with(|s| s.max_fields_per_table = 5).await;
    let fx = app.table_fixture().await;
    let path = format!("/api/database/fields/table/{}/", fx.table);
    app.field(&fx.user, fx.table, json!({"name": "four", "type": "text"}))
        .await;
    app.field(&fx.user, fx.table, json!({"name": "five", "type": "text"}))
        .await;
    assert_error(
        &app.post(
            &path,
            Some(&fx.user.access),
            json!({"name": "six", "type": "text"}),
        )
        .await,
        400,
        "ERROR_MAX_FIELD_COUNT_EXCEEDED",
    );
}

#[tokio::test]
async fn six_hundred_and_one_fields_are_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let headers: Vec<String> = (0..600).map(|i| format!("c{i}")).collect();
    let r = app
        .post(
            &format!("/api/database/tables/database/{}/", fx.database),
            Some(&fx.user.access),
            json!({"name": "Wide", "data": [headers], "first_row_header": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let wide = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/database/fields/table/{wide}/"),
            Some(&fx.user.access),
            json!({"name": "one too many", "type": "text"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_MAX_FIELD_COUNT_EXCEEDED");
}

#[tokio::test]
async fn every_type_stores_and_shows_values_as_baserow_does() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    for body in every_type() {
        app.field(&fx.user, fx.table, body).await;
    }
    let r = app
        .post(
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true",
                fx.table
            ),
            Some(&fx.user.access),
            sample_row(),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = &r.body;
    assert_eq!(row["number"], "-12.50");
    assert_eq!(row["rating"], 4);
    assert_eq!(row["boolean"], true);
    assert_eq!(row["date"], "2024-01-31");
    assert_eq!(row["datetime"], "2024-01-31T13:45:00Z");
    assert_eq!(row["duration"], 3725.0);
    assert_eq!(row["single_select"]["value"], "Red");
    assert_eq!(row["single_select"]["color"], "red");
    let multi: Vec<_> = row["multiple_select"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].clone())
        .collect();
    assert_eq!(
        multi,
        vec![json!("B"), json!("A")],
        "kept in the order given"
    );
    assert_eq!(row["created_by"]["name"], "Ann");
    assert_eq!(row["last_modified_by"]["id"], fx.user.id);
    assert!(row["created_on"].as_str().unwrap().ends_with('Z'));
    assert_eq!(row["autonumber"], 3, "after the two default rows");
    assert_eq!(row["uuid"].as_str().unwrap().len(), 36);
    assert_eq!(row["url"], "https://example.com");

    // Empty text-like values read as "" where Baserow does.
    let empty = app
        .post(
            &format!(
                "/api/database/rows/table/{}/?user_field_names=true",
                fx.table
            ),
            Some(&fx.user.access),
            json!({}),
        )
        .await;
    assert_eq!(empty.body["url"], "");
    assert_eq!(empty.body["email"], "");
    assert_eq!(empty.body["multiple_select"], json!([]));
    assert_eq!(empty.body["single_select"], json!(null));
    assert_eq!(empty.body["rating"], 0);
}

#[tokio::test]
async fn every_type_converts_to_every_other_type() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let w = app.workspace(&user, "W").await;
    let db = app.database(&user, w).await;
    let targets = every_type();
    for target in &targets {
        let t = app
            .post(
                &format!("/api/database/tables/database/{db}/"),
                Some(&user.access),
                json!({"name": "Conv"}),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let mut ids = Vec::new();
        for body in every_type() {
            ids.push((
                body["name"].as_str().unwrap().to_owned(),
                app.field(&user, t, body).await,
            ));
        }
        let r = app
            .post(
                &format!("/api/database/rows/table/{t}/?user_field_names=true"),
                Some(&user.access),
                sample_row(),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        for (name, id) in &ids {
            let mut body = target.clone();
            body["name"] = json!(format!("{name} as {}", target["name"].as_str().unwrap()));
            let r = app
                .patch(
                    &format!("/api/database/fields/{id}/"),
                    Some(&user.access),
                    body,
                )
                .await;
            assert_eq!(r.status, 200, "{name} → {}: {:?}", target["name"], r.body);
        }
        let rows = app.rows(&user, t, "user_field_names=true").await;
        assert_eq!(
            rows.status, 200,
            "after converting to {}: {:?}",
            target["name"], rows.body
        );
        assert_eq!(rows.body["count"], 3);
    }
}

#[tokio::test]
async fn conversions_keep_what_fits_and_empty_what_does_not() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let notes = app.field_id(&fx.user, t, "Notes").await;
    for (i, value) in ["12.345", "not a number", "-7"].iter().enumerate() {
        let row = if i < 2 {
            i as i64 + 1
        } else {
            app.post(&format!("/api/database/rows/table/{t}/"), a, json!({}))
                .await
                .body["id"]
                .as_i64()
                .unwrap()
        };
        app.patch(
            &format!("/api/database/rows/table/{t}/{row}/"),
            a,
            json!({format!("field_{notes}"): value}),
        )
        .await;
    }
    let r = app
        .patch(
            &format!("/api/database/fields/{notes}/"),
            a,
            json!({"type": "number", "number_decimal_places": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let values: Vec<Value> = app.rows(&fx.user, t, "").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[format!("field_{notes}")].clone())
        .collect();
    assert_eq!(
        values,
        vec![json!("12.3"), json!(null), json!(null)],
        "negative numbers need number_negative"
    );

    // Back to text, then to a single select whose options match some values.
    app.patch(
        &format!("/api/database/fields/{notes}/"),
        a,
        json!({"type": "text"}),
    )
    .await;
    let r = app
        .patch(
            &format!("/api/database/fields/{notes}/"),
            a,
            json!({"type": "single_select", "select_options": [{"value": "12.3", "color": "red"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first =
        app.rows(&fx.user, t, "").await.body["results"][0][format!("field_{notes}")].clone();
    assert_eq!(first["value"], "12.3");

    // Text holding a script stays inert text after becoming a URL: unsafe schemes are emptied.
    let name = app.field_id(&fx.user, t, "Name").await;
    app.patch(
        &format!("/api/database/rows/table/{t}/1/"),
        a,
        json!({format!("field_{name}"): "javascript:alert(1)"}),
    )
    .await;
    app.patch(
        &format!("/api/database/rows/table/{t}/2/"),
        a,
        json!({format!("field_{name}"): "https://ok.example"}),
    )
    .await;
    app.patch(
        &format!("/api/database/fields/{name}/"),
        a,
        json!({"type": "url"}),
    )
    .await;
    let urls: Vec<Value> = app.rows(&fx.user, t, "").await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[format!("field_{name}")].clone())
        .collect();
    assert_eq!(urls[0], "");
    assert_eq!(urls[1], "https://ok.example");
}

#[tokio::test]
async fn field_changes_are_logged_and_deleted_fields_go_to_the_trash() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let f = app
        .field(&fx.user, fx.table, json!({"name": "Temp", "type": "text"}))
        .await;
    app.patch(
        &format!("/api/database/fields/{f}/"),
        a,
        json!({"name": "Renamed"}),
    )
    .await;
    let r = app.delete(&format!("/api/database/fields/{f}/"), a).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({"related_fields": []}));
    assert_error(
        &app.get(&format!("/api/database/fields/{f}/"), a).await,
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    );
    let rows = app.rows(&fx.user, fx.table, "").await;
    assert!(
        rows.body["results"][0].get(format!("field_{f}")).is_none(),
        "a trashed field is not shown"
    );
    let trashed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM trash_entries WHERE trash_item_type = 'field' AND trash_item_id = $1",
    )
    .bind(f)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(trashed, 1);

    let events = app.events(fx.table).await;
    let tail: Vec<&str> = events.iter().skip(1).map(|e| e.1.as_str()).collect();
    assert_eq!(
        tail,
        vec!["field_created", "field_updated", "field_deleted"]
    );
    assert_eq!(events[1].2["field"]["name"], "Temp");
    assert_eq!(events[2].2["field_id"], f);
    assert_eq!(
        events[3].2,
        json!({"table_id": fx.table, "field_id": f, "related_fields": []})
    );
    // A name freed by the trash can be used again.
    app.field(
        &fx.user,
        fx.table,
        json!({"name": "Renamed", "type": "text"}),
    )
    .await;
}
