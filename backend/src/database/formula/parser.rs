//! A recursive-descent parser for Baserow's formula grammar (BaserowFormula.g4).
//!
//! Precedence follows Baserow's grammar, where earlier alternatives bind tighter:
//! `* /`, then `+ -`, then `&& ||`, then `> < >= <=`, then `= !=` (loosest). So
//! `a > 1 && b` groups as `a > (1 && b)`, as in Baserow; use brackets to say otherwise.
//! All binary operators are left-associative. Beyond Baserow, `<>` means `!=` and a
//! unary minus may precede any expression (Baserow only allows it on number literals).

use super::{
    FormulaError, MAX_NESTING_DEPTH,
    ast::{BinOp, Expr, Number},
    functions,
    lexer::{Tok, Token, tokenize},
};

/// Parses a formula into its syntax tree, checking function names and argument counts.
pub fn parse(formula: &str) -> Result<Expr, FormulaError> {
    let tokens = tokenize(formula)?;
    let mut p = Parser {
        src: formula,
        tokens,
        pos: 0,
        open: 0,
    };
    let node = p.expr(0)?;
    match &p.peek().tok {
        Tok::Eof => Ok(node.expr),
        Tok::RParen => Err(p.error_here("there is a closing parenthesis without an opening one")),
        _ => Err(p.error_here(format!(
            "expected an operator or the end of the formula but found {}",
            p.describe_here()
        ))),
    }
}

/// An expression and the height of its tree, which is what [`MAX_NESTING_DEPTH`] bounds:
/// later passes recurse over the tree, so its height, not only the bracket depth, must
/// stay small.
struct Node {
    expr: Expr,
    depth: usize,
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// Brackets, calls and minus signs currently being parsed: checked on the way in
    /// so that `((((...` is refused before it can exhaust the stack.
    open: usize,
}

