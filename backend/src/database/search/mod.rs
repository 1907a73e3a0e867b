//! Row search modes: `compat` (every field's text contains the term) and
//! `full-text-with-count` (PostgreSQL full-text search over each table's `search_tsv`).
//!
//! Full-text search matches rows holding, for every word of the search, a word that starts
//! with it, in any searchable field (`"ann smi"` finds "Ann Smith" and "Smith, Anna").
//! Punctuation separates words on both sides alike (`"3.14"` is the words `3` and `14`,
//! an email address its parts), so what a row shows can be typed back to find it. The
//! column is kept up to date from the table's event log by the export worker
//! ([`refresh`]); a row whose column was never filled (a new row, before its first
//! refresh) is matched by the same rule computed on the spot, so it is found meanwhile.

pub mod refresh;

use crate::database::{
    fields::{Field, registry::field_types},
    rows::read::column_expr,
};
use sqlx::{Postgres, QueryBuilder};

/// How `search` matches rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchMode {
    /// Baserow's `compat`: a field's text contains the term (any case), or the term is the
    /// row id.
    #[default]
    Compat,
    /// Baserow's `full-text-with-count`: word prefixes through the full-text column; the
    /// listing keeps its `count`.
    FullText,
}

impl SearchMode {
    /// The wire names, as Baserow accepts them.
    pub const NAMES: [&'static str; 2] = ["compat", "full-text-with-count"];

    /// The mode a `search_mode` parameter names.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "compat" => Some(Self::Compat),
            "full-text-with-count" => Some(Self::FullText),
            _ => None,
        }
    }
}

/// Search words beyond this many are ignored: each costs an index probe.
const MAX_WORDS: usize = 16;
/// A longer word is cut to this many characters; as a prefix it still finds its rows.
const MAX_WORD_CHARS: usize = 64;
/// A value's text beyond this many characters is not searchable in full-text mode.
const MAX_VALUE_CHARS: usize = 10_000;
/// A row's text beyond this many characters is not searchable either: it keeps every
/// row's words well under PostgreSQL's limit for one `tsvector` (1 MB).
const MAX_ROW_CHARS: usize = 100_000;
/// The ASCII punctuation both sides turn into spaces (PostgreSQL's `translate` list).
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Whether `c` separates words: ASCII spaces, controls and punctuation, exactly what rows
/// lose before PostgreSQL parses them. Every other character is left to PostgreSQL's
/// parser, which then splits the search as it split the rows.
fn separates(c: char) -> bool {
    c.is_ascii_whitespace() || c.is_ascii_punctuation() || c.is_ascii_control()
}

