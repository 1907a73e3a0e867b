//! `tessera-bench-relations`: link fields and the computed fields that read through them
//! (formula, lookup, rollup, count) on a 1,000,000-row table.
//!
//! Starts the real server in this process on a fresh database and builds three tables
//! through the API, filled in the database (`INSERT … SELECT`): "Big" (`--rows`, default
//! 1,000,000), "Tags" (1,000 rows) and "Followers" (10,000 rows, fewer when `--rows` is
//! smaller). Each has a text primary "Name", a long text "Notes" and a number "Count".
//! Links are written straight into the relation tables. It then measures
//!
//! - the `POST` adding a formula field to Big, and later a `count` field through its
//!   link field (both compute every row in the request), and the `POST` adding a link
//!   field to Big;
//! - renaming (the primary value of) the Tags row that 100,000 Big rows link to, before
//!   and after Big has lookups of that primary;
//! - a page of 100 Big rows with 3 link fields, and with 3 lookup fields, against the
//!   page of its 3 plain fields (rows endpoint and grid view);
//! - editing the Tags row that all Followers rows link to, which have a lookup of its
//!   Notes and a rollup sum of its Count: the `PATCH` recomputes every Followers row.

mod links;

use reqwest::Method;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};
use tessera_bench::{
    account,
    big_table::BigTable,
    cli::Options,
    machine,
    server::{Api, SETTLE_TIMEOUT, Server, expect_ok},
    stats::{Series, ratio, short_ms},
};

/// Goals: adding a computed field to 1M rows, the p95 of an edit that recomputes 10,000
/// rows elsewhere, and a page with links or lookups against a plain page (p50 and p95).
const ADD_FIELD_GOAL_MS: f64 = 3_000.0;
const RECOMPUTE_GOAL_MS: f64 = 500.0;
/// Goal: the p95 of renaming a row 100,000 rows link to.
const RENAME_GOAL_MS: f64 = 50.0;
const PAGE_RATIO_GOAL: f64 = 1.5;
/// Rows of Tags, of Followers (at most), and of Big linking to one Tags row (at most).
const TAG_ROWS: u64 = 1_000;
const FOLLOWER_ROWS: u64 = 10_000;
const HOT_ROWS: u64 = 100_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Writes that recompute 100,000 rows take long: a shorter budget keeps the default
    // run within about ten minutes.
    let defaults = Options {
        budget: Duration::from_secs(45),
        ..Options::default()
    };
    let Some(options) = Options::parse_with(std::env::args(), defaults)? else {
        return Ok(());
    };
    Server::run(options.keep, async |server| run(server, &options).await).await
}

/// One line of the result table.
struct Line {
    label: String,
    cell: String,
    goal: String,
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "missed" }
}

/// A line for one timed request (a field creation).
fn once(label: String, took: Duration, goal_ms: Option<f64>) -> Line {
    let ms = took.as_secs_f64() * 1000.0;
    Line {
        label,
        cell: format!("{} (one request)", short_ms(ms)),
        goal: goal_ms.map_or("no goal set".into(), |goal| {
            format!("≤ {} ms: {}", short_ms(goal), verdict(ms <= goal))
        }),
    }
}

/// A line for a series, against a p95 goal if any.
fn series_line(label: String, series: &Series, goal_ms: Option<f64>) -> Line {
    let p95 = series.percentile_ms(95.0);
    Line {
        label: format!("{label}, {} requests", series.samples.len()),
        cell: series.triple(),
        goal: goal_ms.map_or("no goal set".into(), |goal| {
            format!(
                "p95 ≤ {} ms: {} ({})",
                short_ms(goal),
                verdict(p95 <= goal),
                short_ms(p95)
            )
        }),
    }
}