/// Operator levels from loosest to tightest; see the module comment.
const LEVELS: &[&[BinOp]] = &[
    &[BinOp::Eq, BinOp::NotEq],
    &[BinOp::Gt, BinOp::Lt, BinOp::Gte, BinOp::Lte],
    &[BinOp::And, BinOp::Or],
    &[BinOp::Add, BinOp::Sub],
    &[BinOp::Mul, BinOp::Div],
];

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and `pos` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, at: usize, what: impl std::fmt::Display) -> FormulaError {
        FormulaError::syntax(self.src, at, what)
    }

    fn error_here(&self, what: impl std::fmt::Display) -> FormulaError {
        self.error_at(self.peek().start, what)
    }

    fn describe_here(&self) -> String {
        let t = self.peek();
        match t.tok {
            Tok::Eof => "the end of the formula".to_string(),
            _ => format!("'{}'", &self.src[t.start..t.end]),
        }
    }

    fn check_depth(&self, depth: usize, at: usize) -> Result<(), FormulaError> {
        if depth > MAX_NESTING_DEPTH {
            return Err(self.error_at(
                at,
                format!(
                    "the formula nests too deeply (more than {MAX_NESTING_DEPTH} levels of \
                     brackets, functions and operators)"
                ),
            ));
        }
        Ok(())
    }

    /// Runs `f` one nesting level deeper, refusing to go past the limit.
    fn nested<T>(
        &mut self,
        at: usize,
        f: impl FnOnce(&mut Self) -> Result<T, FormulaError>,
    ) -> Result<T, FormulaError> {
        self.open += 1;
        let result = self.check_depth(self.open, at).and_then(|()| f(self));
        self.open -= 1;
        result
    }

    /// One precedence level: operands of the next tighter level joined by this
    /// level's operators, grouped to the left.
    fn expr(&mut self, level: usize) -> Result<Node, FormulaError> {
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.expr(level + 1)?;
        while let Tok::Op(op) = self.peek().tok {
            if !ops.contains(&op) {
                break;
            }
            let at = self.advance().start;
            let right = self.expr(level + 1)?;
            let depth = left.depth.max(right.depth) + 1;
            self.check_depth(depth, at)?;
            left = Node {
                expr: Expr::Binary {
                    op,
                    left: Box::new(left.expr),
                    right: Box::new(right.expr),
                },
                depth,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, FormulaError> {
        if self.peek().tok != Tok::Op(BinOp::Sub) {
            return self.primary();
        }
        let at = self.advance().start;
        let inner = self.nested(at, Self::unary)?;
        Ok(match inner.expr {
            // A minus directly on a literal is part of the literal, as in Baserow.
            Expr::Number(n) if !n.text.starts_with('-') => Node {
                expr: Expr::Number(Number {
                    text: format!("-{}", n.text),
                    ..n
                }),
                depth: inner.depth,
            },
            expr => {
                let depth = inner.depth + 1;
                self.check_depth(depth, at)?;
                Node {
                    expr: Expr::Neg(Box::new(expr)),
                    depth,
                }
            }
        })
    }

    fn primary(&mut self) -> Result<Node, FormulaError> {
        let token = self.advance();
        let leaf = |expr| Ok(Node { expr, depth: 1 });
        match token.tok {
            Tok::Str { value, .. } => leaf(Expr::Text(value)),
            Tok::Number(raw) => leaf(Expr::Number(
                normalise_number(&raw).map_err(|m| self.error_at(token.start, m))?,
            )),
            Tok::LParen => {
                let inner = self.nested(token.start, |p| p.expr(0))?;
                self.expect_close(token.start)?;
                let depth = inner.depth + 1;
                self.check_depth(depth, token.start)?;
                Ok(Node { depth, ..inner })
            }
            Tok::Ident(name) => self.identifier(&name, token.start),
            Tok::Eof => {
                Err(self.error_at(token.start, "the formula ended where a value was expected"))
            }
            _ => Err(self.error_at(
                token.start,
                format!(
                    "expected a value (text, a number, a field or a function) but found '{}'",
                    &self.src[token.start..token.end]
                ),
            )),
        }
    }

    fn identifier(&mut self, name: &str, at: usize) -> Result<Node, FormulaError> {
        let lower = name.to_lowercase();
        match lower.as_str() {
            "true" | "false" => {
                return Ok(Node {
                    expr: Expr::Boolean(lower == "true"),
                    depth: 1,
                });
            }
            "field_by_id" => {
                return Err(self.error_at(
                    at,
                    "field_by_id is no longer supported, refer to fields by name with \
                     field('name')",
                ));
            }
            _ => {}
        }
        if self.peek().tok != Tok::LParen {
            return Err(self.error_here(format!(
                "expected an opening parenthesis after {name} but found {}",
                self.describe_here()
            )));
        }
        let open = self.advance().start;
        match lower.as_str() {
            "field" => {
                let field = self.name_argument("field")?;
                self.expect_close(open)?;
                Ok(Node {
                    expr: Expr::Field(field),
                    depth: 1,
                })
            }
            "lookup" => {
                let link = self.name_argument("lookup")?;
                if self.peek().tok != Tok::Comma {
                    return Err(self.error_here(format!(
                        "lookup needs two names, the link field and the field to look up, \
                         but found {}",
                        self.describe_here()
                    )));
                }
                self.advance();
                let target = self.name_argument("lookup")?;
                self.expect_close(open)?;
                Ok(Node {
                    expr: Expr::Lookup { link, target },
                    depth: 1,
                })
            }
            _ => self.call(name, at, open),
        }
    }

    /// The quoted name inside `field(...)` or `lookup(...)`; Baserow allows only a
    /// literal there, not an expression.
    fn name_argument(&mut self, function: &str) -> Result<String, FormulaError> {
        match &self.peek().tok {
            Tok::Str { value, .. } => {
                let value = value.clone();
                self.advance();
                Ok(value)
            }
            _ => Err(self.error_here(format!(
                "{function} expects a field name in quotes, like {function}('Name'), but found {}",
                self.describe_here()
            ))),
        }
    }

    fn call(&mut self, name: &str, at: usize, open: usize) -> Result<Node, FormulaError> {
        let Some(def) = functions::get(name) else {
            return Err(FormulaError::new(format!("Unknown function {name}")));
        };
        let mut args = Vec::new();
        let mut depth = 0;
        if self.peek().tok != Tok::RParen {
            loop {
                let arg = self.nested(at, |p| p.expr(0))?;
                depth = depth.max(arg.depth);
                args.push(arg.expr);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.advance();
            }
        }
        self.expect_close(open)?;
        let depth = depth + 1;
        self.check_depth(depth, at)?;
        if !def.arity.accepts(args.len()) {
            let given = match args.len() {
                1 => "1 argument was".to_string(),
                n => format!("{n} arguments were"),
            };
            return Err(FormulaError::new(format!(
                "{given} given to the function {}, it must instead be given {}",
                def.name,
                def.arity.describe()
            )));
        }
        Ok(Node {
            expr: Expr::Call {
                name: def.name.to_string(),
                args,
            },
            depth,
        })
    }

    fn expect_close(&mut self, open: usize) -> Result<(), FormulaError> {
        if self.peek().tok == Tok::RParen {
            self.advance();
            return Ok(());
        }
        let at = self.error_here(format!(
            "expected a closing parenthesis (for the one at character {}) but found {}",
            self.src[..open].chars().count() + 1,
            self.describe_here()
        ));
        Err(at)
    }
}

/// The largest power of ten a literal's exponent may give, so `1e999999` cannot turn
/// into a million digits.
const MAX_EXPONENT: i64 = 100;

/// Rewrites a number token (`1.50`, `2e3`, `1.5e-3`) as plain decimal text.
fn normalise_number(raw: &str) -> Result<Number, String> {
    let (mantissa, exponent) = match raw.find(['e', 'E']) {
        Some(i) => (&raw[..i], &raw[i + 1..]),
        None => (raw, "0"),
    };
    let exponent: i64 = exponent
        .parse()
        .ok()
        .filter(|e: &i64| e.abs() <= MAX_EXPONENT)
        .ok_or_else(|| format!("the number {raw} is too large or too small"))?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    // Where the decimal point falls in `digits` once the exponent is applied.
    let point = int.len() as i64 + exponent;
    let (int_part, frac_part) = if point <= 0 {
        (
            String::new(),
            format!("{}{digits}", "0".repeat((-point) as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        (a.to_string(), b.to_string())
    };
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let text = if frac_part.is_empty() {
        int_part.to_string()
    } else {
        format!("{int_part}.{frac_part}")
    };
    Ok(Number {
        text,
        decimal_places: frac_part.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    fn err(s: &str) -> String {
        parse(s).unwrap_err().message
    }

    #[test]
    fn literals_and_references() {
        assert_eq!(p("'a'"), "'a'");
        assert_eq!(p("\"it's\""), "'it\\'s'");
        assert_eq!(p("TRUE"), "true");
        assert_eq!(p("false"), "false");
        assert_eq!(p("Field(\"Name\")"), "field('Name')");
        assert_eq!(p("lookup('Link', \"Target\")"), "lookup('Link', 'Target')");
        assert_eq!(
            parse("lookup('a','b')").unwrap(),
            Expr::Lookup {
                link: "a".into(),
                target: "b".into()
            }
        );
    }

    #[test]
    fn numbers_are_normalised() {
        let n = |s: &str| match parse(s).unwrap() {
            Expr::Number(n) => (n.text, n.decimal_places),
            other => panic!("{other:?}"),
        };
        assert_eq!(n("007"), ("7".into(), 0));
        assert_eq!(n("1.50"), ("1.50".into(), 2));
        assert_eq!(n("2e3"), ("2000".into(), 0));
        assert_eq!(n("1.5e-3"), ("0.0015".into(), 4));
        assert_eq!(n("-0.5"), ("-0.5".into(), 1));
        assert!(err("1e101").contains("too large or too small"));
    }

    #[test]
    fn baserow_precedence() {
        assert_eq!(p("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(p("1 - 2 - 3"), "((1 - 2) - 3)");
        assert_eq!(p("8 / 4 / 2"), "((8 / 4) / 2)");
        // && binds tighter than comparisons, and = is the loosest, as in Baserow.
        assert_eq!(
            p("field('a') > 1 && field('b')"),
            "(field('a') > (1 && field('b')))"
        );
        assert_eq!(p("1 < 2 = 3 > 4"), "((1 < 2) = (3 > 4))");
        assert_eq!(p("1 = 1 || 2 != 3"), "((1 = (1 || 2)) != 3)");
        assert_eq!(p("(1 + 2) * 3"), "((1 + 2) * 3)");
        assert_eq!(p("1 <> 2"), "(1 != 2)");
        assert_eq!(p("1 >= 2 <= 3"), "((1 >= 2) <= 3)");
    }

    #[test]
    fn unary_minus() {
        assert_eq!(p("-2 * 3"), "(-2 * 3)");
        assert_eq!(p("1 - -2"), "(1 - -2)");
        assert_eq!(p("-field('a')"), "(-field('a'))");
        assert_eq!(p("--2"), "(--2)");
    }

    #[test]
    fn calls_are_case_insensitive_and_checked() {
        assert_eq!(p("CONCAT('a', UPPER('b'))"), "concat('a', upper('b'))");
        assert_eq!(p("now()"), "now()");
        assert_eq!(err("foo(1)"), "Unknown function foo");
        assert_eq!(
            err("upper('a', 'b')"),
            "2 arguments were given to the function upper, it must instead be given exactly 1 argument"
        );
        assert_eq!(
            err("concat('a')"),
            "1 argument was given to the function concat, it must instead be given at least 2 arguments"
        );
    }

    #[test]
    fn comments_and_whitespace() {
        assert_eq!(p(" /* lead */ 1 +\n 2 // trailing"), "(1 + 2)");
    }

    #[test]
    fn syntax_errors_say_where_and_what() {
        assert_eq!(
            err("upper('abc'"),
            "Invalid syntax at character 12: expected a closing parenthesis (for the one at character 6) but found the end of the formula"
        );
        assert_eq!(
            err("1 + "),
            "Invalid syntax at character 5: the formula ended where a value was expected"
        );
        assert_eq!(
            err("1 2"),
            "Invalid syntax at character 3: expected an operator or the end of the formula but found '2'"
        );
        assert_eq!(
            err("1)"),
            "Invalid syntax at character 2: there is a closing parenthesis without an opening one"
        );
        assert_eq!(
            err("field(name)"),
            "Invalid syntax at character 7: field expects a field name in quotes, like field('Name'), but found 'name'"
        );
        assert_eq!(
            err("lookup('a')"),
            "Invalid syntax at character 11: lookup needs two names, the link field and the field to look up, but found ')'"
        );
        assert_eq!(
            err("upper 'a'"),
            "Invalid syntax at character 7: expected an opening parenthesis after upper but found ''a''"
        );
        assert!(err("field_by_id(1)").contains("field_by_id is no longer supported"));
        assert!(err("* 2").starts_with("Invalid syntax at character 1: expected a value"));
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_NESTING_DEPTH - 1)).is_ok());
        assert!(err(&nested(MAX_NESTING_DEPTH + 5)).contains("nests too deeply"));
        let calls = |n: usize| format!("{}'a'{}", "upper(".repeat(n), ")".repeat(n));
        assert!(err(&calls(MAX_NESTING_DEPTH + 1)).contains("nests too deeply"));
        // Long operator chains make deep trees too.
        let chain = vec!["1"; MAX_NESTING_DEPTH + 2].join("+");
        assert!(err(&chain).contains("nests too deeply"));
        // Deeply nested input is refused, not a stack overflow.
        assert!(err(&nested(4_000)).contains("nests too deeply"));
    }
}
