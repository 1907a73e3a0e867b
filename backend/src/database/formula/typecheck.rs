//! The type checker: gives every node of a parsed formula a [`FormulaType`], following
//! Baserow's typing rules (`types/formula_types.py`, `ast/function_defs.py`).
//!
//! Type errors are not Rust errors: like Baserow, a formula that does not type checks
//! gets the `invalid` type with an `error` for the user, so a broken reference (a
//! deleted field) shows up on the field instead of failing the request.

use super::{
    FormulaError,
    ast::{BinOp, Expr, Number},
    functions::{self, Args, FunctionDef, Kind, Null, Ret},
    parser,
    types::{FieldLookup, FormulaType, LookupError, NUMBER_MAX_DECIMAL_PLACES, RefField, TypeKind},
};
use std::mem::discriminant;

/// A node of the formula with its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub node: Node,
    pub ty: FormulaType,
    /// Stands for one value per linked row (a lookup, or something computed from one)
    /// rather than one value for the row.
    pub many: bool,
    /// Comes from `filter(...)`, which must go straight into an aggregate.
    pub filtered: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Number(Number),
    Boolean(bool),
    Field(RefField),
    /// A registered function (operators appear under their function names).
    Call {
        name: &'static str,
        args: Vec<Typed>,
    },
    Neg(Box<Typed>),
    /// The value, or the type's empty value when it is NULL (`''`, `0`, `0 seconds`):
    /// Baserow's coercion of empty arguments.
    OrEmpty(Box<Typed>),
}

/// A checked formula: its typed tree and the type of the formula field as a whole
/// (an `array` when the tree stands for many values).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub expr: Typed,
    pub formula_type: FormulaType,
}

/// Parses and type checks `formula`. Syntax errors are `Err`; type errors are an
/// `invalid` [`Checked::formula_type`].
pub fn check_formula(formula: &str, fields: &dyn FieldLookup) -> Result<Checked, FormulaError> {
    Ok(check(&parser::parse(formula)?, fields))
}

pub fn check(expr: &Expr, fields: &dyn FieldLookup) -> Checked {
    let expr = Checker { fields }.expr(expr);
    let formula_type = if expr.many && expr.ty.is_valid() {
        FormulaType::new(TypeKind::Array(Box::new(expr.ty.clone())))
    } else {
        expr.ty.clone()
    };
    Checked { expr, formula_type }
}

/// Whether two types are the same type in Baserow's sense (its `type(a) is type(b)`):
/// numbers with different decimal places are, text and char are not.
pub fn same_type(a: &FormulaType, b: &FormulaType) -> bool {
    discriminant(&a.kind) == discriminant(&b.kind)
}

fn invalid(error: impl Into<String>) -> Typed {
    leaf(Node::Boolean(false), FormulaType::invalid(error))
}

fn leaf(node: Node, ty: FormulaType) -> Typed {
    Typed {
        node,
        ty,
        many: false,
        filtered: false,
    }
}

fn widest_number(args: &[Typed]) -> FormulaType {
    let places = args.iter().filter_map(|a| a.ty.decimal_places()).max();
    FormulaType::number(places.unwrap_or(0))
}

fn kinds_text(kinds: &[Kind]) -> String {
    let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
    names.join(" or ")
}

struct Checker<'a> {
    fields: &'a dyn FieldLookup,
}

