//! Formulas following the clock (`now()`, `today()` and the formulas naming them) are
//! refreshed by a service the export worker runs on a schedule: only those formulas,
//! only the rows whose value changed, only the tables that have such formulas. Time
//! passing is simulated by moving the date a formula compares with, directly in the
//! database, behind the recomputation a write would bring.

use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeSet;
use tessera::database::computed::clock::{Limits, TableRefreshed, refresh};

/// Writes a column of a user table directly, as if time had moved on.
/// `value` is a date when it starts with a digit, else text.
async fn set_column(app: &TestApp, table: i64, field: i64, row: i64, value: &str) {
    let ty = if value.starts_with(|c: char| c.is_ascii_digit()) {
        "date"
    } else {
        "text"
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE database_table_{table} SET field_{field} = $1::text::{ty} WHERE id = $2"
    )))
    .bind(value)
    .bind(row)
    .execute(&app.ctx.db)
    .await
    .unwrap();
}

/// A table with a `Due` date and a `Status` formula comparing it with today.
async fn due_table(app: &TestApp, user: &Session, table: i64) -> (i64, i64) {
    let due = app
        .field(user, table, json!({"name": "Due", "type": "date"}))
        .await;
    let status = app
        .field(
            user,
            table,
            json!({"name": "Status", "type": "formula",
                   "formula": "if(today() > field('Due'), 'late', 'ok')"}),
        )
        .await;
    (due, status)
}

#[tokio::test]
async fn clock_formulas_are_refreshed_where_they_changed_and_nowhere_else() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let (tasks, notes, report) = (
        fx.table,
        app.table_fixture_in(&fx).await,
        app.table_fixture_in(&fx).await,
    );
    let (due, status) = due_table(&app, user, tasks).await;
    let shout = app
        .field(
            user,
            tasks,
            json!({"name": "Shout", "type": "formula", "formula": "upper(field('Status'))"}),
        )
        .await;
    app.field(
        user,
        tasks,
        json!({"name": "Plain", "type": "formula", "formula": "concat(field('Name'), '!')"}),
    )
    .await;
    let soon = create_row_id(
        &app,
        user,
        tasks,
        json!({"Name": "soon", "Due": "2999-01-01"}),
    )
    .await;
    let past = create_row_id(
        &app,
        user,
        tasks,
        json!({"Name": "past", "Due": "2000-01-01"}),
    )
    .await;
    assert_eq!(row(&app, user, tasks, soon).await["Status"], "ok");
    assert_eq!(row(&app, user, tasks, past).await["Shout"], "LATE");

    // Words that only look like the clock: found by the SQL, dropped by the parser.
    app.field(
        user,
        notes,
        json!({"name": "Note", "type": "formula", "formula": "concat('due today, not now() ', field('Name'))"}),
    )
    .await;
    let note = create_row_id(&app, user, notes, json!({"Name": "n"})).await;

    // A table looking the clock formula up through a link, in a formula and a lookup field.
    app.field(
        user,
        report,
        json!({"name": "Tasks", "type": "link_row", "link_row_table_id": tasks, "has_related_field": false}),
    )
    .await;
    app.field(
        user,
        report,
        json!({"name": "States", "type": "formula", "formula": "join(lookup('Tasks', 'Status'), ',')"}),
    )
    .await;
    app.field(
        user,
        report,
        json!({"name": "Looked", "type": "lookup", "through_field_name": "Tasks",
               "target_field_name": "Status"}),
    )
    .await;
    let line = create_row_id(&app, user, report, json!({"Name": "r", "Tasks": [soon]})).await;
    let got = row(&app, user, report, line).await;
    assert_eq!(got["States"], "ok");
    assert_eq!(got["Looked"][0]["value"], "ok");

    // Time passes for `soon`; both tables also get a stale non-clock value, which the
    // refresh must leave alone.
    set_column(&app, tasks, due, soon, "2001-01-01").await;
    let tasks_name = app.field_id(user, tasks, "Name").await;
    let notes_name = app.field_id(user, notes, "Name").await;
    set_column(&app, tasks, tasks_name, soon, "renamed").await;
    set_column(&app, notes, notes_name, note, "renamed").await;
    let events_before = (
        app.events(tasks).await.len(),
        app.events(notes).await.len(),
        app.events(report).await.len(),
    );

    let done = refresh(&app.ctx.db, 0, Limits::default()).await.unwrap();
    assert!(done.failed.is_empty(), "{:?}", done.failed);
    assert_eq!(done.resume_after, None);
    assert_eq!(
        done.tables,
        vec![TableRefreshed {
            table_id: tasks,
            fields: BTreeSet::from([status, shout]),
            rows: vec![soon],
            more: false,
        }],
        "only the table with a clock formula is visited, only the changed row written"
    );
    let got = row(&app, user, tasks, soon).await;
    assert_eq!(got["Status"], "late");
    assert_eq!(
        got["Shout"], "LATE",
        "a formula naming a clock formula follows"
    );
    assert_eq!(
        got["Plain"], "soon!",
        "formulas not following the clock are not recomputed"
    );
    assert_eq!(row(&app, user, tasks, past).await["Status"], "late");
    assert_eq!(
        row(&app, user, notes, note).await["Note"],
        "due today, not now() n"
    );
    let got = row(&app, user, report, line).await;
    assert_eq!(got["States"], "late");
    assert_eq!(
        got["Looked"][0]["value"], "late",
        "lookup fields follow too"
    );

    // The changed row is announced with its old and new values, and so is the row
    // looking it up; the other table hears nothing.
    let events = app.events(tasks).await;
    assert_eq!(events.len(), events_before.0 + 1);
    let (_, kind, payload) = events.last().unwrap();
    assert_eq!(kind, "rows_updated");
    assert_eq!(payload["rows"].as_array().unwrap().len(), 1);
    assert_eq!(payload["rows"][0]["id"], soon);
    assert_eq!(payload["rows"][0][format!("field_{status}")], "late");
    assert_eq!(
        payload["rows_before_update"][0][format!("field_{status}")],
        "ok"
    );
    assert_eq!(app.events(notes).await.len(), events_before.1);
    let events = app.events(report).await;
    assert_eq!(events.len(), events_before.2 + 1);
    assert_eq!(events.last().unwrap().1, "rows_updated");

    // Nothing changed since: the table is visited, nothing written or announced.
    let again = refresh(&app.ctx.db, 0, Limits::default()).await.unwrap();
    assert_eq!(again.tables.len(), 1);
    assert!(again.tables[0].rows.is_empty());
    assert_eq!(app.events(tasks).await.len(), events_before.0 + 1);
}

