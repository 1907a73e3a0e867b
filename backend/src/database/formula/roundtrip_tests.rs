//! Generated round trips through the parser: random trees are printed and parsed back.
//!
//! The property checked is the strong one, "parse(print(tree)) == tree", because the
//! parser's only normalisations are ones a generated tree is already in: numbers are
//! kept as normalised decimal text (the generator writes them that way), a minus sign
//! directly on a non-negative literal folds into the literal (the generator never puts
//! [`Expr::Neg`] on one), and function names are lower case (the generator uses the
//! registry's names). Everything else — spacing, comments, brackets, quote style, letter
//! case, leading zeros and exponents — has no node in the tree, so a second, noisy
//! printer varies those and must still give the same tree.

use super::{
    ast::{BinOp, Expr, Number, expressible, quote},
    functions::{Arity, FUNCTIONS},
    parse,
};
use std::collections::HashSet;

/// xorshift64*: small, deterministic and good enough to spread the cases around.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const OPS: [BinOp; 12] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Eq,
    BinOp::NotEq,
    BinOp::Gt,
    BinOp::Gte,
    BinOp::Lt,
    BinOp::Lte,
    BinOp::And,
    BinOp::Or,
];

/// Pieces of texts and names: quotes of both kinds, backslashes, comment and SQL
/// markers, control characters and non-ASCII text.
const PIECES: &[&str] = &[
    "a", "Z", "0", " ", "'", "\"", "\\", "\\\\", "é", "日本", "😀", "/*", "*/", "//", "--", "\n",
    "\t", "$$", "$1", ";", "(", ")", ",", "e", "\u{a0}", "\u{ffff}",
];

/// A text that a literal quoted with `quote` can express. The lexer keeps a backslash
/// together with the character after it, so every backslash of the value must pair
/// with a character other than the quote: pieces are strung together at random and an
/// `x` is slipped in after any backslash that would not.
fn text(rng: &mut Rng, quote: char) -> String {
    let raw: String = (0..rng.below(6)).map(|_| *rng.pick(PIECES)).collect();
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' {
            match chars.next() {
                Some(n) if n != quote => out.push(n),
                other => {
                    out.push('x');
                    out.extend(other);
                }
            }
        }
    }
    assert!(expressible(&out, quote), "{out:?}");
    out
}

fn any_text(rng: &mut Rng) -> String {
    let quote = if rng.chance(50) { '\'' } else { '"' };
    text(rng, quote)
}

fn number(rng: &mut Rng) -> Number {
    let int = if rng.chance(30) {
        "0".to_string()
    } else {
        let mut s = (1 + rng.below(9)).to_string();
        for _ in 0..rng.below(12) {
            s.push_str(&rng.below(10).to_string());
        }
        s
    };
    let places = *rng.pick(&[0, 0, 1, 2, 5, 10]);
    let frac: String = (0..places).map(|_| rng.below(10).to_string()).collect();
    let sign = if rng.chance(30) { "-" } else { "" };
    let text = if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    };
    Number {
        text,
        decimal_places: places,
    }
}

fn leaf(rng: &mut Rng) -> Expr {
    match rng.below(6) {
        0 => Expr::Text(any_text(rng)),
        1 | 2 => Expr::Number(number(rng)),
        3 => Expr::Boolean(rng.chance(50)),
        4 => Expr::Field(any_text(rng)),
        _ => Expr::Lookup {
            link: any_text(rng),
            target: any_text(rng),
        },
    }
}

/// A random tree at most `depth` levels high, calling every registered function with
/// an argument count its arity accepts.
fn expr(rng: &mut Rng, depth: usize) -> Expr {
    if depth == 0 || rng.chance(25) {
        return leaf(rng);
    }
    match rng.below(10) {
        0..=3 => {
            let def = rng.pick(FUNCTIONS);
            let n = match def.arity {
                Arity::Exactly(k) => k,
                Arity::AtLeast(k) => k + rng.below(3),
                Arity::Between(lo, hi) => lo + rng.below(hi - lo + 1),
            };
            Expr::Call {
                name: def.name.to_string(),
                args: (0..n).map(|_| expr(rng, depth - 1)).collect(),
            }
        }
        4..=7 => Expr::Binary {
            op: *rng.pick(&OPS),
            left: Box::new(expr(rng, depth - 1)),
            right: Box::new(expr(rng, depth - 1)),
        },
        _ => match expr(rng, depth - 1) {
            // A minus on a non-negative literal is read as a negative literal.
            Expr::Number(n) if !n.text.starts_with('-') => Expr::Number(Number {
                text: format!("-{}", n.text),
                ..n
            }),
            inner => Expr::Neg(Box::new(inner)),
        },
    }
}

/// Whitespace and comments the lexer skips. Comments start after a space so that a
/// preceding `/` operator cannot turn them into a line comment.
const BLANKS: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    " /* c */ ",
    " /**/",
    " /* 'x\" ) */",
    " // to the end 'of' line\n",
    " /* multi\nline */\n",
];

fn blank(rng: &mut Rng) -> &'static str {
    if rng.chance(50) {
        ""
    } else {
        BLANKS[rng.below(BLANKS.len())]
    }
}

