//! The benchmark's user with a database of its own, and tables in that database, created
//! through the API as a person would: every benchmark starts from them.

use crate::server::{Api, id_of};
use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};

/// The signed-up user and its database.
pub struct Account {
    pub access_token: String,
    /// What the `tessera_session` cookie of the web pages holds.
    pub refresh_token: String,
    pub database_id: i64,
}

/// Signs up the benchmark user, then creates a workspace and a database in it. `api`
/// keeps the user's access token for the calls that follow.
pub async fn create(api: &mut Api) -> anyhow::Result<Account> {
    let session = api
        .call(
            Method::POST,
            "/api/user/",
            Some(&json!({"name": "Bench", "email": "bench@example.com",
                "password": "benchmark-password", "authenticate": true})),
        )
        .await?;
    let token = |key: &str| {
        session[key]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("sign-up returned no {key}"))
    };
    let access_token = token("access_token")?;
    let refresh_token = token("refresh_token")?;
    api.set_token(&access_token);

    let workspace = api
        .call(
            Method::POST,
            "/api/workspaces/",
            Some(&json!({"name": "Bench"})),
        )
        .await?;
    let database = api
        .call(
            Method::POST,
            &format!("/api/applications/workspace/{}/", id_of(&workspace)?),
            Some(&json!({"name": "Bench", "type": "database"})),
        )
        .await?;
    Ok(Account {
        access_token,
        refresh_token,
        database_id: id_of(&database)?,
    })
}

impl Account {
    /// Creates a table in the database from `body` (`name`, and `data` to start it from
    /// rows); returns its id.
    pub async fn create_table(&self, api: &Api, body: Value) -> anyhow::Result<i64> {
        let path = format!("/api/database/tables/database/{}/", self.database_id);
        id_of(&api.call(Method::POST, &path, Some(&body)).await?)
    }
}
