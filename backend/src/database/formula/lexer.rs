//! Splits formula text into tokens, following Baserow's lexer (BaserowFormulaLexer.g4):
//! single- or double-quoted strings where a backslash pairs with the next character,
//! decimal numbers with an optional exponent, identifiers, `//` and `/* */` comments.

use super::{FormulaError, MAX_FORMULA_CHARS, ast::BinOp};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A string literal, already unescaped; `quote` is the character it was written with.
    Str {
        value: String,
        quote: char,
    },
    /// A number as typed (digits, optional fraction, optional exponent), no sign.
    Number(String),
    Ident(String),
    LParen,
    RParen,
    Comma,
    /// Every infix operator; `-` is also the unary minus, which the parser tells apart.
    Op(BinOp),
    Eof,
}

/// A token and where it sits in the formula, as byte offsets (`start..end`).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Refuses what no formula may contain before any other work is done: NUL bytes (which
/// PostgreSQL text cannot hold) and text over [`MAX_FORMULA_CHARS`].
pub fn check_input(formula: &str) -> Result<(), FormulaError> {
    if let Some(at) = formula.find('\0') {
        return Err(FormulaError::syntax(
            formula,
            at,
            "formulas cannot contain NUL characters",
        ));
    }
    let chars = formula.chars().count();
    if chars > MAX_FORMULA_CHARS {
        return Err(FormulaError::new(format!(
            "The formula is too long: it has {chars} characters and at most \
             {MAX_FORMULA_CHARS} are allowed"
        )));
    }
    Ok(())
}

/// Tokenizes the whole formula; the last token is always [`Tok::Eof`].
pub fn tokenize(formula: &str) -> Result<Vec<Token>, FormulaError> {
    check_input(formula)?;
    let mut lexer = Lexer {
        src: formula,
        pos: 0,
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_blanks()?;
        let start = lexer.pos;
        let Some(c) = lexer.peek() else {
            tokens.push(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
            return Ok(tokens);
        };
        let tok = lexer.token(c)?;
        tokens.push(Token {
            tok,
            start,
            end: lexer.pos,
        });
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

/// Baserow's identifiers: ASCII letters, `_` and anything from U+00A1 to U+FFFF, then
/// the same or digits.
fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || ('\u{A1}'..='\u{FFFF}').contains(&c)
}

fn is_ident_continue(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, at: usize, what: impl std::fmt::Display) -> FormulaError {
        FormulaError::syntax(self.src, at, what)
    }

    /// Skips whitespace and comments, which Baserow allows around any expression.
    fn skip_blanks(&mut self) -> Result<(), FormulaError> {
        loop {
            let rest = &self.src[self.pos..];
            if rest.starts_with("//") {
                self.pos += rest.find(['\r', '\n']).unwrap_or(rest.len());
            } else if let Some(body) = rest.strip_prefix("/*") {
                let Some(end) = body.find("*/") else {
                    return Err(self.error(
                        self.pos,
                        "the comment starting here is never closed with */",
                    ));
                };
                self.pos += end + 4;
            } else if matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
                self.pos += 1;
            } else {
                return Ok(());
            }
        }
    }

    fn token(&mut self, c: char) -> Result<Tok, FormulaError> {
        let start = self.pos;
        let two = |a: char, b: char| c == a && self.peek_at(1) == Some(b);
        let op = |lexer: &mut Self, len: usize, op: BinOp| {
            lexer.pos += len;
            Ok(Tok::Op(op))
        };
        match c {
            '\'' | '"' => self.string(c),
            '0'..='9' => self.number(),
            '(' => op_token(self, Tok::LParen),
            ')' => op_token(self, Tok::RParen),
            ',' => op_token(self, Tok::Comma),
            _ if two('&', '&') => op(self, 2, BinOp::And),
            _ if two('|', '|') => op(self, 2, BinOp::Or),
            _ if two('!', '=') => op(self, 2, BinOp::NotEq),
            // `<>` is SQL's spelling of not-equal; Baserow's lexer knows it but its
            // grammar does not, so accepting it only makes more formulas valid.
            _ if two('<', '>') => op(self, 2, BinOp::NotEq),
            _ if two('<', '=') => op(self, 2, BinOp::Lte),
            _ if two('>', '=') => op(self, 2, BinOp::Gte),
            '<' => op(self, 1, BinOp::Lt),
            '>' => op(self, 1, BinOp::Gt),
            '=' => op(self, 1, BinOp::Eq),
            '+' => op(self, 1, BinOp::Add),
            '-' => op(self, 1, BinOp::Sub),
            '*' => op(self, 1, BinOp::Mul),
            '/' => op(self, 1, BinOp::Div),
            '&' => Err(self.error(start, "unexpected character '&' (use && for \"and\")")),
            '|' => Err(self.error(start, "unexpected character '|' (use || for \"or\")")),
            _ if is_ident_start(c) => {
                while self.peek().is_some_and(is_ident_continue) {
                    self.bump();
                }
                Ok(Tok::Ident(self.src[start..self.pos].to_string()))
            }
            _ => Err(self.error(start, format!("unexpected character {c:?}"))),
        }
    }

    /// A quoted string. A backslash always pairs with the character after it (so `\'`
    /// does not end a single-quoted string), but only an escaped quote of the same kind
    /// is unescaped: Baserow keeps every other backslash as written.
    fn string(&mut self, quote: char) -> Result<Tok, FormulaError> {
        let start = self.pos;
        self.bump();
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        start,
                        format!("the text starting here is never closed with a {quote}"),
                    ));
                }
                Some(c) if c == quote => return Ok(Tok::Str { value, quote }),
                Some('\\') => match self.bump() {
                    Some(c) if c == quote => value.push(c),
                    Some(c) => {
                        value.push('\\');
                        value.push(c);
                    }
                    None => {
                        return Err(self.error(
                            start,
                            format!("the text starting here is never closed with a {quote}"),
                        ));
                    }
                },
                Some(c) => value.push(c),
            }
        }
    }

    /// Digits, an optional fraction and an optional exponent (`1`, `2.50`, `1.5e-3`).
    fn number(&mut self) -> Result<Tok, FormulaError> {
        let start = self.pos;
        self.digits();
        if self.peek() == Some('.') {
            if !self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error(self.pos, "expected a digit after the decimal point"));
            }
            self.bump();
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let digit_at = if self.peek_at(1) == Some('-') { 2 } else { 1 };
            if self.peek_at(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                for _ in 0..digit_at {
                    self.bump();
                }
                self.digits();
            }
        }
        Ok(Tok::Number(self.src[start..self.pos].to_string()))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }
}