impl Checker<'_> {
    fn expr(&self, expr: &Expr) -> Typed {
        match expr {
            Expr::Text(s) => leaf(Node::Text(s.clone()), FormulaType::text()),
            Expr::Number(n) => leaf(
                Node::Number(n.clone()),
                FormulaType::number(n.decimal_places),
            ),
            Expr::Boolean(b) => leaf(Node::Boolean(*b), FormulaType::boolean()),
            Expr::Field(name) => match self.fields.field(name) {
                Some(field) => reference(field),
                None => invalid(format!("field '{name}' does not exist")),
            },
            Expr::Lookup { link, target } => match self.fields.lookup(link, target) {
                Ok(field) => reference(field),
                Err(LookupError::NoSuchField) => invalid(format!("field '{link}' does not exist")),
                Err(LookupError::NotALink) => invalid(format!(
                    "the first argument of lookup must be a link field, and '{link}' is not one"
                )),
                Err(LookupError::NoSuchTarget) => invalid(format!(
                    "field '{target}' does not exist in the table '{link}' links to"
                )),
            },
            Expr::Neg(inner) => self.neg(self.expr(inner)),
            Expr::Binary { op, left, right } => {
                let args = vec![self.expr(left), self.expr(right)];
                self.call_named(op.function_name(), &operator_label(*op), args)
            }
            Expr::Call { name, args } => {
                let args = args.iter().map(|a| self.expr(a)).collect();
                self.call_named(name, &format!("function {name}"), args)
            }
        }
    }

    fn neg(&self, inner: Typed) -> Typed {
        if !inner.ty.is_valid() {
            return inner;
        }
        if !inner.ty.is(Kind::Number) && !inner.ty.is(Kind::Duration) {
            return invalid(format!(
                "a minus sign can only go before a number or a duration, not a value of type {}",
                inner.ty.name()
            ));
        }
        Typed {
            ty: inner.ty.clone(),
            many: inner.many,
            filtered: false,
            node: Node::Neg(Box::new(inner)),
        }
    }

    fn call_named(&self, name: &str, label: &str, args: Vec<Typed>) -> Typed {
        match functions::get(name) {
            Some(def) => self.call(def, label, args),
            // The parser only builds calls to registered functions.
            None => invalid(format!("Unknown function {name}")),
        }
    }

    fn call(&self, def: &'static FunctionDef, label: &str, args: Vec<Typed>) -> Typed {
        let errors: Vec<&str> = args.iter().filter_map(|a| a.ty.error()).collect();
        if !errors.is_empty() {
            return invalid(errors.join(", "));
        }
        let filtered: Vec<String> = (args.iter().enumerate())
            .filter(|(_, a)| a.filtered)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !filtered.is_empty() && !def.aggregate {
            let inputs = if filtered.len() == 1 {
                "input number"
            } else {
                "inputs numbered"
            };
            return invalid(format!(
                "{inputs} {} to {label} must be directly wrapped by an aggregate function \
                 like sum, avg, count etc",
                filtered.join(",")
            ));
        }
        let args: Vec<Typed> = if def.coerce_nulls {
            args.into_iter().map(or_empty).collect()
        } else {
            args
        };
        if let Err(error) = check_args(def, label, &args) {
            return invalid(error);
        }
        if def.args == Args::Special {
            return self.special(def, label, args);
        }
        let ty = match def.ret {
            Ret::Special => return self.special(def, label, args),
            Ret::Text => FormulaType::text(),
            Ret::Char => FormulaType::new(TypeKind::Char),
            Ret::Url => FormulaType::new(TypeKind::Url),
            Ret::Boolean => FormulaType::boolean(),
            Ret::Number(places) => FormulaType::number(places),
            Ret::WidestNumber => widest_number(&args),
            Ret::SameAs(i) => args[i].ty.clone(),
            Ret::Date { include_time } => FormulaType::date(include_time),
            Ret::Duration => FormulaType::duration(),
            Ret::Link => FormulaType::new(TypeKind::Link),
            Ret::Button => FormulaType::new(TypeKind::Button),
        };
        let nullable = match def.null {
            Null::Never => false,
            Null::Always => true,
            Null::FromArgs => args.iter().any(|a| a.ty.nullable),
        };
        call_node(def, args, ty.nullable(nullable))
    }

    /// The functions whose result type depends on their arguments.
    fn special(&self, def: &'static FunctionDef, label: &str, mut args: Vec<Typed>) -> Typed {
        let either_null = args.iter().any(|a| a.ty.nullable);
        match def.name {
            "add" | "minus" | "multiply" | "divide" => self.arithmetic(def, label, args),
            "equal" | "not_equal" => compare(def, label, args, comparable),
            "greater_than" | "greater_than_or_equal" | "less_than" | "less_than_or_equal" => {
                compare(def, label, args, orderable)
            }
            "if" => {
                let (a, b) = (&args[1].ty, &args[2].ty);
                let nullable = a.nullable || b.nullable;
                // Different types become text, as PostgreSQL needs one type per CASE.
                let ty = if !same_type(a, b) {
                    FormulaType::text()
                } else if a.is(Kind::Number) {
                    widest_number(&args[1..])
                } else {
                    a.clone()
                };
                call_node(def, args, ty.nullable(nullable))
            }
            "when_empty" => {
                let (a, b) = (&args[0].ty, &args[1].ty);
                // Char fits where text is asked for, as a subclass does in Baserow.
                let fits = same_type(a, b) || (b.kind == TypeKind::Text && a.is(Kind::Text));
                if !fits {
                    return invalid("both inputs for when_empty must be the same type");
                }
                let ty = a.clone().nullable(b.nullable);
                call_node(def, args, ty)
            }
            "round" => {
                // Baserow guesses the decimal places from a literal second argument.
                let places = match &args[1].node {
                    Node::Number(n) => n
                        .text
                        .split('.')
                        .next()
                        .and_then(|i| i.parse::<i64>().ok())
                        .unwrap_or(0)
                        .clamp(0, i64::from(NUMBER_MAX_DECIMAL_PLACES))
                        as u32,
                    _ => NUMBER_MAX_DECIMAL_PLACES,
                };
                call_node(def, args, FormulaType::number(places).nullable(either_null))
            }
            "t" if args[0].ty.is(Kind::Text) => args.remove(0),
            "t" => call_node(def, args, FormulaType::text().nullable(either_null)),
            "second" => {
                if args[0].ty.kind
                    == (TypeKind::Date {
                        include_time: false,
                    })
                {
                    return invalid("cannot extract seconds from a date without time");
                }
                call_node(def, args, FormulaType::number(0).nullable(either_null))
            }
            "filter" => {
                if !args[0].many {
                    return invalid(
                        "first input to filter must be an expression of many values (a lookup \
                         function call or a field reference to a lookup/link field)",
                    );
                }
                let ty = args[0].ty.clone();
                Typed {
                    node: Node::Call {
                        name: def.name,
                        args,
                    },
                    ty,
                    many: true,
                    filtered: true,
                }
            }
            _ => invalid(format!("{label} cannot be typed")),
        }
    }

    fn arithmetic(&self, def: &'static FunctionDef, label: &str, args: Vec<Typed>) -> Typed {
        use TypeKind as T;
        let (a, b) = (&args[0].ty, &args[1].ty);
        let nullable = a.nullable || b.nullable;
        let text_like = a.is(Kind::Text);
        let allowed: &[Kind] = match (def.name, &a.kind) {
            ("add", _) if text_like => &[Kind::Text, Kind::Link],
            ("add", T::Number { .. }) => &[Kind::Number],
            ("add", T::Date { .. }) => &[Kind::Duration],
            ("add", T::Duration) => &[Kind::Duration, Kind::Date],
            ("minus", T::Number { .. }) => &[Kind::Number],
            ("minus", T::Date { .. }) => &[Kind::Date, Kind::Duration],
            ("minus", T::Duration) => &[Kind::Duration],
            ("multiply", T::Number { .. }) => &[Kind::Number, Kind::Duration],
            ("multiply" | "divide", T::Duration) => &[Kind::Number],
            ("divide", T::Number { .. }) => &[Kind::Number],
            _ => &[],
        };
        if allowed.is_empty() {
            return invalid(format!(
                "{label} cannot be used on a value of type {}",
                a.name()
            ));
        }
        if !allowed.iter().any(|k| b.is(*k)) {
            return invalid(wrong_type(2, label, b, allowed));
        }
        if text_like {
            // Adding text concatenates, as in Baserow.
            return self.call_named("concat", label, args);
        }
        let ty = match (def.name, &a.kind, &b.kind) {
            ("divide", T::Number { .. }, _) => FormulaType::number(NUMBER_MAX_DECIMAL_PLACES),
            (_, T::Number { .. }, T::Number { .. }) => widest_number(&args),
            (_, T::Duration, T::Date { .. }) => b.clone(),
            ("minus", T::Date { .. }, T::Date { .. }) => FormulaType::duration(),
            (_, T::Date { .. }, _) => a.clone(),
            _ => FormulaType::duration(),
        };
        call_node(def, args, ty.nullable(nullable))
    }
}

