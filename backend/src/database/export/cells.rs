//! Cell text made safe for where it lands: spreadsheets (formula injection) and XML
//! (characters XML 1.0 cannot carry).

use std::borrow::Cow;

/// Prefixes `'` to text a spreadsheet would run as a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (OWASP's CSV injection advice). Plain numbers such
/// as `-12.5` stay as they are: they cannot carry a formula, and quoting them would turn
/// every negative number into text.
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    let risky = matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if risky && !is_plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit())
}

/// Escapes text for XML element content (`&`, `<`, `>`) and drops the control characters XML 1.0 does not
/// allow at all (a text cell may hold any of them; one would make the whole file unreadable).
pub fn xml_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_numbers_are_not() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["-12.5", "+3", "-7", "hello", "", "a=b", "1-2"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
        assert_eq!(spreadsheet_safe("-"), "'-");
        assert_eq!(spreadsheet_safe("-1.2.3"), "'-1.2.3");
    }

    #[test]
    fn xml_text_escapes_markup_and_drops_forbidden_characters() {
        let mut out = String::new();
        xml_text("<a href=\"x\">&</a>\u{1}\u{8}\tz\u{FFFF}", &mut out);
        assert_eq!(out, "&lt;a href=\"x\"&gt;&amp;&lt;/a&gt;\tz");
    }
}
