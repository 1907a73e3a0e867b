//! Formulas naming formulas: a diamond and a chain recompute in the order their
//! dependencies need, and a cycle closed by changing a formula is refused.

use crate::helpers::*;
use serde_json::{Value, json};

async fn formula(app: &TestApp, user: &Session, table: i64, name: &str, text: &str) -> i64 {
    app.field(
        user,
        table,
        json!({"name": name, "type": "formula", "formula": text}),
    )
    .await
}

async fn set_formula(app: &TestApp, user: &Session, field: i64, text: &str) -> Resp {
    let r = app
        .patch(
            &format!("/api/database/fields/{field}/"),
            Some(&user.access),
            json!({"formula": text}),
        )
        .await;
    assert_eq!(r.status, 200, "{text}: {:?}", r.body);
    r
}

#[tokio::test]
async fn a_diamond_and_a_chain_see_every_change() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    app.field(
        user,
        t,
        json!({"name": "A", "type": "number", "number_negative": true}),
    )
    .await;
    let id = create_row_id(&app, user, t, json!({"A": 2})).await;

    // D names B and C, which both name A. D and the chain below are created first
    // and given their formulas afterwards, so creation order (and field ids) runs
    // against the order of dependencies and cannot stand in for it.
    let d = formula(&app, user, t, "D", "0").await;
    // A chain five deep: E1 ← E2 ← … ← E5, each one more than the last.
    let mut chain = Vec::new();
    for i in (1..=5).rev() {
        chain.push((i, formula(&app, user, t, &format!("E{i}"), "0").await));
    }
    formula(&app, user, t, "B", "field('A') + 1").await;
    formula(&app, user, t, "C", "field('A') * 10").await;
    set_formula(&app, user, d, "field('B') * 100 + field('C')").await;
    for (i, id) in chain.into_iter().rev() {
        let before = if i == 1 {
            "D".to_string()
        } else {
            format!("E{}", i - 1)
        };
        set_formula(&app, user, id, &format!("field('{before}') + 1")).await;
    }
    let check = |got: &Value, a: i64| {
        let d = (a + 1) * 100 + a * 10;
        assert_eq!(got["B"], (a + 1).to_string(), "{got}");
        assert_eq!(got["C"], (a * 10).to_string(), "{got}");
        assert_eq!(got["D"], d.to_string(), "{got}");
        for i in 1..=5 {
            assert_eq!(got[format!("E{i}")], (d + i).to_string(), "{got}");
        }
    };
    check(&row(&app, user, t, id).await, 2);

    // A change of A reaches all of them, in the answer and in storage.
    check(&patch_row(&app, user, t, id, json!({"A": 7})).await, 7);
    check(&row(&app, user, t, id).await, 7);
    // A new row is computed on creation too.
    let other = create_row_id(&app, user, t, json!({"A": -3})).await;
    check(&row(&app, user, t, other).await, -3);
    check(&row(&app, user, t, id).await, 7);

    // Changing the middle of the diamond recomputes what is downstream only.
    let c = app.field_id(user, t, "C").await;
    set_formula(&app, user, c, "field('A') * 20").await;
    let got = row(&app, user, t, id).await;
    assert_eq!(got["C"], "140");
    assert_eq!(got["D"], "940");
    assert_eq!(got["E5"], "945");
}

#[tokio::test]
async fn a_cycle_of_three_formulas_is_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let x = formula(&app, user, t, "X", "1").await;
    formula(&app, user, t, "Y", "field('X') + 1").await;
    formula(&app, user, t, "Z", "field('Y') + 1").await;
    let id = create_row_id(&app, user, t, json!({"Name": "r"})).await;
    assert_eq!(row(&app, user, t, id).await["Z"], "3");

    // X → Z → Y → X would close the loop.
    let r = app
        .patch(
            &format!("/api/database/fields/{x}/"),
            Some(&user.access),
            json!({"formula": "field('Z') + 1"}),
        )
        .await;
    assert_error(&r, 400, "ERROR_WITH_FORMULA");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("refers to itself"),
        "{:?}",
        r.body
    );
    // And so would naming itself directly.
    let r = app
        .patch(
            &format!("/api/database/fields/{x}/"),
            Some(&user.access),
            json!({"formula": "field('X')"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["error"], "ERROR_WITH_FORMULA");

    // Nothing changed: X keeps its formula and the values are still right.
    let r = app
        .get(&format!("/api/database/fields/{x}/"), Some(&user.access))
        .await;
    assert_eq!(r.body["formula"], "1");
    assert_eq!(r.body["formula_type"], "number");
    let got = row(&app, user, t, id).await;
    assert_eq!(
        (&got["X"], &got["Y"], &got["Z"]),
        (&json!("1"), &json!("2"), &json!("3"))
    );
}