fn reference(field: RefField) -> Typed {
    Typed {
        ty: field.formula_type.clone(),
        many: field.many.is_some(),
        filtered: false,
        node: Node::Field(field),
    }
}

fn call_node(def: &'static FunctionDef, args: Vec<Typed>, ty: FormulaType) -> Typed {
    let many = !def.aggregate && args.iter().any(|a| a.many);
    Typed {
        node: Node::Call {
            name: def.name,
            args,
        },
        ty,
        many,
        filtered: false,
    }
}

fn operator_label(op: BinOp) -> String {
    format!("operator {}", op.symbol())
}

/// Wraps an empty-able text, number or duration argument so it counts as its empty
/// value, which is what Baserow does before most functions see their arguments.
fn or_empty(arg: Typed) -> Typed {
    let coercible = [Kind::Text, Kind::Number, Kind::Duration];
    if !arg.ty.nullable || !coercible.iter().any(|k| arg.ty.is(*k)) {
        return arg;
    }
    Typed {
        ty: arg.ty.clone().nullable(false),
        many: arg.many,
        filtered: arg.filtered,
        node: Node::OrEmpty(Box::new(arg)),
    }
}

fn wrong_type(position: usize, label: &str, ty: &FormulaType, allowed: &[Kind]) -> String {
    let usable = if allowed.len() == 1 {
        "the only usable type for this argument is"
    } else {
        "the only usable types for this argument are"
    };
    format!(
        "argument number {position} given to {label} was of type {} but {usable} {}",
        ty.name(),
        kinds_text(allowed)
    )
}