/// A line for a page against the plain page: the ratios of p50 and p95.
fn ratio_line(label: String, series: &Series, plain: &Series) -> Line {
    let r50 = series.percentile_ms(50.0) / plain.percentile_ms(50.0);
    let r95 = series.percentile_ms(95.0) / plain.percentile_ms(95.0);
    Line {
        label: format!("{label}, {} requests", series.samples.len()),
        cell: series.triple(),
        goal: format!(
            "≤ {PAGE_RATIO_GOAL}× plain: {} ({} p50, {} p95)",
            verdict(r50 <= PAGE_RATIO_GOAL && r95 <= PAGE_RATIO_GOAL),
            ratio(r50),
            ratio(r95)
        ),
    }
}

/// Times `requests` requests built by `request(i)` after `warmup` unmeasured ones, once
/// background work has settled.
async fn measure(
    server: &Server,
    api: &Api,
    options: &Options,
    request: impl Fn(usize) -> (Method, String, Option<serde_json::Value>),
) -> anyhow::Result<Series> {
    let send = async |i: usize| -> anyhow::Result<Duration> {
        let (method, path, body) = request(i);
        let req = api.build(method, &path, body.as_ref())?;
        let at = Instant::now();
        let (status, bytes) = api.send(req).await?;
        let took = at.elapsed();
        expect_ok(&path, status, &bytes)?;
        Ok(took)
    };
    server.settle(SETTLE_TIMEOUT).await?;
    for i in 0..options.warmup {
        send(options.requests + i).await?;
    }
    Series::measure(options.requests, options.budget, send).await
}

