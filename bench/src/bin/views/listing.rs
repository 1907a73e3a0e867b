//! The measured listings of the view, each as an API request and as the same query in bare
//! SQL, sent one at a time and timed from sending to the last byte of the answer.

use crate::grid::GridView;
use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::Value;
use sqlx::{AssertSqlSafe, PgConnection};
use std::time::{Duration, Instant};
use tessera_bench::{
    cli::Options,
    server::{Api, expect_ok},
    stats::Series,
};

/// Rows per page: what a grid asks for to fill a screen.
pub const PAGE_SIZE: u64 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    FirstPage,
    DeepPage,
    Count,
}

impl Listing {
    pub const ALL: [Self; 3] = [Self::FirstPage, Self::DeepPage, Self::Count];

    pub fn label(self, deep_offset: u64) -> String {
        match self {
            Self::FirstPage => format!("first page, `limit={PAGE_SIZE}&offset=0`"),
            Self::DeepPage => format!("deep page, `limit={PAGE_SIZE}&offset={deep_offset}`"),
            Self::Count => "`count=true` (`{count}`, exact)".to_owned(),
        }
    }

    /// The goal for the API's p95, in milliseconds.
    pub fn goal_p95_ms(self) -> Option<f64> {
        match self {
            Self::FirstPage => Some(50.0),
            Self::DeepPage => Some(150.0),
            Self::Count => None,
        }
    }

    fn path(self, view_id: i64, deep_offset: u64) -> String {
        let base = format!("/api/database/views/grid/{view_id}/");
        match self {
            Self::FirstPage => format!("{base}?limit={PAGE_SIZE}&offset=0"),
            Self::DeepPage => format!("{base}?limit={PAGE_SIZE}&offset={deep_offset}"),
            Self::Count => format!("{base}?count=true"),
        }
    }

    /// The bare query: the page itself, or an exact `count(*)` (what a developer writes for
    /// "how many rows does the view show").
    fn sql(self, view: &GridView, deep_offset: u64) -> String {
        match self {
            Self::FirstPage => view.page_sql(PAGE_SIZE, 0),
            Self::DeepPage => view.page_sql(PAGE_SIZE, deep_offset),
            Self::Count => view.count_sql(),
        }
    }
}

pub struct Measurement {
    pub listing: Listing,
    pub api: Series,
    pub sql: Series,
    /// `count` of the API's answers.
    pub counts: Vec<i64>,
}

/// Sends the listings of one view.
pub struct Bench<'a> {
    api: &'a Api,
    /// Bare SQL goes over one dedicated connection: the equivalent of a keep-alive client.
    sql: PgConnection,
    view: &'a GridView,
    options: &'a Options,
    deep_offset: u64,
}

impl<'a> Bench<'a> {
    pub fn new(
        api: &'a Api,
        sql: PgConnection,
        view: &'a GridView,
        options: &'a Options,
        deep_offset: u64,
    ) -> Self {
        Self {
            api,
            sql,
            view,
            options,
            deep_offset,
        }
    }

    /// One API request; returns the answer. The product's first use of a sort queues its
    /// index, so this is also how the listings are primed before settling.
    pub async fn fetch(&self, listing: Listing) -> anyhow::Result<Value> {
        Ok(self.api_once(listing).await?.1)
    }

    /// Fails unless the API and the bare query return the same rows in the same order:
    /// the comparison is only fair if both do the same work.
    pub async fn check_same_rows(&mut self, listing: Listing) -> anyhow::Result<usize> {
        let answer = self.fetch(listing).await?;
        let api_ids: Vec<i64> = answer["results"]
            .as_array()
            .context("an answer without results")?
            .iter()
            .filter_map(|row| row["id"].as_i64())
            .collect();
        let sql = format!(
            "SELECT id FROM ({}) page",
            listing.sql(self.view, self.deep_offset)
        );
        let sql_ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(&mut self.sql)
            .await?;
        if api_ids != sql_ids {
            bail!(
                "{}: the API returned other rows than the bare query ({} and {} rows)",
                listing.label(self.deep_offset),
                api_ids.len(),
                sql_ids.len()
            );
        }
        Ok(api_ids.len())
    }

    /// Warm-up and timed series through the API, then the same for bare SQL.
    pub async fn measure(&mut self, listing: Listing) -> anyhow::Result<Measurement> {
        let (requests, budget) = (self.options.requests, self.options.budget);
        for _ in 0..self.options.warmup {
            self.api_once(listing).await?;
        }
        let mut counts = Vec::new();
        let api = Series::measure(requests, budget, async |_| {
            let (elapsed, answer) = self.api_once(listing).await?;
            counts.push(
                answer["count"]
                    .as_i64()
                    .context("an answer without count")?,
            );
            Ok(elapsed)
        })
        .await?;
        self.report(listing, "API", &api);

        for _ in 0..self.options.warmup {
            self.sql_once(listing).await?;
        }
        let sql = Series::measure(requests, budget, async |_| self.sql_once(listing).await).await?;
        self.report(listing, "SQL", &sql);
        Ok(Measurement {
            listing,
            api,
            sql,
            counts,
        })
    }

    fn report(&self, listing: Listing, side: &str, series: &Series) {
        eprintln!(
            "  {:<45} {side:>4}: p50 {:8.2} ms over {} requests",
            listing.label(self.deep_offset),
            series.percentile_ms(50.0),
            series.samples.len()
        );
    }

    /// One round trip; the request is built before the timer starts.
    async fn api_once(&self, listing: Listing) -> anyhow::Result<(Duration, Value)> {
        let path = listing.path(self.view.id, self.deep_offset);
        let request = self.api.build(Method::GET, &path, None)?;
        let started = Instant::now();
        let (status, bytes) = self.api.send(request).await?;
        let elapsed = started.elapsed();
        expect_ok(&format!("GET {path}"), status, &bytes)?;
        Ok((elapsed, serde_json::from_slice(&bytes)?))
    }

    async fn sql_once(&mut self, listing: Listing) -> anyhow::Result<Duration> {
        let sql = listing.sql(self.view, self.deep_offset);
        let started = Instant::now();
        sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut self.sql)
            .await?;
        Ok(started.elapsed())
    }
}
