//! The three-field table of the first-page and relations benchmarks (a text primary
//! field, a long text and a number), created through the API and filled in the database
//! with `INSERT … SELECT FROM generate_series`: the fastest way to tens of millions of
//! rows, and what is measured does not depend on what the cells hold.

use crate::{
    account::Account,
    server::{Api, id_of},
};
use reqwest::Method;
use serde_json::json;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::time::{Duration, Instant};

/// Rows inserted per statement: progress stays visible and no statement runs for long.
const CHUNK: u64 = 1_000_000;

pub struct BigTable {
    pub table_id: i64,
    /// The table's grid view.
    pub grid_view: i64,
    /// `database_table_{id}`.
    pub name: String,
    /// The field ids: the text primary "Name", the long text "Notes", the number "Count".
    pub fields: [i64; 3],
    pub fill_time: Duration,
    /// `pg_size_pretty` of the table with its indexes, right after the fill.
    pub size: String,
}

impl BigTable {
    /// Creates the table "Big" in the account's database and fills it with `rows` rows:
    /// `Row n`, an md5 and `n % 1000`. Its row counter is set and its statistics gathered,
    /// as after a real import.
    pub async fn build(
        api: &Api,
        account: &Account,
        database_url: &str,
        rows: u64,
    ) -> anyhow::Result<Self> {
        Self::build_named(api, account, database_url, rows, "Big").await
    }

    /// [`BigTable::build`] under another table name, for a benchmark that needs several.
    pub async fn build_named(
        api: &Api,
        account: &Account,
        database_url: &str,
        rows: u64,
        table_name: &str,
    ) -> anyhow::Result<Self> {
        // A one-cell header and no rows gives a table whose only field is the text primary "Name".
        let table_id = account
            .create_table(
                api,
                json!({"name": table_name, "data": [["Name"]], "first_row_header": true}),
            )
            .await?;
        let fields_path = format!("/api/database/fields/table/{table_id}/");
        let primary = id_of(&api.call(Method::GET, &fields_path, None).await?[0])?;
        let mut fields = vec![primary];
        for (name, kind) in [("Notes", "long_text"), ("Count", "number")] {
            let body = json!({"name": name, "type": kind});
            fields.push(id_of(
                &api.call(Method::POST, &fields_path, Some(&body)).await?,
            )?);
        }
        let grid_view = grid_view(api, table_id).await?;

        let name = format!("database_table_{table_id}");
        let mut sql = PgConnection::connect(database_url).await?;
        eprintln!("filling {rows} rows…");
        let started = Instant::now();
        let mut done = 0;
        while done < rows {
            let end = (done + CHUNK).min(rows);
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO {name} (\"order\", field_{}, field_{}, field_{}) \
                 SELECT g, 'Row ' || g, md5(g::text), g % 1000 FROM generate_series($1::bigint, $2::bigint) g",
                fields[0], fields[1], fields[2]
            )))
            .bind(done as i64 + 1)
            .bind(end as i64)
            .execute(&mut sql)
            .await?;
            done = end;
            eprintln!(
                "  {done} rows after {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
        let fill_time = started.elapsed();
        // The fill bypassed the API, which keeps the live row count the first page reads.
        sqlx::query("UPDATE database_tables SET row_count = $2 WHERE id = $1")
            .bind(table_id)
            .bind(rows as i64)
            .execute(&mut sql)
            .await?;
        sqlx::query(AssertSqlSafe(format!("VACUUM (ANALYZE) {name}")))
            .execute(&mut sql)
            .await?;
        let size = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT pg_size_pretty(pg_total_relation_size('{name}'))"
        )))
        .fetch_one(&mut sql)
        .await?;
        sql.close().await?;
        Ok(Self {
            table_id,
            grid_view,
            name,
            fields: [fields[0], fields[1], fields[2]],
            fill_time,
            size,
        })
    }
}

/// The grid view a new table comes with, or a new one if it came with none.
async fn grid_view(api: &Api, table_id: i64) -> anyhow::Result<i64> {
    let views_path = format!("/api/database/views/table/{table_id}/");
    let views = api.call(Method::GET, &views_path, None).await?;
    let existing = views
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["type"] == "grid"));
    match existing {
        Some(view) => id_of(view),
        None => id_of(
            &api.call(
                Method::POST,
                &views_path,
                Some(&json!({"name": "Grid", "type": "grid"})),
            )
            .await?,
        ),
    }
}
