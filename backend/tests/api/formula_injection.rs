//! No formula text runs SQL of its choosing: hostile literals, field names and row
//! values either give exactly the value Rust computes for them or are refused with
//! `ERROR_WITH_FORMULA`, never a 500, and a canary table is untouched at the end.

use crate::helpers::*;
use serde_json::{Value, json};

/// Literals an attacker would try: quote breaking, comments, dollar quoting,
/// PostgreSQL escape syntax, placeholders, backslashes, non-ASCII text.
const HOSTILE: &[&str] = &[
    "a'; DROP TABLE users; --",
    "a''; DROP TABLE database_table_events; --",
    "'); SELECT pg_sleep(5); --",
    "\\",
    "\\\\",
    "\\x",
    "$$",
    "$$; DROP TABLE users; $$",
    "$tag$ x $tag$",
    "E'\\x00'",
    "E'\\\\x41'",
    "\" OR 1=1 --",
    "$1",
    "%s %d ?",
    "*/ /* -- //",
    ")",
    "));",
    "é 日本語 😀 \u{202e}",
    "tab\there\nnewline\r",
    "\u{1}\u{7f}",
    "' || (SELECT current_user) || '",
    "",
];

/// The name of the text field the formulas read: quotes of both kinds, a statement
/// separator, a comment, a placeholder, a backslash and a bracket.
const FIELD: &str = "x'\"; DROP TABLE users; -- $1 \\ )";

/// Whether a literal in `quote`s can hold `s`: the lexer pairs a backslash with the
/// character after it, so none may come right before the quote or at the end.
fn expressible(s: &str, quote: char) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next().is_none_or(|next| next == quote) {
            return false;
        }
    }
    true
}

/// Baserow's quoting: the quote character escaped with a backslash.
fn quoted(s: &str) -> String {
    assert!(expressible(s, '\''), "{s}");
    format!("'{}'", s.replace('\'', "\\'"))
}

/// The link field the lookups go through.
const LINK: &str = "link'\"; -- $2 \\ (";

/// xorshift64*, for a reproducible spread of nested formulas.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }
}

/// A text formula and the value it must give for a row whose `FIELD` holds `row`.
struct Case {
    formula: String,
    value: Box<dyn Fn(&str) -> String>,
}

/// A hostile literal safe to quote (see `quoted`).
fn literal(rng: &mut Rng) -> &'static str {
    loop {
        let s = HOSTILE[rng.below(HOSTILE.len())];
        if expressible(s, '\'') {
            return s;
        }
    }
}

/// A random text formula over hostile literals and the hostile field, nested a few
/// levels, with the value computed in Rust.
fn case(rng: &mut Rng, depth: usize) -> Case {
    let leaf = depth == 0 || rng.below(4) == 0;
    match if leaf { rng.below(2) } else { 2 + rng.below(6) } {
        0 => {
            let s = literal(rng);
            Case {
                formula: quoted(s),
                value: Box::new(move |_| s.to_string()),
            }
        }
        1 => Case {
            formula: format!("field({})", quoted(FIELD)),
            value: Box::new(|row| row.to_string()),
        },
        2 => {
            let (a, b) = (case(rng, depth - 1), case(rng, depth - 1));
            Case {
                formula: format!("concat({}, {})", a.formula, b.formula),
                value: Box::new(move |row| (a.value)(row) + &(b.value)(row)),
            }
        }
        3 => {
            // Replacing by a non-empty hostile piece: PostgreSQL's replace and Rust's
            // agree on every non-empty pattern.
            let a = case(rng, depth - 1);
            let from = [";", "'", "\\\\", "$", "--", "a"][rng.below(6)];
            let to = literal(rng);
            Case {
                formula: format!("replace({}, {}, {})", a.formula, quoted(from), quoted(to)),
                value: Box::new(move |row| (a.value)(row).replace(from, to)),
            }
        }
        4 => {
            let a = case(rng, depth - 1);
            let n = rng.below(8);
            Case {
                formula: format!("left({}, {n})", a.formula),
                value: Box::new(move |row| (a.value)(row).chars().take(n).collect()),
            }
        }
        5 => {
            let a = case(rng, depth - 1);
            Case {
                formula: format!("reverse({})", a.formula),
                value: Box::new(move |row| (a.value)(row).chars().rev().collect()),
            }
        }
        7 => {
            // A regular expression made of hostile characters, escaped so it matches
            // them literally: the result is then a plain replace, which Rust can
            // compute. The replacements have no backslash, which PostgreSQL reads as
            // a group reference.
            let a = case(rng, depth - 1);
            let from = [";", "'", "$$", "--", "a", "\\", "(", ".", "*/"][rng.below(9)];
            let pattern: String = from
                .chars()
                .flat_map(|c| {
                    let meta = ".^$*+?()[]{}|\\".contains(c);
                    meta.then_some('\\').into_iter().chain([c])
                })
                .collect();
            let to = ["x", "$$", "';--", "\"", ""][rng.below(5)];
            Case {
                formula: format!(
                    "regex_replace({}, {}, {})",
                    a.formula,
                    quoted(&pattern),
                    quoted(to)
                ),
                value: Box::new(move |row| (a.value)(row).replace(from, to)),
            }
        }
        _ => {
            let a = case(rng, depth - 1);
            Case {
                formula: format!("totext(length({}))", a.formula),
                value: Box::new(move |row| (a.value)(row).chars().count().to_string()),
            }
        }
    }
}

