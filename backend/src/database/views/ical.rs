//! A calendar view's iCal feed (`ical_public`): the rows with a date, as events, at
//! `/api/database/views/calendar/{ical_slug}.ics` for calendar apps to subscribe to. The
//! feed has its own slug, apart from the view's public link, kept in the view's options
//! and shown only inside `ical_feed_url`; a new slug ends the old address.

use super::{
    View, ViewError, listing,
    parts::options_of,
    public::{always_shown, plausible_slug},
    repo,
};
use crate::{
    context::AppContext,
    database::{
        access,
        fields::{self, Field, registry::field_types},
        filters::{FilterGroup, FilterLeaf, filter_type::DATES, tree::FieldRef},
        rows::{self, ListQuery, Paging},
    },
    platform::{user_files, validation::ValidationError},
};
use serde_json::{Map, Value, json};

/// The option key of the feed's slug.
pub const SLUG_KEY: &str = "ical_slug";
/// The most events one feed holds: the first by date.
pub const MAX_EVENTS: usize = 2000;
const PAGE: usize = 200;

fn new_slug() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Keeps the feed's slug across changes of a calendar's settings, and makes one the first
/// time the feed is made public.
pub fn keep_slug(props: &mut Map<String, Value>, current: Option<&View>) {
    let slug = current
        .and_then(|c| c.options.0.get(SLUG_KEY))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| (props.get("ical_public") == Some(&Value::Bool(true))).then(new_slug));
    if let Some(slug) = slug {
        props.insert(SLUG_KEY.into(), json!(slug));
    }
}

/// A new feed slug for the view's options (see [`super::rotate_ical_slug`]).
pub fn with_new_slug(view: &View) -> Map<String, Value> {
    let mut options = view.options.0.clone();
    options.insert(SLUG_KEY.into(), json!(new_slug()));
    options
}

/// `<public URL>/api/database/views/calendar/<slug>.ics` once the feed has a slug (it
/// answers only while `ical_public` is true).
pub fn feed_url(view: &View) -> Option<String> {
    let slug = view.options.0.get(SLUG_KEY)?.as_str()?;
    Some(format!(
        "{}/api/database/views/calendar/{slug}.ics",
        user_files::public_url()
    ))
}

