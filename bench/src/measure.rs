//! The measured workloads, each as an HTTP request to the API and, when the server runs
//! here on a database at hand, as the equivalent bare SQL, sent one at a time and timed
//! from send to the last byte of the answer.

use crate::breakdown::Phases;
use anyhow::Context;
use reqwest::Method;
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};
use tessera_bench::{
    cli::Options,
    server::{Api, SETTLE_TIMEOUT, Server, expect_ok},
    setup::{Filled, INTEGER_RANGE, Schema, Table, col},
    stats::Series,
    words::{Rng, Vocabulary},
};

/// Rows in one batch-create request.
pub const BATCH_ROWS: usize = 200;
/// Page size of the listing workloads.
const PAGE_SIZE: usize = 100;

/// Frequency ranks of the words filters and searches look for, one per request in turn:
/// from the most common word (about a quarter of the rows of a text field) to rank 95
/// (a fraction of a percent), so neither "everything matches" nor "nothing matches"
/// flatters the numbers, and no single word's pages stay hot.
const PROBE_RANKS: [usize; 20] = [
    0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    ListPage,
    FilterSort,
    Search,
    BatchCreate,
    UpdateRow,
}

impl Workload {
    /// Reads first, on the freshly filled table; the writes then add and change rows.
    pub const ALL: [Self; 5] = [
        Self::ListPage,
        Self::FilterSort,
        Self::Search,
        Self::BatchCreate,
        Self::UpdateRow,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::ListPage => "list page 1, `size=100`",
            Self::FilterSort => "`contains` filter + `order_by` two fields",
            Self::Search => "`search=word` (every field)",
            Self::BatchCreate => "`POST …/batch/` of 200 rows",
            Self::UpdateRow => "`PATCH` one row (one text + one number)",
        }
    }

    /// Whether the API answer is a page whose `count` is worth reporting.
    fn is_listing(self) -> bool {
        matches!(self, Self::ListPage | Self::FilterSort | Self::Search)
    }
}

#[derive(Debug, Clone)]
pub struct Measurement {
    pub workload: Workload,
    pub api: Series,
    /// `None` when the database was out of reach (a `--target` server).
    pub sql: Option<Series>,
    /// `count` of the API's answers (listings only): how many rows matched.
    pub counts: Vec<i64>,
    /// Time spent after the warm-up waiting for background jobs it caused.
    pub settled: Duration,
    /// Server-side wall time per span over the measured API requests (see `breakdown`).
    pub phases: BTreeMap<&'static str, Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Api,
    Sql,
}

/// What only a server started here offers: its database and its spans.
pub struct Local<'a> {
    pub server: &'a Server,
    /// Bare SQL goes over one dedicated connection: the equivalent of a keep-alive client.
    pub sql: PgConnection,
    pub phases: &'a Phases,
}

/// The rows the updates pick among.
enum RowIds<'a> {
    /// Every id from `first` to `last` (a table filled by `COPY`).
    Range { first: i64, last: i64 },
    /// The ids the batch API returned, sorted.
    List(&'a [i64]),
}

/// Runs the workloads against one filled table.
pub struct Bench<'a> {
    api: &'a Api,
    /// `None` for a `--target` server: the API alone is measured.
    local: Option<Local<'a>>,
    schema: &'a Schema,
    vocab: &'a Vocabulary,
    options: &'a Options,
    rng: Rng,
    probe_words: Vec<String>,
    row_ids: RowIds<'a>,
}

