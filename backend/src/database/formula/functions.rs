//! The registry of formula functions: Baserow's names, arities, argument kinds and
//! result types (from Baserow's `ast/function_defs.py`). Operators are registered under
//! the function names Baserow maps them to (`+` is `add`, `&&` is `and`, ...).
//!
//! Most functions are described by data alone; those whose typing depends on their
//! arguments in ways a table cannot say (`if`, `equal`, the arithmetic operators,
//! `round`, ...) are marked [`Args::Special`] or [`Ret::Special`] and typed by name in
//! [`super::types`].

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Exactly(usize),
    AtLeast(usize),
    Between(usize, usize),
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
            Arity::Between(lo, hi) => (lo..=hi).contains(&n),
        }
    }

    /// "exactly 1 argument", "at least 2 arguments", "between 1 and 2 arguments".
    pub fn describe(self) -> String {
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        match self {
            Arity::Exactly(k) => format!("exactly {k} {}", plural(k)),
            Arity::AtLeast(k) => format!("at least {k} {}", plural(k)),
            Arity::Between(lo, hi) => format!("between {lo} and {hi} arguments"),
        }
    }
}

/// A family of formula types an argument may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `text`, `char` and `url` (Baserow's char and url types are kinds of text).
    Text,
    Number,
    Boolean,
    Date,
    Duration,
    SingleSelect,
    MultipleSelect,
    /// `link` and `button` (a button is a kind of link).
    Link,
    Array,
    /// Any valid type.
    Any,
}

impl Kind {
    /// The name used in messages, Baserow's `formula_type` for the family.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Duration => "duration",
            Kind::SingleSelect => "single_select",
            Kind::MultipleSelect => "multiple_select",
            Kind::Link => "link",
            Kind::Array => "array",
            Kind::Any => "any",
        }
    }
}

/// What each argument accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    /// One entry per position: the kinds accepted there.
    Each(&'static [&'static [Kind]]),
    /// Every argument accepts these kinds (variadic functions).
    All(&'static [Kind]),
    /// Depends on the other arguments; checked in the type checker.
    Special,
}

/// The result type, before nullability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    Text,
    Char,
    Url,
    Boolean,
    /// A number with this many decimal places.
    Number(u32),
    /// A number with as many decimal places as the most precise number argument.
    WidestNumber,
    /// The type of the argument at this index.
    SameAs(usize),
    Date {
        include_time: bool,
    },
    Duration,
    Link,
    Button,
    /// Decided in the type checker.
    Special,
}

/// Whether the result can be NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Null {
    Never,
    Always,
    /// When any argument can be, after Baserow's coercion of empty arguments.
    FromArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: &'static str,
    pub arity: Arity,
    pub args: Args,
    pub ret: Ret,
    pub null: Null,
    /// Collapses a list of looked-up values into one value (`sum`, `count`, `join`, ...).
    /// Its first argument must come from a lookup.
    pub aggregate: bool,
    /// Baserow replaces empty text/number/duration arguments with `''`/`0`/`0 hours`
    /// before calling most functions (`try_coerce_nullable_args_to_not_null`); the
    /// functions that handle empties themselves say `false`.
    pub coerce_nulls: bool,
}

impl FunctionDef {
    const fn new(name: &'static str, arity: Arity, args: Args, ret: Ret) -> Self {
        Self {
            name,
            arity,
            args,
            ret,
            null: Null::FromArgs,
            aggregate: false,
            coerce_nulls: true,
        }
    }

    const fn null(self, null: Null) -> Self {
        Self { null, ..self }
    }

    const fn aggregate(self) -> Self {
        Self {
            aggregate: true,
            ..self
        }
    }

    const fn keep_nulls(self) -> Self {
        Self {
            coerce_nulls: false,
            ..self
        }
    }
}

/// Looks a function up by name, ignoring case as Baserow does.
pub fn get(name: &str) -> Option<&'static FunctionDef> {
    let name = name.to_lowercase();
    FUNCTIONS.iter().find(|f| f.name == name)
}

use Arity::{AtLeast, Between, Exactly};
use Kind as K;

const TEXT: &[Kind] = &[K::Text];
const NUMBER: &[Kind] = &[K::Number];
const BOOLEAN: &[Kind] = &[K::Boolean];
const DATE: &[Kind] = &[K::Date];
const DURATION: &[Kind] = &[K::Duration];
const ANY: &[Kind] = &[K::Any];
const NUMBER_OR_DURATION: &[Kind] = &[K::Number, K::Duration];
const ORDERABLE: &[Kind] = &[K::Text, K::Number, K::Date, K::Duration];

