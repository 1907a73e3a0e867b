//! Compiles a type-checked formula to one PostgreSQL expression over the row alias `t`.
//!
//! Safety: user text reaches the SQL only through [`sql::text_literal`] (hex digits) and
//! [`sql::number_literal`] (re-printed digits); field references are the resolver's
//! trusted `column_sql`. Guards keep runtime errors out: division and `mod` by zero,
//! square roots and logarithms of negatives, overflowing powers and intervals all give
//! NULL rather than failing the statement. Where Baserow gives NaN, Tessera gives NULL.
//!
//! Values from lookups are compiled inside a correlated subquery over the resolver's
//! [`Many::from_sql`]: an aggregate (`sum`, `join`, ...) collapses them, and a formula
//! that is itself a list becomes a jsonb array of `{id, value}` like Baserow's.
//! Some functions need helper functions in the database, [`HELPER_FUNCTIONS_SQL`].

use super::{
    FormulaError, MAX_TEXT_BYTES,
    sql::{self, as_text, bind, clamped_int, seconds_to_interval, utc_timestamp},
    typecheck::{Checked, Node, Typed, same_type},
    types::{Many, TypeKind},
};

/// Compiles a checked formula; an invalid formula gives its error.
pub fn compile(checked: &Checked) -> Result<String, FormulaError> {
    if let Some(error) = checked.formula_type.error() {
        return Err(FormulaError::new(error));
    }
    let mut c = Compiler { scope: None };
    if !checked.expr.many {
        return c.expr(&checked.expr);
    }
    // A list at the top: one {id, value} object per linked row, in row order.
    c.scope = Some(Scope::default());
    let value = list_item(&checked.formula_type.kind, &c.expr(&checked.expr)?);
    let (many, filters) = c.close_scope()?;
    Ok(format!(
        "(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', {id}, 'value', {value}) \
         ORDER BY {id}), '[]'::jsonb) {from}{filters})",
        id = many.id_sql,
        from = many.from_sql,
    ))
}

