//! `search_mode=full-text-with-count`: rows found by word prefixes through each table's
//! search column, which the export worker refreshes from the event log; edits and field
//! deletions reach it, odd searches are safe, and nothing of other tables or hidden fields
//! is found.

use crate::{
    helpers::{Session, TestApp, assert_error, create_row_id, patch_row},
    views::create_view,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const FT: &str = "search_mode=full-text-with-count";

/// Waits (at most 60 s) until a refresh finished after the table's last change of rows or
/// fields (`search_seq` is advanced when a refresh is done).
pub(crate) async fn wait_refreshed(app: &TestApp, table: i64) {
    let started = Instant::now();
    loop {
        let done: bool = sqlx::query_scalar(
            "SELECT NOT t.search_queued AND t.search_seq >= COALESCE((\
               SELECT max(e.seq) FROM database_table_events e WHERE e.table_id = t.id \
               AND e.event_type IN ('rows_created', 'rows_updated', 'field_created', \
                 'field_updated', 'field_deleted', 'field_restored', 'table_created')), 0) \
             IS TRUE FROM database_tables t WHERE t.id = $1",
        )
        .bind(table)
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
        if done {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the search column of table {table} was not refreshed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The ids a listing returned, in order.
pub(crate) fn ids(body: &Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {body:?}"))
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// Full-text rows of `table` for `search` (URL-encoded here).
pub(crate) async fn search(app: &TestApp, user: &Session, table: i64, term: &str) -> Value {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("search", term)
        .finish();
    let r = app.rows(user, table, &format!("{q}&{FT}")).await;
    assert_eq!(r.status, 200, "{term:?}: {:?}", r.body);
    r.body
}

/// Deletes the table's two default rows.
async fn empty(app: &TestApp, user: &Session, table: i64) {
    let rows = app.rows(user, table, "").await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{table}/batch-delete/"),
            Some(&user.access),
            json!({ "items": ids(&rows.body) }),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

#[tokio::test]
async fn rows_are_found_by_word_prefixes_across_text_number_select_and_link_fields() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (u, t) = (&fx.user, fx.table);
    empty(&app, u, t).await;
    let places = app.table_fixture_in(&fx).await;
    let orchard = create_row_id(&app, u, places, json!({"Name": "Old Orchard"})).await;
    app.field(u, t, json!({"name": "Amount", "type": "number"}))
        .await;
    let colour = app
        .field(
            u,
            t,
            json!({"name": "Colour", "type": "single_select",
                   "select_options": [{"value": "Crimson", "color": "red"}]}),
        )
        .await;
    let option = app
        .get(&format!("/api/database/fields/{colour}/"), Some(&u.access))
        .await
        .body["select_options"][0]["id"]
        .as_i64()
        .unwrap();
    app.field(
        u,
        t,
        json!({"name": "Place", "type": "link_row", "link_row_table_id": places}),
    )
    .await;
    let ann = create_row_id(&app, u, t, json!({"Name": "Ann Smith", "Amount": 1234})).await;
    let bob = create_row_id(
        &app,
        u,
        t,
        json!({"Name": "Bob Hello-World", "Colour": option}),
    )
    .await;
    let cid = create_row_id(&app, u, t, json!({"Name": "Cid", "Place": [orchard]})).await;
    wait_refreshed(&app, t).await;

    let unfilled: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM database_table_{t} WHERE search_tsv IS NULL"
    )))
    .fetch_one(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(unfilled, 0, "every row's words are stored");
    let indexed: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("database_table_{t}_search"))
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert!(indexed, "the first refresh builds the search index");

    // Every word a prefix of some word of the row, in any order, any case.
    let body = search(&app, u, t, "smi AN").await;
    assert_eq!(ids(&body), vec![ann]);
    assert_eq!(body["count"], 1, "the listing keeps its count");
    assert_eq!(ids(&search(&app, u, t, "123").await), vec![ann], "numbers");
    assert_eq!(
        ids(&search(&app, u, t, "crim").await),
        vec![bob],
        "select options"
    );
    assert_eq!(
        ids(&search(&app, u, t, "orch").await),
        vec![cid],
        "linked rows"
    );
    // Punctuation separates words alike in rows and searches.
    assert_eq!(ids(&search(&app, u, t, "world").await), vec![bob]);
    assert_eq!(ids(&search(&app, u, t, "hello-wor").await), vec![bob]);
    // Words match from their start: the middle of a word does not (compat's substring does).
    assert!(ids(&search(&app, u, t, "mith").await).is_empty());
    let r = app.rows(u, t, "search=mith").await;
    assert_eq!(ids(&r.body), vec![ann], "compat stays the default");
    let r = app.rows(u, t, "search=mith&search_mode=compat").await;
    assert_eq!(ids(&r.body), vec![ann]);
    // A row id, as in compat.
    assert_eq!(ids(&search(&app, u, t, &cid.to_string()).await), vec![cid]);
    assert!(
        ids(&search(&app, u, t, "ann zzz").await).is_empty(),
        "all words are needed"
    );

    // The stored column is what is searched: words written there are found.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE database_table_{t} SET search_tsv = to_tsvector('simple', 'zebra') WHERE id = $1"
    )))
    .bind(cid)
    .execute(&app.ctx.db)
    .await
    .unwrap();
    assert_eq!(ids(&search(&app, u, t, "zebr").await), vec![cid]);

    // The grid view endpoint honours the mode too.
    let view = create_view(&app, &fx, json!({"name": "Grid", "type": "grid"})).await;
    let r = app
        .get(
            &format!("/api/database/views/grid/{}/?search=smi&{FT}", view["id"]),
            Some(&u.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ids(&r.body), vec![ann]);
    assert_eq!(r.body["count"], 1);
}