fn op_token(lexer: &mut Lexer<'_>, tok: Tok) -> Result<Tok, FormulaError> {
    lexer.pos += 1;
    Ok(tok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn err(s: &str) -> String {
        tokenize(s).unwrap_err().message
    }

    #[test]
    fn strings_unescape_only_their_own_quote() {
        assert_eq!(
            toks(r#"'it\'s' "say \"hi\"" 'a\nb' "x'y""#)[..4],
            [
                Tok::Str {
                    value: "it's".into(),
                    quote: '\''
                },
                Tok::Str {
                    value: "say \"hi\"".into(),
                    quote: '"'
                },
                Tok::Str {
                    value: "a\\nb".into(),
                    quote: '\''
                },
                Tok::Str {
                    value: "x'y".into(),
                    quote: '"'
                },
            ]
        );
    }

    #[test]
    fn numbers_operators_and_identifiers() {
        assert_eq!(
            toks("1.50+2e3 >= x_1 <> é != a&&b||c"),
            [
                Tok::Number("1.50".into()),
                Tok::Op(BinOp::Add),
                Tok::Number("2e3".into()),
                Tok::Op(BinOp::Gte),
                Tok::Ident("x_1".into()),
                Tok::Op(BinOp::NotEq),
                Tok::Ident("é".into()),
                Tok::Op(BinOp::NotEq),
                Tok::Ident("a".into()),
                Tok::Op(BinOp::And),
                Tok::Ident("b".into()),
                Tok::Op(BinOp::Or),
                Tok::Ident("c".into()),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn comments_and_whitespace_are_skipped() {
        assert_eq!(
            toks("/* a */ 1 // rest\n\t+ 2"),
            [
                Tok::Number("1".into()),
                Tok::Op(BinOp::Add),
                Tok::Number("2".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = tokenize("é + 'x'").unwrap();
        assert_eq!((t[2].start, t[2].end), (5, 8));
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(
            err("1 + 'abc"),
            "Invalid syntax at character 5: the text starting here is never closed with a '"
        );
        assert_eq!(
            err("é # 1"),
            "Invalid syntax at character 3: unexpected character '#'"
        );
        assert_eq!(
            err("a & b"),
            "Invalid syntax at character 3: unexpected character '&' (use && for \"and\")"
        );
        assert_eq!(
            err("1. + 2"),
            "Invalid syntax at character 2: expected a digit after the decimal point"
        );
        assert_eq!(
            err("1 /* x"),
            "Invalid syntax at character 3: the comment starting here is never closed with */"
        );
        assert_eq!(
            err("'a\\"),
            "Invalid syntax at character 1: the text starting here is never closed with a '"
        );
    }

    #[test]
    fn refuses_nul_and_overlong_input() {
        assert_eq!(
            err("'a\0'"),
            "Invalid syntax at character 3: formulas cannot contain NUL characters"
        );
        let long = "1".repeat(MAX_FORMULA_CHARS + 1);
        assert!(err(&long).starts_with("The formula is too long: it has 10001 characters"));
        assert!(tokenize(&"1".repeat(MAX_FORMULA_CHARS)).is_ok());
    }
}
