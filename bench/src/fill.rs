//! Filling the benchmark table: with `COPY` straight into its PostgreSQL table when the
//! database is at hand (the API's batch endpoint would take much longer for a million
//! rows, and the fill is not what is measured), else through the batch row API of the
//! server measured. Both write the same rows from the same seed.

use crate::{
    server::{Api, expect_ok},
    setup::{INTEGER_RANGE, Schema, col},
    words::{Rng, Vocabulary},
};
use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt, stream};
use reqwest::Method;
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::{
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

/// Rows per `COPY` message batch: big enough to amortise round trips, small enough to
/// keep memory flat.
const CHUNK_ROWS: u64 = 20_000;

/// One generated row: its cells field by field, each list in the schema's order.
struct Cells {
    text: Vec<String>,
    integer: Vec<u64>,
    cents: Vec<u64>,
    boolean: Vec<bool>,
    /// The id of the chosen option of each single select.
    select: Vec<i64>,
}

impl Cells {
    /// Draws the next row from `rng`: whichever way the table is filled, the same seed
    /// gives the same rows.
    fn generate(schema: &Schema, vocab: &Vocabulary, rng: &mut Rng) -> Self {
        Self {
            text: schema.text.iter().map(|_| vocab.phrase(rng)).collect(),
            integer: schema
                .integer
                .iter()
                .map(|_| rng.below(INTEGER_RANGE))
                .collect(),
            cents: schema
                .decimal
                .iter()
                .map(|_| rng.below(10_000_000))
                .collect(),
            boolean: schema.boolean.iter().map(|_| rng.coin()).collect(),
            select: schema
                .select
                .iter()
                .map(|(_, options)| options[rng.below(options.len() as u64) as usize])
                .collect(),
        }
    }

    /// The row as CSV, columns in [`copy_columns`] order. Vocabulary words are letters
    /// only, so no value needs quoting.
    fn push_csv(&self, out: &mut String, n: u64) {
        let _ = write!(out, "{n}");
        for text in &self.text {
            out.push(',');
            out.push_str(text);
        }
        for integer in &self.integer {
            let _ = write!(out, ",{integer}");
        }
        for cents in &self.cents {
            let _ = write!(out, ",{}.{:02}", cents / 100, cents % 100);
        }
        for boolean in &self.boolean {
            out.push_str(if *boolean { ",t" } else { ",f" });
        }
        for option in &self.select {
            let _ = write!(out, ",{option}");
        }
        out.push('\n');
    }

    /// The row as the API takes it: `field_{id}` keys, decimals as strings, a single select
    /// by its option's id.
    fn to_json(&self, schema: &Schema) -> Value {
        let mut row = Map::new();
        for (id, text) in schema.text.iter().zip(&self.text) {
            row.insert(col(*id), text.as_str().into());
        }
        for (id, integer) in schema.integer.iter().zip(&self.integer) {
            row.insert(col(*id), (*integer).into());
        }
        for (id, cents) in schema.decimal.iter().zip(&self.cents) {
            row.insert(
                col(*id),
                format!("{}.{:02}", cents / 100, cents % 100).into(),
            );
        }
        for (id, boolean) in schema.boolean.iter().zip(&self.boolean) {
            row.insert(col(*id), (*boolean).into());
        }
        for ((id, _), option) in schema.select.iter().zip(&self.select) {
            row.insert(col(*id), (*option).into());
        }
        Value::Object(row)
    }
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
                    Cells::generate(&schema, &vocab, &mut rng).push_csv(&mut chunk, row);
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

/// Rows in one batch-create request: Baserow's limit (`BATCH_ROWS_SIZE_LIMIT`).
pub const BATCH_ROWS: u64 = 200;
/// How often the batch fill reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Fills the table through `POST /api/database/rows/table/{id}/batch/`, `BATCH_ROWS` rows a
/// request and `concurrency` requests in flight, with the rows [`fill`] would copy (the
/// same seed draws the same rows; their order across batches follows which request the
/// server finishes first). Returns the time taken and the ids of the new rows.
pub async fn fill_through_api(
    api: &Api,
    schema: &Schema,
    vocab: &Vocabulary,
    rows: u64,
    seed: u64,
    concurrency: usize,
) -> anyhow::Result<(Duration, Vec<i64>)> {
    let started = Instant::now();
    let path = format!("/api/database/rows/table/{}/batch/", schema.table_id);
    let mut rng = Rng::new(seed);
    // Batches are drawn in order as slots free up, so the data never depends on timing.
    let batches = (0..rows.div_ceil(BATCH_ROWS)).map(move |batch| {
        let size = BATCH_ROWS.min(rows - batch * BATCH_ROWS);
        let items: Vec<Value> = (0..size)
            .map(|_| Cells::generate(schema, vocab, &mut rng).to_json(schema))
            .collect();
        json!({ "items": items })
    });
    let mut sent = stream::iter(batches)
        .map(|body| {
            let path = &path;
            async move {
                api.renew_if_due().await?;
                let what = format!("POST {path}");
                let (status, bytes) = api
                    .send(api.build(Method::POST, path, Some(&body))?)
                    .await?;
                expect_ok(&what, status, &bytes)?;
                let answer: Value = serde_json::from_slice(&bytes)
                    .with_context(|| format!("{what}: response is not JSON"))?;
                let items = answer["items"]
                    .as_array()
                    .with_context(|| format!("{what}: no items in the answer"))?;
                items
                    .iter()
                    .map(|row| row["id"].as_i64().context("a created row without id"))
                    .collect::<anyhow::Result<Vec<i64>>>()
            }
        })
        .buffer_unordered(concurrency.max(1));
    let mut ids = Vec::with_capacity(rows as usize);
    let mut reported = Instant::now();
    while let Some(batch) = sent.try_next().await? {
        ids.extend(batch);
        if reported.elapsed() >= PROGRESS_EVERY || ids.len() as u64 == rows {
            reported = Instant::now();
            let elapsed = started.elapsed();
            eprintln!(
                "  … {} of {rows} rows created ({elapsed:.0?}, {:.0} rows/s)",
                ids.len(),
                ids.len() as f64 / elapsed.as_secs_f64()
            );
        }
    }
    if ids.len() as u64 != rows {
        bail!("the batch API created {} rows, expected {rows}", ids.len());
    }
    ids.sort_unstable();
    Ok((started.elapsed(), ids))
}
