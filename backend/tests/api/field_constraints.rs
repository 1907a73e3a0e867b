//! Baserow's `field_constraints` (`unique_with_empty`, enforced by PostgreSQL) and
//! `db_index` on fields: their shapes, every error, enforcement on single, batch,
//! concurrent, restored and imported writes, type changes, undo, trash and table
//! duplication, checked against PostgreSQL's catalog.

use crate::helpers::{Resp, Session, TableFixture, TestApp, assert_error, field_of};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const UNIQUE: &str = "unique_with_empty";

fn unique() -> Value {
    json!([{ "type_name": UNIQUE }])
}

/// The indexes of a user table, by name.
async fn indexes(app: &TestApp, table: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE tablename = $1")
        .bind(format!("database_table_{table}"))
        .fetch_all(&app.ctx.db)
        .await
        .unwrap()
}

fn unique_index(table: i64, field: i64) -> String {
    format!("database_table_{table}_field_{field}_unique_with_empty")
}

fn db_index(table: i64, field: i64) -> String {
    format!("database_table_{table}_field_{field}_db_index")
}

/// Waits (bounded) until the background job has built or dropped the index `name`.
async fn wait_for_index(app: &TestApp, table: i64, name: &str, present: bool) {
    for _ in 0..150 {
        if indexes(app, table).await.iter().any(|i| i == name) == present {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("index {name} never became present={present}");
}

async fn create_field(app: &TestApp, fx: &TableFixture, body: Value) -> Resp {
    app.post(
        &format!("/api/database/fields/table/{}/", fx.table),
        Some(&fx.user.access),
        body,
    )
    .await
}

async fn update_field(app: &TestApp, user: &Session, field: i64, body: Value) -> Resp {
    app.patch(
        &format!("/api/database/fields/{field}/"),
        Some(&user.access),
        body,
    )
    .await
}

/// Creates a row with one cell; answers the response.
async fn write(app: &TestApp, fx: &TableFixture, field: i64, value: Value) -> Resp {
    app.post(
        &format!("/api/database/rows/table/{}/", fx.table),
        Some(&fx.user.access),
        json!({ format!("field_{field}"): value }),
    )
    .await
}

async fn write_ok(app: &TestApp, fx: &TableFixture, field: i64, value: Value) -> i64 {
    let r = write(app, fx, field, value).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

/// The values of one field over the table's live rows, in row order.
async fn values(app: &TestApp, fx: &TableFixture, field: i64) -> Vec<Value> {
    let r = app.rows(&fx.user, fx.table, "size=200").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[format!("field_{field}")].clone())
        .collect()
}

async fn field_count(app: &TestApp, fx: &TableFixture) -> usize {
    app.get(
        &format!("/api/database/fields/table/{}/", fx.table),
        Some(&fx.user.access),
    )
    .await
    .body
    .as_array()
    .unwrap()
    .len()
}

#[tokio::test]
async fn fields_carry_db_index_and_constraints_and_postgres_keeps_their_indexes() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let r = create_field(
        &app,
        &fx,
        json!({"name": "Code", "type": "text", "db_index": true, "field_constraints": unique()}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["db_index"], true);
    assert_eq!(r.body["field_constraints"], unique());
    let code = r.body["id"].as_i64().unwrap();
    let got = field_of(&app, &fx.user, code).await;
    assert_eq!(got["db_index"], true);
    assert_eq!(got["field_constraints"], unique());
    // Every field answers both, with Baserow's defaults.
    let list = app
        .get(
            &format!("/api/database/fields/table/{}/", fx.table),
            Some(&fx.user.access),
        )
        .await;
    for f in list.body.as_array().unwrap() {
        let expected = if f["id"] == code { unique() } else { json!([]) };
        assert_eq!(f["field_constraints"], expected, "{f}");
        assert_eq!(f["db_index"], f["id"] == code, "{f}");
    }
    // The unique index is there as soon as the field is; the plain one is built after.
    let table = fx.table;
    assert!(
        indexes(&app, table)
            .await
            .contains(&unique_index(table, code))
    );
    wait_for_index(&app, table, &db_index(table, code), true).await;
    let def: String = sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = $1")
        .bind(unique_index(table, code))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert!(def.starts_with("CREATE UNIQUE INDEX"), "{def}");
    assert!(def.contains("NOT trashed"), "{def}");

    // Turned off, both go; a rename alone changes neither.
    let r = update_field(&app, &fx.user, code, json!({"name": "Code 2"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["db_index"], true);
    assert_eq!(r.body["field_constraints"], unique());
    let r = update_field(
        &app,
        &fx.user,
        code,
        json!({"db_index": false, "field_constraints": []}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["db_index"], false);
    assert_eq!(r.body["field_constraints"], json!([]));
    assert!(
        !indexes(&app, table)
            .await
            .contains(&unique_index(table, code))
    );
    wait_for_index(&app, table, &db_index(table, code), false).await;
    // Now the same value may repeat.
    write_ok(&app, &fx, code, json!("same")).await;
    write_ok(&app, &fx, code, json!("same")).await;

    // The field update event carries the properties too.
    let events = app.events(table).await;
    let updated = events
        .iter()
        .rev()
        .find(|e| e.1 == "field_updated")
        .unwrap();
    assert_eq!(updated.2["field"]["field_constraints"], json!([]));
}

#[tokio::test]
async fn bad_constraints_defaults_and_indexes_are_refused_with_baserows_errors() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let before = field_count(&app, &fx).await;
    let cases = [
        (
            json!({"name": "A", "type": "boolean", "field_constraints": unique()}),
            "ERROR_INVALID_FIELD_CONSTRAINT",
        ),
        (
            json!({"name": "A", "type": "text", "field_constraints": [{"type_name": "unique"}]}),
            "ERROR_INVALID_FIELD_CONSTRAINT",
        ),
        (
            json!({"name": "A", "type": "text", "text_default": "x", "field_constraints": unique()}),
            "ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE",
        ),
        (
            json!({"name": "A", "type": "multiple_select", "db_index": true}),
            "ERROR_DB_INDEX_NOT_SUPPORTED",
        ),
        (
            json!({"name": "A", "type": "file", "db_index": true}),
            "ERROR_DB_INDEX_NOT_SUPPORTED",
        ),
        (
            json!({"name": "A", "type": "text", "db_index": "yes"}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "A", "type": "text", "field_constraints": {"type_name": UNIQUE}}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
        (
            json!({"name": "A", "type": "text", "field_constraints": [{"type_name": "uni\u{0}que"}]}),
            "ERROR_REQUEST_BODY_VALIDATION",
        ),
    ];
    for (body, code) in cases {
        let r = create_field(&app, &fx, body.clone()).await;
        assert_error(&r, 400, code);
        assert!(
            r.body["detail"].is_string() || r.body["detail"].is_object(),
            "{body}"
        );
    }
    assert_eq!(field_count(&app, &fx).await, before, "nothing was created");
    let detail = create_field(
        &app,
        &fx,
        json!({"name": "A", "type": "rating", "field_constraints": [{"type_name": "x"}]}),
    )
    .await
    .body["detail"]
        .clone();
    assert_eq!(
        detail,
        "The field constraint x is not supported for field rating."
    );

    // On update: a default value on a unique field, and an index on a type without one.
    let text = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "T", "type": "text", "field_constraints": unique()}),
        )
        .await;
    let r = update_field(&app, &fx.user, text, json!({"text_default": "x"})).await;
    assert_error(
        &r,
        400,
        "ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE",
    );
    let r = update_field(&app, &fx.user, text, json!({"type": "boolean"})).await;
    assert_error(&r, 400, "ERROR_INVALID_FIELD_CONSTRAINT");
    let f = field_of(&app, &fx.user, text).await;
    assert_eq!(f["type"], "text", "nothing changed");
    assert_eq!(f["text_default"], "");
    let indexed = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "I", "type": "number", "db_index": true}),
        )
        .await;
    let r = update_field(&app, &fx.user, indexed, json!({"type": "multiple_select"})).await;
    assert_error(&r, 400, "ERROR_DB_INDEX_NOT_SUPPORTED");
    // Explicitly turned off, the conversion goes through.
    let r = update_field(
        &app,
        &fx.user,
        indexed,
        json!({"type": "multiple_select", "db_index": false}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_for_index(&app, fx.table, &db_index(fx.table, indexed), false).await;
}

#[tokio::test]
async fn values_that_already_repeat_refuse_the_constraint_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let code = app
        .field(&fx.user, fx.table, json!({"name": "Code", "type": "text"}))
        .await;
    let first = write_ok(&app, &fx, code, json!("a")).await;
    write_ok(&app, &fx, code, json!("a")).await;
    write_ok(&app, &fx, code, json!("")).await;
    write_ok(&app, &fx, code, json!("")).await;
    let r = update_field(
        &app,
        &fx.user,
        code,
        json!({"name": "Renamed", "field_constraints": unique()}),
    )
    .await;
    assert_error(&r, 400, "ERROR_FIELD_CONSTRAINT");
    assert_eq!(
        r.body["detail"],
        "Cannot apply field constraint due to existing data conflicts."
    );
    let f = field_of(&app, &fx.user, code).await;
    assert_eq!(f["name"], "Code", "the whole update was refused");
    assert_eq!(f["field_constraints"], json!([]));
    assert!(
        !indexes(&app, fx.table)
            .await
            .contains(&unique_index(fx.table, code))
    );

    // Once the repeated value is gone, empty cells (NULL and "") may still repeat.
    let r = app
        .patch(
            &format!("/api/database/rows/table/{}/{first}/", fx.table),
            Some(&fx.user.access),
            json!({ format!("field_{code}"): "b" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = update_field(&app, &fx.user, code, json!({"field_constraints": unique()})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["field_constraints"], unique());
    write_ok(&app, &fx, code, json!("")).await;
    write_ok(&app, &fx, code, Value::Null).await;
}

#[tokio::test]
async fn duplicate_values_are_refused_on_single_batch_and_restored_writes() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let code = app
        .field(
            &fx.user,
            t,
            json!({"name": "Code", "type": "text", "field_constraints": unique()}),
        )
        .await;
    let a = write_ok(&app, &fx, code, json!("a")).await;
    let r = write(&app, &fx, code, json!("a")).await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    assert_eq!(
        r.body["detail"],
        "The operation violates a field constraint"
    );
    // Texts are compared exactly, as Baserow does.
    let upper = write_ok(&app, &fx, code, json!("A")).await;
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/{upper}/"),
            Some(&fx.user.access),
            json!({ format!("field_{code}"): "a" }),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    let count = app.rows(&fx.user, t, "").await.body["count"].clone();

    // A batch with one repeated value writes nothing.
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/batch/"),
            Some(&fx.user.access),
            json!({"items": [
                { format!("field_{code}"): "x" },
                { format!("field_{code}"): "y" },
                { format!("field_{code}"): "x" },
            ]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    assert_eq!(app.rows(&fx.user, t, "").await.body["count"], count);
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/batch/"),
            Some(&fx.user.access),
            json!({"items": [
                { "id": a, format!("field_{code}"): "z" },
                { "id": upper, format!("field_{code}"): "z" },
            ]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    let now = values(&app, &fx, code).await;
    assert!(
        now.contains(&json!("a")) && now.contains(&json!("A")),
        "{now:?}"
    );
    assert!(!now.contains(&json!("z")), "{now:?}");

    // A trashed row's value is free; restoring it while taken is refused.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{t}/{a}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    write_ok(&app, &fx, code, json!("a")).await;
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&fx.user.access),
            json!({"trash_item_type": "row", "trash_item_id": a, "parent_trash_item_id": t}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/{a}/"),
            Some(&fx.user.access),
        )
        .await;
    assert_error(&r, 404, "ERROR_ROW_DOES_NOT_EXIST");
}

#[tokio::test]
async fn two_concurrent_writers_of_one_value_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let number = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "N", "type": "number", "field_constraints": unique()}),
        )
        .await;
    for round in 0..5 {
        let value = json!(format!("{}", 100 + round));
        let (r1, r2) = tokio::join!(
            write(&app, &fx, number, value.clone()),
            write(&app, &fx, number, value.clone())
        );
        let mut statuses = [r1.status, r2.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 400], "{:?} {:?}", r1.body, r2.body);
        let loser = if r1.status == 400 { &r1 } else { &r2 };
        assert_error(loser, 400, "ERROR_FIELD_DATA_CONSTRAINT");
        let held = values(&app, &fx, number)
            .await
            .iter()
            .filter(|v| **v == value)
            .count();
        assert_eq!(held, 1, "round {round}");
    }
}

