//! Rewrites field references when a field is renamed, leaving the rest of the formula
//! exactly as the user wrote it (spacing, comments, quote style, letter case).

use super::{
    ast::quote,
    lexer::{Tok, Token, tokenize},
};

/// Rewrites `field('old')` to `field('new')`, and `lookup('old', ...)` whose link field
/// is `old`, in `formula`. Text that merely equals `old` is left alone. A formula that
/// does not lex is returned unchanged: there is nothing reliable to rewrite.
pub fn rename_field(formula: &str, old: &str, new: &str) -> String {
    rewrite(formula, new, |tokens, i| {
        let called = |name: &str| {
            i >= 2
                && matches!(&tokens[i - 2].tok, Tok::Ident(f) if f.eq_ignore_ascii_case(name))
                && tokens[i - 1].tok == Tok::LParen
        };
        // field('x') and the first name of lookup('x', 'y') are fields of this table.
        is_name(&tokens[i], old) && (called("field") || called("lookup"))
    })
}

/// Rewrites `lookup('link', 'old')` to `lookup('link', 'new')`: for a field renamed in
/// the table that `link` points at.
pub fn rename_lookup_target(formula: &str, link: &str, old: &str, new: &str) -> String {
    rewrite(formula, new, |tokens, i| {
        i >= 4
            && is_name(&tokens[i], old)
            && tokens[i - 1].tok == Tok::Comma
            && is_name(&tokens[i - 2], link)
            && tokens[i - 3].tok == Tok::LParen
            && matches!(&tokens[i - 4].tok, Tok::Ident(f) if f.eq_ignore_ascii_case("lookup"))
    })
}

fn is_name(token: &Token, name: &str) -> bool {
    matches!(&token.tok, Tok::Str { value, .. } if value == name)
}

/// Replaces every string token `pick` selects by `new`, quoted like the original.
fn rewrite(formula: &str, new: &str, pick: impl Fn(&[Token], usize) -> bool) -> String {
    let Ok(tokens) = tokenize(formula) else {
        return formula.to_string();
    };
    let mut out = String::with_capacity(formula.len());
    let mut copied = 0;
    for (i, token) in tokens.iter().enumerate() {
        let Tok::Str { quote: q, .. } = token.tok else {
            continue;
        };
        if !pick(&tokens, i) {
            continue;
        }
        if let Some(quoted) = quote_name(new, q) {
            out.push_str(&formula[copied..token.start]);
            out.push_str(&quoted);
            copied = token.end;
        }
    }
    out.push_str(&formula[copied..]);
    out
}

/// Quotes `name` with `preferred` or, failing that, the other quote character, checking
/// that it reads back as exactly `name`. Baserow's escaping cannot express a backslash
/// just before the closing quote, so such a name gets `None`.
fn quote_name(name: &str, preferred: char) -> Option<String> {
    let other = if preferred == '\'' { '"' } else { '\'' };
    [preferred, other].into_iter().find_map(|q| {
        let quoted = quote(name, q);
        let reads_back = tokenize(&quoted).is_ok_and(|t| {
            t.len() == 2 && matches!(&t[0].tok, Tok::Str { value, .. } if value == name)
        });
        reads_back.then_some(quoted)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_references_and_keeps_the_rest() {
        assert_eq!(
            rename_field("upper( FIELD('a') ) /* a */ + 'a'", "a", "b"),
            "upper( FIELD('b') ) /* a */ + 'a'"
        );
        assert_eq!(
            rename_field("field(\"a\")&&field('a')", "a", "b"),
            "field(\"b\")&&field('b')"
        );
        assert_eq!(
            rename_field("concat('a', field('x'))", "a", "b"),
            "concat('a', field('x'))"
        );
        assert_eq!(
            rename_field("sum(lookup('a', 'a'))", "a", "b"),
            "sum(lookup('b', 'a'))"
        );
    }

    #[test]
    fn quotes_new_names() {
        assert_eq!(rename_field("field('a')", "a", "it's"), "field('it\\'s')");
        assert_eq!(
            rename_field("field(\"a\")", "a", "say \"hi\""),
            "field(\"say \\\"hi\\\"\")"
        );
        assert_eq!(rename_field("field('it\\'s')", "it's", "x"), "field('x')");
        assert_eq!(rename_field("field('a')", "a", "ü ß"), "field('ü ß')");
        // A backslash before the closing quote cannot be written; the other quote
        // style is used when it helps, otherwise the reference is left as it is.
        assert_eq!(rename_field("field('a')", "a", "x\\'"), "field(\"x\\'\")");
        assert_eq!(rename_field("field('a')", "a", "x\\"), "field('a')");
    }

    #[test]
    fn unlexable_formulas_are_unchanged() {
        assert_eq!(
            rename_field("field('a') + 'oops", "a", "b"),
            "field('a') + 'oops"
        );
    }

    #[test]
    fn renames_lookup_targets_through_a_link() {
        assert_eq!(
            rename_lookup_target(
                "lookup('L', 'a') + field('a') + lookup('M', 'a')",
                "L",
                "a",
                "b"
            ),
            "lookup('L', 'b') + field('a') + lookup('M', 'a')"
        );
    }
}