impl<'a> Bench<'a> {
    pub async fn new(
        api: &'a Api,
        mut local: Option<Local<'a>>,
        table: &'a Table,
        options: &'a Options,
        seed: u64,
    ) -> anyhow::Result<Self> {
        let (schema, vocab) = (&table.schema, &*table.vocab);
        let row_ids = match (&table.filled, &mut local) {
            (Filled::Api { ids, .. }, _) => RowIds::List(ids),
            (Filled::Copy { .. }, Some(local)) => {
                let (first, last): (i64, i64) = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT min(id), max(id) FROM {}",
                    schema.table()
                )))
                .fetch_one(&mut local.sql)
                .await?;
                RowIds::Range { first, last }
            }
            (Filled::Copy { .. }, None) => {
                anyhow::bail!("a table filled by COPY needs its database")
            }
        };
        Ok(Self {
            api,
            local,
            schema,
            vocab,
            options,
            rng: Rng::new(seed),
            probe_words: PROBE_RANKS
                .iter()
                .map(|r| vocab.word(*r).to_owned())
                .collect(),
            row_ids,
        })
    }

    pub fn probe_words(&self) -> &[String] {
        &self.probe_words
    }

    /// Warm-up, then the timed API series, then the same for bare SQL when the database is
    /// at hand.
    pub async fn measure(&mut self, workload: Workload) -> anyhow::Result<Measurement> {
        let mut counts = Vec::new();
        let mut settled = Duration::ZERO;
        let api = self
            .series(workload, Side::Api, &mut counts, &mut settled)
            .await?;
        let (sql, phases) = match &self.local {
            Some(local) => {
                let phases = local.phases.totals();
                let sql = self
                    .series(workload, Side::Sql, &mut Vec::new(), &mut settled)
                    .await?;
                (Some(sql), phases)
            }
            None => (None, BTreeMap::new()),
        };
        Ok(Measurement {
            workload,
            api,
            sql,
            counts,
            settled,
            phases,
        })
    }

    async fn series(
        &mut self,
        workload: Workload,
        side: Side,
        counts: &mut Vec<i64>,
        settled: &mut Duration,
    ) -> anyhow::Result<Series> {
        self.warm_up(workload, side).await?;
        // The first sort by a field queues its index; steady state is measured, not the
        // build. A build changes plans and leaves the new index outside PostgreSQL's cache,
        // so once background work has settled the warm-up runs again. A `--target` server's
        // background work cannot be seen: its warm-up just runs twice.
        if let Some(local) = &self.local {
            let waited = local.server.settle(SETTLE_TIMEOUT).await?;
            if waited > Duration::from_millis(500) {
                eprintln!("  waited {waited:.1?} for background jobs after the warm-up");
            }
            *settled += waited;
        }
        self.warm_up(workload, side).await?;
        let warmup = self.options.warmup;
        if let Some(local) = &self.local {
            local.phases.reset();
        }
        let series = Series::measure(self.options.requests, self.options.budget, async |i| {
            self.once(workload, side, warmup + i, counts).await
        })
        .await?;
        eprintln!(
            "  {:<45} {:>4}: p50 {:8.2} ms over {} requests",
            workload.label(),
            if side == Side::Api { "API" } else { "SQL" },
            series.percentile_ms(50.0),
            series.samples.len()
        );
        Ok(series)
    }

    /// The unmeasured requests before a series.
    async fn warm_up(&mut self, workload: Workload, side: Side) -> anyhow::Result<()> {
        for i in 0..self.options.warmup {
            self.once(workload, side, i, &mut Vec::new()).await?;
        }
        Ok(())
    }

    /// One timed request; `i` picks the probe word so each request asks something else.
    async fn once(
        &mut self,
        workload: Workload,
        side: Side,
        i: usize,
        counts: &mut Vec<i64>,
    ) -> anyhow::Result<Duration> {
        let word = self.probe_words[i % self.probe_words.len()].clone();
        match side {
            Side::Api => self.api_once(workload, &word, counts).await,
            Side::Sql => self.sql_once(workload, &word).await,
        }
    }

    async fn api_once(
        &mut self,
        workload: Workload,
        word: &str,
        counts: &mut Vec<i64>,
    ) -> anyhow::Result<Duration> {
        let s = self.schema;
        let rows = format!("/api/database/rows/table/{}/", s.table_id);
        let (method, path, body) = match workload {
            Workload::ListPage => (Method::GET, format!("{rows}?size={PAGE_SIZE}"), None),
            Workload::FilterSort => (
                Method::GET,
                format!(
                    "{rows}?size={PAGE_SIZE}&filter__{}__contains={word}&order_by={},-{}",
                    col(s.text[1]),
                    col(s.integer[0]),
                    col(s.text[2])
                ),
                None,
            ),
            Workload::Search => (
                Method::GET,
                format!("{rows}?size={PAGE_SIZE}&search={word}"),
                None,
            ),
            Workload::BatchCreate => {
                let items: Vec<Value> = (0..BATCH_ROWS).map(|_| self.new_row()).collect();
                (
                    Method::POST,
                    format!("{rows}batch/"),
                    Some(json!({ "items": items })),
                )
            }
            Workload::UpdateRow => {
                let id = self.random_row_id();
                let body = json!({
                    col(s.text[1]): self.vocab.phrase(&mut self.rng),
                    col(s.integer[0]): self.rng.below(INTEGER_RANGE),
                });
                (Method::PATCH, format!("{rows}{id}/"), Some(body))
            }
        };
        let what = format!("{method} {path}");
        // Before the timer: a renewal of the access token is not part of the round trip.
        self.api.renew_if_due().await?;
        let request = self.api.build(method, &path, body.as_ref())?;

        let started = Instant::now();
        let (status, bytes) = self.api.send(request).await?;
        let elapsed = started.elapsed();

        expect_ok(&what, status, &bytes)?;
        if workload.is_listing() {
            let page: Value = serde_json::from_slice(&bytes)?;
            counts.push(page["count"].as_i64().context("a page without count")?);
        }
        Ok(elapsed)
    }

    /// A row for the batch: six of the twenty fields set, one of each kind.
    fn new_row(&mut self) -> Value {
        let s = self.schema;
        let cents = self.rng.below(10_000_000);
        let options = &s.select[0].1;
        let mut row = Map::new();
        row.insert(col(s.text[0]), self.vocab.phrase(&mut self.rng).into());
        row.insert(col(s.text[1]), self.vocab.phrase(&mut self.rng).into());
        row.insert(col(s.integer[0]), self.rng.below(INTEGER_RANGE).into());
        row.insert(
            col(s.decimal[0]),
            format!("{}.{:02}", cents / 100, cents % 100).into(),
        );
        row.insert(col(s.boolean[0]), self.rng.coin().into());
        row.insert(
            col(s.select[0].0),
            options[self.rng.below(options.len() as u64) as usize].into(),
        );
        Value::Object(row)
    }

    fn random_row_id(&mut self) -> i64 {
        match self.row_ids {
            RowIds::Range { first, last } => {
                first + self.rng.below((last - first + 1).max(1) as u64) as i64
            }
            RowIds::List(ids) => ids[self.rng.below(ids.len() as u64) as usize],
        }
    }

    /// The bare-SQL connection; only a server started here has one.
    fn sql(&mut self) -> anyhow::Result<&mut PgConnection> {
        match &mut self.local {
            Some(local) => Ok(&mut local.sql),
            None => anyhow::bail!("bare SQL needs the database"),
        }
    }

    /// The same work as bare SQL: what PostgreSQL needs for it, without the API around it.
    async fn sql_once(&mut self, workload: Workload, word: &str) -> anyhow::Result<Duration> {
        let s = self.schema;
        let table = s.table();
        let pattern = format!("%{word}%");
        let started;
        match workload {
            Workload::ListPage => {
                let sql = format!(
                    "SELECT * FROM {table} WHERE NOT trashed ORDER BY \"order\", id LIMIT {PAGE_SIZE}"
                );
                started = Instant::now();
                sqlx::query(AssertSqlSafe(sql))
                    .fetch_all(self.sql()?)
                    .await?;
            }
            Workload::FilterSort => {
                let sql = format!(
                    "SELECT * FROM {table} WHERE NOT trashed AND {} ILIKE $1 \
                     ORDER BY {} ASC NULLS FIRST, {} DESC NULLS LAST, \"order\", id LIMIT {PAGE_SIZE}",
                    col(s.text[1]),
                    col(s.integer[0]),
                    col(s.text[2])
                );
                started = Instant::now();
                sqlx::query(AssertSqlSafe(sql))
                    .bind(&pattern)
                    .fetch_all(self.sql()?)
                    .await?;
            }
            Workload::Search => {
                let sql = format!(
                    "SELECT * FROM {table} WHERE NOT trashed AND ({}) ORDER BY \"order\", id LIMIT {PAGE_SIZE}",
                    search_condition(s, word)
                );
                started = Instant::now();
                sqlx::query(AssertSqlSafe(sql))
                    .bind(&pattern)
                    .bind(word)
                    .fetch_all(self.sql()?)
                    .await?;
            }
            Workload::BatchCreate => {
                let sql = batch_insert_sql(s);
                let mut c = BatchColumns::default();
                for _ in 0..BATCH_ROWS {
                    let cents = self.rng.below(10_000_000);
                    let options = &s.select[0].1;
                    c.text0.push(self.vocab.phrase(&mut self.rng));
                    c.text1.push(self.vocab.phrase(&mut self.rng));
                    c.integer.push(self.rng.below(INTEGER_RANGE) as i64);
                    c.decimal
                        .push(format!("{}.{:02}", cents / 100, cents % 100));
                    c.boolean.push(self.rng.coin());
                    c.select
                        .push(options[self.rng.below(options.len() as u64) as usize]);
                }
                started = Instant::now();
                sqlx::query(AssertSqlSafe(sql))
                    .bind(c.text0)
                    .bind(c.text1)
                    .bind(c.integer)
                    .bind(c.decimal)
                    .bind(c.boolean)
                    .bind(c.select)
                    .fetch_all(self.sql()?)
                    .await?;
            }
            Workload::UpdateRow => {
                let sql = format!(
                    "UPDATE {table} SET {} = $1, {} = $2::numeric, updated_on = now() \
                     WHERE id = $3 AND NOT trashed RETURNING *",
                    col(s.text[1]),
                    col(s.integer[0])
                );
                let text = self.vocab.phrase(&mut self.rng);
                let number = self.rng.below(INTEGER_RANGE) as i64;
                let id = self.random_row_id();
                started = Instant::now();
                sqlx::query(AssertSqlSafe(sql))
                    .bind(text)
                    .bind(number)
                    .bind(id)
                    .fetch_all(self.sql()?)
                    .await?;
            }
        }
        Ok(started.elapsed())
    }
}