/// The `to_tsquery` text for a search: each word a quoted prefix, all of them required.
/// `None` when the search holds no word (only punctuation), which matches no row. The
/// words hold no quote or backslash (ASCII punctuation separates), so quoting is safe.
pub fn tsquery_text(search: &str) -> Option<String> {
    let words: Vec<String> = search
        .split(separates)
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| format!("'{}':*", w.chars().take(MAX_WORD_CHARS).collect::<String>()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// Whether full-text search looks in a field of this kind: not in passwords (their hash is
/// no text) nor booleans (`true`/`false` is no word anyone searches for).
pub fn is_searchable(field: &Field) -> bool {
    !matches!(field.kind.as_str(), "password" | "boolean")
        && field_types().get(&field.kind).is_some()
}

/// SQL computing the words of the row aliased `t` in `fields`: a stripped `tsvector` (no
/// positions: words are matched, not phrases).
pub fn vector_sql(fields: &[Field]) -> String {
    let texts: Vec<String> = fields
        .iter()
        .filter(|f| is_searchable(f))
        .filter_map(|f| {
            let ft = field_types().get(&f.kind)?;
            Some(format!(
                "left(({})::text, {MAX_VALUE_CHARS})",
                ft.text_sql(f, &column_expr(f, ft))
            ))
        })
        .collect();
    let spaces = " ".repeat(PUNCTUATION.chars().count());
    format!(
        "strip(to_tsvector('simple'::regconfig, translate(left(array_to_string(ARRAY[{}]::text[], ' '), {MAX_ROW_CHARS}), '{}', '{spaces}')))",
        texts.join(", "),
        PUNCTUATION.replace('\'', "''"),
    )
}

/// Appends the full-text condition for `search` over `fields` (alias `t`). `only` limits
/// the search to those fields (a shared view's visible ones): the stored column holds
/// every field's words, so such a search computes the words of those fields on the spot
/// rather than reveal what hidden fields hold.
pub fn push_condition(
    sql: &mut QueryBuilder<Postgres>,
    fields: &[Field],
    only: Option<&[i64]>,
    search: &str,
) {
    let Some(text) = tsquery_text(search) else {
        sql.push("FALSE");
        return;
    };
    let restricted = only.filter(|ids| {
        fields
            .iter()
            .any(|f| is_searchable(f) && !ids.contains(&f.id))
    });
    let query = |sql: &mut QueryBuilder<Postgres>| {
        // A subquery: the query is parsed once, not once per row.
        sql.push("(SELECT to_tsquery('simple'::regconfig, ")
            .push_bind(text.clone())
            .push("))");
    };
    match restricted {
        Some(ids) => {
            let shown: Vec<Field> = fields
                .iter()
                .filter(|f| ids.contains(&f.id))
                .cloned()
                .collect();
            sql.push(format!("({} @@ ", vector_sql(&shown)));
            query(sql);
            sql.push(")");
        }
        None => {
            // Rows not refreshed yet (NULL) are few and indexed on their own.
            sql.push("(t.search_tsv @@ ");
            query(sql);
            sql.push(format!(
                " OR (t.search_tsv IS NULL AND {} @@ ",
                vector_sql(fields)
            ));
            query(sql);
            sql.push("))");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_required_prefixes() {
        assert_eq!(
            tsquery_text("ann smi").as_deref(),
            Some("'ann':* & 'smi':*")
        );
        assert_eq!(
            tsquery_text("  peter@x.io ").as_deref(),
            Some("'peter':* & 'x':* & 'io':*")
        );
        assert_eq!(tsquery_text("3.14").as_deref(), Some("'3':* & '14':*"));
        assert_eq!(tsquery_text("Émile").as_deref(), Some("'Émile':*"));
    }

    #[test]
    fn operators_and_quotes_never_reach_the_query_syntax() {
        assert_eq!(
            tsquery_text("a&b|!c:*(d)'e\\f").as_deref(),
            Some("'a':* & 'b':* & 'c':* & 'd':* & 'e':* & 'f':*")
        );
        assert_eq!(tsquery_text("&|!:*()''"), None);
        assert_eq!(tsquery_text("   "), None);
    }

    #[test]
    fn long_searches_are_bounded() {
        let long = "x".repeat(10_000);
        assert_eq!(
            tsquery_text(&long),
            Some(format!("'{}':*", "x".repeat(MAX_WORD_CHARS)))
        );
        let many = vec!["w"; 100].join(" ");
        assert_eq!(
            tsquery_text(&many).map(|q| q.matches('&').count() + 1),
            Some(MAX_WORDS)
        );
    }

    #[test]
    fn modes_parse_by_their_wire_names() {
        assert_eq!(SearchMode::parse("compat"), Some(SearchMode::Compat));
        assert_eq!(
            SearchMode::parse("full-text-with-count"),
            Some(SearchMode::FullText)
        );
        assert_eq!(SearchMode::parse("full-text"), None);
        for name in SearchMode::NAMES {
            assert!(SearchMode::parse(name).is_some());
        }
    }

    #[test]
    fn the_punctuation_list_is_all_ascii_punctuation() {
        let listed: String = PUNCTUATION.chars().collect();
        let all: String = (0u8..128)
            .map(char::from)
            .filter(char::is_ascii_punctuation)
            .collect();
        assert_eq!(listed, all);
    }
}
