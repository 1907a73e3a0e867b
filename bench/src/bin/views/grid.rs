//! The benchmark's grid view: two filters and two sorts, saved through the API as a user
//! would, and the same conditions written as bare SQL. The filters keep about 81 % of the
//! rows, so a deep offset of half the table (500,000 of 1,000,000) lands inside the view.

use anyhow::Context;
use reqwest::Method;
use serde_json::json;
use tessera_bench::{
    server::Api,
    setup::{INTEGER_RANGE, Schema, col},
};

/// `higher_than` this keeps the upper 90 % of the uniform integers.
const LOW: u64 = INTEGER_RANGE / 10 - 1;
/// `lower_than` this keeps the lower 90 %.
const HIGH: u64 = INTEGER_RANGE - INTEGER_RANGE / 10;

/// The saved view and the fields it filters and sorts on.
pub struct GridView {
    pub id: i64,
    table: String,
    /// `Count 1` higher than [`LOW`]: 90 % of the rows.
    count: i64,
    /// `Count 3` lower than [`HIGH`]: 90 % again, so about 81 % of the rows show.
    cap: i64,
    /// Sorted ascending: the primary field "Name", what a grid is most often sorted by.
    name: i64,
    /// Sorted descending, breaking ties of the first sort.
    rank: i64,
}

impl GridView {
    /// Creates the view, then its filters and sorts, through the view endpoints.
    pub async fn create(api: &Api, schema: &Schema) -> anyhow::Result<Self> {
        let view = api
            .call(
                Method::POST,
                &format!("/api/database/views/table/{}/", schema.table_id),
                Some(&json!({"name": "Bench view", "type": "grid"})),
            )
            .await?;
        let view = Self {
            id: view["id"]
                .as_i64()
                .with_context(|| format!("no id in {view}"))?,
            table: schema.table(),
            count: schema.integer[0],
            cap: schema.integer[2],
            name: schema.text[0],
            rank: schema.integer[1],
        };
        let filters = format!("/api/database/views/{}/filters/", view.id);
        let sortings = format!("/api/database/views/{}/sortings/", view.id);
        for body in [
            json!({"field": view.count, "type": "higher_than", "value": LOW.to_string()}),
            json!({"field": view.cap, "type": "lower_than", "value": HIGH.to_string()}),
        ] {
            api.call(Method::POST, &filters, Some(&body)).await?;
        }
        for body in [
            json!({"field": view.name, "order": "ASC"}),
            json!({"field": view.rank, "order": "DESC"}),
        ] {
            api.call(Method::POST, &sortings, Some(&body)).await?;
        }
        Ok(view)
    }

    /// The report's line on what the view filters and sorts by.
    pub fn describe(&self) -> String {
        format!(
            "- view: grid view {} with filters `Count 1` (field {}) `higher_than` {LOW} AND \
             `Count 3` (field {}) `lower_than` {HIGH}; sorts `Name` (field {}, text) \
             ascending, then `Count 2` (field {}, number) descending\n",
            self.id, self.count, self.cap, self.name, self.rank
        )
    }

    /// `FROM … WHERE …` of the view's rows as a developer would write it by hand.
    fn rows_clause(&self) -> String {
        format!(
            "FROM {} WHERE NOT trashed AND {} > {LOW} AND {} < {HIGH}",
            self.table,
            col(self.count),
            col(self.cap)
        )
    }

    /// One page of the view's rows, in its order (the row order breaks the last ties, as
    /// in the API).
    pub fn page_sql(&self, limit: u64, offset: u64) -> String {
        format!(
            "SELECT * {} ORDER BY {} ASC NULLS FIRST, {} DESC NULLS LAST, \"order\", id \
             LIMIT {limit} OFFSET {offset}",
            self.rows_clause(),
            col(self.name),
            col(self.rank)
        )
    }

    /// The exact number of rows the view shows.
    pub fn count_sql(&self) -> String {
        format!("SELECT count(*) {}", self.rows_clause())
    }
}
