//! The benchmark table: created through the HTTP API as a user would, then filled with
//! `COPY`, or through the batch row API on a server whose database is out of reach (see
//! [`fill`]).

use crate::{
    account, fill,
    server::{Api, id_of},
    words::Vocabulary,
};
use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::{sync::Arc, time::Duration};

/// Field counts of the table Baserow was measured with (20 fields in all).
pub const TEXT_FIELDS: usize = 10;
pub const INTEGER_FIELDS: usize = 3;
pub const DECIMAL_FIELDS: usize = 2;
pub const BOOLEAN_FIELDS: usize = 3;
pub const SELECT_FIELDS: usize = 2;
pub const SELECT_OPTIONS: usize = 5;
/// Number cells with 0 decimals are uniform in `0..INTEGER_RANGE`.
pub const INTEGER_RANGE: u64 = 100_000;

/// Vocabulary size of the Baserow baseline's table.
const VOCABULARY_WORDS: usize = 3_000;
/// Fixed seeds: every run builds the same table.
const VOCABULARY_SEED: u64 = 0x7E55_E4A0;
const FILL_SEED: u64 = 1;

/// The table's field ids by kind, each list in creation order.
#[derive(Debug, Clone)]
pub struct Schema {
    pub table_id: i64,
    /// `text[0]` is the primary field "Name".
    pub text: Vec<i64>,
    pub integer: Vec<i64>,
    pub decimal: Vec<i64>,
    pub boolean: Vec<i64>,
    /// Each single select with its option ids.
    pub select: Vec<(i64, Vec<i64>)>,
}

impl Schema {
    pub fn field_count(&self) -> usize {
        self.text.len()
            + self.integer.len()
            + self.decimal.len()
            + self.boolean.len()
            + self.select.len()
    }

    pub fn table(&self) -> String {
        format!("database_table_{}", self.table_id)
    }
}

/// The filled benchmark table and how it was built.
pub struct Table {
    pub schema: Schema,
    pub vocab: Arc<Vocabulary>,
    pub rows: u64,
    pub fill_time: Duration,
    pub filled: Filled,
}

/// How the table was filled.
pub enum Filled {
    /// By `COPY`; `size` is `pg_size_pretty` of the table with its indexes right after.
    Copy { size: String },
    /// Through the batch row API, `concurrency` requests at a time; `ids` are the new rows.
    Api { concurrency: usize, ids: Vec<i64> },
}

impl Table {
    /// Signs up through `api` (which keeps the token), creates the table through the API
    /// and fills it with `rows` rows by `COPY`.
    pub async fn build(api: &mut Api, database_url: &str, rows: u64) -> anyhow::Result<Self> {
        let vocab = Arc::new(Vocabulary::generate(VOCABULARY_WORDS, VOCABULARY_SEED));
        eprintln!("creating the table through the API…");
        let account = account::create(api).await?;
        let schema = create_schema(api, account.database_id).await?;
        let mut conn = PgConnection::connect(database_url).await?;

        eprintln!("filling {rows} rows with COPY…");
        let fill_time = fill::fill(database_url, &schema, Arc::clone(&vocab), rows, FILL_SEED)
            .await
            .context("filling the table")?;
        let size = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT pg_size_pretty(pg_total_relation_size('{}'))",
            schema.table()
        )))
        .fetch_one(&mut conn)
        .await?;
        conn.close().await?;
        Ok(Self {
            schema,
            vocab,
            rows,
            fill_time,
            filled: Filled::Copy { size },
        })
    }

    /// Creates the table in the database `database_id` through `api` (signed in) and fills
    /// it with `rows` rows through the batch row API, `concurrency` requests at a time:
    /// for a server whose database is out of reach, Baserow included.
    pub async fn build_through_api(
        api: &Api,
        database_id: i64,
        rows: u64,
        concurrency: usize,
    ) -> anyhow::Result<Self> {
        let vocab = Arc::new(Vocabulary::generate(VOCABULARY_WORDS, VOCABULARY_SEED));
        eprintln!("creating the table through the API…");
        let schema = create_schema(api, database_id).await?;
        remove_starting_rows(api, schema.table_id).await?;
        eprintln!("filling {rows} rows through the batch API, {concurrency} requests at a time…");
        let (fill_time, ids) =
            fill::fill_through_api(api, &schema, &vocab, rows, FILL_SEED, concurrency)
                .await
                .context("filling the table")?;
        let count = row_count(api, schema.table_id).await?;
        if count != rows {
            bail!("the table reports {count} rows after the fill, expected {rows}");
        }
        Ok(Self {
            schema,
            vocab,
            rows,
            fill_time,
            filled: Filled::Api { concurrency, ids },
        })
    }

    /// The report's lines on the table: its rows, size and fill time, and its fields.
    pub fn describe(&self) -> String {
        let (how, size) = match &self.filled {
            Filled::Copy { size } => ("by COPY".to_owned(), format!(" ({size} with indexes)")),
            Filled::Api { concurrency, .. } => (
                format!(
                    "through the batch API ({} rows a request, {concurrency} at a time)",
                    fill::BATCH_ROWS
                ),
                String::new(),
            ),
        };
        format!(
            "- rows: {} in `{}`{size}, filled {how} in {:.1} s ({:.0} rows/s)\n\
             - fields: {} ({TEXT_FIELDS} text, {INTEGER_FIELDS} number with 0 decimals, \
             {DECIMAL_FIELDS} with 2, {BOOLEAN_FIELDS} boolean, {SELECT_FIELDS} single select \
             with {SELECT_OPTIONS} options)\n",
            self.rows,
            self.schema.table(),
            self.fill_time.as_secs_f64(),
            self.rows as f64 / self.fill_time.as_secs_f64(),
            self.schema.field_count(),
        )
    }
}