/// The feed of the calendar whose feed slug is `slug`, as iCalendar text.
pub async fn feed(ctx: &AppContext, slug: &str) -> Result<String, ViewError> {
    if !plausible_slug(slug) {
        return Err(ViewError::NotFound);
    }
    let mut conn = ctx.db.acquire().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM database_views WHERE type = 'calendar' AND NOT trashed \
         AND options->>'ical_slug' = $1 AND options->>'ical_public' = 'true'",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await?;
    let view = match id {
        Some(id) => repo::get(&mut *conn, id).await?,
        None => None,
    }
    .ok_or(ViewError::NotFound)?;
    let scope = access::scope(&mut conn, view.table_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    let all = fields::repo::list(&mut conn, view.table_id).await?;
    let date_field = view
        .options
        .0
        .get("date_field")
        .and_then(Value::as_i64)
        .and_then(|id| all.iter().find(|f| f.id == id))
        .filter(|f| DATES.contains(&f.kind.as_str()))
        .cloned()
        .ok_or_else(|| {
            ValidationError::single(
                "date_field",
                "required",
                "The calendar view has no date field yet.",
            )
        })?;
    // An event reads as the fields the view shows on its entries, in the view's order.
    let options = options_of(&mut conn, &view).await?;
    let option = |f: &Field, key: &str| options.get(&f.id.to_string()).and_then(|o| o.get(key));
    let stored = repo::field_options(&mut *conn, view.id).await?;
    let hidden_explicitly = |id: i64| {
        stored
            .iter()
            .any(|(f, o)| *f == id && o.0.get("hidden") == Some(&Value::Bool(true)))
    };
    let primary: Vec<i64> = always_shown(&view, &all, hidden_explicitly)
        .into_iter()
        .filter(|id| all.iter().any(|f| f.id == *id && f.primary))
        .collect();
    let mut shown: Vec<&Field> = all
        .iter()
        .filter(|f| primary.contains(&f.id) || option(f, "hidden") == Some(&Value::Bool(false)))
        .collect();
    shown.sort_by_key(|f| {
        (
            !f.primary,
            option(f, "order").and_then(Value::as_i64).unwrap_or(32767),
            f.id,
        )
    });
    let mut q = ListQuery {
        filter: Some(FilterGroup {
            or: false,
            filters: vec![FilterLeaf {
                field: FieldRef::Id(date_field.id),
                kind: "not_empty".into(),
                value: String::new(),
                saved: false,
            }],
            groups: Vec::new(),
        }),
        ..ListQuery::default()
    };
    listing::apply(&mut conn, &view, &mut q, listing::Adhoc::And).await?;
    q.order_by = Some(match q.order_by.take() {
        Some(rest) => format!("{},{rest}", date_field.column()),
        None => date_field.column(),
    });
    drop(conn);

    let row_url = |id: i64| {
        format!(
            "{}/database/{}/table/{}/{}/row/{id}",
            ctx.settings.public_url.trim_end_matches('/'),
            scope.database_id,
            scope.table_id,
            view.id
        )
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Tessera//Tessera//EN".to_owned(),
        format!("X-WR-CALNAME:{}", escape(&view.name)),
        format!("NAME:{}", escape(&view.name)),
        "X-WR-TIMEZONE:UTC".to_owned(),
    ] {
        push_line(&mut out, &line);
    }
    let mut offset = 0;
    while offset < MAX_EVENTS {
        q.paging = Paging::Offset {
            limit: PAGE,
            offset,
        };
        let page = rows::list_shared(ctx, view.table_id, &q).await?;
        for row in &page.results {
            let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
            let Some(start) = row
                .get(&date_field.column())
                .and_then(Value::as_str)
                .and_then(start_of)
            else {
                continue;
            };
            let texts: Vec<String> = shown
                .iter()
                .filter_map(|f| {
                    let value = row.get(&f.column()).unwrap_or(&Value::Null);
                    (!value.is_null())
                        .then(|| field_types().get(&f.kind).map(|t| t.to_text(f, value)))
                        .flatten()
                })
                .filter(|t| !t.trim().is_empty())
                .collect();
            let summary = if texts.is_empty() {
                format!("Row {id}")
            } else {
                texts.join(" - ")
            };
            let url = row_url(id);
            for line in [
                "BEGIN:VEVENT".to_owned(),
                format!("UID:{}", escape(&url)),
                format!("DTSTAMP:{stamp}"),
                start,
                format!("SUMMARY:{}", escape(&summary)),
                format!("DESCRIPTION:{}", escape(&summary)),
                format!("LOCATION:{}", escape(&url)),
                "END:VEVENT".to_owned(),
            ] {
                push_line(&mut out, &line);
            }
        }
        if page.results.len() < PAGE {
            break;
        }
        offset += PAGE;
    }
    push_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

/// `DTSTART` of a date (`2026-03-02`, a whole day) or a date and time (kept in UTC).
fn start_of(value: &str) -> Option<String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
    }
    let at = chrono::DateTime::parse_from_rfc3339(value).ok()?;
    Some(format!("DTSTART:{}", at.to_utc().format("%Y%m%dT%H%M%SZ")))
}

/// Text as iCalendar wants it (RFC 5545 3.3.11): backslashes, semicolons, commas and line
/// breaks escaped, other control characters dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (RFC 5545 3.1) and ended by CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_escaped_and_folded_at_75_octets() {
        assert_eq!(escape("a,b;c\\d\ne\u{7}"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(out.contains("\r\n "), "folded: {out:?}");
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "é".repeat(60))
        );
    }

    #[test]
    fn dates_start_whole_days_and_times_start_in_utc() {
        assert_eq!(
            start_of("2026-03-02").as_deref(),
            Some("DTSTART;VALUE=DATE:20260302")
        );
        assert_eq!(
            start_of("2026-03-02T10:30:00+02:00").as_deref(),
            Some("DTSTART:20260302T083000Z")
        );
        assert_eq!(start_of("soon"), None);
    }
}
