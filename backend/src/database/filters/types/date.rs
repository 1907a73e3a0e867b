//! Date filters: the multi-step `date_is…` family (`"<timezone>?<value>?<operator>"`) and
//! Baserow's older single-purpose date filters, which map onto the same ranges.

use crate::database::filters::{FilterTarget, FilterType, filter_type::DATES};
use chrono::NaiveDate;
use sqlx::{Postgres, QueryBuilder};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Is,
    IsNot,
    Before,
    OnOrBefore,
    After,
    OnOrAfter,
    Within,
}

/// A day range relative to today in the filter's time zone, or an exact date.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Period {
    Days(i64),
    Weeks(i64),
    Months(i64),
    Years(i64),
    Exact(NaiveDate),
}

/// How a legacy filter's value becomes a period.
#[derive(Debug, Clone, Copy)]
enum Legacy {
    /// The value is a date (optionally `tz?date`).
    ExactDate,
    /// The value is only a time zone; the period is fixed.
    Fixed(Period),
    /// The value is a count (optionally `tz?n`): days ago, or a window ahead.
    DaysAgo,
    Within(fn(i64) -> Period),
}

pub struct DateFilter {
    name: &'static str,
    mode: Mode,
    legacy: Option<Legacy>,
}

/// Every date filter type, multi-step and legacy.
pub fn date_filters() -> Vec<Box<dyn FilterType>> {
    let multi = [
        ("date_is", Mode::Is),
        ("date_is_not", Mode::IsNot),
        ("date_is_before", Mode::Before),
        ("date_is_on_or_before", Mode::OnOrBefore),
        ("date_is_after", Mode::After),
        ("date_is_on_or_after", Mode::OnOrAfter),
        ("date_is_within", Mode::Within),
    ];
    let legacy = [
        ("date_equal", Mode::Is, Legacy::ExactDate),
        ("date_not_equal", Mode::IsNot, Legacy::ExactDate),
        ("date_before", Mode::Before, Legacy::ExactDate),
        ("date_before_or_equal", Mode::OnOrBefore, Legacy::ExactDate),
        ("date_after", Mode::After, Legacy::ExactDate),
        ("date_after_or_equal", Mode::OnOrAfter, Legacy::ExactDate),
        (
            "date_equals_today",
            Mode::Is,
            Legacy::Fixed(Period::Days(0)),
        ),
        (
            "date_before_today",
            Mode::Before,
            Legacy::Fixed(Period::Days(0)),
        ),
        (
            "date_after_today",
            Mode::After,
            Legacy::Fixed(Period::Days(0)),
        ),
        ("date_equals_days_ago", Mode::Is, Legacy::DaysAgo),
        ("date_after_days_ago", Mode::OnOrAfter, Legacy::DaysAgo),
        (
            "date_within_days",
            Mode::Within,
            Legacy::Within(Period::Days),
        ),
        (
            "date_within_weeks",
            Mode::Within,
            Legacy::Within(|n| Period::Days(7 * n)),
        ),
        (
            "date_within_months",
            Mode::Within,
            Legacy::Within(Period::Months),
        ),
    ];
    let mut out: Vec<Box<dyn FilterType>> = Vec::new();
    for (name, mode) in multi {
        out.push(Box::new(DateFilter {
            name,
            mode,
            legacy: None,
        }));
    }
    for (name, mode, legacy) in legacy {
        out.push(Box::new(DateFilter {
            name,
            mode,
            legacy: Some(legacy),
        }));
    }
    out
}

/// Splits `tz?rest`; a value without `?` has no time zone (UTC).
fn split_tz(value: &str) -> (&str, &str) {
    match value.split_once('?') {
        Some((tz, rest)) => (if tz.is_empty() { "UTC" } else { tz }, rest),
        None => ("UTC", value),
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10).unwrap_or(s.trim()), "%Y-%m-%d").ok()
}

/// Reads the multi-step operator with its argument.
fn multi_step(arg: &str, operator: &str) -> Option<Period> {
    let n = || {
        arg.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=100_000).contains(n))
    };
    Some(match operator {
        "today" => Period::Days(0),
        "yesterday" => Period::Days(-1),
        "tomorrow" => Period::Days(1),
        "one_week_ago" => Period::Weeks(-1),
        "this_week" => Period::Weeks(0),
        "next_week" => Period::Weeks(1),
        "one_month_ago" => Period::Months(-1),
        "this_month" => Period::Months(0),
        "next_month" => Period::Months(1),
        "one_year_ago" => Period::Years(-1),
        "this_year" => Period::Years(0),
        "next_year" => Period::Years(1),
        "nr_days_ago" => Period::Days(-n()?),
        "nr_weeks_ago" => Period::Weeks(-n()?),
        "nr_months_ago" => Period::Months(-n()?),
        "nr_years_ago" => Period::Years(-n()?),
        "nr_days_from_now" => Period::Days(n()?),
        "nr_weeks_from_now" => Period::Weeks(n()?),
        "nr_months_from_now" => Period::Months(n()?),
        "nr_years_from_now" => Period::Years(n()?),
        "exact_date" => Period::Exact(parse_date(arg)?),
        _ => return None,
    })
}