async fn create_formula(app: &TestApp, user: &Session, table: i64, name: &str, f: &str) -> Resp {
    let r = app
        .post(
            &format!("/api/database/fields/table/{table}/"),
            Some(&user.access),
            json!({"name": name, "type": "formula", "formula": f}),
        )
        .await;
    assert_ne!(r.status, 500, "{f}: {:?}", r.body);
    r
}

/// Every table and column of the database, and how many users there are: what a
/// successful injection would change.
async fn schema(app: &TestApp) -> (Vec<String>, i64) {
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT table_name || '.' || column_name FROM information_schema.columns \
         WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&app.ctx.db)
    .await
    .unwrap();
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    (columns, users)
}

#[tokio::test]
async fn hostile_formulas_give_their_literal_value_or_a_formula_error() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);

    // The canary: a row in another table, and the shape of the whole database.
    let canary_table = app.table_fixture_in(&fx).await;
    let r = app
        .post(
            &format!("/api/database/rows/table/{canary_table}/?user_field_names=true"),
            Some(&user.access),
            json!({"Name": "canary"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let canary = r.body;
    let canary_path = format!(
        "/api/database/rows/table/{canary_table}/{}/?user_field_names=true",
        canary["id"]
    );

    app.field(user, t, json!({"name": FIELD, "type": "text"}))
        .await;
    // A linked table whose field has the same hostile name, reached through a link
    // field with a hostile name of its own.
    let other = app.table_fixture_in(&fx).await;
    app.field(user, other, json!({"name": FIELD, "type": "text"}))
        .await;
    let mut linked = Vec::new();
    for value in ["a'; DROP TABLE users; --", "$$\\", "é\"'"] {
        let r = app
            .post(
                &format!("/api/database/rows/table/{other}/?user_field_names=true"),
                Some(&user.access),
                json!({(FIELD): value}),
            )
            .await;
        assert_eq!(r.status, 200, "{value}: {:?}", r.body);
        linked.push((r.body["id"].as_i64().unwrap(), value));
    }
    app.field(
        user,
        t,
        json!({"name": LINK, "type": "link_row", "link_row_table_id": other, "has_related_field": false}),
    )
    .await;
    let link_ids: Vec<i64> = linked.iter().map(|(id, _)| *id).collect();
    let before = schema(&app).await;

    // Rows whose values are the hostile literals themselves.
    let mut rows = Vec::new();
    for value in HOSTILE.iter().take(8).chain([&"plain"]) {
        let r = app
            .post(
                &format!("/api/database/rows/table/{t}/?user_field_names=true"),
                Some(&user.access),
                json!({"Name": "r", (FIELD): value, (LINK): link_ids}),
            )
            .await;
        assert_eq!(r.status, 200, "{value}: {:?}", r.body);
        rows.push((r.body["id"].as_i64().unwrap(), value.to_string()));
    }

    // Formulas that must work, with their value computed here.
    let mut cases: Vec<Case> = Vec::new();
    for &s in HOSTILE {
        if expressible(s, '\'') {
            cases.push(Case {
                formula: format!("concat('x', {})", quoted(s)),
                value: Box::new(move |_| format!("x{s}")),
            });
        }
        if !expressible(s, '"') {
            continue;
        }
        // The other quote style: the double quote is the one escaped.
        cases.push(Case {
            formula: format!("concat(\"x\", \"{}\")", s.replace('"', "\\\"")),
            value: Box::new(move |_| format!("x{s}")),
        });
    }
    let long = "';--$$\\x".repeat(1_000);
    cases.push(Case {
        formula: format!("concat('x', {})", quoted(&long)),
        value: Box::new(move |_| format!("x{long}")),
    });
    for sep in ["', '", "$$", "\\\\"] {
        let joined = (linked.iter().map(|(_, v)| *v))
            .collect::<Vec<_>>()
            .join(sep);
        cases.push(Case {
            formula: format!(
                "join(lookup({}, {}), {})",
                quoted(LINK),
                quoted(FIELD),
                quoted(sep)
            ),
            value: Box::new(move |_| joined.clone()),
        });
    }
    cases.push(Case {
        formula: format!("totext(count(field({})))", quoted(LINK)),
        value: Box::new(move |_| "3".to_string()),
    });
    cases.push(Case {
        formula: format!("upper(field({}))", quoted(FIELD)),
        value: Box::new(|row| row.to_uppercase()),
    });
    let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
    for _ in 0..50 {
        cases.push(case(&mut rng, 4));
    }
    for function in [
        "concat(",
        "replace(",
        "left(",
        "reverse(",
        "regex_replace(",
        "length(",
    ] {
        assert!(
            cases.iter().any(|c| c.formula.contains(function)),
            "no case uses {function}"
        );
    }

    let mut made = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = format!("f{i} '\"; --");
        let r = create_formula(&app, user, t, &name, &case.formula).await;
        assert_eq!(r.status, 200, "{}: {:?}", case.formula, r.body);
        assert_eq!(r.body["formula_type"], "text", "{}", case.formula);
        made.push((name, case));
    }

    // Every literal in at least one quote style, and the generated formulas.
    assert!(made.len() > HOSTILE.len() + 50, "{}", made.len());

    // Formulas that must be refused, as formulas, not by the database.
    let refused = [
        "'a'); DROP TABLE users; --".to_string(),
        "'a' ; DROP TABLE users".to_string(),
        "1; SELECT pg_sleep(5)".to_string(),
        "$$ DROP TABLE users $$".to_string(),
        "E'\\x00'".to_string(),
        "field('x') -- '".to_string(),
        "concat('a', 'b') /* unclosed".to_string(),
        "field(\"users\\\"; DROP TABLE users; --\")".to_string(),
        "lookup('x''; --', 'y')".to_string(),
        "upper('a' || 'b')".to_string(),
        "pg_sleep(5)".to_string(),
        "\"unclosed \\\"".to_string(),
        "concat('a', '\u{0}')".to_string(),
        format!("'{}'", "x".repeat(10_001)),
        format!("{}'a'{}", "upper(".repeat(100), ")".repeat(100)),
    ];
    for formula in &refused {
        let r = create_formula(&app, user, t, "refused", formula).await;
        assert_eq!(r.status, 400, "{formula}: {:?}", r.body);
        assert!(
            r.body["error"] == "ERROR_WITH_FORMULA"
                || r.body["error"] == "ERROR_REQUEST_BODY_VALIDATION",
            "{formula}: {:?}",
            r.body
        );
        assert!(r.body["detail"].is_string() || r.body["detail"].is_object());
        // The endpoint typing a formula before it is saved refuses it the same way.
        let r = app
            .post(
                &format!("/api/database/formula/{t}/type/"),
                Some(&user.access),
                json!({"formula": formula}),
            )
            .await;
        assert_eq!(r.status, 400, "{formula}: {:?}", r.body);
    }

    // Regular expressions the user writes are data too: a broken one gives Baserow's
    // error value, a working one its match, and neither fails a row write.
    let regexes = [
        ("regex_replace(field('Name'), '(', 'x')", None),
        ("regex_replace(field('Name'), '[', 'x')", None),
        ("regex_replace(field('Name'), '\\\\', '$$')", None),
        ("regex_replace('a;b', ';', \"'\")", Some("a'b")),
        ("regex_replace('a;b', '(a)(;)', '\\2\\1')", Some(";ab")),
    ];
    for (i, (formula, _)) in regexes.iter().enumerate() {
        let r = create_formula(&app, user, t, &format!("re{i}"), formula).await;
        assert_eq!(r.status, 200, "{formula}: {:?}", r.body);
    }

    // Values written after the formulas exist are computed on the write.
    let r = app
        .patch(
            &format!(
                "/api/database/rows/table/{t}/{}/?user_field_names=true",
                rows[0].0
            ),
            Some(&user.access),
            json!({(FIELD): "'; DELETE FROM users; --"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    rows[0].1 = "'; DELETE FROM users; --".into();

    for (id, value) in &rows {
        let r = app
            .get(
                &format!("/api/database/rows/table/{t}/{id}/?user_field_names=true"),
                Some(&user.access),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        for (name, case) in &made {
            assert_eq!(
                r.body[name.as_str()],
                Value::String((case.value)(value)),
                "{} for {value:?}",
                case.formula
            );
        }
        for (i, (formula, expected)) in regexes.iter().enumerate() {
            let got = &r.body[format!("re{i}")];
            match expected {
                Some(expected) => assert_eq!(got, expected, "{formula}"),
                None => assert!(got.is_string() || got.is_null(), "{formula}: {got}"),
            }
        }
    }

    // The canary and the database's shape are as they were.
    let r = app.get(&canary_path, Some(&user.access)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, canary);
    let after = schema(&app).await;
    assert_eq!(after.1, before.1, "users");
    let added: Vec<_> = (after.0.iter())
        .filter(|c| !before.0.contains(c))
        .filter(|c| !c.starts_with(&format!("database_table_{t}.")))
        .collect();
    let removed: Vec<_> = before.0.iter().filter(|c| !after.0.contains(c)).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "{added:?} {removed:?}"
    );
}

#[tokio::test]
async fn huge_repeats_give_an_error_value_and_deep_nesting_is_refused() {
    let app = TestApp::spawn().await;
    let fx = app.table_fixture().await;
    let (user, t) = (&fx.user, fx.table);
    let id = create_row_id(&app, user, t, json!({"Name": "ab"})).await;

    // Each replacement multiplies the length by four: 16 of them would ask PostgreSQL for
    // a gigabyte for this one row (seconds of work, then "out of memory").
    let nested = |n: usize, call: &str, to: &str| {
        let mut f = "field('Name')".to_owned();
        for _ in 0..n {
            f = format!("{call}({f}, 'a', '{to}')");
        }
        f
    };
    let started = std::time::Instant::now();
    for (name, formula) in [
        ("replaced", nested(16, "replace", "aaaa")),
        ("regexed", nested(16, "regex_replace", "\\&\\&\\&\\&")),
    ] {
        let r = create_formula(&app, user, t, name, &formula).await;
        assert_eq!(r.status, 200, "{formula}: {:?}", r.body);
        assert_eq!(row(&app, user, t, id).await[name], "#ERROR!", "{formula}");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refused before being built: {:?}",
        started.elapsed()
    );
    // Growth up to the cap is computed as written.
    for (name, formula, len) in [
        ("small", nested(5, "replace", "aaaa"), 4usize.pow(5) + 1),
        (
            "small re",
            nested(5, "regex_replace", "\\&\\&"),
            2usize.pow(5) + 1,
        ),
    ] {
        let r = create_formula(&app, user, t, name, &formula).await;
        assert_eq!(r.status, 200, "{formula}: {:?}", r.body);
        let got = row(&app, user, t, id).await;
        assert_eq!(got[name].as_str().unwrap().len(), len, "{formula}");
    }

    // Formulas reading formulas: each concat makes its input eight times longer, and the
    // one that would pass a mebibyte gives the error value instead.
    let r = create_formula(&app, user, t, "x0", "concat(field('Name'), 'x')").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for level in 1..=7 {
        let refs = vec![format!("field('x{}')", level - 1); 8].join(", ");
        let name = format!("x{level}");
        let r = create_formula(&app, user, t, &name, &format!("concat({refs})")).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let got = row(&app, user, t, id).await;
    for level in 0..=7u32 {
        let got = got[format!("x{level}")].as_str().unwrap();
        let len = 3 * 8usize.pow(level);
        if len <= tessera::database::formula::MAX_TEXT_BYTES as usize {
            assert_eq!(got.len(), len, "x{level}");
        } else {
            assert_eq!(got, "#ERROR!", "x{level}");
        }
    }

    // Nesting is refused past its limit, as a formula error.
    let depth = tessera::database::formula::MAX_NESTING_DEPTH;
    let deep = format!("{}'a'{}", "lower(".repeat(depth + 1), ")".repeat(depth + 1));
    let r = create_formula(&app, user, t, "deep", &deep).await;
    assert_error(&r, 400, "ERROR_WITH_FORMULA");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("nests too deeply"),
        "{:?}",
        r.body
    );
}
