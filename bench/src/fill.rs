//! Filling the benchmark table with `COPY` straight into its PostgreSQL table: the API's
//! batch endpoint would take hours for a million rows, and the fill is not what is
//! measured.

use crate::{
    setup::{INTEGER_RANGE, Schema, col},
    words::{Rng, Vocabulary},
};
use anyhow::bail;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::{
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

/// Rows per `COPY` message batch: big enough to amortise round trips, small enough to
/// keep memory flat.
const CHUNK_ROWS: u64 = 20_000;

/// One row as CSV, columns in [`copy_columns`] order. Vocabulary words are letters only,
/// so no value needs quoting.
fn push_csv_row(out: &mut String, schema: &Schema, vocab: &Vocabulary, rng: &mut Rng, n: u64) {
    let _ = write!(out, "{n}");
    for _ in &schema.text {
        out.push(',');
        vocab.push_phrase(rng, out);
    }
    for _ in &schema.integer {
        let _ = write!(out, ",{}", rng.below(INTEGER_RANGE));
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
