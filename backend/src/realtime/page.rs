//! Pages a socket can subscribe to, as keys the hub indexes by. Every page follows one
//! table's event stream: the whole table, one of its rows, or one of its shared views.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKey {
    Table(i64),
    Row {
        table_id: i64,
        row_id: i64,
    },
    /// A shared view, by id: its slug can change, its subscribers stay keyed the same.
    View {
        table_id: i64,
        view_id: i64,
    },
}

impl PageKey {
    /// The table whose events the page follows.
    pub fn table_id(&self) -> i64 {
        match *self {
            PageKey::Table(t)
            | PageKey::Row { table_id: t, .. }
            | PageKey::View { table_id: t, .. } => t,
        }
    }

    /// Reads a key written by [`fmt::Display`] (the page of a published envelope).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (Some("table"), Some(table)) = (parts.next(), parts.next()) else {
            return None;
        };
        let table_id = table.parse().ok()?;
        let key = match (parts.next(), parts.next().map(str::parse::<i64>)) {
            (None, _) => PageKey::Table(table_id),
            (Some("row"), Some(Ok(row_id))) => PageKey::Row { table_id, row_id },
            (Some("view"), Some(Ok(view_id))) => PageKey::View { table_id, view_id },
            _ => return None,
        };
        parts.next().is_none().then_some(key)
    }
}

impl fmt::Display for PageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageKey::Table(t) => write!(f, "table-{t}"),
            PageKey::Row { table_id, row_id } => write!(f, "table-{table_id}-row-{row_id}"),
            PageKey::View { table_id, view_id } => write!(f, "table-{table_id}-view-{view_id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_what_they_write() {
        for key in [
            PageKey::Table(3),
            PageKey::Row {
                table_id: 3,
                row_id: 9,
            },
            PageKey::View {
                table_id: 3,
                view_id: 4,
            },
        ] {
            assert_eq!(PageKey::parse(&key.to_string()), Some(key));
        }
        for bad in [
            "table",
            "table-x",
            "table-1-row",
            "table-1-row-2-x",
            "view-1",
        ] {
            assert_eq!(PageKey::parse(bad), None, "{bad}");
        }
    }
}
