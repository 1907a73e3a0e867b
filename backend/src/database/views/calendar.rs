//! Calendar listing: the rows on each day of a date range, placed by the view's date field
//! in the user's time zone, every day paged on its own and every day of the range present.

use super::{
    View, ViewError,
    listing::{Adhoc, apply},
    service::accessible,
};
use crate::{
    context::AppContext,
    database::{
        fields::{self, Storage, registry::field_types},
        filters::filter_type::DATES,
        rows::{
            ListQuery,
            query::{self, Partition},
            read::column_expr,
        },
    },
    platform::{auth::Actor, validation::ValidationError},
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Rows per day a calendar listing returns unless told otherwise.
pub const DEFAULT_LIMIT: usize = 40;
/// The longest range one request may cover: a month grid of six weeks, with margin.
pub const MAX_DAYS: i64 = 62;

/// What a calendar request asks for: `[from, to)` and the zone days are counted in
/// (unknown zones count in UTC, as date filters do).
pub struct DayRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub timezone: String,
    pub limit: usize,
    pub offset: usize,
}

impl DayRange {
    /// Checks the range: `to` after `from`, at most [`MAX_DAYS`] apart, no NUL in the zone.
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.to <= self.from {
            return Err(ValidationError::single(
                "to_timestamp",
                "invalid",
                "to_timestamp must be after from_timestamp.",
            ));
        }
        if (self.to - self.from).num_days() > MAX_DAYS {
            return Err(ValidationError::single(
                "to_timestamp",
                "invalid",
                format!("A calendar range covers at most {MAX_DAYS} days."),
            ));
        }
        if self.timezone.contains('\0') || self.timezone.len() > 64 {
            return Err(ValidationError::single(
                "user_timezone",
                "invalid",
                "Not a time zone.",
            ));
        }
        Ok(())
    }
}

/// `{"YYYY-MM-DD": {"count", "results"}, …}` for every day of the range.
pub async fn rows_per_day(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    q: ListQuery,
    range: DayRange,
) -> Result<Map<String, Value>, ViewError> {
    range.check()?;
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    days_of(&mut conn, &view, q, &range, Adhoc::Replace).await
}

/// The days of a calendar view already opened by its reader (the range checked); the
/// request's filters combine with the view's as `adhoc` says.
pub async fn days_of(
    conn: &mut PgConnection,
    view: &View,
    mut q: ListQuery,
    range: &DayRange,
    adhoc: Adhoc,
) -> Result<Map<String, Value>, ViewError> {
    if view.kind != "calendar" {
        return Err(ViewError::NotFound);
    }
    let fields = fields::repo::list(&mut *conn, view.table_id).await?;
    let no_date_field = || {
        ValidationError::single(
            "date_field",
            "required",
            "The calendar view has no date field yet.",
        )
    };
    let date_field = view
        .options
        .0
        .get("date_field")
        .and_then(Value::as_i64)
        .and_then(|id| fields.iter().find(|f| f.id == id))
        .filter(|f| DATES.contains(&f.kind.as_str()))
        .ok_or_else(no_date_field)?;
    let ft = field_types()
        .get(&date_field.kind)
        .ok_or_else(no_date_field)?;
    let col = column_expr(date_field, ft);
    let date_only =
        matches!(ft.storage(date_field), Storage::Column { sql_type, .. } if sql_type == "DATE");
    apply(&mut *conn, view, &mut q, adhoc).await?;
    // Within a day, rows run in time order, then as the view sorts them.
    q.order_by = Some(match q.order_by.take() {
        Some(rest) => format!("{},{rest}", date_field.column()),
        None => date_field.column(),
    });

    let zone = |sql: &mut QueryBuilder<Postgres>| {
        sql.push(" AT TIME ZONE tessera_safe_timezone(")
            .push_bind(range.timezone.clone())
            .push(")");
    };
    let key = |sql: &mut QueryBuilder<Postgres>| {
        if date_only {
            sql.push(format!("{col}::text"));
        } else {
            sql.push(format!("(({col})"));
            zone(sql);
            sql.push(")::date::text");
        }
    };
    let condition = |sql: &mut QueryBuilder<Postgres>| {
        if date_only {
            sql.push(format!("{col} >= ("))
                .push_bind(range.from)
                .push("::timestamptz");
            zone(sql);
            sql.push(format!(")::date AND {col} < ("))
                .push_bind(range.to)
                .push("::timestamptz");
            zone(sql);
            sql.push(")::date");
        } else {
            sql.push(format!("{col} >= "))
                .push_bind(range.from)
                .push(format!(" AND {col} < "))
                .push_bind(range.to);
        }
    };
    let partition = Partition {
        key: &key,
        condition: &condition,
        limit: range.limit,
        offset: range.offset,
    };
    let groups =
        query::list_partitioned(&mut *conn, view.table_id, &fields, &q, &partition).await?;

    // Every day of the range, in the user's zone, empty ones included.
    let mut days = QueryBuilder::<Postgres>::new("SELECT d::date::text FROM generate_series((");
    days.push_bind(range.from).push("::timestamptz");
    zone(&mut days);
    days.push(")::date, ((")
        .push_bind(range.to)
        .push("::timestamptz - interval '1 microsecond')");
    zone(&mut days);
    days.push(")::date, interval '1 day') d");
    let days: Vec<String> = days.build_query_scalar().fetch_all(&mut *conn).await?;
    let mut result: Map<String, Value> = days
        .into_iter()
        .map(|day| (day, json!({ "count": 0, "results": [] })))
        .collect();
    for group in groups {
        result.insert(
            group.key,
            json!({ "count": group.count, "results": group.results }),
        );
    }
    Ok(result)
}
