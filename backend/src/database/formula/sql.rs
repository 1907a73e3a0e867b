//! Small SQL builders for the compiler. The safety rule lives here: user text reaches
//! SQL only as hex digits ([`text_literal`]) and numbers only as re-printed digits
//! ([`number_literal`]); every other SQL fragment is a constant of this module or of
//! [`super::compile`], or trusted SQL from the field resolver.

use super::{
    FormulaError,
    ast::Number,
    types::{FormulaType, TypeKind},
};
use std::fmt::Write;

/// A text literal as `convert_from(decode('<hex of the UTF-8 bytes>', 'hex'), 'UTF8')`:
/// only hex digits come from the user, so no quoting or escaping can go wrong.
pub fn text_literal(s: &str) -> String {
    let mut hex = String::with_capacity(s.len() * 2);
    for b in s.as_bytes() {
        let _ = write!(hex, "{b:02x}");
    }
    format!("convert_from(decode('{hex}', 'hex'), 'UTF8')")
}

/// A number literal re-printed from the parsed value, refusing anything but an
/// optional `-`, digits and one `.`.
pub fn number_literal(n: &Number) -> Result<String, FormulaError> {
    let digits = n.text.strip_prefix('-').unwrap_or(&n.text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !all_digits(frac) {
        return Err(FormulaError::new(format!("{} is not a number", n.text)));
    }
    Ok(format!("({}::numeric)", n.text))
}

/// Evaluates each of `values` once and makes them available to `body` as `v1`, `v2`,
/// ...: a guard that needs a value several times (`CASE WHEN v1 < 0 ...`) must not copy
/// its SQL, or nested calls would grow the SQL exponentially. `OFFSET 0` stops the
/// planner from pulling the subquery up and substituting the values back in, which
/// makes the same exponential copy in memory (60 nested `sqrt` calls exhausted the
/// server's memory without it).
pub fn bind(values: &[String], body: &str) -> String {
    let columns: Vec<String> = (values.iter().enumerate())
        .map(|(i, v)| format!("{v} AS v{}", i + 1))
        .collect();
    format!(
        "(SELECT {body} FROM (SELECT {} OFFSET 0) AS bound)",
        columns.join(", ")
    )
}

/// A number as an `int` argument for functions such as `left` and `round`, truncated
/// and clamped so an out-of-range value cannot raise an error.
pub fn clamped_int(sql: &str, lo: i64, hi: i64) -> String {
    format!("(LEAST(GREATEST(trunc({sql}), {lo}), {hi}))::int")
}

/// An interval of `seconds` (numeric SQL), or NULL when it is out of PostgreSQL's range.
pub fn seconds_to_interval(seconds: &str) -> String {
    bind(
        &[seconds.to_string()],
        "CASE WHEN abs(v1) < 1e14 THEN make_interval(secs => v1::float8) END",
    )
}

/// A date or date-time value as a `timestamp` in UTC, so the session's time zone never
/// changes a result.
pub fn utc_timestamp(sql: &str, ty: &FormulaType) -> String {
    match ty.kind {
        TypeKind::Date { include_time: true } => format!("({sql} AT TIME ZONE 'UTC')"),
        _ => format!("({sql})::timestamp"),
    }
}

/// The value of `sql` (of type `ty`) as text, as Baserow's `totext` shows it.
pub fn as_text(sql: &str, ty: &FormulaType) -> Result<String, FormulaError> {
    use TypeKind as T;
    Ok(match &ty.kind {
        T::Text | T::Char | T::Url => sql.to_string(),
        T::Number { decimal_places } => format!("(round({sql}, {decimal_places}))::text"),
        T::Boolean | T::Duration => format!("({sql})::text"),
        T::Date { include_time } => {
            let format = if *include_time {
                "YYYY-MM-DD HH24:MI"
            } else {
                "YYYY-MM-DD"
            };
            format!(
                "COALESCE(to_char({}, '{format}'), '')",
                utc_timestamp(sql, ty)
            )
        }
        T::SingleSelect => format!("COALESCE(({sql})->>'value', '')"),
        T::MultipleSelect => format!(
            "COALESCE((SELECT string_agg(o.v->>'value', ', ') FROM \
             jsonb_array_elements({sql}) AS o(v)), '')"
        ),
        T::Link | T::Button => bind(&[sql.to_string()], "COALESCE(v1->>'label', v1->>'url')"),
        T::Array(_) | T::Invalid { .. } => {
            return Err(FormulaError::new(format!(
                "converting a value of type {} to text is not yet supported",
                ty.name()
            )));
        }
    })
}

/// The empty value Baserow substitutes for an empty argument of this type.
pub fn empty_value(ty: &FormulaType) -> &'static str {
    match ty.kind {
        TypeKind::Number { .. } => "0",
        TypeKind::Duration => "interval '0'",
        _ => "''",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_hex_encoded() {
        assert_eq!(
            text_literal("a'b"),
            "convert_from(decode('612762', 'hex'), 'UTF8')"
        );
        assert_eq!(
            text_literal("é"),
            "convert_from(decode('c3a9', 'hex'), 'UTF8')"
        );
        assert_eq!(text_literal(""), "convert_from(decode('', 'hex'), 'UTF8')");
        let hostile = text_literal("'); DROP TABLE x; --");
        assert!(!hostile.contains("DROP"));
    }

    /// Every text literal, fed to PostgreSQL, must come back byte for byte: quotes,
    /// backslashes, dollar quotes, escapes PostgreSQL knows in other literal forms
    /// (`E'\\x00'`), every control character but NUL (which formulas refuse) and text
    /// outside the Basic Multilingual Plane.
    #[tokio::test]
    async fn postgres_reads_text_literals_back_unchanged() {
        let server = crate::test_support::database_server_url();
        let pool = sqlx::PgPool::connect(&format!("{server}/postgres"))
            .await
            .unwrap();
        let pieces = [
            "'",
            "''",
            "\"",
            "\\",
            "\\'",
            "$$",
            "$tag$",
            ";",
            "--",
            "/*",
            "*/",
            "E'\\x00'",
            "\\x41",
            "%s",
            "$1",
            "?",
            ")",
            "é",
            "日本語",
            "😀",
            "\u{7f}",
            "\u{1}",
            "\n",
            "\r\t",
            "\u{feff}",
            "\u{10ffff}",
            "'); DROP TABLE users; --",
            "a",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let mut cases: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        cases.push(String::new());
        cases.push((1..=0x7f_u8).map(char::from).collect());
        cases.push("x".repeat(10_000));
        for _ in 0..300 {
            let n = next() % 8;
            cases.push((0..n).map(|_| pieces[next() % pieces.len()]).collect());
        }
        for case in cases {
            let sql = format!("SELECT {}", text_literal(&case));
            let back: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(back.as_bytes(), case.as_bytes(), "{case:?}");
        }
    }

    #[test]
    fn numbers_are_checked() {
        let n = |text: &str| Number {
            text: text.into(),
            decimal_places: 0,
        };
        assert_eq!(number_literal(&n("-1.50")).unwrap(), "(-1.50::numeric)");
        assert_eq!(number_literal(&n("7")).unwrap(), "(7::numeric)");
        for bad in ["1; DROP", "1e5", "", "-", "1.", ".5", "1.2.3", "--1"] {
            assert!(number_literal(&n(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn bind_names_values_once() {
        assert_eq!(
            bind(&["a".into(), "b".into()], "v1 + v2"),
            "(SELECT v1 + v2 FROM (SELECT a AS v1, b AS v2 OFFSET 0) AS bound)"
        );
    }
}