#[tokio::test]
async fn an_edit_becomes_searchable_once_the_refresh_ran() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (u, t) = (&fx.user, fx.table);
    let row = create_row_id(&app, u, t, json!({"Name": "alpha"})).await;
    // A new row is found at once, before any refresh stored its words.
    assert_eq!(ids(&search(&app, u, t, "alph").await), vec![row]);
    wait_refreshed(&app, t).await;
    assert_eq!(ids(&search(&app, u, t, "alph").await), vec![row]);
    // Words the refresh must overwrite: only the refresh can make them go.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE database_table_{t} SET search_tsv = to_tsvector('simple', 'stale') WHERE id = $1"
    )))
    .bind(row)
    .execute(&app.ctx.db)
    .await
    .unwrap();

    patch_row(&app, u, t, row, json!({"Name": "omega point"})).await;
    wait_refreshed(&app, t).await;
    assert_eq!(ids(&search(&app, u, t, "omeg poi").await), vec![row]);
    assert!(ids(&search(&app, u, t, "alph").await).is_empty());
    assert!(ids(&search(&app, u, t, "stale").await).is_empty());
}

#[tokio::test]
async fn a_deleted_fields_words_no_longer_match_and_a_new_fields_do() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (u, t) = (&fx.user, fx.table);
    let secret = app
        .field(u, t, json!({"name": "Secret", "type": "text"}))
        .await;
    let row = create_row_id(&app, u, t, json!({"Secret": "classified"})).await;
    wait_refreshed(&app, t).await;
    assert_eq!(ids(&search(&app, u, t, "classif").await), vec![row]);

    let r = app
        .delete(&format!("/api/database/fields/{secret}/"), Some(&u.access))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    wait_refreshed(&app, t).await;
    assert!(ids(&search(&app, u, t, "classif").await).is_empty());

    // A formula added later: its values are in every row's words after the refresh.
    app.field(
        u,
        t,
        json!({"name": "F", "type": "formula", "formula": "'quokka'"}),
    )
    .await;
    wait_refreshed(&app, t).await;
    let found = ids(&search(&app, u, t, "quok").await);
    assert!(found.contains(&row), "{found:?}");
}

