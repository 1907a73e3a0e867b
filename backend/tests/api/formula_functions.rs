//! Every registered formula function, evaluated by PostgreSQL through a formula field
//! on known values. The table below must name every function of the registry, so a
//! function added without a test fails here.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tessera::database::formula::{ast::Expr, functions::FUNCTIONS, parse};

enum Expect {
    /// The value the row API shows.
    Is(Value),
    /// Refused with `ERROR_WITH_FORMULA`, the detail containing this text.
    Refused(&'static str),
}

use Expect::{Is, Refused};

/// `(function, formula, expected)`. The row the formulas read has Name "Hello World",
/// Num 12.34 (2 places), Int 7, Flag true, Day 2024-01-31, At 2024-01-31 13:45:30 UTC,
/// Took 1:02:05, Status Red, Tags A and B, Blank empty, and links to three rows of
/// another table: (a, 1.5, paid), (b, 2.5, not paid), (c, 4.0, paid).
fn cases() -> Vec<(&'static str, &'static str, Expect)> {
    let s = |v: &str| Is(json!(v));
    vec![
        // Text.
        // ASCII only: what upper does to other letters depends on the database locale.
        ("upper", "upper('abc')", s("ABC")),
        ("lower", "lower(field('Name'))", s("hello world")),
        (
            "concat",
            "concat('a', 1.50, true, field('Day'))",
            s("a1.50true2024-01-31"),
        ),
        ("totext", "totext(field('Num'))", s("12.34")),
        ("totext", "totext(field('Status'))", s("Red")),
        ("tovarchar", "tovarchar('x')", s("x")),
        ("t", "t('abc')", s("abc")),
        ("t", "t(1)", s("")),
        ("replace", "replace('abcabc', 'b', 'X')", s("aXcaXc")),
        ("search", "search('abcabc', 'c')", s("3")),
        ("search", "search('abc', 'z')", s("0")),
        ("length", "length('héllo')", s("5")),
        ("reverse", "reverse('abc')", s("cba")),
        (
            "contains",
            "contains(field('Name'), 'World')",
            Is(json!(true)),
        ),
        ("left", "left('abcdef', 2)", s("ab")),
        ("right", "right('abcdef', 2)", s("ef")),
        ("trim", "trim('  a b  ')", s("a b")),
        (
            "regex_replace",
            "regex_replace('abc123', '[0-9]+', 'X')",
            s("abcX"),
        ),
        ("split_part", "split_part('a,b,c', ',', 2)", s("b")),
        (
            "encode_uri",
            "encode_uri('a b')",
            Refused("not yet supported"),
        ),
        (
            "encode_uri_component",
            "encode_uri_component('a b')",
            Refused("not yet supported"),
        ),
        ("tourl", "tourl('https://x.io')", s("https://x.io")),
        // Numbers: the result shows the type's decimal places.
        ("add", "1.5 + 2.25", s("3.75")),
        ("minus", "5 - 7.5", s("-2.5")),
        ("multiply", "1.5 * field('Int')", s("10.5")),
        ("divide", "1 / 4", s("0.2500000000")),
        ("divide", "1 / 0", Is(Value::Null)),
        ("tonumber", "tonumber(' 12.5 ')", s("12.5000000000")),
        ("tonumber", "tonumber('x')", Is(Value::Null)),
        ("greatest", "greatest(1, 2.5)", s("2.5")),
        ("least", "least(1, 2.5)", s("1.0")),
        ("mod", "mod(field('Int'), 3)", s("1")),
        ("round", "round(2.567, 2)", s("2.57")),
        ("int", "int(2.7)", s("2")),
        ("trunc", "trunc(-2.7)", s("-2")),
        ("even", "even(4)", Is(json!(true))),
        ("odd", "odd(-3)", Is(json!(true))),
        ("ln", "round(ln(10), 4)", s("2.3026")),
        ("exp", "round(exp(1), 4)", s("2.7183")),
        ("log", "log(10, 1000)", s("3")),
        ("sqrt", "sqrt(16)", s("4")),
        ("sqrt", "sqrt(-1)", Is(Value::Null)),
        ("power", "power(2, 10)", s("1024")),
        ("abs", "abs(-3.5)", s("3.5")),
        ("ceil", "ceil(1.2)", s("2")),
        ("floor", "floor(-1.2)", s("-2")),
        ("sign", "sign(-4)", s("-1")),
        ("is_nan", "is_nan(1)", Is(json!(false))),
        ("when_nan", "when_nan(field('Num'), 0)", s("12.34")),
        // Logic and comparison.
        ("if", "if(field('Flag'), 'yes', 'no')", s("yes")),
        ("equal", "field('Int') = 7", Is(json!(true))),
        ("equal", "field('Int') = '7'", Is(json!(true))),
        ("not_equal", "field('Blank') != 'a'", Is(json!(true))),
        ("greater_than", "field('Num') > 12", Is(json!(true))),
        ("greater_than_or_equal", "'b' >= 'b'", Is(json!(true))),
        (
            "less_than",
            "field('Day') < todate('2024-02-01', 'YYYY-MM-DD')",
            Is(json!(true)),
        ),
        ("less_than_or_equal", "2 <= 1", Is(json!(false))),
        ("and", "field('Flag') && false", Is(json!(false))),
        ("or", "false || field('Flag')", Is(json!(true))),
        ("not", "not(field('Flag'))", Is(json!(false))),
        ("isblank", "isblank(field('Blank'))", Is(json!(true))),
        ("isblank", "isblank(field('Name'))", Is(json!(false))),
        ("is_null", "is_null(field('Blank'))", Is(json!(true))),
        ("when_empty", "when_empty(field('Blank'), 'x')", s("x")),
        // Dates and durations, in UTC.
        (
            "datetime_format",
            "datetime_format(field('Day'), 'YYYY/MM/DD')",
            s("2024/01/31"),
        ),
        (
            "datetime_format_tz",
            "datetime_format_tz(field('At'), 'HH24:MI', 'Europe/Paris')",
            s("14:45"),
        ),
        ("day", "day(field('Day'))", s("31")),
        ("month", "month(field('At'))", s("1")),
        ("year", "year(field('Day'))", s("2024")),
        ("second", "second(field('At'))", s("30")),
        ("todate", "todate('20240229', 'YYYYMMDD')", s("2024-02-29")),
        (
            "todate_tz",
            "todate_tz('2024-01-31 10:00', 'YYYY-MM-DD HH24:MI', 'Europe/Paris')",
            s("2024-01-31T09:00:00Z"),
        ),
        (
            "date_diff",
            "date_diff('dd', field('Day'), todate('2024-03-01', 'YYYY-MM-DD'))",
            s("30"),
        ),
        (
            "date_diff",
            "date_diff('hh', field('At'), field('At') + date_interval('1 day'))",
            s("24"),
        ),
        ("now", "year(now()) >= 2024", Is(json!(true))),
        (
            "today",
            "today() >= todate('2024-01-01', 'YYYY-MM-DD')",
            Is(json!(true)),
        ),
        (
            "date_interval",
            "date_interval('1 day 2 hours')",
            Is(json!(93600)),
        ),
        ("toduration", "toduration(90)", Is(json!(90))),
        ("toseconds", "toseconds(field('Took'))", s("3725")),
        ("row_id", "row_id() > 0", Is(json!(true))),
        // Aggregates over the linked rows.
        ("sum", "sum(lookup('Items', 'Amount'))", s("8.0")),
        ("avg", "avg(lookup('Items', 'Amount'))", s("2.7")),
        ("min", "min(lookup('Items', 'Amount'))", s("1.5")),
        ("max", "max(lookup('Items', 'Name'))", s("c")),
        ("count", "count(field('Items'))", s("3")),
        ("count", "count(field('Tags'))", s("2")),
        (
            "stddev_pop",
            "stddev_pop(lookup('Items', 'Amount'))",
            s("1.0"),
        ),
        (
            "stddev_sample",
            "stddev_sample(lookup('Items', 'Amount'))",
            s("1.3"),
        ),
        (
            "variance_pop",
            "variance_pop(lookup('Items', 'Amount'))",
            s("1.1"),
        ),
        (
            "variance_sample",
            "variance_sample(lookup('Items', 'Amount'))",
            s("1.6"),
        ),
        ("any", "any(lookup('Items', 'Paid'))", Is(json!(true))),
        ("every", "every(lookup('Items', 'Paid'))", Is(json!(false))),
        ("join", "join(lookup('Items', 'Name'), '-')", s("a-b-c")),
        (
            "filter",
            "sum(filter(lookup('Items', 'Amount'), lookup('Items', 'Paid')))",
            s("5.5"),
        ),
        // Selects and links.
        (
            "get_single_select_value",
            "get_single_select_value(field('Status'))",
            s("Red"),
        ),
        (
            "has_option",
            "has_option(field('Tags'), 'B')",
            Is(json!(true)),
        ),
        (
            "has_option",
            "has_option(field('Tags'), 'C')",
            Is(json!(false)),
        ),
        (
            "multiple_select_count",
            "multiple_select_count(field('Tags'))",
            s("2"),
        ),
        (
            "link",
            "link('https://x.io')",
            Is(json!({"url": "https://x.io", "label": null})),
        ),
        (
            "button",
            "button('https://x.io', 'Go')",
            Is(json!({"url": "https://x.io", "label": "Go"})),
        ),
        (
            "get_link_url",
            "get_link_url(link('https://x.io', 'X'))",
            s("https://x.io"),
        ),
        (
            "get_link_label",
            "get_link_label(button('https://x.io', 'Go'))",
            s("Go"),
        ),
    ]
}

/// The registry functions a formula calls, operators by their function names.
fn called(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::Call { name, args } => {
            out.insert(name.clone());
            args.iter().for_each(|a| called(a, out));
        }
        Expr::Binary { op, left, right } => {
            out.insert(op.function_name().to_string());
            called(left, out);
            called(right, out);
        }
        Expr::Neg(inner) => called(inner, out),
        _ => {}
    }
}

