//! URL hygiene, body problems, and the documentation endpoints.

use crate::helpers::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn unknown_urls_and_missing_trailing_slashes() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/workspaces", None).await;
    assert_error(&r, 404, "URL_TRAILING_SLASH_MISSING");
    assert_error(
        &app.get("/api/workspaces/12", None).await,
        404,
        "URL_TRAILING_SLASH_MISSING",
    );
    let r = app.get("/api/nope/", None).await;
    assert_error(&r, 404, "URL_NOT_FOUND");
    assert_eq!(r.body["detail"], "URL /api/nope/ not found.");
    assert_error(&app.get("/api/nope", None).await, 404, "URL_NOT_FOUND");
    // A malformed id is an unknown URL, not a server error.
    let ann = app.sign_up("Ann", "ann@x.io").await;
    assert_error(
        &app.get("/api/workspaces/abc/", Some(&ann.access)).await,
        404,
        "URL_NOT_FOUND",
    );
    assert_error(
        &app.get(
            "/api/workspaces/99999999999999999999999/",
            Some(&ann.access),
        )
        .await,
        404,
        "URL_NOT_FOUND",
    );
}

#[tokio::test]
async fn wrong_methods_get_json_errors() {
    let app = TestApp::spawn().await;
    let r = app
        .request(
            reqwest::Method::PUT,
            "/api/settings/",
            None,
            Some(json!({})),
        )
        .await;
    assert_error(&r, 405, "ERROR_METHOD_NOT_ALLOWED");
    assert!(
        r.headers
            .get("allow")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("GET")
    );
}

#[tokio::test]
async fn bad_bodies_are_validation_errors_and_huge_ones_are_refused() {
    let app = TestApp::spawn().await;
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/user/", app.url))
                .body("{not json"),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app
        .post(
            "/api/user/",
            None,
            json!({"name": 5, "email": "a@b.io", "password": "password123"}),
        )
        .await;
    assert_eq!(r.body["detail"]["name"][0]["code"], "invalid");
    let r = app.post("/api/user/", None, json!(["a", "list"])).await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/user/", app.url))
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    assert_error(&r, 413, "ERROR_REQUEST_BODY_TOO_LARGE");
    // Nothing was created by any of them.
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn health_reports_postgresql_redis_and_a_consumer_per_queue() {
    let app = TestApp::spawn().await;
    // The test app's two queue consumers register as they start.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let r = loop {
        let r = app.get("/api/_health/", None).await;
        if r.body["status"] == "ok" || std::time::Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"status": "ok", "postgresql": "ok", "redis": "ok",
               "queues": {"high": "ok", "low": "ok"}})
    );
}

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_the_docs_page_is_self_contained() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/schema.json", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3."));
    // Parameter names differ between routes and docs (`{id}` vs `{table_id}`); compare shapes.
    let shape = |p: &str| -> String {
        let mut out = String::new();
        let mut in_param = false;
        for c in p.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                _ if in_param => {}
                _ => out.push(c),
            }
        }
        out
    };
    let documented: Vec<String> = r.body["paths"]
        .as_object()
        .unwrap()
        .keys()
        // The iCal feed is documented as `{slug}.ics`; a route matches the whole segment.
        .map(|k| shape(k.trim_end_matches(".ics")))
        .collect();
    for path in tessera::web::route_patterns() {
        // Baserow's old "group" paths are aliases of documented routes.
        if path.starts_with("/api/groups/") || path.contains("/group/{") {
            continue;
        }
        assert!(
            documented.contains(&shape(path)),
            "{path} is not in the OpenAPI document"
        );
    }

    let page = app
        .raw(app.client().get(format!("{}/api/docs/", app.url)))
        .await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap_or_default().to_owned();
    assert!(html.contains("swagger"), "docs page served");
    assert!(
        !html.contains("https://"),
        "no assets fetched from elsewhere"
    );
}