#[tokio::test]
async fn odd_searches_never_fail_and_a_bad_mode_is_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (u, t) = (&fx.user, fx.table);
    let row = create_row_id(&app, u, t, json!({"Name": "O'Brien & Sons (est. 1901)"})).await;
    wait_refreshed(&app, t).await;

    let long = "x".repeat(20_000);
    let odd = [
        "'",
        "\"",
        "\\",
        "&|!:*()",
        "a:*",
        "!(b)",
        "<->",
        "'' OR 1=1 --",
        ":",
        "*",
        "🙂",
        "é",
        "\u{3000}",
        "\t\n",
        long.as_str(),
        "a & b | c",
    ];
    for term in odd {
        search(&app, u, t, term).await;
    }
    assert_eq!(ids(&search(&app, u, t, "o'brien").await), vec![row]);
    assert_eq!(ids(&search(&app, u, t, "(est").await), vec![row]);
    assert_eq!(ids(&search(&app, u, t, "sons & 1901").await), vec![row]);
    assert!(
        ids(&search(&app, u, t, "&|!").await).is_empty(),
        "no words, no rows"
    );

    assert_error(
        &app.rows(u, t, &format!("search=a%00b&{FT}")).await,
        400,
        "ERROR_REQUEST_BODY_VALIDATION",
    );
    let r = app.rows(u, t, "search=a&search_mode=fulltext").await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
    assert_eq!(
        r.body["detail"],
        json!({"search_mode": [{"error": "\"fulltext\" is not a valid choice.", "code": "invalid_choice"}]})
    );
}

#[tokio::test]
async fn other_tables_and_hidden_fields_are_never_searched() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (u, t) = (&fx.user, fx.table);
    let hidden = app
        .field(u, t, json!({"name": "Hidden", "type": "text"}))
        .await;
    let row = create_row_id(
        &app,
        u,
        t,
        json!({"Name": "visible words", "Hidden": "confidential"}),
    )
    .await;
    // Eve's table, in her own workspace, holds a word Ann's rows do not.
    let eve = app.sign_up("Eve", "eve@x.io").await;
    let workspace = app.workspace(&eve, "Eve's").await;
    let database = app.database(&eve, workspace).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            Some(&eve.access),
            json!({"name": "Hers"}),
        )
        .await;
    let hers = r.body["id"].as_i64().unwrap();
    create_row_id(&app, &eve, hers, json!({"Name": "lighthouse"})).await;
    wait_refreshed(&app, t).await;
    wait_refreshed(&app, hers).await;

    assert!(ids(&search(&app, u, t, "lighth").await).is_empty());
    assert_error(
        &app.rows(u, hers, &format!("search=lighth&{FT}")).await,
        400,
        "ERROR_USER_NOT_IN_GROUP",
    );

    // A shared grid hiding a field: its words are not found through the view.
    let view = create_view(&app, &fx, json!({"name": "Shared", "type": "grid"})).await;
    let id = view["id"].as_i64().unwrap();
    let slug = view["slug"].as_str().unwrap().to_owned();
    let r = app
        .patch(
            &format!("/api/database/views/{id}/field-options/"),
            Some(&u.access),
            json!({ "field_options": { hidden.to_string(): {"hidden": true} } }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/views/{id}/"),
            Some(&u.access),
            json!({"public": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let public =
        |term: &str| format!("/api/database/views/grid/{slug}/public/rows/?search={term}&{FT}");
    let r = app.get(&public("confid"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        ids(&r.body).is_empty(),
        "a hidden field was searched: {:?}",
        r.body
    );
    let r = app.get(&public("visib%20wor"), None).await;
    assert_eq!(ids(&r.body), vec![row]);
    assert_eq!(r.body["count"], 1);
    // The owner, who sees every field, finds the row by the hidden word.
    assert_eq!(ids(&search(&app, u, t, "confid").await), vec![row]);
    let r = app.get(&public("x&search_mode=nope"), None).await;
    assert_error(&r, 400, "ERROR_QUERY_PARAMETER_VALIDATION");
}