#[test]
fn every_registered_function_has_a_case() {
    let cases = cases();
    for (function, formula, _) in &cases {
        let mut calls = BTreeSet::new();
        called(&parse(formula).unwrap(), &mut calls);
        assert!(
            calls.contains(*function),
            "{formula} does not call {function}"
        );
    }
    let tested: BTreeSet<&str> = cases.iter().map(|(f, _, _)| *f).collect();
    let missing: Vec<&str> = (FUNCTIONS.iter().map(|f| f.name))
        .filter(|name| !tested.contains(name))
        .collect();
    assert!(missing.is_empty(), "functions without a case: {missing:?}");
}

#[tokio::test]
async fn every_function_gives_the_expected_value() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let items = app.table_fixture_in(&fx).await;
    app.field(
        user,
        items,
        json!({"name": "Amount", "type": "number", "number_decimal_places": 1}),
    )
    .await;
    app.field(user, items, json!({"name": "Paid", "type": "boolean"}))
        .await;
    let mut linked = Vec::new();
    for (name, amount, paid) in [("a", "1.5", true), ("b", "2.5", false), ("c", "4.0", true)] {
        let r = app
            .post(
                &format!("/api/database/rows/table/{items}/?user_field_names=true"),
                Some(&user.access),
                json!({"Name": name, "Amount": amount, "Paid": paid}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        linked.push(r.body["id"].as_i64().unwrap());
    }
    for body in [
        json!({"name": "Num", "type": "number", "number_decimal_places": 2}),
        json!({"name": "Int", "type": "number"}),
        json!({"name": "Flag", "type": "boolean"}),
        json!({"name": "Day", "type": "date"}),
        json!({"name": "At", "type": "date", "date_include_time": true}),
        json!({"name": "Took", "type": "duration", "duration_format": "h:mm:ss"}),
        json!({"name": "Status", "type": "single_select", "select_options": [{"value": "Red", "color": "red"}, {"value": "Blue", "color": "blue"}]}),
        json!({"name": "Tags", "type": "multiple_select", "select_options": [{"value": "A", "color": "red"}, {"value": "B", "color": "blue"}]}),
        json!({"name": "Blank", "type": "text"}),
        json!({"name": "Items", "type": "link_row", "link_row_table_id": items, "has_related_field": false}),
    ] {
        app.field(user, t, body).await;
    }
    let r = app
        .post(
            &format!("/api/database/rows/table/{t}/?user_field_names=true"),
            Some(&user.access),
            json!({
                "Name": "Hello World", "Num": "12.34", "Int": 7, "Flag": true,
                "Day": "2024-01-31", "At": "2024-01-31T13:45:30Z", "Took": 3725,
                "Status": "Red", "Tags": ["A", "B"], "Items": linked,
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();

    let cases = cases();
    let mut wrong = Vec::new();
    let mut fields = Vec::new();
    for (i, (_, formula, expect)) in cases.iter().enumerate() {
        let name = format!("f{i}");
        let r = app
            .post(
                &format!("/api/database/fields/table/{t}/"),
                Some(&user.access),
                json!({"name": name, "type": "formula", "formula": formula}),
            )
            .await;
        match (expect, r.status) {
            (Is(_), 200) => fields.push((name, *formula, expect)),
            (Refused(text), 400)
                if r.body["error"] == "ERROR_WITH_FORMULA"
                    && r.body["detail"].as_str().is_some_and(|d| d.contains(text)) => {}
            _ => wrong.push(format!(
                "{formula}: refused or accepted wrongly: {:?}",
                r.body
            )),
        }
    }
    let r = app
        .get(
            &format!("/api/database/rows/table/{t}/{id}/?user_field_names=true"),
            Some(&user.access),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for (name, formula, expect) in fields {
        let Is(expected) = expect else { continue };
        if &r.body[&name] != expected {
            wrong.push(format!(
                "{formula}: expected {expected}, got {}",
                r.body[&name]
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