#[tokio::test]
async fn type_changes_keep_the_constraint_when_the_new_type_has_it() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let f = app
        .field(
            &fx.user,
            t,
            json!({"name": "F", "type": "text", "field_constraints": unique()}),
        )
        .await;
    write_ok(&app, &fx, f, json!("1")).await;
    write_ok(&app, &fx, f, json!("1.0")).await;
    // Both become the number 1: refused, and the field stays text.
    let r = update_field(
        &app,
        &fx.user,
        f,
        json!({"type": "number", "number_decimal_places": 0}),
    )
    .await;
    assert_error(&r, 400, "ERROR_FIELD_CONSTRAINT");
    assert_eq!(field_of(&app, &fx.user, f).await["type"], "text");
    assert_eq!(values(&app, &fx, f).await[2..], [json!("1"), json!("1.0")]);

    let r = update_field(
        &app,
        &fx.user,
        f,
        json!({"type": "number", "number_decimal_places": 1}),
    )
    .await;
    assert_error(&r, 400, "ERROR_FIELD_CONSTRAINT");
    // Distinct values convert, and the constraint follows the new column.
    let rows = app.rows(&fx.user, t, "").await.body["results"].clone();
    let last = rows.as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .patch(
            &format!("/api/database/rows/table/{t}/{last}/"),
            Some(&fx.user.access),
            json!({ format!("field_{f}"): "2" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = update_field(
        &app,
        &fx.user,
        f,
        json!({"type": "number", "number_decimal_places": 0}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["field_constraints"], unique());
    assert!(indexes(&app, t).await.contains(&unique_index(t, f)));
    let r = write(&app, &fx, f, json!("2")).await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
    // To a type without it, the constraint must be dropped explicitly.
    let r = update_field(
        &app,
        &fx.user,
        f,
        json!({"type": "boolean", "field_constraints": []}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(!indexes(&app, t).await.contains(&unique_index(t, f)));
}

/// A request from a tab with `ClientSessionId`, as undo needs.
async fn from_tab(app: &TestApp, user: &Session, method: Method, path: &str, body: Value) -> Resp {
    app.raw(
        app.client()
            .request(method, format!("{}{path}", app.url))
            .header("Authorization", format!("JWT {}", user.access))
            .header("ClientSessionId", "tab-1")
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn undo_and_redo_of_a_constraint_change_drop_and_rebuild_its_index() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let f = app
        .field(&fx.user, t, json!({"name": "F", "type": "email"}))
        .await;
    let r = from_tab(
        &app,
        &fx.user,
        Method::PATCH,
        &format!("/api/database/fields/{f}/"),
        json!({"field_constraints": unique(), "db_index": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_for_index(&app, t, &db_index(t, f), true).await;
    let scopes = json!({"scopes": {"root": true, "table": t}});
    let r = from_tab(
        &app,
        &fx.user,
        Method::PATCH,
        "/api/user/undo/",
        scopes.clone(),
    )
    .await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    let got = field_of(&app, &fx.user, f).await;
    assert_eq!(got["field_constraints"], json!([]));
    assert_eq!(got["db_index"], false);
    assert!(!indexes(&app, t).await.contains(&unique_index(t, f)));
    wait_for_index(&app, t, &db_index(t, f), false).await;
    write_ok(&app, &fx, f, json!("a@x.io")).await;
    write_ok(&app, &fx, f, json!("b@x.io")).await;

    let r = from_tab(&app, &fx.user, Method::PATCH, "/api/user/redo/", scopes).await;
    assert_eq!(r.body["result_code"], "SUCCESS", "{:?}", r.body);
    assert_eq!(
        field_of(&app, &fx.user, f).await["field_constraints"],
        unique()
    );
    assert!(indexes(&app, t).await.contains(&unique_index(t, f)));
    wait_for_index(&app, t, &db_index(t, f), true).await;
    let r = write(&app, &fx, f, json!("a@x.io")).await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");
}

#[tokio::test]
async fn the_constraint_survives_field_trash_table_duplication_and_field_duplication() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let t = fx.table;
    let a = Some(fx.user.access.as_str());
    let f = app
        .field(
            &fx.user,
            t,
            json!({"name": "F", "type": "rating", "field_constraints": unique(), "db_index": true}),
        )
        .await;
    write_ok(&app, &fx, f, json!(3)).await;
    // Zero is a rating's empty value: it may repeat.
    write_ok(&app, &fx, f, json!(0)).await;
    write_ok(&app, &fx, f, json!(0)).await;

    let r = app.delete(&format!("/api/database/fields/{f}/"), a).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            "/api/trash/restore/",
            a,
            json!({"trash_item_type": "field", "trash_item_id": f}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = field_of(&app, &fx.user, f).await;
    assert_eq!(got["field_constraints"], unique());
    assert_eq!(got["db_index"], true);
    assert_error(
        &write(&app, &fx, f, json!(3)).await,
        400,
        "ERROR_FIELD_DATA_CONSTRAINT",
    );

    // A duplicated table's copy of the field keeps both, enforced on its own table.
    let r = app
        .post(
            &format!("/api/database/tables/{t}/duplicate/async/"),
            a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    let mut done = Value::Null;
    for _ in 0..150 {
        done = app.get(&format!("/api/jobs/{job}/"), a).await.body;
        if done["state"] == "finished" || done["state"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["state"], "finished", "{done}");
    let copy = done["duplicated_table"]["id"].as_i64().unwrap();
    let copied = app.field_id(&fx.user, copy, "F").await;
    let got = field_of(&app, &fx.user, copied).await;
    assert_eq!(got["field_constraints"], unique());
    assert_eq!(got["db_index"], true);
    assert!(
        indexes(&app, copy)
            .await
            .contains(&unique_index(copy, copied))
    );
    wait_for_index(&app, copy, &db_index(copy, copied), true).await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{copy}/"),
            a,
            json!({ format!("field_{copied}"): 3 }),
        )
        .await;
    assert_error(&r, 400, "ERROR_FIELD_DATA_CONSTRAINT");

    // A duplicated field (with its data) keeps the constraint, as in Baserow.
    let r = app
        .post(
            &format!("/api/database/fields/{f}/duplicate/async/"),
            a,
            json!({"duplicate_data": true}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    for _ in 0..150 {
        done = app.get(&format!("/api/jobs/{job}/"), a).await.body;
        if done["state"] == "finished" || done["state"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["state"], "finished", "{done}");
    let dup = &done["duplicated_field"];
    assert_eq!(dup["field_constraints"], unique(), "{dup}");
    let dup_id = dup["id"].as_i64().unwrap();
    assert!(indexes(&app, t).await.contains(&unique_index(t, dup_id)));
}

#[tokio::test]
async fn an_import_with_a_taken_value_fails_readably_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    let r = update_field(&app, &fx.user, name, json!({"field_constraints": unique()})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    write_ok(&app, &fx, name, json!("taken")).await;
    let count = app.rows(&fx.user, fx.table, "").await.body["count"].clone();
    let upload = crate::imports::upload(&app, &fx.user, "dup.csv", b"Name\nfresh\ntaken\n").await;
    let job = crate::imports::import(
        &app,
        &fx.user,
        json!({"upload_id": upload, "table_id": fx.table, "first_row_header": true}),
    )
    .await;
    assert_eq!(job["state"], "failed", "{job}");
    let message = job["human_readable_error"].as_str().unwrap();
    assert!(message.contains("ERROR_FIELD_DATA_CONSTRAINT"), "{message}");
    assert!(
        !message.contains("database_table_"),
        "no internals: {message}"
    );
    assert_eq!(app.rows(&fx.user, fx.table, "").await.body["count"], count);
    assert!(!values(&app, &fx, name).await.contains(&json!("fresh")));
}
