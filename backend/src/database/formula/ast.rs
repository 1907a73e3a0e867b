//! The untyped syntax tree the parser produces. Operators keep their own node so type
//! errors can name the operator the user typed ("operator +") rather than its function.

use std::fmt;

/// A parsed number literal, kept as normalised decimal text (digits, at most one `.`,
/// optional leading `-`) so no precision is lost and the SQL can be re-printed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// Normalised text, e.g. `-12.50`: never an exponent, never a leading `+`.
    pub text: String,
    /// Digits after the point as written (`1.50` has 2), which Baserow uses as the
    /// literal's `number_decimal_places`.
    pub decimal_places: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    NotEq,
    Gt,
    Gte,
    Lt,
    Lte,
    And,
    Or,
}

impl BinOp {
    /// The registry function the operator stands for, as in Baserow's AST mapper.
    pub fn function_name(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "minus",
            BinOp::Mul => "multiply",
            BinOp::Div => "divide",
            BinOp::Eq => "equal",
            BinOp::NotEq => "not_equal",
            BinOp::Gt => "greater_than",
            BinOp::Gte => "greater_than_or_equal",
            BinOp::Lt => "less_than",
            BinOp::Lte => "less_than_or_equal",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "=",
            BinOp::NotEq => "!=",
            BinOp::Gt => ">",
            BinOp::Gte => ">=",
            BinOp::Lt => "<",
            BinOp::Lte => "<=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Text(String),
    Number(Number),
    Boolean(bool),
    /// `field('name')`.
    Field(String),
    /// `lookup('link field', 'field in the linked table')`.
    Lookup {
        link: String,
        target: String,
    },
    /// A call to a registered function; `name` is lower case.
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// Unary minus on something other than a number literal (`-field('a')`). Baserow
    /// only knows negative literals; Tessera also accepts this.
    Neg(Box<Expr>),
}

/// Quotes `s` the way Baserow does: the quote character is escaped with a backslash,
/// nothing else is.
pub fn quote(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        if c == quote {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

/// Whether a literal quoted with `quote` can express `s`. The lexer keeps a backslash
/// together with the character after it, so a backslash just before the quote (which
/// [`quote`] would escape) or at the very end cannot be written: `\\'` reads as an
/// escaped backslash followed by the closing quote.
pub fn expressible(s: &str, quote: char) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next().is_none_or(|next| next == quote) {
            return false;
        }
    }
    true
}

/// A text literal that reads back as `s`: single quotes unless `s` has a backslash
/// before a single quote (possible when it was written in double quotes).
fn text_literal(s: &str) -> String {
    let q = if expressible(s, '\'') { '\'' } else { '"' };
    quote(s, q)
}

/// Prints the tree back as a formula, fully parenthesised; used in tests and messages.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Text(s) => f.write_str(&text_literal(s)),
            Expr::Number(n) => f.write_str(&n.text),
            Expr::Boolean(b) => write!(f, "{b}"),
            Expr::Field(name) => write!(f, "field({})", text_literal(name)),
            Expr::Lookup { link, target } => {
                write!(
                    f,
                    "lookup({}, {})",
                    text_literal(link),
                    text_literal(target)
                )
            }
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Binary { op, left, right } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::Neg(e) => write!(f, "(-{e})"),
        }
    }
}