/// The search condition the API builds, written out: every text field `ILIKE $1`
/// (`%word%`), a single select by its options' values, numbers only when the word has a
/// digit (the API skips them otherwise, and booleans always), and the row id equal to `$2`.
fn search_condition(s: &Schema, word: &str) -> String {
    let mut parts: Vec<String> = s
        .text
        .iter()
        .map(|id| format!("{} ILIKE $1", col(*id)))
        .collect();
    if word.chars().any(|c| c.is_ascii_digit()) {
        for id in s.integer.iter().chain(&s.decimal) {
            parts.push(format!("{}::text ILIKE $1", col(*id)));
        }
    }
    for (id, _) in &s.select {
        parts.push(format!(
            "{} IN (SELECT o.id FROM database_select_options o WHERE o.field_id = {id} AND o.value ILIKE $1)",
            col(*id)
        ));
    }
    parts.push("id::text = $2".into());
    parts.join(" OR ")
}

/// Column arrays for [`batch_insert_sql`].
#[derive(Default)]
struct BatchColumns {
    text0: Vec<String>,
    text1: Vec<String>,
    integer: Vec<i64>,
    decimal: Vec<String>,
    boolean: Vec<bool>,
    select: Vec<i64>,
}

/// One `INSERT … SELECT FROM UNNEST(…)` for the whole batch, placed after the last row as
/// the API does (`ceil(max(order)) + n`, read through the partial order index).
fn batch_insert_sql(s: &Schema) -> String {
    let table = s.table();
    format!(
        "INSERT INTO {table} (\"order\", {}, {}, {}, {}, {}, {}) \
         SELECT base.m + u.n, u.a, u.b, u.c, u.d::numeric, u.e, u.f \
         FROM (SELECT COALESCE(ceil(max(\"order\")), 0) AS m FROM {table} WHERE NOT trashed) base, \
              unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bool[], $6::bigint[]) \
              WITH ORDINALITY AS u(a, b, c, d, e, f, n) \
         RETURNING *",
        col(s.text[0]),
        col(s.text[1]),
        col(s.integer[0]),
        col(s.decimal[0]),
        col(s.boolean[0]),
        col(s.select[0].0)
    )
}
