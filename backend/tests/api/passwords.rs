//! `password` fields: stored as an argon2 hash, read as `true` or `null`; `true` keeps
//! the value, `null` clears it; only `empty`/`not_empty` filter; never searched, sorted,
//! exported or shown as text, and never primary.

use crate::{
    collaborators::{clear_rows, export_csv},
    helpers::*,
};
use serde_json::json;
use tessera::platform::auth::password;

/// The stored value of a cell.
async fn stored(app: &TestApp, table: i64, field: i64, row: i64) -> Option<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT field_{field} FROM database_table_{table} WHERE id = $1"
    )))
    .bind(row)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn passwords_are_hashed_and_read_as_whether_one_is_set() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/fields/table/{}/", fx.table),
            a,
            json!({"name": "Secret", "type": "password"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["allow_endpoint_authentication"], false);
    let field = r.body["id"].as_i64().unwrap();
    let key = format!("field_{field}");
    let rows = format!("/api/database/rows/table/{}/", fx.table);

    let r = app
        .post(&rows, a, json!({key.clone(): "s3cret pass"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key], true);
    let row = r.body["id"].as_i64().unwrap();
    let hash = stored(&app, fx.table, field, row).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(password::verify("s3cret pass", &hash).await);
    let path = format!("{rows}{row}/");
    let r = app.get(&path, a).await;
    assert_eq!(r.body[&key], true);
    assert!(!r.body.to_string().contains("argon2"), "{:?}", r.body);

    // `true` (what reading gives) keeps the password; a new text replaces it.
    let r = app.patch(&path, a, json!({key.clone(): true})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key], true);
    assert_eq!(
        stored(&app, fx.table, field, row).await.as_deref(),
        Some(hash.as_str())
    );
    let r = app.patch(&path, a, json!({key.clone(): "another"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let replaced = stored(&app, fx.table, field, row).await.unwrap();
    assert!(password::verify("another", &replaced).await);

    // Refused values change nothing.
    for bad in [json!(false), json!(5), json!(["x"]), json!("a\u{0}b")] {
        let r = app.patch(&path, a, json!({key.clone(): bad})).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    assert_eq!(stored(&app, fx.table, field, row).await, Some(replaced));

    // `null` (or "") clears it; `true` on a new row sets nothing.
    let r = app.patch(&path, a, json!({key.clone(): null})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key], json!(null));
    assert_eq!(stored(&app, fx.table, field, row).await, None);
    let r = app.post(&rows, a, json!({key.clone(): true})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key], json!(null));
    let r = app
        .post(
            &format!("{rows}batch/"),
            a,
            json!({"items": [{key.clone(): "one"}, {key.clone(): ""}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["items"][0][&key], true);
    assert_eq!(r.body["items"][1][&key], json!(null));
}

#[tokio::test]
async fn passwords_filter_only_by_emptiness_and_never_show_as_text() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Secret", "type": "password"}),
        )
        .await;
    let key = format!("field_{field}");
    let name = format!("field_{}", app.field_id(&fx.user, fx.table, "Name").await);
    let rows = format!("/api/database/rows/table/{}/", fx.table);
    clear_rows(&app, &fx).await;
    for (row, secret) in [("set", json!("hunter2")), ("unset", json!(null))] {
        let r = app
            .post(&rows, a, json!({name.clone(): row, key.clone(): secret}))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let listed = |r: &Resp| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", r.body))
            .iter()
            .map(|row| row[&name].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let f = field;
    for (query, expected) in [
        (format!("filter__field_{f}__empty="), vec!["unset"]),
        (format!("filter__field_{f}__not_empty="), vec!["set"]),
        ("search=hunter2".to_owned(), vec![]),
        ("search=argon2".to_owned(), vec![]),
    ] {
        let r = app.rows(&fx.user, fx.table, &query).await;
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        assert_eq!(listed(&r), expected, "{query}");
    }
    for filter in ["contains", "equal"] {
        let r = app
            .rows(
                &fx.user,
                fx.table,
                &format!("filter__field_{f}__{filter}=argon2"),
            )
            .await;
        assert_error(&r, 400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD");
    }
    let r = app
        .rows(&fx.user, fx.table, &format!("order_by=field_{f}"))
        .await;
    assert_error(&r, 400, "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE");

    // Exports leave the column empty.
    let csv = export_csv(&app, &fx).await;
    assert!(csv.contains("Secret"), "{csv}");
    assert!(!csv.contains("argon2"), "{csv}");
    let lines: Vec<&str> = csv.lines().filter(|l| l.contains("set")).collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines.iter().all(|l| l.trim_end().ends_with(',')), "{csv}");

    // The primary field cannot become a password.
    let primary = app.field_id(&fx.user, fx.table, "Name").await;
    let r = app
        .patch(
            &format!("/api/database/fields/{primary}/"),
            a,
            json!({"type": "password"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE");

    // Converting to text drops the hashes rather than showing them.
    let r = app
        .patch(
            &format!("/api/database/fields/{field}/"),
            a,
            json!({"type": "text"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.rows(&fx.user, fx.table, "").await;
    assert!(!r.body.to_string().contains("argon2"), "{:?}", r.body);
    assert!(
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row[&key].is_null()),
        "{:?}",
        r.body
    );
}

/// `POST /api/database/fields/password-authentication/` with a database token.
async fn check_with_token(app: &TestApp, key: &str, body: serde_json::Value) -> Resp {
    let req = app
        .client()
        .post(format!(
            "{}/api/database/fields/password-authentication/",
            app.url
        ))
        .header("Authorization", format!("Token {key}"))
        .json(&body);
    app.raw(req).await
}

#[tokio::test]
async fn password_cells_are_checked_only_where_the_field_allows_it_and_the_caller_may_read() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let a = Some(fx.user.access.as_str());
    let check = "/api/database/fields/password-authentication/";
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "Secret", "type": "password"}),
        )
        .await;
    let row = create_row_id(&app, &fx.user, fx.table, json!({"Secret": "open sesame"})).await;
    let body = |password: &str| json!({"field_id": field, "row_id": row, "password": password});

    // Until the field allows it, the field reads as missing, even with the right password.
    assert_error(
        &app.post(check, a, body("open sesame")).await,
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    );
    let r = app
        .patch(
            &format!("/api/database/fields/{field}/"),
            a,
            json!({"allow_endpoint_authentication": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["allow_endpoint_authentication"], true);
    assert!(stored(&app, fx.table, field, row).await.is_some());

    let r = app.post(check, a, body("open sesame")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"is_correct": true}));
    assert_error(
        &app.post(check, a, body("open sesame!")).await,
        401,
        "ERROR_INVALID_PASSWORD_FIELD_PASSWORD",
    );
    assert_error(
        &app.post(check, a, body("a\u{0}b")).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(check, a, body("")).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(check, a, json!({"field_id": field, "row_id": row}))
            .await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    assert_error(
        &app.post(
            check,
            a,
            json!({"field_id": field, "row_id": row + 1000, "password": "x"}),
        )
        .await,
        404,
        "ERROR_ROW_DOES_NOT_EXIST",
    );
    // An empty cell matches nothing; another type of field is not a password field.
    let empty = create_row_id(&app, &fx.user, fx.table, json!({})).await;
    assert_error(
        &app.post(
            check,
            a,
            json!({"field_id": field, "row_id": empty, "password": "open sesame"}),
        )
        .await,
        401,
        "ERROR_INVALID_PASSWORD_FIELD_PASSWORD",
    );
    let name = app.field_id(&fx.user, fx.table, "Name").await;
    assert_error(
        &app.post(
            check,
            a,
            json!({"field_id": name, "row_id": row, "password": "x"}),
        )
        .await,
        404,
        "ERROR_FIELD_DOES_NOT_EXIST",
    );

    // Someone outside the workspace learns nothing, not even that the row exists.
    let stranger = app.sign_up("Stranger", "stranger@example.com").await;
    let r = app
        .post(check, Some(&stranger.access), body("open sesame"))
        .await;
    assert!(r.status == 400 || r.status == 404, "{:?}", r.body);
    assert_ne!(r.body["error"], "ERROR_INVALID_PASSWORD_FIELD_PASSWORD");

    // A token checks with its read right, and is refused without it.
    let workspace = fx.workspace_id(&app).await;
    let r = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "k", "workspace": workspace}),
        )
        .await;
    let (token, secret) = (
        r.body["id"].as_i64().unwrap(),
        r.body["key"].as_str().unwrap().to_owned(),
    );
    let r = check_with_token(&app, &secret, body("open sesame")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/tokens/{token}/"),
            a,
            json!({"permissions": {"create": true, "read": false, "update": true, "delete": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_error(
        &check_with_token(&app, &secret, body("open sesame")).await,
        401,
        "ERROR_NO_PERMISSION_TO_TABLE",
    );

    // Guessing is throttled per caller and field: the 20 wrong passwords of a minute are
    // answered, then even the right one waits.
    for _ in 0..18 {
        assert_error(
            &app.post(check, a, body("guess")).await,
            401,
            "ERROR_INVALID_PASSWORD_FIELD_PASSWORD",
        );
    }
    let r = app.post(check, a, body("open sesame")).await;
    assert_error(&r, 429, "ERROR_RATE_LIMIT_EXCEEDED");
    assert!(r.headers.get("retry-after").is_some(), "{:?}", r.headers);
}
