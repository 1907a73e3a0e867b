//! Shared gallery, kanban and calendar views without an account: `/public/gallery/{slug}`,
//! `/public/kanban/{slug}` and `/public/calendar/{slug}`. Read-only cards of the view's
//! visible fields, rendered on the server so the page reads without script; the page's
//! script then draws the values as the app does (option colours, rating marks, dates in
//! the field's format). Paging is by links: pages of the gallery, "Show more" per kanban
//! column, months and days of the calendar.

use super::{
    cells::{self, Cell},
    csrf::Csrf,
    public_views::{failure, view_token},
    render::Chrome,
    table::cell_text,
};
use crate::{
    database::{
        access::TableScope,
        fields::{Field, public_field_json},
        rows::{ListQuery, Paging},
        views::{
            View, ViewError,
            calendar::DayRange,
            listing::{ColumnPage, KANBAN_DEFAULT_LIMIT},
            public,
        },
    },
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::{Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value, json};

/// Cards per gallery page.
const GALLERY_PAGE: usize = 60;
/// The most cards one kanban column shows (the listing's cap).
const KANBAN_MAX: usize = 200;
/// Entries a calendar day shows in the month grid; the rest are on the day's own list.
const DAY_ENTRIES: usize = 4;
/// Rows the list of one day shows.
const DAY_LIST: usize = 100;

/// One value of a card: the field's name and its cell (redrawn by the page's script).
pub struct CardValue {
    pub field_id: i64,
    pub name: String,
    pub cell: Cell,
}

/// A row as a card: its title (the primary field's text) and its other non-empty values.
pub struct Card {
    pub id: i64,
    pub title: String,
    pub values: Vec<CardValue>,
}

/// What every card page shares: the view opened by its link, its table's name, and the
/// fields it shows in the view's order (primary first).
struct Shared {
    view: View,
    table_name: String,
    fields: Vec<Field>,
    /// The fields a card shows: the primary field and those the view does not hide.
    on_cards: Vec<i64>,
    token: Option<String>,
}

/// Opens the shared view of `kind` behind `slug`, or the page that says why not (404, the
/// password form).
async fn open(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &Csrf,
    slug: &str,
    kind: &str,
    here: &str,
) -> Result<Shared, Response> {
    let token = view_token(headers, slug);
    let (view, fields) = public::info(&state.ctx, slug, token.as_deref())
        .await
        .map_err(|err| failure(err, csrf, slug, here))?;
    if view.kind != kind {
        return Err(failure(ViewError::NotFound, csrf, slug, here));
    }
    let table_name = public::table_name(&state.ctx, &view)
        .await
        .map_err(|err| failure(err, csrf, slug, here))?;
    let options = public::field_options(&state.ctx, slug, token.as_deref())
        .await
        .map_err(|err| failure(err, csrf, slug, here))?;
    let order = |f: &Field| {
        options
            .get(&f.id.to_string())
            .and_then(|o| o.get("order"))
            .and_then(Value::as_i64)
            .unwrap_or(32767)
    };
    let mut fields = fields;
    fields.sort_by_key(|f| (!f.primary, order(f), f.id));
    // The select or date field a view needs comes with the rows, but a card shows it only
    // when the view shows it, as the app's cards do.
    let on_cards = fields
        .iter()
        .filter(|f| {
            f.primary
                || options
                    .get(&f.id.to_string())
                    .and_then(|o| o.get("hidden"))
                    .and_then(Value::as_bool)
                    == Some(false)
        })
        .map(|f| f.id)
        .collect();
    Ok(Shared {
        view,
        table_name,
        fields,
        on_cards,
        token,
    })
}

impl Shared {
    fn card(&self, row: &Map<String, Value>) -> Card {
        let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
        let title = self
            .fields
            .iter()
            .find(|f| f.primary)
            .map(|f| cell_text(&f.kind, row.get(&f.column()).unwrap_or(&Value::Null)))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("Row {id}"));
        let values = self
            .fields
            .iter()
            .filter(|f| !f.primary && self.on_cards.contains(&f.id))
            .map(|f| CardValue {
                field_id: f.id,
                name: f.name.clone(),
                cell: cells::cell(f, row.get(&f.column())),
            })
            .filter(|v| !matches!(v.cell, Cell::Empty))
            .collect();
        Card { id, title, values }
    }

    /// The page's bootstrap for `public_cards.js`: the fields and every row shown.
    fn chrome(&self, csrf: &Csrf, rows: Vec<&Map<String, Value>>) -> Chrome {
        let placeholder = TableScope {
            table_id: self.view.table_id,
            database_id: 0,
            workspace_id: 0,
        };
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|f| public_field_json(f, &placeholder))
            .collect();
        let option = |key: &str| self.view.options.0.get(key).cloned();
        Chrome::anonymous(csrf).with(
            "public_cards",
            json!({
                "slug": self.view.slug, "view_id": self.view.id, "type": self.view.kind,
                "card_cover_image_field": option("card_cover_image_field"),
                "date_field": option("date_field"), "fields": fields, "rows": rows,
            }),
        )
    }
}