#[tokio::test]
async fn a_refresh_does_bounded_work_and_the_next_goes_on() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let (first, second) = (fx.table, app.table_fixture_in(&fx).await);
    let (due, status) = due_table(&app, user, first).await;
    due_table(&app, user, second).await;
    let mut rows = Vec::new();
    for name in ["a", "b", "c"] {
        let id = create_row_id(
            &app,
            user,
            first,
            json!({"Name": name, "Due": "2999-01-01"}),
        )
        .await;
        set_column(&app, first, due, id, "2001-01-01").await;
        rows.push(id);
    }

    let limits = Limits {
        max_tables: 1,
        max_rows: 2,
    };
    let done = refresh(&app.ctx.db, 0, limits).await.unwrap();
    assert_eq!(done.resume_after, Some(first));
    assert_eq!(done.tables.len(), 1);
    assert_eq!(done.tables[0].rows, rows[..2]);
    assert!(done.tables[0].more);
    assert_eq!(row(&app, user, first, rows[2]).await["Status"], "ok");

    let done = refresh(&app.ctx.db, first, limits).await.unwrap();
    assert_eq!(done.resume_after, None);
    assert_eq!(done.tables.len(), 1);
    assert_eq!(done.tables[0].table_id, second);

    let done = refresh(&app.ctx.db, 0, limits).await.unwrap();
    assert_eq!(done.tables[0].rows, rows[2..]);
    assert!(!done.tables[0].more);
    for id in rows {
        assert_eq!(row(&app, user, first, id).await["Status"], "late");
    }
    assert_eq!(done.tables[0].fields, BTreeSet::from([status]));
}
