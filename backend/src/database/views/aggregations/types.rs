//! Raw aggregation types (Baserow's `aggregation_raw_type`): one SQL aggregate each over the
//! rows a view shows. Percentages and other display forms are computed by clients from a
//! raw value and the row total.

use crate::database::{
    computed::is_computed,
    fields::{Field, registry::field_types},
    filters::{
        FilterTarget, applies,
        computed::as_plain,
        filter_type::{DATES, NUMERIC, TEXTUAL},
        registry::filter_types,
    },
    rows::read::column_expr,
};
use sqlx::{Postgres, QueryBuilder};

/// Which fields an aggregation reads.
#[derive(Clone, Copy)]
enum Fields {
    /// Every field the `empty` filter understands.
    Emptiable,
    Boolean,
    Numeric,
    NumericOrDate,
    /// Values with a meaningful equality: text, numbers, dates, single selects, uuids.
    Comparable,
    /// Values that group into a few repeated ones: what a distribution lists.
    Distributable,
    /// Every field (the count of rows does not read it).
    Any,
}

/// How the aggregate is written.
#[derive(Clone, Copy)]
enum Sql {
    /// `count(*) FILTER (WHERE <filter>)` with this filter type.
    CountWhere(&'static str),
    /// `count(*) FILTER (WHERE col)` / `(WHERE NOT col)` for booleans.
    Checked(bool),
    /// `<function>(col)`.
    Function(&'static str),
    /// `<function>(col::float8)`: statistics computed in floating point.
    Statistic(&'static str),
    Median,
    /// `count(*)`: the rows, whatever the field holds.
    Count,
    /// The nine deciles, as an array.
    Deciles,
    /// The ten most frequent values with their counts: computed by a query of its own
    /// (see [`AggregationType::is_distribution`]).
    Distribution,
}

pub struct AggregationType {
    pub name: &'static str,
    fields: Fields,
    sql: Sql,
}

static ALL: &[AggregationType] = &[
    AggregationType {
        name: "empty_count",
        fields: Fields::Emptiable,
        sql: Sql::CountWhere("empty"),
    },
    AggregationType {
        name: "not_empty_count",
        fields: Fields::Emptiable,
        sql: Sql::CountWhere("not_empty"),
    },
    AggregationType {
        name: "checked_count",
        fields: Fields::Boolean,
        sql: Sql::Checked(true),
    },
    AggregationType {
        name: "not_checked_count",
        fields: Fields::Boolean,
        sql: Sql::Checked(false),
    },
    AggregationType {
        name: "unique_count",
        fields: Fields::Comparable,
        sql: Sql::Function("count(DISTINCT "),
    },
    AggregationType {
        name: "min",
        fields: Fields::NumericOrDate,
        sql: Sql::Function("min("),
    },
    AggregationType {
        name: "max",
        fields: Fields::NumericOrDate,
        sql: Sql::Function("max("),
    },
    AggregationType {
        name: "sum",
        fields: Fields::Numeric,
        sql: Sql::Function("sum("),
    },
    AggregationType {
        name: "average",
        fields: Fields::Numeric,
        sql: Sql::Statistic("avg"),
    },
    AggregationType {
        name: "median",
        fields: Fields::Numeric,
        sql: Sql::Median,
    },
    AggregationType {
        name: "std_dev",
        fields: Fields::Numeric,
        sql: Sql::Statistic("stddev_pop"),
    },
    AggregationType {
        name: "variance",
        fields: Fields::Numeric,
        sql: Sql::Statistic("var_pop"),
    },
    AggregationType {
        name: "count",
        fields: Fields::Any,
        sql: Sql::Count,
    },
    AggregationType {
        name: "decile",
        fields: Fields::Numeric,
        sql: Sql::Deciles,
    },
    AggregationType {
        name: "distribution",
        fields: Fields::Distributable,
        sql: Sql::Distribution,
    },
];

/// How many values a distribution lists (Baserow's limit).
pub const DISTRIBUTION_SIZE: i64 = 10;

pub fn by_name(name: &str) -> Option<&'static AggregationType> {
    ALL.iter().find(|a| a.name == name)
}

impl AggregationType {
    pub fn supports(&self, field_kind: &str) -> bool {
        let is = |list: &[&str]| list.contains(&field_kind);
        match self.fields {
            Fields::Emptiable => filter_types()
                .get("empty")
                .is_some_and(|f| f.supports(field_kind)),
            Fields::Boolean => field_kind == "boolean",
            Fields::Numeric => is(NUMERIC),
            Fields::NumericOrDate => is(NUMERIC) || is(DATES),
            Fields::Comparable => {
                is(TEXTUAL) || is(NUMERIC) || is(DATES) || is(&["single_select", "uuid"])
            }
            Fields::Distributable => {
                is(TEXTUAL)
                    || is(NUMERIC)
                    || is(DATES)
                    || is(&[
                        "long_text",
                        "single_select",
                        "boolean",
                        "created_by",
                        "last_modified_by",
                    ])
            }
            Fields::Any => true,
        }
    }

    /// Whether the aggregation reads `field`: a computed field by the formula type it
    /// stores (a number formula sums, a date formula has a min and max, …).
    pub fn supports_field(&self, field: &Field) -> bool {
        match self.fields {
            Fields::Emptiable => filter_types()
                .get("empty")
                .is_some_and(|f| applies(f, field)),
            Fields::Any => true,
            _ if is_computed(&field.kind) => {
                as_plain(field, "").is_some_and(|p| self.supports(&p.field.kind))
            }
            _ => self.supports(&field.kind),
        }
    }

    /// Appends the aggregate of `field` (see [`Self::push_sql`]); a computed field is
    /// read as the plain field type its values are stored like, except for emptiness,
    /// which its own type knows.
    pub fn push_field_sql(&self, sql: &mut QueryBuilder<Postgres>, field: &Field) {
        let Some(ft) = field_types().get(&field.kind) else {
            sql.push("NULL::jsonb");
            return;
        };
        let col = column_expr(field, ft);
        let plain = match self.fields {
            Fields::Emptiable => None,
            _ if is_computed(&field.kind) => as_plain(field, &col),
            _ => None,
        };
        match plain
            .as_ref()
            .and_then(|p| Some((p, field_types().get(&p.field.kind)?)))
        {
            Some((p, pft)) => self.push_sql(
                sql,
                &FilterTarget {
                    field: &p.field,
                    field_type: pft,
                    col: p.col.clone(),
                },
            ),
            None => self.push_sql(
                sql,
                &FilterTarget {
                    field,
                    field_type: ft,
                    col,
                },
            ),
        }
    }

    /// Whether the aggregation is a distribution, which groups rows and so needs a query
    /// of its own over the rows.
    pub fn is_distribution(&self) -> bool {
        matches!(self.sql, Sql::Distribution)
    }

    /// The SQL of the value a distribution groups by: the field's text (what a cell
    /// shows), for every type alike.
    pub fn distribution_value_sql(field: &Field) -> String {
        field_types().get(&field.kind).map_or_else(
            || "NULL::text".to_owned(),
            |ft| format!("({})::text", ft.text_sql(field, &column_expr(field, ft))),
        )
    }

    /// Appends the aggregate, as JSON (`to_jsonb(…)`; numbers stay numbers).
    pub fn push_sql(&self, sql: &mut QueryBuilder<Postgres>, target: &FilterTarget<'_>) {
        let col = &target.col;
        sql.push("to_jsonb(");
        match self.sql {
            Sql::CountWhere(filter) => {
                sql.push("count(*) FILTER (WHERE ");
                if let Some(filter) = filter_types().get(filter) {
                    filter.push_condition(sql, target, "");
                } else {
                    sql.push("FALSE");
                }
                sql.push(")");
            }
            Sql::Checked(checked) => {
                sql.push(format!(
                    "count(*) FILTER (WHERE {}COALESCE({col}, FALSE))",
                    if checked { "" } else { "NOT " }
                ));
            }
            Sql::Function(open) => {
                sql.push(format!("{open}{col})"));
            }
            Sql::Statistic(function) => {
                sql.push(format!("{function}({col}::float8)"));
            }
            Sql::Median => {
                sql.push(format!(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY {col}::float8)"
                ));
            }
            Sql::Count => {
                sql.push("count(*)");
            }
            Sql::Deciles => {
                sql.push(format!(
                    "percentile_cont(ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) \
                     WITHIN GROUP (ORDER BY {col}::float8)"
                ));
            }
            // A placeholder: the values come from [`Self::distribution_value_sql`]'s query.
            Sql::Distribution => {
                sql.push("NULL::jsonb");
            }
        }
        sql.push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregations_only_read_fields_they_understand() {
        let sum = by_name("sum").unwrap();
        assert!(sum.supports("number") && sum.supports("duration"));
        assert!(!sum.supports("text") && !sum.supports("date"));
        assert!(by_name("max").unwrap().supports("date"));
        assert!(by_name("checked_count").unwrap().supports("boolean"));
        assert!(!by_name("checked_count").unwrap().supports("number"));
        assert!(by_name("empty_count").unwrap().supports("text"));
        assert!(by_name("count").unwrap().supports("file"));
        assert!(by_name("decile").unwrap().supports("number"));
        assert!(!by_name("decile").unwrap().supports("text"));
        assert!(by_name("distribution").unwrap().supports("single_select"));
        assert!(!by_name("distribution").unwrap().supports("file"));
    }

    #[test]
    fn computed_fields_aggregate_by_their_formula_type() {
        use crate::database::formula::types::FormulaType;
        use crate::database::{computed::stored::typed_options, fields::test_field};
        let number = test_field("formula", typed_options("1", &FormulaType::number(1)));
        let date = test_field("formula", typed_options("1", &FormulaType::date(false)));
        let text = test_field("formula", typed_options("1", &FormulaType::text()));
        let sum = by_name("sum").unwrap();
        assert!(sum.supports_field(&number));
        assert!(!sum.supports_field(&date) && !sum.supports_field(&text));
        assert!(by_name("min").unwrap().supports_field(&date));
        assert!(by_name("empty_count").unwrap().supports_field(&text));
        assert!(!by_name("checked_count").unwrap().supports_field(&text));
        let mut qb = QueryBuilder::<Postgres>::new("");
        sum.push_field_sql(&mut qb, &number);
        assert_eq!(qb.sql().as_str(), "to_jsonb(sum(round(t.field_1, 1)))");
    }
}
