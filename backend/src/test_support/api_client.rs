//! A minimal API client for process tests that run the server as it is deployed: sign up
//! and build a table over HTTP, then make requests.

use serde_json::{Value, json};

/// Posts JSON (with a JWT when given) and returns the answer; any non-2xx fails the test.
pub async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut req = client.post(url.clone()).json(&body);
    if let Some(t) = token {
        req = req.header("Authorization", format!("JWT {t}"));
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => panic!("POST {url}: {e}"),
    };
    let status = resp.status();
    assert!(status.is_success(), "POST {url}: {status}");
    resp.json().await.unwrap_or(Value::Null)
}

/// Signs up Ann with a workspace, a database and a table "T"; returns her access token and
/// the table's id.
pub async fn table_via_api(client: &reqwest::Client, base: &str) -> (String, i64) {
    let id = |v: Value| v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"));
    let session = post(
        client,
        format!("{base}/api/user/"),
        None,
        json!({"name": "Ann", "email": "ann@x.io", "password": "password123", "authenticate": true}),
    )
    .await;
    let token = session["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let t = Some(token.as_str());
    let workspace = id(post(
        client,
        format!("{base}/api/workspaces/"),
        t,
        json!({"name": "W"}),
    )
    .await);
    let database = id(post(
        client,
        format!("{base}/api/applications/workspace/{workspace}/"),
        t,
        json!({"name": "D", "type": "database"}),
    )
    .await);
    let table = id(post(
        client,
        format!("{base}/api/database/tables/database/{database}/"),
        t,
        json!({"name": "T"}),
    )
    .await);
    (token, table)
}