/// A list item's value as the API shows it, as Baserow does: numbers as decimal text
/// with the type's places, durations in seconds, dates in ISO form (UTC).
fn list_item(list: &TypeKind, value: &str) -> String {
    let TypeKind::Array(item) = list else {
        return value.to_owned();
    };
    match item.kind {
        TypeKind::Number { decimal_places } => format!("(round({value}, {decimal_places}))::text"),
        TypeKind::Duration => format!("extract(epoch FROM {value})::float8"),
        TypeKind::Date { include_time: true } => {
            format!("to_char(({value}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        }
        TypeKind::Date {
            include_time: false,
        } => format!("to_char({value}, 'YYYY-MM-DD')"),
        _ => value.to_owned(),
    }
}

/// Creates the helper functions compiled formulas call where PostgreSQL raises errors
/// on bad input (dates and intervals parsed from text, user regular expressions):
/// each returns NULL (or Baserow's `#ERROR!` for regex_replace) instead. A migration
/// creates them; this is its text.
pub const HELPER_FUNCTIONS_SQL: &str = concat!(
    include_str!("../../../../migrations/20261206200000_formula_helpers.sql"),
    include_str!("../../../../migrations/20261208030000_formula_text_cap.sql"),
);

/// `concat` of text parts, or `#ERROR!` when the result would pass [`MAX_TEXT_BYTES`] and
/// its longest part. Lengths are read from the bound values (`octet_length` of a stored
/// value reads its header), so a refused result is never built.
fn capped_concat(parts: &[String]) -> String {
    let lengths: Vec<String> = (1..=parts.len())
        .map(|i| format!("COALESCE(octet_length(v{i}), 0)::bigint"))
        .collect();
    let values: Vec<String> = (1..=parts.len()).map(|i| format!("v{i}")).collect();
    bind(
        parts,
        &format!(
            "CASE WHEN ({total}) > {MAX_TEXT_BYTES} AND ({total}) > GREATEST({longest}) \
             THEN '#ERROR!' ELSE concat({values}) END",
            total = lengths.join(" + "),
            longest = lengths.join(", "),
            values = values.join(", "),
        ),
    )
}

/// The lookups seen while compiling inside a subquery, and the conditions `filter`
/// added to it.
#[derive(Default)]
struct Scope {
    many: Option<Many>,
    filters: Vec<String>,
}

struct Compiler {
    /// Set while compiling values that live in a subquery over linked rows.
    scope: Option<Scope>,
}

fn unsupported(what: &str) -> FormulaError {
    FormulaError::new(format!("{what} is not yet supported"))
}

impl Compiler {
    fn expr(&mut self, e: &Typed) -> Result<String, FormulaError> {
        match &e.node {
            Node::Text(s) => Ok(sql::text_literal(s)),
            Node::Number(n) => sql::number_literal(n),
            Node::Boolean(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Node::Field(field) => {
                if let Some(many) = &field.many {
                    self.use_many(many)?;
                }
                Ok(format!("({})", field.column_sql))
            }
            Node::Neg(inner) => Ok(format!("(-{})", self.expr(inner)?)),
            Node::OrEmpty(inner) => Ok(format!(
                "COALESCE({}, {})",
                self.expr(inner)?,
                sql::empty_value(&inner.ty)
            )),
            Node::Call { name, args } => self.call(name, args),
        }
    }

    /// Notes that a value comes from `many`'s rows; all lookups in one subquery must go
    /// through the same link.
    fn use_many(&mut self, many: &Many) -> Result<(), FormulaError> {
        let Some(scope) = &mut self.scope else {
            return Err(unsupported("using looked-up values here"));
        };
        match &scope.many {
            None => scope.many = Some(many.clone()),
            Some(seen) if seen == many => {}
            Some(_) => {
                return Err(unsupported(
                    "combining lookups through different link fields",
                ));
            }
        }
        Ok(())
    }

    fn close_scope(&mut self) -> Result<(Many, String), FormulaError> {
        let scope = self.scope.take().unwrap_or_default();
        let many = scope
            .many
            .ok_or_else(|| unsupported("this use of lookups"))?;
        let filters: String = scope
            .filters
            .iter()
            .map(|f| format!(" AND ({f})"))
            .collect();
        Ok((many, filters))
    }

    /// An aggregate: its arguments are compiled in a subquery over the linked rows.
    fn aggregate(&mut self, name: &str, args: &[Typed]) -> Result<String, FormulaError> {
        if self.scope.is_some() {
            return Err(unsupported("an aggregate inside another aggregate"));
        }
        let ty = &args[0].ty;
        if name == "count" && !args[0].many {
            // count() of a multiple select counts its options.
            let options = self.expr(&args[0])?;
            return Ok(format!(
                "(COALESCE(jsonb_array_length({options}), 0))::numeric"
            ));
        }
        self.scope = Some(Scope::default());
        let compiled: Result<Vec<String>, FormulaError> =
            args.iter().map(|a| self.expr(a)).collect();
        let (many, filters) = self.close_scope()?;
        let a = compiled?;
        let v = &a[0];
        let duration = ty.kind == TypeKind::Duration;
        let stat = |f: &str| {
            if duration {
                format!("(({f}(extract(epoch from {v})))::float8 * interval '1 second')")
            } else {
                format!("{f}({v})")
            }
        };
        let select = match name {
            "sum" => format!("COALESCE(SUM({v}), {})", sql::empty_value(ty)),
            "avg" => format!("AVG({v})"),
            "min" => format!("MIN({v})"),
            "max" => format!("MAX({v})"),
            "count" => "(COUNT(*))::numeric".to_string(),
            "stddev_pop" | "stddev_sample" | "variance_pop" | "variance_sample" => {
                let f = match name {
                    "stddev_pop" => "stddev_pop",
                    "stddev_sample" => "stddev_samp",
                    "variance_pop" => "var_pop",
                    _ => "var_samp",
                };
                stat(f)
            }
            "any" => format!("bool_or({v})"),
            "every" => format!("every({v})"),
            "join" => format!("string_agg({v}, {} ORDER BY {})", a[1], many.id_sql),
            _ => return Err(unsupported(&format!("the function {name}"))),
        };
        Ok(format!("(SELECT {select} {}{filters})", many.from_sql))
    }

    fn call(&mut self, name: &str, args: &[Typed]) -> Result<String, FormulaError> {
        if super::functions::get(name).is_some_and(|f| f.aggregate) {
            return self.aggregate(name, args);
        }
        if name == "filter" {
            let value = self.expr(&args[0])?;
            let condition = self.expr(&args[1])?;
            if let Some(scope) = &mut self.scope {
                scope.filters.push(condition);
            }
            return Ok(value);
        }
        let a: Vec<String> = args
            .iter()
            .map(|x| self.expr(x))
            .collect::<Result<_, _>>()?;
        let text = |i: usize| as_text(&a[i], &args[i].ty);
        let arg_ty = |i: usize| &args[i].ty;
        let one = |f: &str| format!("{f}({})", a[0]);
        let two = |f: &str| format!("{f}({}, {})", a[0], a[1]);
        let infix = |op: &str| format!("({} {op} {})", a[0], a[1]);
        Ok(match name {
            // Text.
            "upper" | "lower" | "reverse" => one(name),
            "concat" => {
                let parts: Vec<String> = (0..a.len()).map(text).collect::<Result<_, _>>()?;
                capped_concat(&parts)
            }
            "totext" => text(0)?,
            "tovarchar" | "tourl" => a[0].clone(),
            "t" => "''".to_string(),
            "replace" => format!(
                "tessera_formula_replace({}, {}, {}, {MAX_TEXT_BYTES})",
                a[0], a[1], a[2]
            ),
            "search" => format!("(strpos({}, {}))::numeric", a[0], a[1]),
            "length" => format!("(char_length({}))::numeric", a[0]),
            "contains" => format!("(strpos({}, {}) <> 0)", a[0], a[1]),
            "left" | "right" => format!(
                "{name}({}, {})",
                a[0],
                clamped_int(&a[1], -1_000_000, 1_000_000)
            ),
            "trim" => format!("regexp_replace({}, '(^\\s+|\\s+$)', '', 'g')", a[0]),
            "regex_replace" => {
                format!(
                    "tessera_formula_regexp_replace({}, {}, {}, {MAX_TEXT_BYTES})",
                    a[0], a[1], a[2]
                )
            }
            "split_part" => bind(
                &[a[2].clone()],
                &format!(
                    "CASE WHEN v1 <= 0 THEN '' ELSE split_part({}, {}, {}) END",
                    a[0],
                    a[1],
                    clamped_int("v1", 1, 1_000_000)
                ),
            ),
            "encode_uri" | "encode_uri_component" => {
                return Err(unsupported(&format!("the function {name}")));
            }
            // Arithmetic.
            "add" => infix("+"),
            "minus"
                if arg_ty(0).is(super::functions::Kind::Date)
                    && arg_ty(1).is(super::functions::Kind::Date) =>
            {
                format!(
                    "({} - {})",
                    utc_timestamp(&a[0], arg_ty(0)),
                    utc_timestamp(&a[1], arg_ty(1))
                )
            }
            "minus" => infix("-"),
            "multiply" => match (&arg_ty(0).kind, &arg_ty(1).kind) {
                (TypeKind::Duration, _) => {
                    seconds_to_interval(&format!("extract(epoch from {}) * {}", a[0], a[1]))
                }
                (_, TypeKind::Duration) => {
                    seconds_to_interval(&format!("{} * extract(epoch from {})", a[0], a[1]))
                }
                _ => infix("*"),
            },
            "divide" => match arg_ty(0).kind {
                TypeKind::Duration => seconds_to_interval(&format!(
                    "extract(epoch from {}) / NULLIF({}, 0)",
                    a[0], a[1]
                )),
                _ => format!("({} / NULLIF({}, 0))", a[0], a[1]),
            },
            "tonumber" => bind(
                &[format!("btrim({})", a[0])],
                "CASE WHEN v1 ~ '^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$' THEN v1::numeric END",
            ),
            "greatest" | "least" => two(name),
            "mod" => format!("mod({}, NULLIF({}, 0))", a[0], a[1]),
            "round" => format!("round({}, {})", a[0], clamped_int(&a[1], -50, 50)),
            "int" | "trunc" | "abs" | "ceil" | "floor" | "sign" => {
                one(if name == "int" { "trunc" } else { name })
            }
            "even" => format!("(mod({}, 2) = 0)", a[0]),
            "odd" => format!("(abs(mod({}, 2)) = 1)", a[0]),
            "ln" => bind(&a[..1], "CASE WHEN v1 > 0 THEN ln(v1) END"),
            "sqrt" => bind(&a[..1], "CASE WHEN v1 >= 0 THEN sqrt(v1) END"),
            "exp" => bind(&a[..1], "CASE WHEN v1 <= 100 THEN exp(v1) END"),
            "log" => bind(
                &a[..2],
                "CASE WHEN v1 > 0 AND v1 <> 1 AND v2 > 0 THEN log(v1, v2) END",
            ),
            "power" => bind(
                &a[..2],
                "CASE WHEN v1 = 0 THEN CASE WHEN v2 > 0 THEN 0 WHEN v2 = 0 THEN 1 END \
                 WHEN v1 < 0 AND v2 <> trunc(v2) THEN NULL \
                 WHEN abs(v2 * log(abs(v1))) > 300 THEN NULL \
                 ELSE power(v1, v2) END",
            ),
            "is_nan" => format!("({} = 'NaN'::numeric)", a[0]),
            "when_nan" => format!("COALESCE(NULLIF({}, 'NaN'::numeric), {})", a[0], a[1]),
            // Logic and comparison.
            "if" => {
                let (x, y) = if same_type(arg_ty(1), arg_ty(2)) {
                    (a[1].clone(), a[2].clone())
                } else {
                    (text(1)?, text(2)?)
                };
                format!("(CASE WHEN {} THEN {x} ELSE {y} END)", a[0])
            }
            "equal" | "not_equal" => {
                let op = if name == "equal" {
                    "IS NOT DISTINCT FROM"
                } else {
                    "IS DISTINCT FROM"
                };
                if same_type(arg_ty(0), arg_ty(1)) {
                    infix(op)
                } else {
                    format!("({} {op} {})", text(0)?, text(1)?)
                }
            }
            "greater_than" => infix(">"),
            "greater_than_or_equal" => infix(">="),
            "less_than" => infix("<"),
            "less_than_or_equal" => infix("<="),
            "and" => infix("AND"),
            "or" => infix("OR"),
            "not" => format!("(NOT {})", a[0]),
            "is_null" => format!("({} IS NULL)", a[0]),
            "isblank" => match arg_ty(0).kind {
                TypeKind::Text | TypeKind::Char | TypeKind::Url => {
                    format!("(COALESCE({}, '') = '')", a[0])
                }
                TypeKind::Number { .. } => format!("(COALESCE({}, 0) = 0)", a[0]),
                TypeKind::MultipleSelect | TypeKind::Array(_) => {
                    format!("(COALESCE(jsonb_array_length({}), 0) = 0)", a[0])
                }
                _ => format!("({} IS NULL)", a[0]),
            },
            "when_empty" => two("COALESCE"),
            // Dates and durations.
            "datetime_format" => format!("to_char({}, {})", utc_timestamp(&a[0], arg_ty(0)), a[1]),
            "datetime_format_tz" => bind(
                &[a[0].clone(), a[1].clone(), a[2].clone()],
                "CASE WHEN EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = v3) \
                 THEN to_char((v1)::timestamptz AT TIME ZONE v3, v2) END",
            ),
            "day" | "month" | "year" | "second" => format!(
                "(trunc(extract({name} from {})))::numeric",
                utc_timestamp(&a[0], arg_ty(0))
            ),
            "todate" => format!("tessera_formula_to_date({}, {})", a[0], a[1]),
            "todate_tz" => format!("tessera_formula_to_timestamp({}, {}, {})", a[0], a[1], a[2]),
            "date_diff" => date_diff(
                &a[0],
                &utc_timestamp(&a[1], arg_ty(1)),
                &utc_timestamp(&a[2], arg_ty(2)),
            ),
            "now" => "now()".to_string(),
            "today" => "((now() AT TIME ZONE 'UTC')::date)".to_string(),
            "date_interval" => format!("tessera_formula_to_interval({})", a[0]),
            "toduration" => seconds_to_interval(&a[0]),
            "toseconds" => format!("(trunc(extract(epoch from {})))::numeric", a[0]),
            "row_id" => "(t.id)::numeric".to_string(),
            // Selects and links.
            "get_single_select_value" => format!("(({})->>'value')", a[0]),
            "has_option" if args[0].many => {
                return Err(unsupported("has_option on looked-up single selects"));
            }
            "has_option" => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements({}) AS o(v) WHERE o.v->>'value' = {})",
                a[0], a[1]
            ),
            "multiple_select_count" => {
                format!("(COALESCE(jsonb_array_length({}), 0))::numeric", a[0])
            }
            "link" | "button" => {
                let label = a.get(1).map_or("NULL", |l| l.as_str());
                format!("jsonb_build_object('url', {}, 'label', {label})", a[0])
            }
            "get_link_url" => format!("(({})->>'url')", a[0]),
            "get_link_label" => format!("(({})->>'label')", a[0]),
            _ => return Err(unsupported(&format!("the function {name}"))),
        })
    }
}

/// Baserow's `date_diff(unit, start, end)`: whole years or months between the calendar
/// parts, otherwise the elapsed time in the unit, rounded. An unknown unit gives NULL.
fn date_diff(unit: &str, start: &str, end: &str) -> String {
    let elapsed = "date_part('day', v3 - v2)";
    let hours = format!("({elapsed} * 24 + date_part('hour', v3 - v2))");
    let minutes = format!("({hours} * 60 + date_part('minute', v3 - v2))");
    let body = format!(
        "round((CASE \
         WHEN v1 IN ('yy', 'yyyy', 'year') THEN date_part('year', v3) - date_part('year', v2) \
         WHEN v1 IN ('mm', 'm', 'month') THEN (date_part('year', v3) - date_part('year', v2)) * 12 \
         + date_part('month', v3) - date_part('month', v2) \
         WHEN v1 IN ('wk', 'ww', 'week') THEN {elapsed} / 7 \
         WHEN v1 IN ('dd', 'd', 'day') THEN {elapsed} \
         WHEN v1 IN ('hh', 'hour') THEN {hours} \
         WHEN v1 IN ('mi', 'n', 'minute') THEN {minutes} \
         WHEN v1 IN ('s', 'ss', 'second') THEN {minutes} * 60 + date_part('second', v3 - v2) \
         END)::numeric)"
    );
    bind(
        &[unit.to_string(), start.to_string(), end.to_string()],
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::formula::typecheck::{check_formula, tests::table};

    fn sql(formula: &str) -> String {
        compile(&check_formula(formula, &table()).unwrap()).unwrap()
    }

    fn error(formula: &str) -> String {
        compile(&check_formula(formula, &table()).unwrap())
            .unwrap_err()
            .message
    }

    #[test]
    fn literals_never_splice_user_text() {
        assert_eq!(sql("'a'"), "convert_from(decode('61', 'hex'), 'UTF8')");
        let hostile = sql("\"x'); DROP TABLE users; --\"");
        assert!(
            !hostile.contains("DROP") && !hostile.contains("users"),
            "{hostile}"
        );
        assert_eq!(sql("1.50"), "(1.50::numeric)");
        assert_eq!(sql("-2"), "(-2::numeric)");
        assert_eq!(sql("true"), "TRUE");
    }

    #[test]
    fn references_and_empty_arguments() {
        assert_eq!(sql("field('Qty')"), "(t.\"field_qty\")");
        assert_eq!(
            sql("field('Price') + field('Qty')"),
            "(COALESCE((t.\"field_price\"), 0) + (t.\"field_qty\"))"
        );
        assert_eq!(
            sql("upper(field('Name'))"),
            "upper(COALESCE((t.\"field_name\"), ''))"
        );
        assert_eq!(sql("row_id()"), "(t.id)::numeric");
    }

    #[test]
    fn division_by_zero_is_null() {
        assert_eq!(
            sql("field('Qty') / 0"),
            "((t.\"field_qty\") / NULLIF((0::numeric), 0))"
        );
        assert_eq!(
            sql("mod(5, field('Qty'))"),
            "mod((5::numeric), NULLIF((t.\"field_qty\"), 0))"
        );
        assert!(sql("field('Took') / 2").contains("NULLIF((2::numeric), 0)"));
    }

    #[test]
    fn guards_bind_their_arguments_once() {
        let s = sql("sqrt(sqrt(sqrt(field('Qty'))))");
        assert_eq!(s.matches("field_qty").count(), 1, "{s}");
        assert!(s.contains("CASE WHEN v1 >= 0 THEN sqrt(v1) END"));
        // The SQL grows linearly with nesting, and each binding is fenced with OFFSET 0
        // so PostgreSQL's planner does not re-copy it (checked against PostgreSQL 15:
        // without the fence 60 nested calls exhausted the server's memory).
        let deep = format!("{}field('Qty'){}", "sqrt(".repeat(60), ")".repeat(60));
        let s = sql(&deep);
        assert_eq!(s.matches("OFFSET 0").count(), 60);
        assert!(s.len() < 100 * 60, "{}", s.len());
        let link = sql("totext(link(totext(link(totext(link('u'))))))");
        assert_eq!(
            link.matches("'u'").count() + link.matches("'75'").count(),
            1
        );
    }

    #[test]
    fn text_functions() {
        let concat = sql("concat('a', field('Qty'), true)");
        assert!(
            concat.ends_with(
                "ELSE concat(v1, v2, v3) END FROM (SELECT convert_from(decode('61', 'hex'), 'UTF8') AS v1, \
                 (round((t.\"field_qty\"), 0))::text AS v2, (TRUE)::text AS v3 OFFSET 0) AS bound)"
            ),
            "{concat}"
        );
        assert!(
            concat.contains(&format!("> {MAX_TEXT_BYTES} AND")),
            "{concat}"
        );
        assert!(sql("replace('a', 'b', 'c')").starts_with("tessera_formula_replace("));
        assert_eq!(sql("'a' + 'b'"), sql("concat('a', 'b')"));
        assert!(sql("left('abc', 2)").starts_with("left(convert_from"));
        assert!(
            sql("totext(field('Due'))")
                .contains("to_char(((t.\"field_due\"))::timestamp, 'YYYY-MM-DD')")
        );
        assert!(sql("regex_replace('a', 'b', 'c')").starts_with("tessera_formula_regexp_replace("));
        assert_eq!(
            error("encode_uri('a')"),
            "the function encode_uri is not yet supported"
        );
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            sql("field('Qty') = 1"),
            "((t.\"field_qty\") IS NOT DISTINCT FROM (1::numeric))"
        );
        // Different types are compared as text, as in Baserow.
        assert!(
            sql("field('Qty') = '1'")
                .contains("(round((t.\"field_qty\"), 0))::text IS NOT DISTINCT FROM")
        );
        assert_eq!(
            sql("(1 > 2) && true"),
            "(((1::numeric) > (2::numeric)) AND TRUE)"
        );
        assert!(
            sql("if(true, 1, 'a')")
                .starts_with("(CASE WHEN TRUE THEN (round((1::numeric), 0))::text ELSE")
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            sql("year(field('At'))"),
            "(trunc(extract(year from ((t.\"field_at\") AT TIME ZONE 'UTC'))))::numeric"
        );
        assert!(sql("field('Due') - field('Due')").contains(" - "));
        assert!(
            sql("date_diff('dd', field('Due'), now())").contains("WHEN v1 IN ('dd', 'd', 'day')")
        );
        assert_eq!(sql("today()"), "((now() AT TIME ZONE 'UTC')::date)");
    }

    #[test]
    fn aggregates_over_lookups() {
        assert_eq!(
            sql("sum(lookup('Orders', 'Amount'))"),
            "(SELECT COALESCE(SUM(COALESCE((l.\"field_amount\"), 0)), 0) \
             FROM rel r JOIN other l ON l.id = r.b WHERE r.a = t.id)"
        );
        assert_eq!(
            sql("count(filter(lookup('Orders', 'Label'), lookup('Orders', 'Paid')))"),
            "(SELECT (COUNT(*))::numeric FROM rel r JOIN other l ON l.id = r.b WHERE r.a = t.id \
             AND ((l.\"field_paid\")))"
        );
        assert!(
            sql("join(lookup('Orders', 'Label'), ', ')")
                .contains("string_agg((l.\"field_label\"), convert_from")
        );
    }

    #[test]
    fn lists_become_json_arrays() {
        assert_eq!(
            sql("upper(lookup('Orders', 'Label'))"),
            "(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', l.id, 'value', upper((l.\"field_label\"))) \
             ORDER BY l.id), '[]'::jsonb) FROM rel r JOIN other l ON l.id = r.b WHERE r.a = t.id)"
        );
    }

    #[test]
    fn invalid_formulas_give_their_error() {
        assert_eq!(error("field('Nope')"), "field 'Nope' does not exist");
    }
}