const fn one(name: &'static str, arg: &'static [&'static [Kind]], ret: Ret) -> FunctionDef {
    FunctionDef::new(name, Exactly(arg.len()), Args::Each(arg), ret)
}

const fn zero(name: &'static str, ret: Ret) -> FunctionDef {
    FunctionDef::new(name, Exactly(0), Args::Each(&[]), ret)
}

const fn operator(name: &'static str, ret: Ret) -> FunctionDef {
    FunctionDef::new(name, Exactly(2), Args::Special, ret)
}

/// Every function Tessera knows. Baserow's internal helpers (`error_to_nan`,
/// `array_agg`, `bc_to_null`, ...) and the file functions are not here yet.
pub static FUNCTIONS: &[FunctionDef] = &[
    // Text.
    one("upper", &[TEXT], Ret::Text),
    one("lower", &[TEXT], Ret::Text),
    FunctionDef::new("concat", AtLeast(2), Args::All(ANY), Ret::Text)
        .keep_nulls()
        .null(Null::Never),
    one("totext", &[ANY], Ret::Text)
        .keep_nulls()
        .null(Null::Never),
    one("tovarchar", &[TEXT], Ret::Char).keep_nulls(),
    one("t", &[ANY], Ret::Special),
    one("replace", &[TEXT, TEXT, TEXT], Ret::Text).null(Null::Never),
    one("search", &[TEXT, TEXT], Ret::Number(0)).null(Null::Never),
    one("length", &[TEXT], Ret::Number(0)).null(Null::Never),
    one("reverse", &[TEXT], Ret::SameAs(0)),
    one("contains", &[TEXT, TEXT], Ret::Boolean).null(Null::Never),
    one("left", &[TEXT, NUMBER], Ret::SameAs(0)).null(Null::Always),
    one("right", &[TEXT, NUMBER], Ret::SameAs(0)).null(Null::Always),
    one("trim", &[TEXT], Ret::SameAs(0)),
    one("regex_replace", &[TEXT, TEXT, TEXT], Ret::SameAs(0)),
    one("split_part", &[TEXT, TEXT, NUMBER], Ret::Text),
    one("encode_uri", &[TEXT], Ret::Text),
    one("encode_uri_component", &[TEXT], Ret::Text),
    one("tourl", &[TEXT], Ret::Url)
        .keep_nulls()
        .null(Null::Never),
    // Numbers and arithmetic.
    operator("add", Ret::Special),
    operator("minus", Ret::Special),
    operator("multiply", Ret::Special),
    operator("divide", Ret::Special),
    one("tonumber", &[TEXT], Ret::Number(10)).null(Null::Always),
    one("greatest", &[NUMBER, NUMBER], Ret::WidestNumber).keep_nulls(),
    one("least", &[NUMBER, NUMBER], Ret::WidestNumber).keep_nulls(),
    one("mod", &[NUMBER, NUMBER], Ret::WidestNumber),
    one("round", &[NUMBER, NUMBER], Ret::Special),
    one("int", &[NUMBER], Ret::Number(0)),
    one("trunc", &[NUMBER], Ret::Number(0)),
    one("even", &[NUMBER], Ret::Boolean).null(Null::Never),
    one("odd", &[NUMBER], Ret::Boolean).null(Null::Never),
    one("ln", &[NUMBER], Ret::SameAs(0)),
    one("exp", &[NUMBER], Ret::SameAs(0)),
    one("log", &[NUMBER, NUMBER], Ret::WidestNumber),
    one("sqrt", &[NUMBER], Ret::SameAs(0)),
    one("power", &[NUMBER, NUMBER], Ret::WidestNumber),
    one("abs", &[NUMBER], Ret::SameAs(0)),
    one("ceil", &[NUMBER], Ret::Number(0)),
    one("floor", &[NUMBER], Ret::Number(0)),
    one("sign", &[NUMBER], Ret::Number(0)),
    one("is_nan", &[NUMBER], Ret::Boolean),
    one("when_nan", &[NUMBER, NUMBER], Ret::WidestNumber),
    // Logic and comparison.
    one("if", &[BOOLEAN, ANY, ANY], Ret::Special).keep_nulls(),
    operator("equal", Ret::Boolean)
        .keep_nulls()
        .null(Null::Never),
    operator("not_equal", Ret::Boolean)
        .keep_nulls()
        .null(Null::Never),
    operator("greater_than", Ret::Boolean).null(Null::Never),
    operator("greater_than_or_equal", Ret::Boolean).null(Null::Never),
    operator("less_than", Ret::Boolean).null(Null::Never),
    operator("less_than_or_equal", Ret::Boolean).null(Null::Never),
    one("and", &[BOOLEAN, BOOLEAN], Ret::Boolean).null(Null::Never),
    one("or", &[BOOLEAN, BOOLEAN], Ret::Boolean).null(Null::Never),
    one("not", &[BOOLEAN], Ret::Boolean).null(Null::Never),
    one("isblank", &[ANY], Ret::Boolean).null(Null::Never),
    one("is_null", &[ANY], Ret::Boolean)
        .keep_nulls()
        .null(Null::Never),
    one("when_empty", &[ANY, ANY], Ret::Special).keep_nulls(),
    // Dates and durations.
    one("datetime_format", &[DATE, TEXT], Ret::Text),
    one("datetime_format_tz", &[DATE, TEXT, TEXT], Ret::Text).null(Null::Always),
    one("day", &[DATE], Ret::Number(0)),
    one("month", &[DATE], Ret::Number(0)),
    one("year", &[DATE], Ret::Number(0)),
    one("second", &[DATE], Ret::Special),
    one(
        "todate",
        &[TEXT, TEXT],
        Ret::Date {
            include_time: false,
        },
    )
    .null(Null::Always),
    one(
        "todate_tz",
        &[TEXT, TEXT, TEXT],
        Ret::Date { include_time: true },
    )
    .null(Null::Always),
    one("date_diff", &[TEXT, DATE, DATE], Ret::Number(0)),
    zero("now", Ret::Date { include_time: true }).null(Null::Never),
    zero(
        "today",
        Ret::Date {
            include_time: false,
        },
    )
    .null(Null::Never),
    one("date_interval", &[TEXT], Ret::Duration).null(Null::Always),
    one("toduration", &[NUMBER], Ret::Duration).null(Null::Always),
    one("toseconds", &[DURATION], Ret::Number(0)),
    // Rows.
    zero("row_id", Ret::Number(0)).null(Null::Never),
    // Aggregates over the rows a link field points at.
    one("sum", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .null(Null::Never),
    one("avg", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("min", &[ORDERABLE], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("max", &[ORDERABLE], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("count", &[ANY], Ret::Number(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Never),
    one("stddev_pop", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("stddev_sample", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("variance_pop", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("variance_sample", &[NUMBER_OR_DURATION], Ret::SameAs(0))
        .aggregate()
        .keep_nulls()
        .null(Null::Always),
    one("any", &[BOOLEAN], Ret::Boolean).aggregate(),
    one("every", &[BOOLEAN], Ret::Boolean).aggregate(),
    one("join", &[TEXT, TEXT], Ret::Text)
        .aggregate()
        .null(Null::Always),
    // Not an aggregate itself: keeps the list, minus the rows whose condition is false.
    one("filter", &[ANY, BOOLEAN], Ret::Special),
    // Select options.
    one("get_single_select_value", &[&[K::SingleSelect]], Ret::Text),
    one(
        "has_option",
        &[&[K::MultipleSelect, K::SingleSelect], TEXT],
        Ret::Boolean,
    )
    .null(Null::Never),
    one(
        "multiple_select_count",
        &[&[K::MultipleSelect]],
        Ret::Number(0),
    )
    .null(Null::Never),
    // Links and buttons.
    FunctionDef::new("link", Between(1, 2), Args::All(TEXT), Ret::Link).keep_nulls(),
    one("button", &[TEXT, TEXT], Ret::Button),
    one("get_link_url", &[&[K::Link]], Ret::Text),
    one("get_link_label", &[&[K::Link]], Ret::Text),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(get("UpPeR").map(|f| f.name), Some("upper"));
        assert!(get("nope").is_none());
    }

    #[test]
    fn names_are_unique_and_lower_case() {
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert!(names.iter().all(|n| n.to_lowercase() == *n));
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len);
    }

    #[test]
    fn per_position_argument_lists_match_the_arity() {
        for f in FUNCTIONS {
            if let Args::Each(each) = f.args {
                assert_eq!(f.arity, Arity::Exactly(each.len()), "{}", f.name);
            }
        }
    }

    #[test]
    fn baserow_arities() {
        let arity = |n: &str| get(n).map(|f| f.arity);
        assert_eq!(arity("concat"), Some(AtLeast(2)));
        assert_eq!(arity("if"), Some(Exactly(3)));
        assert_eq!(arity("now"), Some(Exactly(0)));
        assert_eq!(arity("link"), Some(Between(1, 2)));
        assert_eq!(arity("date_diff"), Some(Exactly(3)));
        assert_eq!(arity("join"), Some(Exactly(2)));
        assert!(get("sum").is_some_and(|f| f.aggregate));
        assert!(get("filter").is_some_and(|f| !f.aggregate));
    }

    #[test]
    fn arity_descriptions() {
        assert_eq!(Exactly(1).describe(), "exactly 1 argument");
        assert_eq!(AtLeast(2).describe(), "at least 2 arguments");
        assert_eq!(Between(1, 2).describe(), "between 1 and 2 arguments");
        assert!(Between(1, 2).accepts(2) && !Between(1, 2).accepts(3));
    }
}
