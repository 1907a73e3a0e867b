//! Filter type implementations, one file per family of related types.

mod array;
mod boolean;
mod collaborators;
mod compare;
mod contains;
mod date;
mod empty;
mod equal;
mod file;
mod link_row;
mod select;
mod user;

pub use array::array_filters;
pub use boolean::BooleanFilter;
pub use collaborators::CollaboratorsHasFilter;
pub use compare::{CompareFilter, IsEvenAndWholeFilter};
pub use contains::{ContainsFilter, ContainsWordFilter, LengthIsLowerThanFilter, like_pattern};
pub use date::date_filters;
pub use empty::EmptyFilter;
pub use equal::EqualFilter;
pub use file::{FilenameContainsFilter, FilesLowerThanFilter, HasFileTypeFilter};
pub use link_row::{LinkRowContainsFilter, LinkRowHasFilter};
pub use select::{MultipleSelectHasFilter, SingleSelectFilter};
pub use user::UserIsFilter;

/// Parses a decimal filter value; `None` for anything else.
pub(crate) fn decimal(value: &str) -> Option<String> {
    let v = value.trim();
    let digits = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !(int.is_empty() && frac.is_empty())
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && v.len() <= 60;
    ok.then(|| v.to_owned())
}

/// Comma-separated ids (`1,2,3`); `None` when any part is not a number.
pub(crate) fn ids(value: &str) -> Option<Vec<i64>> {
    value
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse().ok())
        .collect()
}

#[cfg(test)]
pub(crate) mod test_sql {
    use crate::database::{
        fields::{Field, registry::field_types, test_field},
        filters::{FilterTarget, registry::filter_types},
    };
    use sqlx::{Postgres, QueryBuilder};

    /// The SQL a filter produces for a field of `kind`.
    pub fn sql(filter: &str, field: &Field, value: &str) -> String {
        let ft = field_types().get(&field.kind).unwrap();
        let target = FilterTarget {
            field,
            field_type: ft,
            col: format!("t.{}", field.column()),
        };
        let mut qb = QueryBuilder::<Postgres>::new("");
        filter_types()
            .get(filter)
            .unwrap()
            .push_condition(&mut qb, &target, value);
        qb.sql().as_str().to_owned()
    }

    pub fn field(kind: &str) -> Field {
        test_field(kind, serde_json::json!({}))
    }
}
