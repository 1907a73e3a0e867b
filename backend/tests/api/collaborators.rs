//! `multiple_collaborators` fields: values are members of the table's workspace, written
//! by id and read with names; strangers are refused; filters, search, sort and exports;
//! a member who leaves or is removed drops out of every value in the workspace.

use crate::helpers::*;
use serde_json::{Value, json};

/// Ann's table with Bob as a second member, Cat in a workspace of her own, and a
/// collaborator field "People".
struct Team {
    fx: TableFixture,
    bob: Session,
    cat: Session,
    field: i64,
}

impl Team {
    fn key(&self) -> String {
        format!("field_{}", self.field)
    }

    fn rows_path(&self) -> String {
        format!("/api/database/rows/table/{}/", self.fx.table)
    }
}

async fn team(app: &TestApp) -> Team {
    let fx = app.table_fixture().await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    let cat = app.sign_up("Cat", "cat@x.io").await;
    app.workspace(&cat, "Cat's").await;
    tessera::platform::workspaces::repo::add_member(
        &app.ctx.db,
        fx.workspace_id(app).await,
        bob.id,
        "MEMBER",
    )
    .await
    .unwrap();
    let field = app
        .field(
            &fx.user,
            fx.table,
            json!({"name": "People", "type": "multiple_collaborators"}),
        )
        .await;
    Team {
        fx,
        bob,
        cat,
        field,
    }
}

