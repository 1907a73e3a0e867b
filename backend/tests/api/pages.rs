//! Server-rendered pages over HTTP: session cookie, CSRF, security headers, redirects.

use crate::helpers::TestApp;
use reqwest::{Client, header, redirect::Policy};
use serde_json::json;

/// A client that shows redirects instead of following them.
pub(crate) fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// A URL-encoded form body (sent with `application/x-www-form-urlencoded`).
pub(crate) fn form<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        body.append_pair(k.as_ref(), v.as_ref());
    }
    body.finish()
}

pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// A cookie's value from a response's `Set-Cookie` headers, with its attributes.
fn set_cookie(headers: &header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// The CSRF cookie a page sets and the form token that goes with it.
pub(crate) async fn csrf(app: &TestApp) -> (String, String) {
    let r = client()
        .get(format!("{}/login", app.url))
        .send()
        .await
        .unwrap();
    let cookie = cookie_value(&set_cookie(r.headers(), "tessera_csrf").expect("csrf cookie"));
    let html = r.text().await.unwrap();
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned();
    (cookie, token)
}

async fn log_in(
    app: &TestApp,
    email: &str,
    next: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let (cookie, token) = csrf(app).await;
    let mut req = client()
        .post(format!("{}/login", app.url))
        .header(header::COOKIE, format!("tessera_csrf={cookie}"))
        .header(header::ORIGIN, &app.url)
        .header(header::CONTENT_TYPE, FORM)
        .body(form(&[
            ("csrf", token.as_str()),
            ("email", email),
            ("password", "password123"),
            ("next", next),
        ]));
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn pages_send_security_headers_and_unknown_pages_are_html() {
    let app = TestApp::spawn().await;
    let r = client()
        .get(format!("{}/login", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("object-src 'none'"),
        "{csp}"
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin");
    let csrf = set_cookie(h, "tessera_csrf").unwrap();
    assert!(
        csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"),
        "{csrf}"
    );

    let r = client()
        .get(format!("{}/no/such/page", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    // The API keeps its JSON errors.
    let api = app.get("/api/nope/", None).await;
    assert_eq!(api.body["error"], "URL_NOT_FOUND");

    let css = client()
        .get(format!("{}/static/css/app.css", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(css.text().await.unwrap().contains("--space-1"));
}

#[tokio::test]
async fn log_in_sets_the_session_cookie_and_next_stays_on_this_site() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@example.com").await;
    for (next, expected) in [
        ("https://evil.example", "/dashboard"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("/settings/tokens", "/settings/tokens"),
    ] {
        let r = log_in(&app, "ann@example.com", next, &[]).await;
        assert_eq!(r.status(), 303, "{next}");
        assert_eq!(r.headers()[header::LOCATION], expected, "{next}");
        let session = set_cookie(r.headers(), "tessera_session").unwrap();
        assert!(
            session.contains("HttpOnly")
                && session.contains("SameSite=Lax")
                && session.contains("Path=/")
        );
        assert!(!session.contains("Secure"), "plain http: {session}");
    }
    let r = log_in(
        &app,
        "ann@example.com",
        "",
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(
        set_cookie(r.headers(), "tessera_session")
            .unwrap()
            .contains("; Secure")
    );

    let r = log_in(&app, "ann@example.com", "", &[]).await;
    let cookie = cookie_value(&set_cookie(r.headers(), "tessera_session").unwrap());
    let page = client()
        .get(format!("{}/dashboard", app.url))
        .header(header::COOKIE, format!("tessera_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("id=\"bootstrap\""));
    let anonymous = client()
        .get(format!("{}/dashboard", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()[header::LOCATION],
        "/login?next=%2Fdashboard"
    );
}

#[tokio::test]
async fn forged_and_cross_site_form_posts_change_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@example.com").await;
    let (csrf_cookie, token) = csrf(&app).await;
    let cookies = format!(
        "tessera_session={}; tessera_csrf={csrf_cookie}",
        ann.refresh
    );
    let post = |fields: Vec<(&'static str, String)>, origin: &str| {
        client()
            .post(format!("{}/dashboard/workspaces", app.url))
            .header(header::COOKIE, cookies.clone())
            .header(header::ORIGIN, origin.to_owned())
            .header(header::CONTENT_TYPE, FORM)
            .body(form(&fields))
            .send()
    };
    let url = app.url.as_str();
    assert_eq!(
        post(vec![("name", "A".into())], url)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(vec![("name", "A".into()), ("csrf", "forged".into())], url)
            .await
            .unwrap()
            .status(),
        403
    );
    let cross = post(
        vec![("name", "A".into()), ("csrf", token.clone())],
        "https://evil.example",
    );
    assert_eq!(cross.await.unwrap().status(), 403);
    assert_eq!(
        app.get("/api/workspaces/", Some(&ann.access)).await.body,
        json!([])
    );
    let ok = post(vec![("name", "A".into()), ("csrf", token.clone())], url)
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(
        app.get("/api/workspaces/", Some(&ann.access))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn session_tokens_go_only_to_this_sites_script_and_sessions_end() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@example.com").await;
    let cookie = format!("tessera_session={}", ann.refresh);
    let ask = |headers: Vec<(&'static str, String)>| {
        let mut req = client()
            .post(format!("{}/session/token/", app.url))
            .header(header::COOKIE, cookie.clone());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    let r = ask(vec![
        ("x-requested-with", "tessera".into()),
        ("origin", app.url.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/api/workspaces/", Some(&token)).await.status, 200);
    let r = ask(vec![("origin", app.url.clone())]).await.unwrap();
    assert_eq!(r.status(), 403);
    let r = ask(vec![
        ("x-requested-with", "tessera".into()),
        ("origin", "https://evil.example".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "ERROR_CSRF_CHECK_FAILED"
    );

    // A password change ends the browser session.
    let changed = app
        .post(
            "/api/user/change-password/",
            Some(&ann.access),
            json!({"old_password": "password123", "new_password": "password456"}),
        )
        .await;
    assert_eq!(changed.status, 204);
    let r = ask(vec![
        ("x-requested-with", "tessera".into()),
        ("origin", app.url.clone()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 401);
    let page = client()
        .get(format!("{}/dashboard", app.url))
        .header(header::COOKIE, cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
}

#[tokio::test]
async fn log_out_clears_the_cookie_and_retires_the_token() {
    let app = TestApp::spawn().await;
    app.sign_up("Ann", "ann@example.com").await;
    let r = log_in(&app, "ann@example.com", "", &[]).await;
    let session = cookie_value(&set_cookie(r.headers(), "tessera_session").unwrap());
    let (csrf_cookie, token) = csrf(&app).await;
    let out = client()
        .post(format!("{}/logout", app.url))
        .header(
            header::COOKIE,
            format!("tessera_session={session}; tessera_csrf={csrf_cookie}"),
        )
        .header(header::CONTENT_TYPE, FORM)
        .body(form(&[("csrf", token.as_str())]))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(
        set_cookie(out.headers(), "tessera_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    let page = client()
        .get(format!("{}/dashboard", app.url))
        .header(header::COOKIE, format!("tessera_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303, "the old cookie no longer opens pages");
}

#[tokio::test]
async fn a_shared_view_slug_with_a_nul_byte_is_not_found() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    // A real shared view, so a slug that only differs by the NUL byte is close to a hit.
    let view = crate::views::create_view(
        &app,
        &fx,
        json!({"name": "Shared", "type": "grid", "public": true}),
    )
    .await;
    let real = view["slug"].as_str().unwrap();
    let (csrf_cookie, token) = csrf(&app).await;
    for slug in [
        "%00".to_owned(),
        format!("{real}%00"),
        format!("a%00{real}"),
    ] {
        for (post, path) in [
            (false, format!("/api/database/views/{slug}/public/info/")),
            (true, format!("/api/database/views/{slug}/public/auth/")),
            (
                false,
                format!("/api/database/views/grid/{slug}/public/rows/"),
            ),
            (
                false,
                format!("/api/database/views/gallery/{slug}/public/rows/"),
            ),
            (
                false,
                format!("/api/database/views/grid/{slug}/public/aggregations/"),
            ),
            (false, format!("/api/database/views/form/{slug}/submit/")),
            (true, format!("/api/database/views/form/{slug}/submit/")),
        ] {
            let url = format!("{}{path}", app.url);
            let req = if post {
                client().post(url).json(&json!({"password": "x"}))
            } else {
                client().get(url)
            };
            let r = app.raw(req).await;
            assert_eq!(r.status, 404, "{path}: {:?}", r.body);
            assert_eq!(r.body["error"], "ERROR_VIEW_DOES_NOT_EXIST", "{path}");
        }
        for (post, path) in [
            (false, format!("/public/grid/{slug}")),
            (true, format!("/public/view/{slug}/auth")),
            (false, format!("/form/{slug}")),
            (true, format!("/form/{slug}")),
        ] {
            let url = format!("{}{path}", app.url);
            let req = if post {
                client()
                    .post(url)
                    .header(header::COOKIE, format!("tessera_csrf={csrf_cookie}"))
                    .header(header::ORIGIN, &app.url)
                    .header(header::CONTENT_TYPE, FORM)
                    .body(form(&[("csrf", token.as_str()), ("password", "x")]))
            } else {
                client().get(url)
            };
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
            assert!(
                r.text().await.unwrap().contains("does not exist"),
                "{path}: not the not-found page"
            );
        }
    }
    // The other paths that take text check it before any lookup (the reset page shows its
    // form whatever the token, and checks it on submit).
    for path in [
        "/api/workspaces/invitations/token/%00/",
        "/media/export_files/%00",
        "/reset-password/%00",
        "/workspace-invitation/%00",
    ] {
        let r = client()
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert!(!r.status().is_server_error(), "{path}: {}", r.status());
    }
}

/// The members page's forms go through the workspace services: a member who is not an
/// admin changes nothing, and an admin's form names only members of the page's workspace.
#[tokio::test]
async fn members_page_forms_change_nothing_they_may_not() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@example.com").await;
    let bob = app.sign_up("Bob", "bob@example.com").await;
    let team = app.workspace(&ann, "Team").await;
    let other = app.workspace(&ann, "Other").await;
    let invited = app
        .post(
            &format!("/api/workspaces/invitations/workspace/{team}/"),
            Some(&ann.access),
            json!({"email": "bob@example.com", "permissions": "MEMBER", "base_url": app.url}),
        )
        .await;
    app.post(
        &format!("/api/workspaces/invitations/{}/accept/", invited.body["id"]),
        Some(&bob.access),
        json!({}),
    )
    .await;
    let members = |workspace: i64| {
        let access = ann.access.clone();
        let app = &app;
        async move {
            app.get(
                &format!("/api/workspaces/users/workspace/{workspace}/"),
                Some(&access),
            )
            .await
            .body
        }
    };
    let before = members(team).await;
    let ann_in_team = before[0]["id"].as_i64().unwrap();
    let ann_in_other = members(other).await[0]["id"].as_i64().unwrap();
    let (csrf_cookie, token) = csrf(&app).await;
    let post = |session: &str, path: String, fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf", token.clone()));
        client()
            .post(format!("{}{path}", app.url))
            .header(
                header::COOKIE,
                format!("tessera_session={session}; tessera_csrf={csrf_cookie}"),
            )
            .header(header::ORIGIN, app.url.clone())
            .header(header::CONTENT_TYPE, FORM)
            .body(form(&fields))
            .send()
    };

    // Bob is a member, not an admin: his role change and removal are refused in words.
    let r = post(
        &bob.refresh,
        format!("/workspace/{team}/members/{ann_in_team}/role"),
        vec![("role", "MEMBER".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Only admins of this workspace"),
        "the refusal is explained"
    );
    let r = post(
        &bob.refresh,
        format!("/workspace/{team}/members/{ann_in_team}/remove"),
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let r = post(
        &bob.refresh,
        format!("/workspace/{team}/invitations"),
        vec![
            ("email", "eve@example.com".into()),
            ("role", "ADMIN".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(members(team).await, before);

    // Ann's form for the team cannot reach her membership of another workspace.
    let r = post(
        &ann.refresh,
        format!("/workspace/{team}/members/{ann_in_other}/role"),
        vec![("role", "MEMBER".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("no longer in the workspace")
    );
    assert_eq!(members(other).await[0]["permissions"], "ADMIN");

    // A NUL byte in the invitation's message is refused next to the field; nothing is sent.
    let r = post(
        &ann.refresh,
        format!("/workspace/{team}/invitations"),
        vec![
            ("email", "eve@example.com".into()),
            ("role", "MEMBER".into()),
            ("message", "hi\0there".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Null characters are not allowed.")
    );
    let pending = app
        .get(
            &format!("/api/workspaces/invitations/workspace/{team}/"),
            Some(&ann.access),
        )
        .await;
    assert_eq!(pending.body, json!([]));

    // Someone outside the workspace gets a page saying so, not its members.
    let eve = app.sign_up("Eve", "eve@example.com").await;
    let r = client()
        .get(format!("{}/workspace/{team}/members", app.url))
        .header(header::COOKIE, format!("tessera_session={}", eve.refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("not a member of it") && !html.contains("ann@example.com"));
}

#[tokio::test]
async fn dashboard_forms_rename_and_delete_a_workspace_or_show_the_dashboard_with_the_error() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@example.com").await;
    let id = app
        .post("/api/workspaces/", Some(&ann.access), json!({"name": "W"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let (csrf_cookie, token) = csrf(&app).await;
    let cookies = format!(
        "tessera_session={}; tessera_csrf={csrf_cookie}",
        ann.refresh
    );
    let post = |path: String, name: &str| {
        client()
            .post(format!("{}{path}", app.url))
            .header(header::COOKIE, cookies.clone())
            .header(header::ORIGIN, app.url.clone())
            .header(header::CONTENT_TYPE, FORM)
            .body(form(&[("name", name), ("csrf", token.as_str())]))
            .send()
    };
    let names = || async {
        app.get("/api/workspaces/", Some(&ann.access))
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    let renamed = post(format!("/dashboard/workspaces/{id}/rename"), "Renamed")
        .await
        .unwrap();
    assert_eq!(renamed.status(), 303);
    assert_eq!(
        renamed.headers()[header::LOCATION],
        format!("/dashboard#ws-{id}").as_str()
    );
    assert_eq!(names().await, ["Renamed"]);

    // A workspace that is not hers: the dashboard again, with the refusal, and no change.
    let refused = post(format!("/dashboard/workspaces/{}/rename", id + 1000), "X")
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.headers().get(header::LOCATION).is_none());
    assert!(refused.text().await.unwrap().contains("Renamed"));
    assert_eq!(names().await, ["Renamed"]);

    let deleted = post(format!("/dashboard/workspaces/{id}/delete"), "")
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);
    assert_eq!(deleted.headers()[header::LOCATION], "/dashboard");
    assert!(names().await.is_empty());
}
