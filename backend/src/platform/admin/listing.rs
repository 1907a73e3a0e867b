//! Search and sorting of the admin listings as Baserow parses them: `search` matches any
//! of the listing's search columns case-insensitively; `sorts` is a comma-separated list
//! of attributes, each prefixed with `+` (ascending) or `-` (descending).

use super::AdminError;

/// What a listing request asks for, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// A `LIKE` pattern (`%…%`, wildcards escaped), or `None` to list everything.
    pub pattern: Option<String>,
    /// SQL `ORDER BY` items built only from the listing's own column names.
    pub order_by: String,
    pub limit: i64,
    pub offset: i64,
}

impl Listing {
    /// `attributes` maps each sortable attribute name to its SQL expression; `id` is the
    /// expression every sort ends with so that pages do not overlap.
    pub fn parse(
        search: Option<&str>,
        sorts: Option<&str>,
        attributes: &[(&str, &'static str)],
        id: &'static str,
        (limit, offset): (i64, i64),
    ) -> Result<Self, AdminError> {
        Ok(Self {
            pattern: search.filter(|s| !s.is_empty()).map(like_pattern),
            order_by: order_by(sorts, attributes, id)?,
            limit,
            offset,
        })
    }
}

fn like_pattern(search: &str) -> String {
    let mut escaped = String::with_capacity(search.len() + 2);
    escaped.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

fn order_by(
    sorts: Option<&str>,
    attributes: &[(&str, &'static str)],
    id: &'static str,
) -> Result<String, AdminError> {
    let Some(sorts) = sorts else {
        return Ok(id.to_owned());
    };
    let mut items: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for sort in sorts.split(',') {
        // Baserow refuses an item of two characters or fewer (a sign and one letter).
        if sort.chars().count() <= 2 {
            return Err(AdminError::InvalidSortAttribute);
        }
        let mut chars = sort.chars();
        let direction = match chars.next() {
            Some('+') => "ASC",
            Some('-') => "DESC",
            _ => return Err(AdminError::InvalidSortDirection),
        };
        let name = chars.as_str();
        let Some((_, column)) = attributes.iter().find(|(n, _)| *n == name) else {
            return Err(AdminError::InvalidSortAttribute);
        };
        if seen.contains(column) {
            return Err(AdminError::InvalidSortAttribute);
        }
        seen.push(column);
        items.push(format!("{column} {direction}"));
    }
    if !seen.contains(&id) {
        items.push(id.to_owned());
    }
    Ok(items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTRS: &[(&str, &str)] = &[("id", "u.id"), ("name", "u.first_name")];

    fn parse(search: Option<&str>, sorts: Option<&str>) -> Result<Listing, AdminError> {
        Listing::parse(search, sorts, ATTRS, "u.id", (100, 0))
    }

    #[test]
    fn sorts_map_to_known_columns_in_order_and_end_with_the_id() {
        assert_eq!(parse(None, None).unwrap().order_by, "u.id");
        assert_eq!(
            parse(None, Some("-name")).unwrap().order_by,
            "u.first_name DESC, u.id"
        );
        assert_eq!(
            parse(None, Some("-id,+name")).unwrap().order_by,
            "u.id DESC, u.first_name ASC"
        );
    }

    #[test]
    fn bad_sorts_are_refused_with_baserows_errors() {
        for (sorts, direction) in [
            ("name", true),
            ("*name", true),
            ("+unknown", false),
            ("+id,-id", false),
            ("+i", false),
            ("", false),
            ("+name,", false),
        ] {
            let err = parse(None, Some(sorts)).unwrap_err();
            assert_eq!(
                matches!(err, AdminError::InvalidSortDirection),
                direction,
                "{sorts}: {err:?}"
            );
        }
    }

    #[test]
    fn search_becomes_an_escaped_contains_pattern() {
        assert_eq!(parse(Some(""), None).unwrap().pattern, None);
        assert_eq!(
            parse(Some("a_b%c\\"), None).unwrap().pattern.as_deref(),
            Some("%a\\_b\\%c\\\\%")
        );
    }
}