/// The `count` of an unfiltered listing of the table.
pub async fn row_count(api: &Api, table_id: i64) -> anyhow::Result<u64> {
    let page = api
        .call(
            Method::GET,
            &format!("/api/database/rows/table/{table_id}/?size=1"),
            None,
        )
        .await?;
    page["count"]
        .as_u64()
        .with_context(|| format!("a listing without count: {page}"))
}

/// Deletes any row a server put in a new table on its own, so the fill starts from none.
async fn remove_starting_rows(api: &Api, table_id: i64) -> anyhow::Result<()> {
    let page = api
        .call(
            Method::GET,
            &format!("/api/database/rows/table/{table_id}/?size=200"),
            None,
        )
        .await?;
    let ids: Vec<i64> = page["results"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default();
    if !ids.is_empty() {
        api.call_empty(
            Method::POST,
            &format!("/api/database/rows/table/{table_id}/batch-delete/"),
            Some(&json!({ "items": ids })),
        )
        .await?;
    }
    Ok(())
}

/// The indexes on a table, by name, each with its definition and size, and `(invalid)`
/// after one a failed `CREATE INDEX CONCURRENTLY` left behind.
pub async fn indexes(conn: &mut PgConnection, table: &str) -> anyhow::Result<Vec<String>> {
    let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT c.relname::text, pg_get_indexdef(c.oid), pg_size_pretty(pg_relation_size(c.oid)), \
                i.indisvalid \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = $1::regclass ORDER BY c.relname",
    )
    .bind(table)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, definition, size, valid)| {
            // The definition repeats the name and table; what follows `USING` tells them apart.
            let shape = definition
                .split_once(" USING ")
                .map_or(definition.as_str(), |(_, rest)| rest);
            let invalid = if valid { "" } else { " (invalid)" };
            format!("`{name}`{invalid}: {shape}, {size}")
        })
        .collect())
}

/// `field_{id}`: the field's column, and its key in API rows.
pub fn col(field_id: i64) -> String {
    format!("field_{field_id}")
}

/// Creates the table and its fields through the API in the database `database_id`.
async fn create_schema(api: &Api, database_id: i64) -> anyhow::Result<Schema> {
    // A one-cell header and no rows gives a table whose only field is the text primary "Name".
    let table_id = id_of(
        &api.call(
            Method::POST,
            &format!("/api/database/tables/database/{database_id}/"),
            Some(&json!({"name": "Rows", "data": [["Name"]], "first_row_header": true})),
        )
        .await?,
    )?;
    let fields_path = format!("/api/database/fields/table/{table_id}/");
    let existing = api.call(Method::GET, &fields_path, None).await?;
    let primary = existing
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["primary"] == json!(true)))
        .context("the new table has no primary field")?;

    let mut schema = Schema {
        table_id,
        text: vec![id_of(primary)?],
        integer: Vec::new(),
        decimal: Vec::new(),
        boolean: Vec::new(),
        select: Vec::new(),
    };
    // Any other field a server adds to a new table is not part of the benchmark's.
    for field in existing.as_array().into_iter().flatten() {
        if field["primary"] != json!(true) {
            api.delete(&format!("/api/database/fields/{}/", id_of(field)?))
                .await?;
        }
    }
    let add = |body: Value| add_field(api, &fields_path, body);
    for n in 2..=TEXT_FIELDS {
        schema
            .text
            .push(add(json!({"name": format!("Text {n}"), "type": "text"})).await?);
    }
    for n in 1..=INTEGER_FIELDS {
        schema
            .integer
            .push(add(json!({"name": format!("Count {n}"), "type": "number"})).await?);
    }
    for n in 1..=DECIMAL_FIELDS {
        schema.decimal.push(
            add(json!({"name": format!("Amount {n}"), "type": "number",
                "number_decimal_places": 2}))
            .await?,
        );
    }
    for n in 1..=BOOLEAN_FIELDS {
        schema
            .boolean
            .push(add(json!({"name": format!("Flag {n}"), "type": "boolean"})).await?);
    }
    let colors = ["blue", "green", "red", "yellow", "dark-blue"];
    for n in 1..=SELECT_FIELDS {
        let options: Vec<Value> = (1..=SELECT_OPTIONS)
            .map(|o| json!({"value": format!("opt{o}"), "color": colors[(o - 1) % colors.len()]}))
            .collect();
        let field = api
            .call(
                Method::POST,
                &fields_path,
                Some(
                    &json!({"name": format!("Status {n}"), "type": "single_select",
                    "select_options": options}),
                ),
            )
            .await?;
        // The options come back with their ids, in the order given: a single select cell
        // holds an option's id.
        let option_ids = field["select_options"]
            .as_array()
            .map(|options| options.iter().filter_map(|o| o["id"].as_i64()).collect())
            .unwrap_or_else(Vec::new);
        if option_ids.len() != SELECT_OPTIONS {
            bail!(
                "field {field} has {} options, expected {SELECT_OPTIONS}",
                option_ids.len()
            );
        }
        schema.select.push((id_of(&field)?, option_ids));
    }
    Ok(schema)
}

/// Creates one field; returns its id.
async fn add_field(api: &Api, fields_path: &str, body: Value) -> anyhow::Result<i64> {
    id_of(&api.call(Method::POST, fields_path, Some(&body)).await?)
}