/// Deletes the rows a new table starts with, so listings hold only a test's own rows.
pub async fn clear_rows(app: &TestApp, fx: &TableFixture) {
    let r = app.rows(&fx.user, fx.table, "").await;
    let ids: Vec<Value> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].clone())
        .collect();
    let r = app
        .post(
            &format!("/api/database/rows/table/{}/batch-delete/", fx.table),
            Some(&fx.user.access),
            json!({ "items": ids }),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

async fn create_row(app: &TestApp, t: &Team, body: Value) -> Resp {
    app.post(&t.rows_path(), Some(&t.fx.user.access), body)
        .await
}

/// The stored user ids of a cell, straight from the table.
async fn stored(app: &TestApp, table: i64, field: i64, row: i64) -> Option<Vec<i64>> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT field_{field} FROM database_table_{table} WHERE id = $1"
    )))
    .bind(row)
    .fetch_one(&app.ctx.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn collaborators_are_members_written_by_id_and_read_with_names() {
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let (ann, bob, key) = (t.fx.user.id, t.bob.id, t.key());
    let a = Some(t.fx.user.access.as_str());

    // The field lists the workspace's members and keeps its notification setting.
    let r = app
        .get(&format!("/api/database/fields/{}/", t.field), a)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["type"], "multiple_collaborators");
    assert_eq!(r.body["notify_user_when_added"], true);
    assert_eq!(
        r.body["available_collaborators"],
        json!([{"id": ann, "name": "Ann"}, {"id": bob, "name": "Bob"}])
    );
    let r = app
        .patch(
            &format!("/api/database/fields/{}/", t.field),
            a,
            json!({"notify_user_when_added": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["notify_user_when_added"], false);
    assert_eq!(
        r.body["available_collaborators"].as_array().unwrap().len(),
        2
    );
    let r = app
        .patch(
            &format!("/api/database/fields/{}/", t.field),
            a,
            json!({"notify_user_when_added": "loud"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    // Objects or bare ids, kept in the order given, once each.
    let r = create_row(&app, &t, json!({key.clone(): [{"id": bob}, ann, bob]})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body[&key],
        json!([{"id": bob, "name": "Bob"}, {"id": ann, "name": "Ann"}])
    );
    let row = r.body["id"].as_i64().unwrap();
    let r = create_row(&app, &t, json!({})).await;
    assert_eq!(r.body[&key], json!([]), "a new row has nobody");

    // Someone outside the workspace is refused with a clear detail, and nothing changes.
    let path = format!("{}{row}/", t.rows_path());
    let r = app
        .patch(&path, a, json!({key.clone(): [ann, {"id": t.cat.id}]}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let detail = r.body["detail"][&key][0]["error"].as_str().unwrap();
    assert!(detail.contains(&t.cat.id.to_string()), "{detail}");
    assert!(detail.contains("not members of this workspace"), "{detail}");
    for bad in [json!(ann), json!([{"name": "Ann"}]), json!([true])] {
        let r = app.patch(&path, a, json!({key.clone(): bad})).await;
        assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    }
    let r = app
        .post(
            &format!("{}batch/", t.rows_path()),
            a,
            json!({"items": [{key.clone(): [ann]}, {key.clone(): [t.cat.id]}]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    assert!(
        r.body["detail"]["items"]["1"][&key].is_array(),
        "{:?}",
        r.body
    );
    assert_eq!(
        app.rows(&t.fx.user, t.fx.table, "").await.body["count"],
        4,
        "the batch wrote nothing (two rows of a new table, two of this test)"
    );
    assert_eq!(
        stored(&app, t.fx.table, t.field, row).await,
        Some(vec![bob, ann])
    );

    // Field names as keys, and null empties the cell.
    let r = app
        .patch(
            &format!("{path}?user_field_names=true"),
            a,
            json!({"People": [{"id": ann}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["People"], json!([{"id": ann, "name": "Ann"}]));
    let r = app.patch(&path, a, json!({key.clone(): null})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key], json!([]));
}

/// The names of the rows a listing returned, sorted unless `keep_order`.
fn names(r: &Resp, keep_order: bool) -> Vec<String> {
    let mut names: Vec<String> = r.body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{:?}", r.body))
        .iter()
        .map(|row| row["Name"].as_str().unwrap_or_default().to_owned())
        .collect();
    if !keep_order {
        names.sort();
    }
    names
}

#[tokio::test]
async fn collaborators_filter_search_sort_and_export_by_member() {
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let (ann, bob, key) = (t.fx.user.id, t.bob.id, t.key());
    let name = format!(
        "field_{}",
        app.field_id(&t.fx.user, t.fx.table, "Name").await
    );
    clear_rows(&app, &t.fx).await;
    // Row names that no search term below matches: p1 has both, p2 Ann, p3 Bob, p4 nobody.
    for (row, people) in [
        ("p1", json!([bob, ann])),
        ("p2", json!([ann])),
        ("p3", json!([bob])),
        ("p4", json!([])),
    ] {
        let r = create_row(&app, &t, json!({name.clone(): row, key.clone(): people})).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let f = t.field;
    for (query, expected) in [
        (
            format!("filter__field_{f}__multiple_collaborators_has={bob}"),
            vec!["p1", "p3"],
        ),
        (
            format!("filter__field_{f}__multiple_collaborators_has_not={bob}"),
            vec!["p2", "p4"],
        ),
        // An empty value does not filter; one that is no id matches nothing (or all).
        (
            format!("filter__field_{f}__multiple_collaborators_has="),
            vec!["p1", "p2", "p3", "p4"],
        ),
        (
            format!("filter__field_{f}__multiple_collaborators_has=bob"),
            vec![],
        ),
        (
            format!("filter__field_{f}__multiple_collaborators_has_not=bob"),
            vec!["p1", "p2", "p3", "p4"],
        ),
        (format!("filter__field_{f}__empty="), vec!["p4"]),
        (
            format!("filter__field_{f}__not_empty="),
            vec!["p1", "p2", "p3"],
        ),
        ("search=BO".to_owned(), vec!["p1", "p3"]),
        ("search=Cat".to_owned(), vec![]),
    ] {
        let r = app
            .rows(
                &t.fx.user,
                t.fx.table,
                &format!("{query}&user_field_names=true"),
            )
            .await;
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        let expected: Vec<String> = expected.into_iter().map(String::from).collect();
        assert_eq!(names(&r, false), expected, "{query}");
    }
    let r = app
        .rows(
            &t.fx.user,
            t.fx.table,
            &format!("filter__field_{f}__contains=x"),
        )
        .await;
    assert_error(&r, 400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD");

    // Sorted by the names in each cell, empty cells first.
    let r = app
        .rows(
            &t.fx.user,
            t.fx.table,
            &format!("order_by=field_{f}&user_field_names=true"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(names(&r, true), vec!["p4", "p2", "p3", "p1"]);

    // A view filter on the field works the same way.
    let view = app
        .post(
            &format!("/api/database/views/table/{}/", t.fx.table),
            Some(&t.fx.user.access),
            json!({"name": "Mine", "type": "grid"}),
        )
        .await;
    assert_eq!(view.status, 200, "{:?}", view.body);
    let view = view.body["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/database/views/{view}/filters/"),
            Some(&t.fx.user.access),
            json!({"field": f, "type": "multiple_collaborators_has", "value": ann.to_string()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .get(
            &format!("/api/database/views/grid/{view}/?user_field_names=true"),
            Some(&t.fx.user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(names(&r, false), vec!["p1", "p2"]);

    // Exports write the names.
    let csv = export_csv(&app, &t.fx).await;
    assert!(csv.contains("\"Bob, Ann\""), "{csv}");
}

/// Exports the fixture's table as CSV and returns the file's text.
pub async fn export_csv(app: &TestApp, fx: &TableFixture) -> String {
    let r = app
        .post(
            &format!("/api/database/export/table/{}/", fx.table),
            Some(&fx.user.access),
            json!({"exporter_type": "csv"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    for _ in 0..200 {
        let r = app
            .get(
                &format!("/api/database/export/{job}/"),
                Some(&fx.user.access),
            )
            .await;
        if r.body["state"] == "finished" {
            let url = r.body["url"].as_str().unwrap();
            let path = &url[url.find("/media/").unwrap()..];
            return app
                .client()
                .get(format!("{}{path}", app.url))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the export did not finish");
}

/// A table in a new workspace of `user`'s own.
async fn own_table(app: &TestApp, user: &Session) -> i64 {
    let workspace = app.workspace(user, "Own").await;
    let database = app.database(user, workspace).await;
    let r = app
        .post(
            &format!("/api/database/tables/database/{database}/"),
            Some(&user.access),
            json!({"name": "Own"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn members_who_leave_or_are_removed_drop_out_of_every_value() {
    let app = TestApp::spawn().await;
    let t = team(&app).await;
    let (ann, bob, key) = (t.fx.user.id, t.bob.id, t.key());
    let workspace = t.fx.workspace_id(&app).await;
    let dan = app.sign_up("Dan", "dan@x.io").await;
    tessera::platform::workspaces::repo::add_member(&app.ctx.db, workspace, dan.id, "MEMBER")
        .await
        .unwrap();
    // A second table with its own field, and a value in a trashed row.
    let other = app.table_fixture_in(&t.fx).await;
    let other_field = app
        .field(
            &t.fx.user,
            other,
            json!({"name": "Crew", "type": "multiple_collaborators"}),
        )
        .await;
    let a = Some(t.fx.user.access.as_str());
    let r = app
        .post(
            &format!("/api/database/rows/table/{other}/"),
            a,
            json!({format!("field_{other_field}"): [dan.id, bob]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let other_row = r.body["id"].as_i64().unwrap();
    let r = create_row(&app, &t, json!({key.clone(): [bob, ann, dan.id]})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["id"].as_i64().unwrap();
    let r = create_row(&app, &t, json!({key.clone(): [dan.id]})).await;
    let trashed = r.body["id"].as_i64().unwrap();
    let r = app.delete(&format!("{}{trashed}/", t.rows_path()), a).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // A collaborator in another workspace's table stays: only this workspace is cleaned.
    let elsewhere = own_table(&app, &dan).await;
    let elsewhere_field = app
        .field(
            &dan,
            elsewhere,
            json!({"name": "Me", "type": "multiple_collaborators"}),
        )
        .await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{elsewhere}/"),
            Some(&dan.access),
            json!({format!("field_{elsewhere_field}"): [dan.id]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let elsewhere_row = r.body["id"].as_i64().unwrap();

    // Bob leaves.
    let r = app
        .post(
            &format!("/api/workspaces/{workspace}/leave/"),
            Some(&t.bob.access),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.get(&format!("{}{row}/", t.rows_path()), a).await;
    assert_eq!(
        r.body[&key],
        json!([{"id": ann, "name": "Ann"}, {"id": dan.id, "name": "Dan"}])
    );
    assert_eq!(
        stored(&app, other, other_field, other_row).await,
        Some(vec![dan.id])
    );
    let r = app
        .get(&format!("/api/database/fields/{}/", t.field), a)
        .await;
    assert_eq!(
        r.body["available_collaborators"],
        json!([{"id": ann, "name": "Ann"}, {"id": dan.id, "name": "Dan"}])
    );
    // Open pages hear of it: both tables' rows are announced without Bob, and nobody is
    // recorded as having changed them.
    for (table, row_id, without) in [
        (
            t.fx.table,
            row,
            json!([{"id": ann, "name": "Ann"}, {"id": dan.id, "name": "Dan"}]),
        ),
        (other, other_row, json!([{"id": dan.id, "name": "Dan"}])),
    ] {
        let events = app.events(table).await;
        let (_, kind, payload) = last_change(&events);
        assert_eq!(kind, "rows_updated", "{payload}");
        assert_eq!(payload["rows"].as_array().unwrap().len(), 1, "{payload}");
        assert_eq!(payload["rows"][0]["id"], row_id);
        let field = if table == other {
            format!("field_{other_field}")
        } else {
            key.clone()
        };
        assert_eq!(payload["rows"][0][&field], without, "{payload}");
        assert!(
            payload["rows_before_update"][0][&field]
                .to_string()
                .contains("\"Bob\""),
            "{payload}"
        );
    }
    let history = app
        .get(
            &format!("/api/database/rows/table/{}/{row}/history/", t.fx.table),
            a,
        )
        .await;
    assert_eq!(history.status, 200, "{:?}", history.body);
    // Only the row's creation (with Bob in it) is there: the removal writes no history.
    assert_eq!(history.body["count"], 1, "{:?}", history.body);
    assert_eq!(
        history.body["results"][0]["action_type"], "create_row",
        "the removal writes no history: {:?}",
        history.body
    );
    // Writing Bob now is refused.
    let r = app
        .patch(
            &format!("{}{row}/", t.rows_path()),
            a,
            json!({key.clone(): [bob]}),
        )
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");

    // Dan is removed by Ann.
    let members = app
        .get(&format!("/api/workspaces/users/workspace/{workspace}/"), a)
        .await;
    let membership = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "dan@x.io")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .delete(&format!("/api/workspaces/users/{membership}/"), a)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        stored(&app, t.fx.table, t.field, row).await,
        Some(vec![ann])
    );
    assert_eq!(
        stored(&app, t.fx.table, t.field, trashed).await,
        Some(vec![]),
        "trashed rows are cleaned too"
    );
    assert_eq!(
        stored(&app, other, other_field, other_row).await,
        Some(vec![])
    );
    assert_eq!(
        stored(&app, elsewhere, elsewhere_field, elsewhere_row).await,
        Some(vec![dan.id]),
        "another workspace keeps its values"
    );
    // The trashed row is cleaned but not announced; the live one is.
    let events = app.events(t.fx.table).await;
    let (_, kind, payload) = last_change(&events);
    assert_eq!(kind, "rows_updated", "{payload}");
    let ids: Vec<i64> = payload["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![row], "{payload}");
    assert_eq!(
        payload["rows"][0][&key],
        json!([{"id": ann, "name": "Ann"}])
    );
    assert!(
        app.events(elsewhere)
            .await
            .iter()
            .all(|e| e.1 != "rows_updated" || e.2.to_string().contains("\"Dan\"")),
        "another workspace's table is not touched"
    );
}