async fn run(server: &Server, options: &Options) -> anyhow::Result<()> {
    let mut api = Api::new(&server.url)?;
    let account = account::create(&mut api).await?;
    let db = &server.db.url;
    let followers_rows = FOLLOWER_ROWS.min(options.rows);
    let hot_rows = HOT_ROWS.min(options.rows / 10).max(1);
    let big = BigTable::build_named(&api, &account, db, options.rows, "Big").await?;
    let tags = BigTable::build_named(&api, &account, db, TAG_ROWS, "Tags").await?;
    let followers = BigTable::build_named(&api, &account, db, followers_rows, "Followers").await?;
    let mut sql = PgConnection::connect(db).await?;
    let tag_ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM {} ORDER BY id",
        tags.name
    )))
    .fetch_all(&mut sql)
    .await?;
    // The first Tags row is linked from `hot_rows` Big rows, the second from every
    // Followers row, the others from the rest of Big.
    let (hot_big, hot_followers, others) = (tag_ids[0], tag_ids[1], &tag_ids[2..]);
    let [big_name, big_notes, big_count] = big.fields;
    let [tag_name, tag_notes, tag_count] = tags.fields;
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    let load = machine::LoadSampler::start();

    // 1. A formula over a million rows, computed in the request.
    server.settle(SETTLE_TIMEOUT).await?;
    let (double, took) = links::add_field(
        &api,
        big.table_id,
        json!({"name": "Double", "type": "formula", "formula": "field('Count') * 2"}),
    )
    .await?;
    let wrong = links::mismatches(
        &mut sql,
        &big.name,
        double,
        &format!("t.field_{big_count} * 2"),
    )
    .await?;
    anyhow::ensure!(wrong == 0, "{wrong} rows of the formula are not Count × 2");
    lines.push(once(
        format!(
            "add a formula field `field('Count') * 2` to {} rows",
            options.rows
        ),
        took,
        Some(ADD_FIELD_GOAL_MS),
    ));

    // 4. Link fields on Big (the first creation timed), filled in the database.
    let (tag_link, took) = links::add_link(&api, big.table_id, "Tag", tags.table_id).await?;
    lines.push(once(
        format!("add a link field to the {}-row table", options.rows),
        took,
        None,
    ));
    let (tag_link2, _) = links::add_link(&api, big.table_id, "Tag 2", tags.table_id).await?;
    let (tag_link3, _) = links::add_link(&api, big.table_id, "Tag 3", tags.table_id).await?;
    let at = Instant::now();
    let mut written = 0;
    for (n, field) in [tag_link, tag_link2, tag_link3].into_iter().enumerate() {
        let hot = (n == 0).then_some((hot_big, hot_rows));
        written += links::fill(&mut sql, &big.name, field, hot, others, 7 * n as i64).await?;
    }
    notes.push(format!(
        "- links: {written} written into the 3 relation tables of Big in {:.1} s; {hot_rows} Big rows link to one Tags row through \"Tag\", every other link goes to one of {} Tags rows",
        at.elapsed().as_secs_f64(),
        others.len()
    ));

    // 1. A count through the link: every row's links counted in the request.
    server.settle(SETTLE_TIMEOUT).await?;
    let (count, took) = links::add_field(
        &api,
        big.table_id,
        json!({"name": "Tags counted", "type": "count", "through_field_id": tag_link}),
    )
    .await?;
    let wrong = links::mismatches(&mut sql, &big.name, count, "1").await?;
    anyhow::ensure!(wrong == 0, "{wrong} rows of the count are not 1");
    lines.push(once(
        format!(
            "add a `count` field through \"Tag\" to {} rows ({} links)",
            options.rows, options.rows
        ),
        took,
        Some(ADD_FIELD_GOAL_MS),
    ));

    // 4. Renaming the Tags row that `hot_rows` Big rows show.
    let rename = |i: usize| {
        (
            Method::PATCH,
            format!("/api/database/rows/table/{}/{hot_big}/", tags.table_id),
            Some(json!({format!("field_{tag_name}"): format!("Hot tag {i}")})),
        )
    };
    let renames = measure(server, &api, options, rename).await?;
    lines.push(series_line(
        format!("rename (PATCH the primary text of) the Tags row {hot_rows} Big rows link to"),
        &renames,
        Some(RENAME_GOAL_MS),
    ));

    // 3. Lookups of Tags' primary through the three links: each creation computes every row.
    let mut lookups = Vec::new();
    let mut lookup_times = Vec::new();
    for (n, through) in [tag_link, tag_link2, tag_link3].into_iter().enumerate() {
        server.settle(SETTLE_TIMEOUT).await?;
        let (id, took) = links::add_field(
            &api,
            big.table_id,
            json!({"name": format!("Tag name {}", n + 1), "type": "lookup",
                "through_field_id": through, "target_field_id": tag_name}),
        )
        .await?;
        lookups.push(id);
        lookup_times.push(format!("{:.1} s", took.as_secs_f64()));
    }
    notes.push(format!(
        "- the 3 lookups of Tags' primary through \"Tag\", \"Tag 2\", \"Tag 3\" were created (every Big row computed) in {}",
        lookup_times.join(", ")
    ));
    let renames = measure(server, &api, options, rename).await?;
    lines.push(series_line(
        format!("the same rename once Big has the 3 lookups ({hot_rows} lookup values recomputed)"),
        &renames,
        None,
    ));
    let last = format!("Hot tag {}", renames.samples.len() - 1);
    let stale: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {} WHERE \"order\" <= $1 AND field_{}::text NOT LIKE '%' || $2 || '\"%'",
        big.name, lookups[0]
    )))
    .bind(hot_rows as i64)
    .bind(&last)
    .fetch_one(&mut sql)
    .await?;
    anyhow::ensure!(
        stale == 0,
        "{stale} Big rows do not show the last rename {last:?}"
    );

    // 3 and 4. Pages of 100 rows: the 3 plain fields, with the links, with the lookups.
    let plain = [big_name, big_notes, big_count];
    let with = |extra: &[i64]| {
        plain
            .iter()
            .chain(extra)
            .map(|id| format!("field_{id}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let page_sets = [
        ("plain (Name, Notes, Count)", with(&[])),
        (
            "with the 3 link fields",
            with(&[tag_link, tag_link2, tag_link3]),
        ),
        ("with the 3 lookup fields", with(&lookups)),
    ];
    for (endpoint, path) in [
        (
            "rows endpoint `size=100`",
            format!(
                "/api/database/rows/table/{}/?size=100&include=",
                big.table_id
            ),
        ),
        (
            "grid view `limit=100`",
            format!(
                "/api/database/views/grid/{}/?limit=100&offset=0&include_fields=",
                big.grid_view
            ),
        ),
    ] {
        let check = api
            .call(Method::GET, &format!("{path}{}", page_sets[2].1), None)
            .await?;
        let first = &check["results"][0];
        anyhow::ensure!(
            first[format!("field_{}", lookups[0])].is_array()
                && first.get(format!("field_{tag_link}")).is_none(),
            "{endpoint}: the page does not hold just the fields asked for: {first}"
        );
        let mut plain_series = None;
        for (label, fields) in &page_sets {
            let full = format!("{path}{fields}");
            let series =
                measure(server, &api, options, |_| (Method::GET, full.clone(), None)).await?;
            let label = format!("{endpoint}, {label}");
            match &plain_series {
                None => {
                    lines.push(series_line(label, &series, None));
                    plain_series = Some(series);
                }
                Some(plain) => lines.push(ratio_line(label, &series, plain)),
            }
        }
    }

    // 2. Editing the Tags row that every Followers row looks up and rolls up.
    let (follow, _) = links::add_link(&api, followers.table_id, "Tag", tags.table_id).await?;
    links::fill(
        &mut sql,
        &followers.name,
        follow,
        Some((hot_followers, followers_rows)),
        others,
        0,
    )
    .await?;
    let (_, lookup_took) = links::add_field(
        &api,
        followers.table_id,
        json!({"name": "Tag notes", "type": "lookup", "through_field_id": follow,
            "target_field_id": tag_notes}),
    )
    .await?;
    let (rollup, rollup_took) = links::add_field(
        &api,
        followers.table_id,
        json!({"name": "Tag count sum", "type": "rollup", "through_field_id": follow,
            "target_field_id": tag_count, "rollup_function": "sum"}),
    )
    .await?;
    notes.push(format!(
        "- Followers: {followers_rows} rows all linking to one Tags row; its lookup of Tags' Notes and rollup `sum` of Tags' Count were created in {:.2} s and {:.2} s",
        lookup_took.as_secs_f64(),
        rollup_took.as_secs_f64()
    ));
    let edit = |i: usize| {
        (
            Method::PATCH,
            format!(
                "/api/database/rows/table/{}/{hot_followers}/",
                tags.table_id
            ),
            Some(json!({format!("field_{tag_notes}"): format!("Note {i}"),
                format!("field_{tag_count}"): i})),
        )
    };
    let edits = measure(server, &api, options, edit).await?;
    let last = edits.samples.len() - 1;
    let wrong = links::mismatches(&mut sql, &followers.name, rollup, &last.to_string()).await?;
    anyhow::ensure!(
        wrong == 0,
        "{wrong} Followers rows do not roll up the last edit ({last})"
    );
    lines.push(series_line(
        format!("edit (PATCH Notes and Count of) the Tags row {followers_rows} Followers rows look up and roll up"),
        &edits,
        Some(RECOMPUTE_GOAL_MS),
    ));

    let facts = machine::facts(load.stop());
    let postgres = machine::postgres(&mut sql).await?;
    sql.close().await?;

    println!(
        "\n## Relations and computed fields on a {}-row table\n",
        options.rows
    );
    println!(
        "- tables: Big `{}` ({} rows, {} with indexes before links), Tags `{}` ({TAG_ROWS} rows), Followers `{}` ({followers_rows} rows); each a text primary \"Name\", a long text \"Notes\" and a number \"Count\"",
        big.name, options.rows, big.size, tags.name, followers.name
    );
    for note in &notes {
        println!("{note}");
    }
    println!(
        "- series: {} measured after {} warm-up, one at a time, at most {} s each; field creations are one request each",
        options.requests,
        options.warmup,
        options.budget.as_secs()
    );
    print!("{facts}{postgres}");
    println!("\n| measure | p50 / p95 / p99 ms | goal |");
    println!("|---|---|---|");
    for line in &lines {
        println!("| {} | {} | {} |", line.label, line.cell, line.goal);
    }
    Ok(())
}