fn check_args(def: &FunctionDef, label: &str, args: &[Typed]) -> Result<(), String> {
    for (i, arg) in args.iter().enumerate() {
        let kinds = match def.args {
            Args::Each(each) => each[i],
            Args::All(all) => all,
            Args::Special => continue,
        };
        let fits = kinds.iter().any(|k| arg.ty.is(*k));
        // An aggregate's first argument must be a list from a lookup, except that
        // count also counts the options of a multiple select.
        let must_be_many = def.aggregate && i == 0;
        let counts_options = def.name == "count" && arg.ty.is(Kind::MultipleSelect);
        // has_option takes a multiple select, or single selects looked up.
        let lone_single = def.name == "has_option" && arg.ty.is(Kind::SingleSelect) && !arg.many;
        if must_be_many && !counts_options && !(fits && arg.many) {
            let what = match kinds {
                [Kind::Any] => String::new(),
                _ => format!("{} ", kinds_text(kinds)),
            };
            return Err(format!(
                "argument number {} given to {label} was of type {} but the only usable type \
                 for this argument is a list of {what}values obtained from a lookup",
                i + 1,
                arg.ty.name()
            ));
        }
        if lone_single {
            // Not "usable types are multiple_select or single_select", which would
            // contradict itself.
            return Err(format!(
                "{}, or single selects obtained from a lookup",
                wrong_type(i + 1, label, &arg.ty, &[Kind::MultipleSelect])
            ));
        }
        if !fits {
            return Err(wrong_type(i + 1, label, &arg.ty, kinds));
        }
    }
    Ok(())
}

/// What `=` and `!=` accept on the right given the left (Baserow's `comparable_types`).
fn comparable(a: &FormulaType) -> &'static [Kind] {
    use TypeKind as T;
    match a.kind {
        T::Text | T::Char | T::Url => &[
            Kind::Text,
            Kind::Date,
            Kind::Number,
            Kind::Boolean,
            Kind::Link,
        ],
        T::Number { .. } => &[Kind::Number, Kind::Text],
        T::Boolean => &[Kind::Boolean, Kind::Text],
        T::Date { .. } => &[Kind::Date, Kind::Text],
        T::Duration => &[Kind::Duration],
        T::SingleSelect => &[Kind::SingleSelect, Kind::Text],
        T::MultipleSelect => &[Kind::MultipleSelect],
        T::Link | T::Button => &[Kind::Link],
        T::Array(_) | T::Invalid { .. } => &[],
    }
}

