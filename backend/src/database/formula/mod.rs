//! Tessera's own implementation of Baserow's formula language: lex and parse the text,
//! type check it against the table's fields, and compile it to a PostgreSQL expression.
//!
//! The module is pure: it never touches the database. Fields are resolved through
//! [`types::FieldLookup`], which the fields module implements when formulas get wired in.
//! The pieces, in the order a formula passes through them:
//!
//! - [`lexer`] turns text into tokens (strings, numbers, identifiers, operators).
//! - [`parser`] builds an [`ast::Expr`] by recursive descent with Baserow's precedence.
//! - [`functions`] is the registry of Baserow's function names and arities.
//! - [`types`] defines [`types::FormulaType`] (Baserow's `formula_type`) and
//!   [`types::FieldLookup`]; [`typecheck`] gives every node its type.
//! - [`compile`] emits SQL over the row alias `t` without splicing user text into it.
//! - [`rename`] rewrites `field('old')` references when a field is renamed.
//! - [`clock`] tells the formulas that follow the clock (`now()`, `today()`).
//!
//! Where Tessera knowingly differs from Baserow:
//!
//! - Domain errors (division or `mod` by zero, `sqrt`/`ln`/`log` of non-positive
//!   numbers, overflowing `power`/`exp`/durations) give NULL where Baserow gives NaN.
//! - `<>` is accepted as `!=`, and a minus sign may precede any expression; Baserow
//!   allows it only on number literals (and reads `1-2` as `1` followed by `-2`).
//! - `!=` is `IS DISTINCT FROM`, so an empty value differs from any non-empty one.
//! - Not yet supported: Baserow's file functions, `encode_uri(_component)`, the JSON
//!   helpers, `has_option` on looked-up single selects, and lookups through two
//!   different link fields in one aggregate (these compile to an error, not to SQL).

pub mod ast;
pub mod clock;
pub mod compile;
pub mod functions;
pub mod lexer;
pub mod parser;
pub mod rename;
#[cfg(test)]
mod roundtrip_tests;
mod sql;
pub mod typecheck;
pub mod types;

/// Longest formula accepted, in characters. Baserow bounds the size through Python's
/// recursion limit; a fixed cap gives the user a clear message instead.
pub const MAX_FORMULA_CHARS: usize = 10_000;

/// Deepest nesting of parentheses, calls and operators the parser follows before
/// refusing, so a hostile formula cannot overflow the stack.
pub const MAX_NESTING_DEPTH: usize = 64;

/// Longest text, in bytes, that `concat`, `replace` and `regex_replace` may build beyond
/// their longest input; past it they give `#ERROR!`. Each of them can multiply a length,
/// and nested calls (or formulas reading formulas) would otherwise grow a row's value
/// exponentially, to a gigabyte per row from a formula of a few hundred characters.
pub const MAX_TEXT_BYTES: i64 = 1 << 20;

/// A formula that cannot be parsed or compiled, with a message meant for the person who
/// wrote it (the API returns it under `ERROR_WITH_FORMULA`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FormulaError {
    pub message: String,
}

impl FormulaError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// A syntax error located at byte offset `at` of `formula`, reported as a 1-based
    /// character position because that is what a person counts in the editor.
    pub fn syntax(formula: &str, at: usize, what: impl std::fmt::Display) -> Self {
        let end = at.min(formula.len());
        let position = formula.get(..end).map_or(end, |s| s.chars().count()) + 1;
        Self::new(format!("Invalid syntax at character {position}: {what}"))
    }
}

/// Parses `formula` into an untyped tree; see [`parser::parse`].
pub fn parse(formula: &str) -> Result<ast::Expr, FormulaError> {
    parser::parse(formula)
}
