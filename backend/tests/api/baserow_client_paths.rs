//! Every path Baserow's web client calls (tests/fixtures/baserow_client_paths.json, made by
//! scripts/baserow-paths.py) is called against a running backend with a plausible body;
//! a 404, 405 or 5xx is allowed only where docs/api.md's "Baserow endpoints not served"
//! lists the path, and a listed path that answers fails too, so the list stays true.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const FIXTURE: &str = include_str!("../fixtures/baserow_client_paths.json");
const API_DOCS: &str = include_str!("../../../docs/api.md");
const SECTION: &str = "## Baserow endpoints not served";

/// One call of the fixture.
struct Call {
    method: String,
    path: String,
    needs: Vec<String>,
    body: Option<Value>,
    multipart: bool,
}

fn calls() -> Vec<Call> {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    fixture["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Call {
            method: p["method"].as_str().unwrap().to_owned(),
            path: p["path"].as_str().unwrap().to_owned(),
            needs: p["needs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_owned())
                .collect(),
            body: Some(p["body"].clone()).filter(|b| !b.is_null()),
            multipart: p["multipart"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// `(method, path) → reason` from the docs' table: `| GET | `/api/…` | reason |`.
fn unserved() -> BTreeMap<(String, String), String> {
    let start = API_DOCS.find(SECTION).expect("docs/api.md has the section");
    let section = &API_DOCS[start + SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut out = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [method, path, reason] = cells[..] else {
            panic!("a row of method, path and reason: {line}");
        };
        if method == "Method" || method.starts_with("---") {
            continue;
        }
        assert!(!reason.is_empty(), "no reason given: {line}");
        let key = (method.to_owned(), path.trim_matches('`').to_owned());
        assert!(
            out.insert(key, reason.to_owned()).is_none(),
            "twice: {line}"
        );
    }
    out
}

/// An answer Baserow's client could not use: no such route or method, or a server error.
fn not_served(r: &Resp) -> bool {
    matches!(r.status, 404 | 405) || r.status >= 500
}

/// Replaces `{kind}` in a path with the id; in a body, a string that is just `{kind}`
/// becomes the id (a number where it is one), and `{kind}` elsewhere in strings and keys
/// is replaced.
fn fill(value: &Value, ids: &BTreeMap<&str, String>) -> Value {
    match value {
        Value::String(s) => match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(kind) => {
                let id = &ids[kind];
                id.parse::<i64>().map_or_else(|_| json!(id), |n| json!(n))
            }
            None => json!(fill_path(s, ids)),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, ids)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (fill_path(k, ids), fill(v, ids)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

fn fill_path(path: &str, ids: &BTreeMap<&str, String>) -> String {
    let mut out = path.to_owned();
    for (kind, id) in ids {
        out = out.replace(&format!("{{{kind}}}"), id);
    }
    out
}

/// Deletions run last, the most specific object first, so each still finds its parent:
/// ranked by the last id a path names (rows; then filters, sorts, tokens and other
/// objects inside a table or workspace; then fields, views, tables, databases, users,
/// workspace-wide calls), the workspace itself at the very end.
fn delete_rank(call: &Call) -> usize {
    const PARENTS: [&str; 6] = [
        "field_id",
        "view_id",
        "table_id",
        "database_id",
        "user_id",
        "workspace_id",
    ];
    if call.path == "/api/workspaces/{workspace_id}/" {
        return 2 + PARENTS.len();
    }
    match call.needs.last().map(String::as_str) {
        Some("row_id") => 0,
        Some(kind) => PARENTS.iter().position(|p| *p == kind).map_or(1, |i| 2 + i),
        None => 1,
    }
}

fn id_of(r: &Resp) -> String {
    match r.body["id"].as_i64() {
        Some(id) if r.status == 200 => id.to_string(),
        _ => MISSING.to_owned(),
    }
}

/// The id used for objects the backend cannot make (yet): no such object.
const MISSING: &str = "999999";

#[tokio::test]
async fn every_path_baserows_web_client_calls_is_served_or_explained() {
    let app = TestApp::spawn().await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let carol = app.sign_up("Carol", "carol@x.io").await;
    let a = Some(ann.access.as_str());
    let workspace = app.workspace(&ann, "W").await;
    let spare_workspace = app.workspace(&ann, "Spare").await;
    let database = app.database(&ann, workspace).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            a,
            json!({"name": "T"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let table = r.body["id"].as_i64().unwrap();
    let field = app
        .field(&ann, table, json!({"name": "Text", "type": "text"}))
        .await;
    let other_field = app
        .field(&ann, table, json!({"name": "Number", "type": "number"}))
        .await;
    let file_field = app
        .field(&ann, table, json!({"name": "File", "type": "file"}))
        .await;
    // A link field the shared grid shows, for the shared views' link-row lookup.
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            a,
            json!({"name": "Linked"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let link_field = app
        .field(
            &ann,
            table,
            json!({"name": "Link", "type": "link_row", "link_row_table_id": r.body["id"], "has_related_field": false}),
        )
        .await;
    let row = create_row_id(&app, &ann, table, json!({"Text": "a"})).await;
    let spare_row = create_row_id(&app, &ann, table, json!({"Text": "b"})).await;
    let trashed_row = create_row_id(&app, &ann, table, json!({"Text": "c"})).await;
    let r = app
        .delete(
            &format!("/api/database/rows/table/{table}/{trashed_row}/"),
            a,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);

    let view = |body: Value| {
        let app = &app;
        async move {
            let r = app
                .post(&format!("/api/database/views/table/{table}/"), a, body)
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            (id_of(&r), r.body["slug"].as_str().unwrap_or("").to_owned())
        }
    };
    let (grid, grid_slug) = view(json!({"name": "Grid", "type": "grid", "public": true})).await;
    let (gallery, _) = view(json!({"name": "Gallery", "type": "gallery", "public": true})).await;
    let (form, form_slug) = view(json!({"name": "Form", "type": "form", "public": true})).await;
    let r = app
        .patch(
            &format!("/api/database/views/{form}/field-options/"),
            a,
            json!({"field_options": {file_field.to_string(): {"enabled": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let on_grid = |path: &str, body: Value| {
        let app = &app;
        let path = format!("/api/database/views/{grid}/{path}");
        async move { id_of(&app.post(&path, a, body).await) }
    };
    let filter = on_grid(
        "filters/",
        json!({"field": field, "type": "equal", "value": "a"}),
    )
    .await;
    let filter_group = on_grid("filter-groups/", json!({})).await;
    let sort = on_grid("sortings/", json!({"field": other_field, "order": "ASC"})).await;
    let group_by = on_grid("group_bys/", json!({"field": other_field, "order": "ASC"})).await;
    let decoration = on_grid(
        "decorations/",
        json!({"type": "left_border_color", "value_provider_type": "", "value_provider_conf": {}}),
    )
    .await;
    let r = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "Token", "workspace": workspace}),
        )
        .await;
    let token = id_of(&r);
    let r = app.post(&format!("/api/database/webhooks/table/{table}/"), a, json!({"url": "http://127.0.0.1:9/hook", "request_method": "POST", "name": "Hook", "include_all_events": true, "use_user_field_names": true})).await;
    let webhook = id_of(&r);
    let r = app
        .post(
            &format!("/api/database/export/table/{table}/"),
            a,
            json!({"exporter_type": "csv"}),
        )
        .await;
    let job = id_of(&r);

    // Bob joins as a member (his membership is the one changed and removed); another
    // invitation stays open.
    let invite = |email: &'static str| {
        let app = &app;
        async move {
            let r = app
                .post(
                    &format!("/api/workspaces/invitations/workspace/{workspace}/"),
                    a,
                    json!({"email": email, "permissions": "MEMBER", "base_url": app.url}),
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.body["id"].as_i64().unwrap()
        }
    };
    let bobs = invite("bob@x.io").await;
    let r = app
        .post(
            &format!("/api/workspaces/invitations/{bobs}/accept/"),
            Some(&bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let invitation = invite("invitee@example.com").await;
    let invitation_token =
        tessera::platform::workspaces::invitations::token_for(&app.ctx, invitation);
    let r = app
        .get(&format!("/api/workspaces/users/workspace/{workspace}/"), a)
        .await;
    let workspace_user = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bob@x.io")
        .unwrap()["id"]
        .to_string();

    // A snapshot of the database, for the calls that restore and delete one.
    let r = app
        .post(
            &format!("/api/snapshots/application/{database}/"),
            a,
            json!({"name": "Fixture"}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let snapshot = r.body["snapshot"]["id"].to_string();
    let snapshot_job = r.body["id"].as_i64().unwrap();
    for _ in 0..300 {
        let j = app.get(&format!("/api/jobs/{snapshot_job}/"), a).await.body;
        if j["state"] != "pending" && j["state"] != "started" {
            assert_eq!(j["state"], "finished", "{j}");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (kind, id) in [
        ("workspace_id", workspace.to_string()),
        ("database_id", database.to_string()),
        ("table_id", table.to_string()),
        ("field_id", field.to_string()),
        ("other_field_id", other_field.to_string()),
        ("row_id", row.to_string()),
        ("spare_row_id", spare_row.to_string()),
        ("trashed_row_id", trashed_row.to_string()),
        ("public_url", app.url.clone()),
        ("view_id", grid),
        ("view_slug", grid_slug),
        ("filter_id", filter),
        ("filter_group_id", filter_group),
        ("sort_id", sort),
        ("group_by_id", group_by),
        ("decoration_id", decoration),
        ("token_id", token),
        ("webhook_id", webhook),
        ("job_id", job),
        ("invitation_id", invitation.to_string()),
        ("invitation_token", invitation_token),
        ("workspace_user_id", workspace_user),
        ("user_id", bob.id.to_string()),
        ("email", "ann@x.io".to_owned()),
        ("password", "password123".to_owned()),
        ("refresh_token", ann.refresh.clone()),
        ("template_slug", "no-such-template".to_owned()),
        ("snapshot_id", snapshot),
    ] {
        ids.insert(kind, id);
    }
    for kind in [
        "template_id",
        "notification_id",
        "integration_id",
        "user_source_id",
        "data_sync_id",
        "rule_id",
        "mcp_endpoint_id",
        "resource_id",
    ] {
        ids.insert(kind, MISSING.to_owned());
    }

    // Reads first, then changes, then deletions.
    let mut calls = calls();
    calls.sort_by_key(|c| match c.method.as_str() {
        "GET" => 0,
        "DELETE" => 2 + delete_rank(c),
        _ => 1,
    });
    let listed = unserved();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for call in &calls {
        let mut ids = ids.clone();
        // Shared forms are reached by their own slug, the gallery by its id, and the
        // admin deletes a workspace of its own so the others keep theirs.
        if call.path.starts_with("/api/database/views/form/") {
            ids.insert("view_slug", form_slug.clone());
        }
        if call
            .path
            .starts_with("/api/database/views/gallery/{view_id}")
        {
            ids.insert("view_id", gallery.clone());
        }
        if call.path.contains("/link-row-field-lookup/") {
            ids.insert("field_id", link_field.to_string());
        }
        if call.path.starts_with("/api/admin/workspaces/") {
            ids.insert("workspace_id", spare_workspace.to_string());
        }
        // Scheduling an account's deletion is asked by someone with nothing else to do.
        let user = if call.path == "/api/user/schedule-account-deletion/" {
            &carol
        } else {
            &ann
        };
        let path = fill_path(&call.path, &ids);
        let method = Method::from_bytes(call.method.as_bytes()).unwrap();
        let r = if call.multipart {
            let boundary = "tessera-fixture-boundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
            );
            app.raw(
                app.client()
                    .request(method, format!("{}{path}", app.url))
                    .header("Authorization", format!("JWT {}", user.access))
                    .header(
                        "Content-Type",
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(body),
            )
            .await
        } else {
            let body = call.body.as_ref().map(|b| fill(b, &ids));
            app.request(method, &path, Some(&user.access), body).await
        };
        let key = (call.method.clone(), call.path.clone());
        seen.insert(key.clone());
        match (not_served(&r), listed.contains_key(&key)) {
            (true, false) => failures.push(format!(
                "{} {} → {} {}: not listed in docs/api.md ({SECTION})",
                call.method, path, r.status, r.body
            )),
            (false, true) => failures.push(format!(
                "{} {} → {}: served now, remove it from docs/api.md ({SECTION})",
                call.method, path, r.status
            )),
            _ => {}
        }
    }
    assert_eq!(seen.len(), calls.len(), "every call made once");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixture_names_its_baserow_version_and_every_call_once() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    assert!(
        fixture["baserow_version"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert_eq!(fixture["baserow_commit"].as_str().map(str::len), Some(40));
    let calls = calls();
    assert!(calls.len() > 100, "{}", calls.len());
    let keys: BTreeSet<_> = calls.iter().map(|c| (&c.method, &c.path)).collect();
    assert_eq!(keys.len(), calls.len(), "a call listed twice");
    for call in &calls {
        // Every `{kind}` of a path is among the ids it needs.
        for kind in call.path.split('{').skip(1) {
            let kind = &kind[..kind.find('}').unwrap()];
            assert!(call.needs.iter().any(|n| n == kind), "{}", call.path);
        }
    }
}

#[test]
fn every_call_docs_api_md_lists_as_not_served_is_in_the_fixture() {
    let calls: BTreeSet<_> = calls().into_iter().map(|c| (c.method, c.path)).collect();
    let listed = unserved();
    assert!(!listed.is_empty());
    for key in listed.keys() {
        assert!(
            calls.contains(key),
            "{key:?} is listed but Baserow's client does not call it"
        );
    }
}