/// What `>`, `<`, `>=` and `<=` accept (Baserow's `limit_comparable_types`): text must
/// be compared with text, so a lexicographic comparison is always asked for.
fn orderable(a: &FormulaType) -> &'static [Kind] {
    use TypeKind as T;
    match a.kind {
        T::Text | T::Char | T::Url => &[Kind::Text],
        T::Number { .. } => &[Kind::Number],
        T::Date { .. } => &[Kind::Date],
        T::Duration => &[Kind::Duration],
        _ => &[],
    }
}

fn compare(
    def: &'static FunctionDef,
    label: &str,
    args: Vec<Typed>,
    accepted: fn(&FormulaType) -> &'static [Kind],
) -> Typed {
    let allowed = accepted(&args[0].ty);
    if allowed.is_empty() {
        return invalid(format!(
            "{label} cannot compare values of type {}",
            args[0].ty.name()
        ));
    }
    if !allowed.iter().any(|k| args[1].ty.is(*k)) {
        return invalid(wrong_type(2, label, &args[1].ty, allowed));
    }
    call_node(def, args, FormulaType::boolean())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::database::formula::types::Many;
    use std::collections::HashMap;

    /// A table with a few fields and a link field `Orders` to a table with `Amount`,
    /// `Name` and `Paid`.
    pub(crate) struct Table(pub HashMap<&'static str, FormulaType>);

    pub(crate) fn table() -> Table {
        Table(HashMap::from([
            ("Name", FormulaType::text().nullable(true)),
            ("Price", FormulaType::number(2).nullable(true)),
            ("Qty", FormulaType::number(0)),
            ("Done", FormulaType::boolean()),
            ("Due", FormulaType::date(false).nullable(true)),
            ("At", FormulaType::date(true)),
            ("Took", FormulaType::duration().nullable(true)),
            ("Status", FormulaType::new(TypeKind::SingleSelect)),
            ("Tags", FormulaType::new(TypeKind::MultipleSelect)),
        ]))
    }

    impl FieldLookup for Table {
        fn field(&self, name: &str) -> Option<RefField> {
            let (i, (name, ty)) = self.0.iter().enumerate().find(|(_, (n, _))| **n == name)?;
            Some(RefField {
                id: i as i64 + 1,
                formula_type: ty.clone(),
                column_sql: format!("t.\"field_{}\"", name.to_lowercase()),
                many: None,
            })
        }

        fn lookup(&self, link: &str, target: &str) -> Result<RefField, LookupError> {
            match link {
                "Orders" => {}
                "Name" => return Err(LookupError::NotALink),
                _ => return Err(LookupError::NoSuchField),
            }
            let ty = match target {
                "Amount" => FormulaType::number(1).nullable(true),
                "Label" => FormulaType::text(),
                "Paid" => FormulaType::boolean(),
                _ => return Err(LookupError::NoSuchTarget),
            };
            Ok(RefField {
                id: 100,
                formula_type: ty,
                column_sql: format!("l.\"field_{}\"", target.to_lowercase()),
                many: Some(Many {
                    from_sql: "FROM rel r JOIN other l ON l.id = r.b WHERE r.a = t.id".into(),
                    id_sql: "l.id".into(),
                }),
            })
        }
    }

    fn ty(formula: &str) -> FormulaType {
        check_formula(formula, &table()).unwrap().formula_type
    }

    fn error(formula: &str) -> String {
        ty(formula).error().unwrap_or("no error").to_string()
    }

    #[test]
    fn literals() {
        assert_eq!(ty("'a'"), FormulaType::text());
        assert_eq!(ty("1.50"), FormulaType::number(2));
        assert_eq!(ty("-3"), FormulaType::number(0));
        assert_eq!(ty("true"), FormulaType::boolean());
    }

    #[test]
    fn references() {
        assert_eq!(ty("field('Price')"), FormulaType::number(2).nullable(true));
        assert_eq!(error("field('Nope')"), "field 'Nope' does not exist");
        assert_eq!(error("upper(field('Nope'))"), "field 'Nope' does not exist");
        assert_eq!(error("lookup('X', 'Amount')"), "field 'X' does not exist");
        assert!(error("lookup('Name', 'Amount')").contains("'Name' is not one"));
        assert_eq!(
            error("lookup('Orders', 'Nope')"),
            "field 'Nope' does not exist in the table 'Orders' links to"
        );
        let array = ty("lookup('Orders', 'Amount')");
        assert_eq!(array.name(), "array");
        assert_eq!(array.to_json()["array_formula_type"], "number");
        assert_eq!(ty("upper(lookup('Orders', 'Label'))").name(), "array");
    }

    #[test]
    fn arithmetic() {
        assert_eq!(ty("field('Price') * field('Qty')"), FormulaType::number(2));
        assert_eq!(ty("1 / 3"), FormulaType::number(10));
        assert_eq!(ty("field('Qty') - 1.5"), FormulaType::number(1));
        assert_eq!(ty("-field('Took')"), FormulaType::duration().nullable(true));
        assert_eq!(
            ty("field('Due') - field('At')"),
            FormulaType::duration().nullable(true)
        );
        assert_eq!(ty("field('At') + field('Took')"), FormulaType::date(true));
        assert_eq!(ty("field('Took') * 2"), FormulaType::duration());
        assert_eq!(
            ty("field('Took') + field('Due')"),
            FormulaType::date(false).nullable(true)
        );
        let concat = check_formula("'a' + field('Name')", &table()).unwrap();
        assert_eq!(concat.formula_type, FormulaType::text());
        assert!(matches!(
            concat.expr.node,
            Node::Call { name: "concat", .. }
        ));
        assert_eq!(
            error("true + 1"),
            "operator + cannot be used on a value of type boolean"
        );
        assert_eq!(
            error("1 + 'a'"),
            "argument number 2 given to operator + was of type text but the only usable type for this argument is number"
        );
        assert!(error("-'a'").contains("minus sign can only go before a number"));
    }

    #[test]
    fn function_arguments() {
        assert_eq!(
            error("upper(field('Qty'))"),
            "argument number 1 given to function upper was of type number but the only usable type for this argument is text"
        );
        assert_eq!(ty("upper(field('Name'))"), FormulaType::text());
        assert_eq!(ty("left('abc', 2)"), FormulaType::text().nullable(true));
        assert_eq!(ty("round(field('Price'), 1)"), FormulaType::number(1));
        assert_eq!(ty("round(1.234, field('Qty'))"), FormulaType::number(10));
        assert_eq!(ty("tonumber('1')"), FormulaType::number(10).nullable(true));
        assert_eq!(ty("concat('a', 1, true)"), FormulaType::text());
        assert_eq!(ty("t(1)"), FormulaType::text());
        assert_eq!(ty("totext(field('Due'))"), FormulaType::text());
        assert_eq!(
            ty("year(field('Due'))"),
            FormulaType::number(0).nullable(true)
        );
        assert_eq!(ty("now()"), FormulaType::date(true));
        assert_eq!(ty("today()"), FormulaType::date(false));
        assert_eq!(
            ty("date_diff('dd', field('Due'), now())"),
            FormulaType::number(0).nullable(true)
        );
        assert_eq!(
            error("second(today())"),
            "cannot extract seconds from a date without time"
        );
        assert_eq!(
            ty("get_single_select_value(field('Status'))"),
            FormulaType::text()
        );
        assert_eq!(ty("has_option(field('Tags'), 'a')"), FormulaType::boolean());
        assert_eq!(ty("row_id()"), FormulaType::number(0));
        assert_eq!(ty("link('https://x')").name(), "link");
        assert_eq!(ty("button('https://x', 'Go')").name(), "button");
    }

    #[test]
    fn logic_and_comparison() {
        assert_eq!(ty("if(field('Done'), 1, 2.50)"), FormulaType::number(2));
        assert_eq!(ty("if(field('Done'), 1, 'a')"), FormulaType::text());
        assert_eq!(ty("field('Qty') = '3'"), FormulaType::boolean());
        assert_eq!(ty("field('Name') > 'b'"), FormulaType::boolean());
        assert_eq!(
            error("field('Name') > 1"),
            "argument number 2 given to operator > was of type number but the only usable type for this argument is text"
        );
        assert_eq!(
            error("true > false"),
            "operator > cannot compare values of type boolean"
        );
        // Baserow's precedence makes this `Qty > (1 && Done)`.
        assert!(
            error("field('Qty') > 1 && field('Done')")
                .starts_with("argument number 1 given to operator &&")
        );
        assert_eq!(
            ty("(field('Qty') > 1) && field('Done')"),
            FormulaType::boolean()
        );
        assert_eq!(ty("when_empty(field('Price'), 0)"), FormulaType::number(2));
        assert_eq!(
            error("when_empty(1, 'a')"),
            "both inputs for when_empty must be the same type"
        );
        assert_eq!(ty("isblank(field('Name'))"), FormulaType::boolean());
    }

    #[test]
    fn aggregates() {
        assert_eq!(
            ty("sum(lookup('Orders', 'Amount'))"),
            FormulaType::number(1)
        );
        assert_eq!(
            ty("count(lookup('Orders', 'Label'))"),
            FormulaType::number(0)
        );
        assert_eq!(ty("join(lookup('Orders', 'Label'), ', ')").name(), "text");
        assert_eq!(
            ty("sum(filter(lookup('Orders', 'Amount'), lookup('Orders', 'Paid')))"),
            FormulaType::number(1)
        );
        assert_eq!(
            error("sum(field('Qty'))"),
            "argument number 1 given to function sum was of type number but the only usable type for this argument is a list of number or duration values obtained from a lookup"
        );
        assert_eq!(
            error("upper(filter(lookup('Orders', 'Label'), true))"),
            "input number 1 to function upper must be directly wrapped by an aggregate function like sum, avg, count etc"
        );
        assert!(error("filter(field('Qty'), true)").starts_with("first input to filter"));
    }

    #[test]
    fn empty_arguments_are_coerced() {
        let checked = check_formula("field('Price') + 1", &table()).unwrap();
        assert!(!checked.formula_type.nullable);
        let Node::Call { args, .. } = checked.expr.node else {
            panic!()
        };
        assert!(matches!(args[0].node, Node::OrEmpty(_)));
        assert!(matches!(args[1].node, Node::Number(_)));
    }

    /// A type as one short word: `number(2)`, `datetime?` (`?` when it can be empty),
    /// `array<text>`, or `invalid: <error>`.
    fn short(ty: &FormulaType) -> String {
        let base = match &ty.kind {
            TypeKind::Number { decimal_places } => format!("number({decimal_places})"),
            TypeKind::Date { include_time: true } => "datetime".to_string(),
            TypeKind::Array(inner) => format!("array<{}>", short(inner)),
            TypeKind::Invalid { error } => return format!("invalid: {error}"),
            _ => ty.name().to_string(),
        };
        if ty.nullable {
            format!("{base}?")
        } else {
            base
        }
    }

    /// One or more formulas of each family, with the type Baserow's rules give. Errors
    /// are compared in full: they are what the user reads.
    #[test]
    fn types_of_each_family() {
        let table: &[(&str, &str)] = &[
            // Text, and Baserow's kinds of text.
            ("concat(field('Name'), '!')", "text"),
            ("trim(field('Name'))", "text"),
            ("replace(field('Name'), 'a', 'b')", "text"),
            ("regex_replace('abc', 'b+', 'x')", "text"),
            ("split_part('a,b', ',', 2)", "text"),
            ("totext(field('Status'))", "text"),
            ("get_single_select_value(field('Status'))", "text"),
            ("datetime_format(field('At'), 'YYYY')", "text"),
            (
                "datetime_format_tz(field('At'), 'YYYY', 'Europe/Paris')",
                "text?",
            ),
            ("tovarchar('a')", "char"),
            ("reverse(tovarchar('a'))", "char"),
            ("tourl('https://x')", "url"),
            ("upper(tourl('https://x'))", "text"),
            ("get_link_url(link('https://x'))", "text"),
            // Numbers keep their decimal places.
            ("1.5 + 2.25", "number(2)"),
            ("field('Price') * 1.125", "number(3)"),
            ("field('Price') / 3", "number(10)"),
            ("abs(field('Price'))", "number(2)"),
            ("ceil(field('Price'))", "number(0)"),
            ("mod(field('Price'), 3)", "number(2)"),
            ("greatest(1, 2.5)", "number(1)"),
            ("power(2, 0.5)", "number(1)"),
            ("sqrt(field('Qty'))", "number(0)"),
            ("length('abc')", "number(0)"),
            ("toseconds(field('Took'))", "number(0)"),
            ("month(field('At'))", "number(0)"),
            ("multiple_select_count(field('Tags'))", "number(0)"),
            ("avg(lookup('Orders', 'Amount'))", "number(1)?"),
            ("-field('Price')", "number(2)?"),
            // Booleans.
            ("not(field('Done'))", "boolean"),
            ("contains(field('Name'), 'b')", "boolean"),
            ("even(field('Qty'))", "boolean"),
            ("is_null(field('Name'))", "boolean"),
            ("field('Name') != ''", "boolean"),
            ("field('Due') < today()", "boolean"),
            ("any(lookup('Orders', 'Paid'))", "boolean"),
            // Dates with and without a time.
            ("field('Due')", "date?"),
            ("todate('2020-01-31', 'YYYY-MM-DD')", "date?"),
            (
                "todate_tz('2020-01-31 10:00', 'YYYY-MM-DD HH24:MI', 'UTC')",
                "datetime?",
            ),
            ("field('At') - date_interval('1 hour')", "datetime"),
            ("if(field('Done'), field('Due'), today())", "date?"),
            ("when_empty(field('Due'), today())", "date"),
            // Durations.
            ("field('Took')", "duration?"),
            ("date_interval('1 day')", "duration?"),
            ("toduration(60)", "duration?"),
            ("field('At') - field('At')", "duration"),
            ("field('Took') / 2", "duration"),
            // Single selects stay single selects.
            ("field('Status')", "single_select"),
            (
                "if(field('Done'), field('Status'), field('Status'))",
                "single_select",
            ),
            // Arrays come from lookups, and functions of them stay arrays.
            ("lookup('Orders', 'Paid')", "array<boolean>"),
            ("lookup('Orders', 'Label')", "array<text>"),
            ("lookup('Orders', 'Amount') * 2", "array<number(1)>"),
            ("totext(lookup('Orders', 'Amount'))", "array<text>"),
            (
                "filter(lookup('Orders', 'Amount'), lookup('Orders', 'Paid'))",
                "array<number(1)>",
            ),
            // Invalid formulas say why.
            (
                "upper(field('Due'))",
                "invalid: argument number 1 given to function upper was of type date but the only usable type for this argument is text",
            ),
            (
                "if(1, 2, 3)",
                "invalid: argument number 1 given to function if was of type number but the only usable type for this argument is boolean",
            ),
            (
                "field('Took') + 'a'",
                "invalid: argument number 2 given to operator + was of type text but the only usable types for this argument are duration or date",
            ),
            (
                "sum(lookup('Orders', 'Label'))",
                "invalid: argument number 1 given to function sum was of type text but the only usable type for this argument is a list of number or duration values obtained from a lookup",
            ),
            (
                "field('Status') > 'a'",
                "invalid: operator > cannot compare values of type single_select",
            ),
            (
                "has_option(field('Status'), 'a')",
                "invalid: argument number 1 given to function has_option was of type single_select but the only usable type for this argument is multiple_select, or single selects obtained from a lookup",
            ),
            (
                "todate(1, 'YYYY')",
                "invalid: argument number 1 given to function todate was of type number but the only usable type for this argument is text",
            ),
            (
                "lookup('Orders', 'Label') + field('Nope')",
                "invalid: field 'Nope' does not exist",
            ),
        ];
        let mut wrong = Vec::new();
        for (formula, expected) in table {
            let got = short(&ty(formula));
            if got != *expected {
                wrong.push(format!(
                    "{formula}\n    expected {expected}\n    got      {got}"
                ));
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }

    #[test]
    fn syntax_errors_stay_errors() {
        assert!(check_formula("upper(", &table()).is_err());
    }
}
