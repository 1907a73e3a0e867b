//! Formulas whose value follows the clock: those calling `now()` or `today()`, and those
//! naming such a formula through `field()`, at any depth. Their stored values go stale
//! with time alone, so they are refreshed on a schedule as well as on every change.
//! Decided on the parsed tree, so a text such as `'due today'` does not count.

use super::{ast::Expr, parse};
use std::collections::{BTreeMap, BTreeSet};

/// The functions whose result changes with the time of day.
pub const CLOCK_FUNCTIONS: [&str; 2] = ["now", "today"];

/// Whether `expr` calls `now()` or `today()` anywhere in it.
pub fn calls_clock(expr: &Expr) -> bool {
    match expr {
        Expr::Text(_) | Expr::Number(_) | Expr::Boolean(_) | Expr::Field(_) => false,
        Expr::Lookup { .. } => false,
        Expr::Call { name, args } => {
            CLOCK_FUNCTIONS.contains(&name.as_str()) || args.iter().any(calls_clock)
        }
        Expr::Binary { left, right, .. } => calls_clock(left) || calls_clock(right),
        Expr::Neg(inner) => calls_clock(inner),
    }
}

/// Whether the formula `text` calls `now()` or `today()`; a formula that does not parse
/// has no value to refresh, so it does not.
pub fn text_calls_clock(text: &str) -> bool {
    parse(text).is_ok_and(|expr| calls_clock(&expr))
}

/// The names of the fields `expr` names through `field()`.
pub fn named_fields(expr: &Expr) -> BTreeSet<&str> {
    fn walk<'a>(expr: &'a Expr, out: &mut BTreeSet<&'a str>) {
        match expr {
            Expr::Field(name) => {
                out.insert(name);
            }
            Expr::Text(_) | Expr::Number(_) | Expr::Boolean(_) | Expr::Lookup { .. } => {}
            Expr::Call { args, .. } => args.iter().for_each(|a| walk(a, out)),
            Expr::Binary { left, right, .. } => {
                walk(left, out);
                walk(right, out);
            }
            Expr::Neg(inner) => walk(inner, out),
        }
    }
    let mut out = BTreeSet::new();
    walk(expr, &mut out);
    out
}

/// Of one table's formulas (field name → formula text), the names of those whose value
/// follows the clock: calling `now()`/`today()`, or naming through `field()` a formula
/// that does, however many formulas lie between. Formulas that do not parse are left
/// out. `lookup()`s reach other tables, whose own formulas are decided there.
pub fn clock_dependent<'a>(
    formulas: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeSet<&'a str> {
    let parsed: BTreeMap<&str, Expr> = formulas
        .into_iter()
        .filter_map(|(name, text)| parse(text).ok().map(|expr| (name, expr)))
        .collect();
    let names: BTreeMap<&str, BTreeSet<&str>> = parsed
        .iter()
        .map(|(name, expr)| (*name, named_fields(expr)))
        .collect();
    let mut out: BTreeSet<&'a str> = parsed
        .iter()
        .filter(|(_, expr)| calls_clock(expr))
        .map(|(name, _)| *name)
        .collect();
    // Each pass adds the formulas naming one found in the pass before: at most one pass
    // per formula, and a cycle of names adds nothing new and ends it.
    loop {
        let more: Vec<&'a str> = names
            .iter()
            .filter(|(name, named)| !out.contains(*name) && named.iter().any(|n| out.contains(n)))
            .map(|(name, _)| *name)
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(text: &str) -> bool {
        text_calls_clock(text)
    }

    #[test]
    fn calls_to_now_and_today_are_found_anywhere_in_the_tree() {
        assert!(clock("now()"));
        assert!(clock("TODAY()"));
        assert!(clock("totext(now())"));
        assert!(clock("if(now() > field('Due'), 'late', 'ok')"));
        assert!(clock("date_diff('dd', field('Start'), today()) * 2"));
        assert!(clock("-(date_diff('dd', today(), field('Due')))"));
        assert!(clock("field('A') = 1 && year(today()) > 2000"));
    }

    #[test]
    fn text_naming_the_clock_is_not_a_call() {
        for text in [
            "concat('due today', field('Name'))",
            "concat(field('now'), field('today()'))",
            "lookup('today', 'now')",
            "upper(field('Name'))",
            "1 + 2",
        ] {
            assert!(parse(text).is_ok(), "{text} parses");
            assert!(!clock(text), "{text}");
        }
        // A formula that does not parse computes nothing.
        assert!(!clock("now("));
        assert!(!clock(""));
    }

    #[test]
    fn formulas_naming_a_clock_formula_follow_the_clock_at_any_depth() {
        let formulas = [
            ("Status", "if(today() > field('Due'), 'late', 'ok')"),
            ("Shout", "upper(field('Status'))"),
            ("Label", "concat(field('Name'), ': ', field('Shout'))"),
            ("Plain", "concat(field('Name'), '!')"),
            ("Text", "'today'"),
            ("Broken", "field('Status' &"),
            ("Stamp", "totext(now())"),
        ];
        let found = clock_dependent(formulas);
        assert_eq!(found, BTreeSet::from(["Label", "Shout", "Stamp", "Status"]),);
    }

    #[test]
    fn cycles_of_names_end() {
        let found = clock_dependent([("A", "field('B')"), ("B", "field('A')")]);
        assert!(found.is_empty());
        let found = clock_dependent([
            ("A", "concat(field('B'), totext(now()))"),
            ("B", "field('A')"),
            ("C", "field('C')"),
        ]);
        assert_eq!(found, BTreeSet::from(["A", "B"]));
    }
}
