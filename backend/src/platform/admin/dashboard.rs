//! The instance dashboard (Baserow's admin dashboard): totals, and new and active users
//! per period and per day. Active means signed in during the period (`user_sign_ins`).

use super::{AdminError, require_staff};
use crate::{context::AppContext, platform::auth::Actor};
use chrono::NaiveDate;
use serde::Serialize;

/// The periods Baserow reports, by the suffix of their keys.
const PERIODS: &[(&str, &str)] = &[
    ("last_24_hours", "24 hours"),
    ("last_7_days", "7 days"),
    ("last_30_days", "30 days"),
];

/// Users counted on one day of the 30 before now, in the asked time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PerDay {
    pub date: NaiveDate,
    pub count: i64,
}

/// Everything the dashboard shows; `(period key, count)` pairs in Baserow's key names.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub total_users: i64,
    pub total_workspaces: i64,
    pub total_applications: i64,
    /// `new_users_last_24_hours`, `previous_new_users_last_24_hours`, … `active_users_…`.
    pub counts: Vec<(String, i64)>,
    pub new_users_per_day: Vec<PerDay>,
    pub active_users_per_day: Vec<PerDay>,
}

/// The dashboard at this moment; `timezone` (an IANA name, UTC when absent) decides where
/// each day of the per-day lists begins.
pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    timezone: Option<&str>,
) -> Result<Dashboard, AdminError> {
    require_staff(actor)?;
    let mut conn = ctx.db.acquire().await?;
    let timezone = timezone.unwrap_or("UTC");
    let known: bool = !timezone.contains('\0')
        && sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)")
            .bind(timezone)
            .fetch_one(&mut *conn)
            .await?;
    if !known {
        return Err(AdminError::UnknownTimeZone(
            timezone.replace('\0', "").chars().take(100).collect(),
        ));
    }
    let (total_users, total_workspaces, total_applications): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM users WHERE is_active), \
                (SELECT count(*) FROM workspaces WHERE NOT trashed), \
                (SELECT count(*) FROM applications a JOIN workspaces w ON w.id = a.workspace_id \
                  WHERE NOT a.trashed AND NOT w.trashed)",
    )
    .fetch_one(&mut *conn)
    .await?;
    // One pass per source: each period and the one before it, as `(from, to]` windows.
    let mut counts = Vec::new();
    for (kind, source, column, counted) in [
        ("new_users", "users", "date_joined", "id"),
        (
            "active_users",
            "user_sign_ins",
            "signed_in_at",
            "DISTINCT user_id",
        ),
    ] {
        for (key, interval) in PERIODS {
            let (current, previous): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT count({counted}) FILTER (WHERE {column} > now() - $1::interval), \
                        count({counted}) FILTER (WHERE {column} <= now() - $1::interval) \
                 FROM {source} WHERE {column} > now() - 2 * $1::interval AND {column} <= now()"
            )))
            .bind(*interval)
            .fetch_one(&mut *conn)
            .await?;
            counts.push((format!("{kind}_{key}"), current));
            counts.push((format!("previous_{kind}_{key}"), previous));
        }
    }
    let per_day = |source: &str, column: &str, counted: &str| {
        format!(
            "SELECT ({column} AT TIME ZONE $1)::date AS date, count({counted}) AS count \
             FROM {source} WHERE {column} > now() - interval '30 days' AND {column} <= now() \
             GROUP BY 1 ORDER BY 1"
        )
    };
    let new_users_per_day =
        sqlx::query_as(sqlx::AssertSqlSafe(per_day("users", "date_joined", "id")))
            .bind(timezone)
            .fetch_all(&mut *conn)
            .await?;
    let active_users_per_day = sqlx::query_as(sqlx::AssertSqlSafe(per_day(
        "user_sign_ins",
        "signed_in_at",
        "DISTINCT user_id",
    )))
    .bind(timezone)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Dashboard {
        total_users,
        total_workspaces,
        total_applications,
        counts,
        new_users_per_day,
        active_users_per_day,
    })
}
