//! The benchmark table: created through the HTTP API as a user would, then filled with
//! `COPY` straight into its PostgreSQL table (the API's batch endpoint would take hours
//! for a million rows, and the fill is not what is measured).

use crate::{
    server::Api,
    words::{Rng, Vocabulary},
};
use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::{
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

/// Field counts of the table Baserow was measured with (20 fields in all).
pub const TEXT_FIELDS: usize = 10;
pub const INTEGER_FIELDS: usize = 3;
pub const DECIMAL_FIELDS: usize = 2;
pub const BOOLEAN_FIELDS: usize = 3;
pub const SELECT_FIELDS: usize = 2;
pub const SELECT_OPTIONS: usize = 5;

/// Rows per `COPY` message batch: big enough to amortise round trips, small enough to
/// keep memory flat.
const CHUNK_ROWS: u64 = 20_000;

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

/// `field_{id}`: the field's column, and its key in API rows.
pub fn col(field_id: i64) -> String {
    format!("field_{field_id}")
}

/// Signs up, then creates workspace, database, table and fields through the API. The API
/// client keeps the new user's token.
pub async fn create_schema(api: &mut Api) -> anyhow::Result<Schema> {
    let session = api
        .call(
            Method::POST,
            "/api/user/",
            Some(&json!({"name": "Bench", "email": "bench@example.com",
                "password": "benchmark-password", "authenticate": true})),
        )
        .await?;
    let token = session["access_token"]
        .as_str()
        .context("sign-up returned no access_token")?;
    api.set_token(token);

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
    // A one-cell header and no rows gives a table whose only field is the text primary "Name".
    let table = api
        .call(
            Method::POST,
            &format!("/api/database/tables/database/{}/", id_of(&database)?),
            Some(&json!({"name": "Rows", "data": [["Name"]], "first_row_header": true})),
        )
        .await?;
    let table_id = id_of(&table)?;
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
    let api = &*api;
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
        let id = add(
            json!({"name": format!("Status {n}"), "type": "single_select",
            "select_options": options}),
        )
        .await?;
        schema.select.push((id, Vec::new()));
    }
    Ok(schema)
}

/// Creates one field; returns its id.
async fn add_field(api: &Api, fields_path: &str, body: Value) -> anyhow::Result<i64> {
    id_of(&api.call(Method::POST, fields_path, Some(&body)).await?)
}

fn id_of(object: &Value) -> anyhow::Result<i64> {
    object["id"]
        .as_i64()
        .with_context(|| format!("no id in {object}"))
}

/// Reads the option ids of the select fields from the database: a single select column
/// stores the option id, so the fill needs them.
pub async fn load_option_ids(conn: &mut PgConnection, schema: &mut Schema) -> anyhow::Result<()> {
    for (field_id, options) in &mut schema.select {
        *options = sqlx::query_scalar(
            "SELECT id FROM database_select_options WHERE field_id = $1 ORDER BY \"order\", id",
        )
        .bind(*field_id)
        .fetch_all(&mut *conn)
        .await?;
        if options.len() != SELECT_OPTIONS {
            bail!(
                "field {field_id} has {} options, expected {SELECT_OPTIONS}",
                options.len()
            );
        }
    }
    Ok(())
}

/// One row as CSV, columns in [`copy_columns`] order. Vocabulary words are letters only,
/// so no value needs quoting.
fn push_csv_row(out: &mut String, schema: &Schema, vocab: &Vocabulary, rng: &mut Rng, n: u64) {
    let _ = write!(out, "{n}");
    for _ in &schema.text {
        out.push(',');
        vocab.push_phrase(rng, out);
    }
    for _ in &schema.integer {
        let _ = write!(out, ",{}", rng.below(100_000));
    }
    for _ in &schema.decimal {
        let cents = rng.below(10_000_000);
        let _ = write!(out, ",{}.{:02}", cents / 100, cents % 100);
    }
    for _ in &schema.boolean {
        out.push_str(if rng.coin() { ",t" } else { ",f" });
    }
    for (_, options) in &schema.select {
        let _ = write!(
            out,
            ",{}",
            options[rng.below(options.len() as u64) as usize]
        );
    }
    out.push('\n');
}

/// `"order", field_…`: the system columns other than `order` keep their defaults
/// (`id` from its sequence, `created_on`/`updated_on` now, `trashed` false).
fn copy_columns(schema: &Schema) -> String {
    let fields = schema
        .text
        .iter()
        .chain(&schema.integer)
        .chain(&schema.decimal)
        .chain(&schema.boolean)
        .chain(schema.select.iter().map(|(id, _)| id))
        .map(|id| col(*id));
    std::iter::once("\"order\"".to_owned())
        .chain(fields)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fills the table with `rows` rows (`order` = row number), then sets the row counter the
/// API reports as `count` and refreshes the planner's statistics. Returns the time taken.
pub async fn fill(
    database_url: &str,
    schema: &Schema,
    vocab: Arc<Vocabulary>,
    rows: u64,
    seed: u64,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut conn = PgConnection::connect(database_url).await?;
    let statement = format!(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
        schema.table(),
        copy_columns(schema)
    );

    // CSV is generated on a blocking thread while this task streams the previous chunk,
    // so the client's work overlaps PostgreSQL's on the two cores.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(2);
    let producer = {
        let schema = schema.clone();
        tokio::task::spawn_blocking(move || {
            let mut rng = Rng::new(seed);
            let mut n = 1;
            while n <= rows {
                let end = (n + CHUNK_ROWS).min(rows + 1);
                let mut chunk = String::with_capacity(((end - n) * 256) as usize);
                for row in n..end {
                    push_csv_row(&mut chunk, &schema, &vocab, &mut rng, row);
                }
                if tx.blocking_send(chunk).is_err() {
                    return; // The consumer failed; its error is reported.
                }
                n = end;
            }
        })
    };
    let mut copy = conn.copy_in_raw(&statement).await?;
    let mut sent = 0u64;
    while let Some(chunk) = rx.recv().await {
        copy.send(chunk.into_bytes()).await?;
        sent = (sent + CHUNK_ROWS).min(rows);
        if sent.is_multiple_of(200_000) {
            eprintln!("  … {sent} rows sent ({:.0?})", started.elapsed());
        }
    }
    let copied = copy.finish().await?;
    producer.await?;
    if copied != rows {
        bail!("COPY wrote {copied} rows, expected {rows}");
    }

    sqlx::query("UPDATE database_tables SET row_count = $2 WHERE id = $1")
        .bind(schema.table_id)
        .bind(rows as i64)
        .execute(&mut conn)
        .await?;
    // VACUUM as well as ANALYZE: it sets hint bits and the visibility map now, instead of
    // autovacuum doing it (and the first scans paying for it) in the middle of a measurement.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "VACUUM (ANALYZE) {}",
        schema.table()
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(started.elapsed())
}