/// The query of a card page, as pairs (`select_option` repeats).
fn query_pairs(raw: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn query_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_gallery.html")]
pub struct GalleryPage {
    chrome: Chrome,
    table_name: String,
    view_name: String,
    cards: Vec<Card>,
    first: usize,
    last: usize,
    count: Option<i64>,
    page: usize,
    previous: Option<String>,
    next: Option<String>,
}

/// `/public/gallery/{slug}?page=N`
pub async fn gallery(
    State(state): State<AppState>,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let here = format!("/public/gallery/{slug}");
    let shared = match open(&state, &headers, &csrf, &slug, "gallery", &here).await {
        Ok(shared) => shared,
        Err(page) => return page,
    };
    let pairs = query_pairs(raw);
    let page = query_value(&pairs, "page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let query = ListQuery {
        paging: Paging::Page {
            page,
            size: GALLERY_PAGE,
        },
        ..ListQuery::default()
    };
    let listed = match public::rows(&state.ctx, &slug, shared.token.as_deref(), query).await {
        Ok(listed) => listed,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    let cards: Vec<Card> = listed.results.iter().map(|r| shared.card(r)).collect();
    let first = (page - 1) * GALLERY_PAGE + 1;
    let last = first + cards.len().saturating_sub(1);
    let more = listed
        .count
        .map(|c| (last as i64) < c)
        .unwrap_or(cards.len() == GALLERY_PAGE);
    let link = |p: usize| {
        if p <= 1 {
            here.clone()
        } else {
            format!("{here}?page={p}")
        }
    };
    let rows: Vec<&Map<String, Value>> = listed.results.iter().collect();
    GalleryPage {
        chrome: shared.chrome(&csrf, rows),
        table_name: shared.table_name.clone(),
        view_name: shared.view.name.clone(),
        first,
        last,
        count: listed.count,
        previous: (page > 1).then(|| link(page - 1)),
        next: more.then(|| link(page + 1)),
        page,
        cards,
    }
    .into_response()
}

/// One kanban column: an option of the view's select field (or none) and its cards.
pub struct Column {
    /// The option's id, or `null` for rows without one.
    pub key: String,
    pub name: String,
    /// The option's colour class (`chip-blue`), empty for "Uncategorised".
    pub color: String,
    pub count: i64,
    pub cards: Vec<Card>,
    /// The link that shows this column's next cards.
    pub more: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_kanban.html")]
pub struct KanbanPage {
    chrome: Chrome,
    table_name: String,
    view_name: String,
    field_name: String,
    columns: Vec<Column>,
}

/// A colour name made safe for a class name (`light-blue` stays, anything else goes).
fn color_class(color: &str) -> String {
    let color: String = color
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '-')
        .collect();
    format!(
        "chip-{}",
        if color.is_empty() {
            "light-gray"
        } else {
            &color
        }
    )
}

/// `/public/kanban/{slug}?select_option=<option id or null>,<cards shown>` (repeatable).
pub async fn kanban(
    State(state): State<AppState>,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let here = format!("/public/kanban/{slug}");
    let shared = match open(&state, &headers, &csrf, &slug, "kanban", &here).await {
        Ok(shared) => shared,
        Err(page) => return page,
    };
    let pairs = query_pairs(raw);
    let field_id = shared
        .view
        .options
        .0
        .get("single_select_field")
        .and_then(Value::as_i64);
    let Some(field) = field_id.and_then(|id| shared.fields.iter().find(|f| f.id == id)) else {
        return super::render::error_page(
            axum::http::StatusCode::NOT_FOUND,
            "This board is not set up yet",
            "Its owner has not chosen the single select field that makes its columns.",
        );
    };
    // How many cards each column shows: asked for, else the first page.
    let shown = |key: &str| -> usize {
        pairs
            .iter()
            .filter(|(k, _)| k == "select_option")
            .filter_map(|(_, v)| v.split_once(','))
            .find(|(option, _)| option.trim() == key)
            .and_then(|(_, n)| n.trim().parse::<usize>().ok())
            .unwrap_or(KANBAN_DEFAULT_LIMIT)
            .clamp(1, KANBAN_MAX)
    };
    let keys: Vec<(String, String, String)> =
        std::iter::once(("null".to_owned(), "Uncategorised".to_owned(), String::new()))
            .chain(
                field
                    .select_options
                    .iter()
                    .map(|o| (o.id.to_string(), o.value.clone(), color_class(&o.color))),
            )
            .collect();
    let pages: Vec<ColumnPage> = keys
        .iter()
        .map(|(key, _, _)| ColumnPage {
            option: key.clone(),
            limit: shown(key),
            offset: 0,
        })
        .collect();
    let rows = match public::kanban_rows(
        &state.ctx,
        &slug,
        shared.token.as_deref(),
        ListQuery::default(),
        pages,
    )
    .await
    {
        Ok(rows) => rows,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    let empty = json!({"count": 0, "results": []});
    let mut all_rows: Vec<&Map<String, Value>> = Vec::new();
    let mut columns = Vec::new();
    for (key, name, color) in &keys {
        let bucket = rows.get(key).unwrap_or(&empty);
        let results: Vec<&Map<String, Value>> = (bucket["results"].as_array().into_iter())
            .flatten()
            .filter_map(Value::as_object)
            .collect();
        let count = bucket["count"].as_i64().unwrap_or_default();
        let more = ((results.len() as i64) < count && results.len() < KANBAN_MAX).then(|| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for (other, _, _) in &keys {
                let n = if other == key {
                    (shown(other) + KANBAN_DEFAULT_LIMIT).min(KANBAN_MAX)
                } else {
                    shown(other)
                };
                if other == key || n != KANBAN_DEFAULT_LIMIT {
                    query.append_pair("select_option", &format!("{other},{n}"));
                }
            }
            format!("{here}?{}#column-{key}", query.finish())
        });
        columns.push(Column {
            key: key.clone(),
            name: name.clone(),
            color: color.clone(),
            count,
            cards: results.iter().map(|r| shared.card(r)).collect(),
            more,
        });
        all_rows.extend(results);
    }
    KanbanPage {
        chrome: shared.chrome(&csrf, all_rows),
        table_name: shared.table_name.clone(),
        view_name: shared.view.name.clone(),
        field_name: field.name.clone(),
        columns,
    }
    .into_response()
}

/// One day of the month grid.
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub number: u32,
    pub in_month: bool,
    pub entries: Vec<Card>,
    /// Whether the day's rows are listed below the month.
    pub selected: bool,
    /// Rows of the day beyond the entries shown.
    pub more: i64,
    /// The day's own list.
    pub link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_calendar.html")]
pub struct CalendarPage {
    chrome: Chrome,
    table_name: String,
    view_name: String,
    field_name: String,
    month_title: String,
    timezone: String,
    previous: String,
    next: String,
    /// This month, in the same zone.
    today: String,
    weeks: Vec<Vec<Day>>,
    /// The day whose rows are listed below the grid, with its title.
    day: Option<(String, Vec<Card>, i64)>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `YYYY-MM` as the first day of that month.
fn parse_month(text: &str) -> Option<NaiveDate> {
    let (y, m) = text.split_once('-')?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
        .filter(|d| (1900..=2200).contains(&d.year()))
}

/// A zone name a visitor may pass: letters, digits and `/_+-` only (PostgreSQL checks it
/// further and counts an unknown zone as UTC).
fn plausible_zone(zone: &str) -> bool {
    (1..=64).contains(&zone.len())
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
}

fn start_of(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// `/public/calendar/{slug}?month=YYYY-MM&day=YYYY-MM-DD&tz=Europe/Paris`
pub async fn calendar(
    State(state): State<AppState>,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let here = format!("/public/calendar/{slug}");
    let shared = match open(&state, &headers, &csrf, &slug, "calendar", &here).await {
        Ok(shared) => shared,
        Err(page) => return page,
    };
    let pairs = query_pairs(raw);
    let field_id = shared
        .view
        .options
        .0
        .get("date_field")
        .and_then(Value::as_i64);
    let Some(field) = field_id.and_then(|id| shared.fields.iter().find(|f| f.id == id)) else {
        return super::render::error_page(
            axum::http::StatusCode::NOT_FOUND,
            "This calendar is not set up yet",
            "Its owner has not chosen the date field that places its rows.",
        );
    };
    // Days are counted in the visitor's zone (the page's script passes it), else in the
    // zone the field keeps its dates in, else UTC.
    let timezone = query_value(&pairs, "tz")
        .filter(|z| plausible_zone(z))
        .map(str::to_owned)
        .or_else(|| {
            field
                .options
                .get("date_force_timezone")
                .and_then(Value::as_str)
                .filter(|z| plausible_zone(z))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "UTC".to_owned());
    let chosen_day = query_value(&pairs, "day")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| (1900..=2200).contains(&d.year()));
    let month = query_value(&pairs, "month")
        .and_then(parse_month)
        .or_else(|| chosen_day.and_then(|d| d.with_day(1)))
        .unwrap_or_else(|| Utc::now().date_naive().with_day(1).unwrap_or_default());
    // Six weeks from the Monday on or before the 1st, as the app shows them.
    let start = month - Days::new(u64::from(month.weekday().num_days_from_monday()));
    let end = start + Days::new(42);
    let tz_pair = if timezone == "UTC" {
        String::new()
    } else {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("tz", &timezone);
        format!("&{}", q.finish())
    };
    let month_link = |m: NaiveDate| format!("{here}?month={}{tz_pair}", m.format("%Y-%m"));
    let today = if tz_pair.is_empty() {
        here.clone()
    } else {
        format!("{here}?{}", &tz_pair[1..])
    };
    let day_link = |d: NaiveDate| {
        format!(
            "{here}?month={}&day={}{tz_pair}#day",
            month.format("%Y-%m"),
            d.format("%Y-%m-%d")
        )
    };
    // A day on each side covers every zone's idea of the grid's first and last days.
    let range = |from: NaiveDate, to: NaiveDate, limit: usize| DayRange {
        from: start_of(from - Days::new(1)),
        to: start_of(to + Days::new(1)),
        timezone: timezone.clone(),
        limit,
        offset: 0,
    };
    let token = shared.token.as_deref();
    let days = match public::calendar_rows(
        &state.ctx,
        &slug,
        token,
        ListQuery::default(),
        range(start, end, DAY_ENTRIES),
    )
    .await
    {
        Ok(days) => days,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    let listed_day = match chosen_day {
        Some(day) => {
            match public::calendar_rows(
                &state.ctx,
                &slug,
                token,
                ListQuery::default(),
                range(day, day + Days::new(1), DAY_LIST),
            )
            .await
            {
                Ok(rows) => Some((day, rows)),
                Err(err) => return failure(err, &csrf, &slug, &here),
            }
        }
        None => None,
    };
    let empty = json!({"count": 0, "results": []});
    let bucket = |map: &Map<String, Value>, date: &str| -> (Vec<Map<String, Value>>, i64) {
        let b = map.get(date).unwrap_or(&empty);
        (
            (b["results"].as_array().into_iter().flatten())
                .filter_map(Value::as_object)
                .cloned()
                .collect(),
            b["count"].as_i64().unwrap_or_default(),
        )
    };
    let mut shown_rows: Vec<Map<String, Value>> = Vec::new();
    let mut weeks = Vec::new();
    for week in 0..6u64 {
        let mut days_of_week = Vec::new();
        for d in 0..7u64 {
            let date = start + Days::new(week * 7 + d);
            let key = date.format("%Y-%m-%d").to_string();
            let (results, count) = bucket(&days, &key);
            days_of_week.push(Day {
                number: date.day(),
                in_month: date.month() == month.month(),
                selected: chosen_day == Some(date),
                entries: results.iter().map(|r| shared.card(r)).collect(),
                more: count - results.len() as i64,
                link: day_link(date),
                date: key,
            });
            shown_rows.extend(results);
        }
        weeks.push(days_of_week);
    }
    let day = listed_day.map(|(day, rows)| {
        let key = day.format("%Y-%m-%d").to_string();
        let (results, count) = bucket(&rows, &key);
        let title = format!(
            "{} {} {}",
            day.weekday(),
            day.day(),
            MONTHS[day.month0() as usize]
        );
        let cards = results.iter().map(|r| shared.card(r)).collect();
        shown_rows.extend(results);
        (title, cards, count)
    });
    let month_title = format!("{} {}", MONTHS[month.month0() as usize], month.year());
    let previous = month_link(month - Months::new(1));
    let next = month_link(month + Months::new(1));
    CalendarPage {
        chrome: shared.chrome(&csrf, shown_rows.iter().collect()),
        table_name: shared.table_name.clone(),
        view_name: shared.view.name.clone(),
        field_name: field.name.clone(),
        month_title,
        timezone,
        previous,
        next,
        today,
        weeks,
        day,
    }
    .into_response()
}
