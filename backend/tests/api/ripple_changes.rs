//! A write recomputes, in the tables linking to it, only the computed fields that read
//! what it changed: each kind of change (a looked-up value, a value nobody looks up, a
//! row's last modification, a trash and restore, a recomputed value two tables away)
//! still reaches every field that shows it.

use crate::helpers::*;
use serde_json::{Value, json};

/// The looked-up values of a lookup cell, without their ids.
fn values(cell: &Value) -> Vec<Value> {
    (cell.as_array().unwrap().iter())
        .map(|item| item["value"].clone())
        .collect()
}

/// Waits past the current second, so a last modification made now reads differently.
async fn next_second() {
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
}

#[tokio::test]
async fn each_change_reaches_the_fields_reading_it_and_only_those_change() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let user = &fx.user;
    let workspace = fx.workspace_id(&app).await;
    let (tasks, projects, clients) = (
        fx.table,
        app.table_fixture_in(&fx).await,
        app.table_fixture_in(&fx).await,
    );

    // Tasks: hours, a note nobody looks up, and when each was last changed.
    app.field(user, tasks, json!({"name": "Hours", "type": "number"}))
        .await;
    app.field(user, tasks, json!({"name": "Memo", "type": "text"}))
        .await;
    app.field(
        user,
        tasks,
        json!({"name": "Changed", "type": "last_modified", "date_include_time": true}),
    )
    .await;
    let write = create_row_id(&app, user, tasks, json!({"Name": "write", "Hours": 3})).await;
    let test = create_row_id(&app, user, tasks, json!({"Name": "test", "Hours": 2})).await;

    // Projects: their tasks, counted, named, totalled, and their last change.
    let link = app
        .field(
            user,
            projects,
            json!({"name": "Tasks", "type": "link_row", "link_row_table_id": tasks}),
        )
        .await;
    for body in [
        json!({"name": "Count", "type": "count", "through_field_id": link}),
        json!({"name": "Titles", "type": "lookup", "through_field_id": link, "target_field_name": "Name"}),
        json!({"name": "Hours", "type": "rollup", "through_field_id": link,
               "target_field_name": "Hours", "rollup_function": "sum"}),
        json!({"name": "Touched", "type": "lookup", "through_field_id": link, "target_field_name": "Changed"}),
        json!({"name": "Double", "type": "formula", "formula": "field('Hours') * 2"}),
    ] {
        app.field(user, projects, body).await;
    }
    let project = create_row_id(
        &app,
        user,
        projects,
        json!({"Name": "launch", "Tasks": [write, test]}),
    )
    .await;

    // Clients: the hours of their projects, two tables away from the tasks.
    let client_link = app
        .field(
            user,
            clients,
            json!({"name": "Projects", "type": "link_row", "link_row_table_id": projects}),
        )
        .await;
    app.field(
        user,
        clients,
        json!({"name": "Hours", "type": "rollup", "through_field_id": client_link,
               "target_field_name": "Double", "rollup_function": "sum"}),
    )
    .await;
    let client = create_row_id(
        &app,
        user,
        clients,
        json!({"Name": "acme", "Projects": [project]}),
    )
    .await;

    let got = row(&app, user, projects, project).await;
    assert_eq!(got["Count"], "2");
    assert_eq!(values(&got["Titles"]), [json!("write"), json!("test")]);
    assert_eq!(got["Hours"], "5");
    assert_eq!(got["Double"], "10");
    assert_eq!(row(&app, user, clients, client).await["Hours"], "10");
    let touched = got["Touched"].clone();

    // A new title shows in the titles and the last change; counts and totals stay. (Last
    // changes read to the second: each change waits for the next one.)
    next_second().await;
    patch_row(&app, user, tasks, write, json!({"Name": "draft"})).await;
    let got = row(&app, user, projects, project).await;
    assert_eq!(values(&got["Titles"]), [json!("draft"), json!("test")]);
    assert_eq!((&got["Count"], &got["Hours"]), (&json!("2"), &json!("5")));
    assert_ne!(
        got["Touched"], touched,
        "the last change of a task is looked up"
    );
    let touched = got["Touched"].clone();

    // A note nobody looks up still moves the looked-up last change.
    next_second().await;
    patch_row(&app, user, tasks, test, json!({"Memo": "tomorrow"})).await;
    let got = row(&app, user, projects, project).await;
    assert_ne!(got["Touched"], touched);
    assert_eq!(values(&got["Titles"]), [json!("draft"), json!("test")]);

    // New hours reach the project's total, its formula, and the client two links away.
    patch_row(&app, user, tasks, test, json!({"Hours": 7})).await;
    let got = row(&app, user, projects, project).await;
    assert_eq!(
        (&got["Hours"], &got["Double"]),
        (&json!("10"), &json!("20"))
    );
    assert_eq!(row(&app, user, clients, client).await["Hours"], "20");

    // A task in the trash leaves the count and the totals, and comes back with them.
    let r = app
        .delete(
            &format!("/api/database/rows/table/{tasks}/{write}/"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, projects, project).await;
    assert_eq!((&got["Count"], &got["Hours"]), (&json!("1"), &json!("7")));
    assert_eq!(values(&got["Titles"]), [json!("test")]);
    assert_eq!(row(&app, user, clients, client).await["Hours"], "14");
    let r = app
        .patch(
            "/api/trash/restore/",
            Some(&user.access),
            json!({"trash_item_type": "row", "trash_item_id": write,
                   "parent_trash_item_id": tasks, "workspace_id": workspace}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let got = row(&app, user, projects, project).await;
    assert_eq!((&got["Count"], &got["Hours"]), (&json!("2"), &json!("10")));
    assert_eq!(row(&app, user, clients, client).await["Hours"], "20");

    // A link removed on the project's side is a change of its own rows.
    patch_row(&app, user, projects, project, json!({"Tasks": [test]})).await;
    let got = row(&app, user, projects, project).await;
    assert_eq!((&got["Count"], &got["Hours"]), (&json!("1"), &json!("7")));
    assert_eq!(row(&app, user, clients, client).await["Hours"], "14");
}