impl DateFilter {
    /// The time zone and period of a filter value; `Ok(None)` means "no filtering".
    fn parse(&self, value: &str) -> Result<Option<(String, Period)>, ()> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        let (tz, rest) = split_tz(value);
        let period = match self.legacy {
            None => {
                let (arg, operator) = rest.rsplit_once('?').ok_or(())?;
                if operator.is_empty()
                    || (arg.trim().is_empty()
                        && (operator.starts_with("nr_") || operator == "exact_date"))
                {
                    return Ok(None);
                }
                multi_step(arg, operator).ok_or(())?
            }
            Some(Legacy::ExactDate) => Period::Exact(parse_date(rest).ok_or(())?),
            Some(Legacy::Fixed(p)) => p,
            Some(Legacy::DaysAgo) => Period::Days(
                -rest
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| ())?
                    .clamp(-100_000, 100_000),
            ),
            Some(Legacy::Within(make)) => make(
                rest.trim()
                    .parse::<i64>()
                    .map_err(|_| ())?
                    .clamp(0, 100_000),
            ),
        };
        Ok(Some((tz.to_owned(), period)))
    }
}

/// Pushes today's date in the bound time zone.
fn push_today(sql: &mut QueryBuilder<Postgres>, tz: &str) {
    sql.push("(now() AT TIME ZONE (SELECT tessera_safe_timezone(")
        .push_bind(tz.to_owned())
        .push(")))::date");
}

/// Pushes the first (`end == false`) or first-after-last (`end == true`) day of the period.
fn push_bound(sql: &mut QueryBuilder<Postgres>, tz: &str, period: Period, end: bool) {
    let (unit, n) = match period {
        Period::Exact(d) => {
            sql.push("(")
                .push_bind(d)
                .push(if end { "::date + 1)" } else { "::date)" });
            return;
        }
        Period::Days(n) => ("day", n),
        Period::Weeks(n) => ("week", n),
        Period::Months(n) => ("month", n),
        Period::Years(n) => ("year", n),
    };
    let offset = if end { n + 1 } else { n };
    sql.push("(date_trunc('").push(unit).push("', ");
    push_today(sql, tz);
    sql.push(") + ")
        .push_bind(offset as i32)
        .push(" * interval '1 ")
        .push(unit)
        .push("')::date");
}

impl FilterType for DateFilter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compatible_field_types(&self) -> &'static [&'static str] {
        DATES
    }

    fn push_condition(&self, sql: &mut QueryBuilder<Postgres>, t: &FilterTarget<'_>, value: &str) {
        let (tz, period) = match self.parse(value) {
            Ok(None) => {
                sql.push("TRUE");
                return;
            }
            Err(()) => {
                sql.push(if self.mode == Mode::IsNot {
                    "TRUE"
                } else {
                    "FALSE"
                });
                return;
            }
            Ok(Some(parsed)) => parsed,
        };
        let has_time = t.field.kind != "date" || t.field.opt_bool("date_include_time");
        let push_day = |sql: &mut QueryBuilder<Postgres>| {
            if has_time {
                sql.push("(")
                    .push(&t.col)
                    .push(" AT TIME ZONE (SELECT tessera_safe_timezone(")
                    .push_bind(tz.clone())
                    .push(")))::date");
            } else {
                sql.push(&t.col);
            }
        };
        sql.push("((");
        match self.mode {
            Mode::Is | Mode::IsNot => {
                push_day(sql);
                sql.push(" >= ");
                push_bound(sql, &tz, period, false);
                sql.push(" AND ");
                push_day(sql);
                sql.push(" < ");
                push_bound(sql, &tz, period, true);
            }
            Mode::Before => {
                push_day(sql);
                sql.push(" < ");
                push_bound(sql, &tz, period, false);
            }
            Mode::OnOrBefore => {
                push_day(sql);
                sql.push(" < ");
                push_bound(sql, &tz, period, true);
            }
            Mode::After => {
                push_day(sql);
                sql.push(" >= ");
                push_bound(sql, &tz, period, true);
            }
            Mode::OnOrAfter => {
                push_day(sql);
                sql.push(" >= ");
                push_bound(sql, &tz, period, false);
            }
            Mode::Within => {
                push_day(sql);
                sql.push(" >= ");
                push_today(sql, &tz);
                sql.push(" AND ");
                push_day(sql);
                sql.push(" < ");
                push_bound(sql, &tz, period, true);
            }
        }
        sql.push(if self.mode == Mode::IsNot {
            ") IS NOT TRUE)"
        } else {
            "))"
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sql::{field, sql};
    use super::*;

    #[test]
    fn values_parse_into_periods() {
        let is = DateFilter {
            name: "date_is",
            mode: Mode::Is,
            legacy: None,
        };
        assert_eq!(
            is.parse("Europe/Berlin??today"),
            Ok(Some(("Europe/Berlin".into(), Period::Days(0))))
        );
        assert_eq!(
            is.parse("UTC?3?nr_days_ago"),
            Ok(Some(("UTC".into(), Period::Days(-3))))
        );
        assert_eq!(
            is.parse("UTC?2024-01-31?exact_date"),
            Ok(Some((
                "UTC".into(),
                Period::Exact(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
            )))
        );
        assert_eq!(is.parse("UTC??nr_days_ago"), Ok(None));
        assert_eq!(is.parse(""), Ok(None));
        assert!(is.parse("UTC?x?nr_days_ago").is_err());
        assert!(is.parse("UTC??; DROP TABLE users").is_err());
        let legacy = DateFilter {
            name: "date_equal",
            mode: Mode::Is,
            legacy: Some(Legacy::ExactDate),
        };
        assert_eq!(
            legacy.parse("2024-02-01"),
            Ok(Some((
                "UTC".into(),
                Period::Exact(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())
            )))
        );
    }

    #[test]
    fn time_zones_are_bound_not_inlined() {
        let s = sql("date_is", &field("created_on"), "Europe/Berlin'--??today");
        assert!(!s.contains("Berlin"), "{s}");
        assert!(s.contains("tessera_safe_timezone($1)"), "{s}");
    }
}