/// `s` in mixed case: Baserow reads names without regard to case.
fn any_case(rng: &mut Rng, s: &str) -> String {
    s.chars()
        .map(|c| {
            if rng.chance(33) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// Quotes `s` with either quote character that can express it.
fn any_quote(rng: &mut Rng, s: &str) -> String {
    let mut quotes = ['\'', '"'];
    if rng.chance(50) {
        quotes.reverse();
    }
    let q = quotes
        .into_iter()
        .find(|q| expressible(s, *q))
        .expect("generated texts are expressible");
    quote(s, q)
}

/// Writes a number the long way: leading zeros, or as an exponent of the same value.
fn noisy_number(rng: &mut Rng, n: &Number) -> String {
    let (sign, digits) = match n.text.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", n.text.as_str()),
    };
    match rng.below(3) {
        0 => format!("{sign}00{digits}"),
        // 1.50 is 150e-2: drop the point and say where it was in the exponent.
        1 if n.decimal_places > 0 => {
            format!("{sign}{}e-{}", digits.replace('.', ""), n.decimal_places)
        }
        _ => n.text.clone(),
    }
}

/// Prints `e` as a person might type it: spacing and comments between tokens, either
/// quote, any letter case, `<>` for `!=`, redundant brackets.
fn noisy(rng: &mut Rng, e: &Expr) -> String {
    let b = |rng: &mut Rng| blank(rng).to_string();
    let inner = match e {
        Expr::Text(s) => any_quote(rng, s),
        Expr::Number(n) => noisy_number(rng, n),
        Expr::Boolean(v) => any_case(rng, &v.to_string()),
        Expr::Field(name) => format!(
            "{}{}({}{}{})",
            any_case(rng, "field"),
            b(rng),
            b(rng),
            any_quote(rng, name),
            b(rng)
        ),
        Expr::Lookup { link, target } => format!(
            "{}({}{}{},{}{}{})",
            any_case(rng, "lookup"),
            b(rng),
            any_quote(rng, link),
            b(rng),
            b(rng),
            any_quote(rng, target),
            b(rng)
        ),
        Expr::Call { name, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| format!("{}{}{}", b(rng), noisy(rng, a), b(rng)))
                .collect();
            format!("{}({})", any_case(rng, name), args.join(","))
        }
        Expr::Binary { op, left, right } => {
            let symbol = match op {
                BinOp::NotEq if rng.chance(50) => "<>",
                op => op.symbol(),
            };
            format!(
                "({}{}{}{}{}{}{})",
                b(rng),
                noisy(rng, left),
                b(rng),
                symbol,
                b(rng),
                noisy(rng, right),
                b(rng)
            )
        }
        Expr::Neg(e) => format!("(-{}{})", b(rng), noisy(rng, e)),
    };
    if rng.chance(15) {
        format!("({}{inner}{})", b(rng), b(rng))
    } else {
        inner
    }
}

#[test]
fn printed_trees_parse_back_to_the_same_tree() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..3_000 {
        let tree = expr(&mut rng, 1 + case % 6);
        let printed = tree.to_string();
        let parsed = parse(&printed).unwrap_or_else(|e| panic!("case {case}: {printed}: {e}"));
        assert_eq!(parsed, tree, "case {case}: {printed}");
        assert_eq!(parsed.to_string(), printed, "case {case}");
    }
}

#[test]
fn spacing_comments_quotes_case_and_brackets_do_not_change_the_tree() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for case in 0..3_000 {
        let tree = expr(&mut rng, 1 + case % 5);
        let text = format!(
            "{}{}{}",
            blank(&mut rng),
            noisy(&mut rng, &tree),
            blank(&mut rng)
        );
        let parsed = parse(&text).unwrap_or_else(|e| panic!("case {case}: {text:?}: {e}"));
        assert_eq!(parsed, tree, "case {case}: {text:?}");
    }
}

#[test]
fn texts_read_with_either_quote_print_back_readably() {
    // A backslash before a single quote can only be written inside double quotes;
    // printing must pick a quote that reads back.
    for source in [
        r#""a\'b""#,
        r#"'a\"b'"#,
        r#""\\'""#,
        r#"'\\'"#,
        r#""it's \"x\"""#,
        r#"'\\\''"#,
        r#"field("a\'b")"#,
        r#"lookup("\'", 'x')"#,
    ] {
        let tree = parse(source).unwrap();
        let printed = tree.to_string();
        assert_eq!(
            parse(&printed).as_ref(),
            Ok(&tree),
            "{source} printed as {printed}"
        );
    }
    assert_eq!(parse(r#""a\'b""#).unwrap(), Expr::Text(r"a\'b".into()));
    assert_eq!(parse(r#""a\'b""#).unwrap().to_string(), r#""a\'b""#);
    assert_eq!(parse(r#""it's""#).unwrap().to_string(), r"'it\'s'");
}

#[test]
fn the_generator_covers_the_language() {
    // Guards the tests above against a generator that silently stops producing parts
    // of the language.
    #[derive(Default)]
    struct Seen {
        ops: HashSet<&'static str>,
        calls: HashSet<String>,
        neg: usize,
        lookups: usize,
        fields: usize,
        texts: usize,
    }
    fn walk(e: &Expr, seen: &mut Seen) {
        match e {
            Expr::Binary { op, left, right } => {
                seen.ops.insert(op.symbol());
                walk(left, seen);
                walk(right, seen);
            }
            Expr::Call { name, args } => {
                seen.calls.insert(name.clone());
                args.iter().for_each(|a| walk(a, seen));
            }
            Expr::Neg(inner) => {
                seen.neg += 1;
                walk(inner, seen);
            }
            Expr::Lookup { .. } => seen.lookups += 1,
            Expr::Field(_) => seen.fields += 1,
            Expr::Text(s) if s.contains('\\') && s.contains('\'') => seen.texts += 1,
            _ => {}
        }
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seen = Seen::default();
    for case in 0..3_000 {
        walk(&expr(&mut rng, 1 + case % 6), &mut seen);
    }
    assert_eq!(seen.ops.len(), OPS.len());
    assert_eq!(seen.calls.len(), FUNCTIONS.len());
    assert!(seen.neg > 0 && seen.lookups > 0 && seen.fields > 0 && seen.texts > 0);
}
