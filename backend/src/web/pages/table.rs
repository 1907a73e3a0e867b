//! The table page, `/database/{db}/table/{table}/{view}`: the view's first rows rendered
//! as a readable table in the first response (usable without scripts), plus the bootstrap
//! data the grid script takes over with, so the browser does not fetch them again.
//! `/database/{db}/table/{table}/{view}/row/{row}` is the same page with that row expanded.

use super::{
    csrf::Csrf,
    render::{Chrome, error_page, not_found_page},
    session::PageUser,
    sidebar::{NavView, Sidebar},
};
use crate::{
    database::{
        rows::{self, RowError, RowKeys},
        views::{
            ViewError,
            first_load::{self, FirstLoad},
        },
    },
    platform::auth::Actor,
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

#[derive(Template, WebTemplate)]
#[template(path = "pages/table.html")]
pub struct TablePage {
    pub chrome: Chrome,
    pub page: TableView,
    pub nav: Sidebar,
}

/// `/database/{db}/table/{table}`: the table's first view.
pub async fn first_view(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((database, table)): Path<(String, String)>,
) -> Response {
    render(&state, &user, &csrf, &database, &table, None, None).await
}

/// `/database/{db}/table/{table}/{view}`.
pub async fn view(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((database, table, view)): Path<(String, String, String)>,
) -> Response {
    render(&state, &user, &csrf, &database, &table, Some(&view), None).await
}

/// `/database/{db}/table/{table}/{view}/row/{row}`: the view with the row expanded. A row
/// that does not exist gives the view with a message saying so.
pub async fn row(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((database, table, view, row)): Path<(String, String, String, String)>,
) -> Response {
    render(
        &state,
        &user,
        &csrf,
        &database,
        &table,
        Some(&view),
        Some(&row),
    )
    .await
}

/// `/database/{db}/table/{table}/row/{row}`: the first view with the row expanded (where
/// notifications lead, not knowing the reader's views).
pub async fn first_view_row(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((database, table, row)): Path<(String, String, String)>,
) -> Response {
    render(&state, &user, &csrf, &database, &table, None, Some(&row)).await
}

/// What the page says when the row of its address cannot be shown.
const MISSING_ROW: &str = "This row does not exist in this table. It may have been deleted.";

async fn render(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    database: &str,
    table: &str,
    view: Option<&str>,
    row: Option<&str>,
) -> Response {
    // Ids that are not numbers name nothing: the same page as an unknown id.
    let (Ok(database), Ok(table)) = (database.parse::<i64>(), table.parse::<i64>()) else {
        return not_found_page();
    };
    let view = match view.map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return not_found_page(),
    };
    let actor = user.actor();
    match first_load::load(&state.ctx, &actor, database, table, view).await {
        Ok(load) => {
            let nav = match Sidebar::load(state, user).await {
                Ok(nav) => nav,
                Err(err) => return super::render::api_error_page(err),
            };
            let chrome = Chrome::signed_in(state, user, csrf);
            let table_id = load.table["id"].as_i64().unwrap_or_default();
            let (mut page, mut data) = TableView::build(load);
            let mut status = StatusCode::OK;
            if let Some(row) = row {
                match expanded_row(state, &actor, table_id, row).await {
                    Some(found) => {
                        data.insert("row".into(), Value::Object(found));
                    }
                    None => {
                        page.notice = Some(MISSING_ROW.to_owned());
                        status = StatusCode::NOT_FOUND;
                    }
                }
            }
            let chrome = data
                .into_iter()
                .fold(chrome, |chrome, (key, value)| chrome.with(&key, value));
            let views = page
                .views
                .iter()
                .map(|v| NavView {
                    id: v.id,
                    name: v.name.clone(),
                    kind: v.kind.clone(),
                    active: v.active,
                })
                .collect();
            let nav = nav.showing(page.table_id, views);
            (status, TablePage { chrome, page, nav }).into_response()
        }
        Err(ViewError::Database(e)) => {
            tracing::error!(error = %e, "the table page could not be read");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The table could not be loaded. Try again in a moment.",
            )
        }
        // Missing, in the trash, or not the user's: one answer, so ids reveal nothing.
        Err(_) => not_found_page(),
    }
}

/// The row an address names, as the API serialises it; `None` when the id is not a
/// number or names no row of the table (a failed read is logged and treated alike, so the
/// table still shows).
async fn expanded_row(
    state: &AppState,
    actor: &Actor,
    table_id: i64,
    row: &str,
) -> Option<Map<String, Value>> {
    let id = row.parse::<i64>().ok()?;
    match rows::get(&state.ctx, actor, table_id, id, RowKeys::Ids).await {
        Ok(found) => Some(found),
        Err(RowError::NotFound(_)) => None,
        Err(e) => {
            tracing::error!(error = %e, "the expanded row could not be read");
            None
        }
    }
}

/// A view in the page's view switcher.
pub struct ViewTab {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

/// A visible field, as a column.
pub struct Column {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub width: i64,
}

/// One cell as text, with a link for URL, email and phone cells.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub kind: String,
}

pub struct RowCells {
    pub id: i64,
    pub cells: Vec<Cell>,
}

/// What the template shows.
pub struct TableView {
    pub table_name: String,
    pub database_id: i64,
    pub table_id: i64,
    pub view_id: i64,
    pub view_kind: String,
    /// Whether the view lists rows as a grid (others show a note or cards).
    pub is_grid: bool,
    pub lists_rows: bool,
    pub views: Vec<ViewTab>,
    pub columns: Vec<Column>,
    pub rows: Vec<RowCells>,
    pub count: i64,
    pub count_label: String,
    /// A message shown above the rows from the start (the address named a missing row).
    pub notice: Option<String>,
}

/// The visible fields of a view in their order: the primary field first, then by the
/// view's `order` option, then by id.
pub fn visible_fields<'a>(fields: &'a [Value], options: &Map<String, Value>) -> Vec<&'a Value> {
    let option = |f: &Value, key: &str| -> Option<Value> {
        options
            .get(&f["id"].as_i64().unwrap_or_default().to_string())
            .and_then(|o| o.get(key))
            .cloned()
    };
    let mut visible: Vec<&Value> = fields
        .iter()
        .filter(|f| f["primary"] == true || option(f, "hidden") != Some(Value::Bool(true)))
        .collect();
    visible.sort_by_key(|f| {
        (
            f["primary"] != true,
            option(f, "order").and_then(|o| o.as_i64()).unwrap_or(32767),
            f["id"].as_i64().unwrap_or_default(),
        )
    });
    visible
}

/// A cell's value as plain text (the same rules as the grid script's `toText`).
pub fn cell_text(kind: &str, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) if kind == "boolean" => if *b { "✓" } else { "" }.to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) if kind == "rating" => {
            "★".repeat(n.as_u64().unwrap_or(0).min(10) as usize)
        }
        Value::Number(n) if kind == "duration" => {
            let secs = n.as_f64().unwrap_or(0.0).round() as i64;
            let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
            if s == 0 {
                format!("{h}:{m:02}")
            } else {
                format!("{h}:{m:02}:{s:02}")
            }
        }
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| cell_text(kind, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => o
            .get("value")
            .or_else(|| o.get("name"))
            .map(|v| cell_text(kind, v))
            .unwrap_or_default(),
    }
}

/// The link a cell may carry: only http(s), mailto and tel, never `javascript:` and such.
pub fn cell_href(kind: &str, text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let href = match kind {
        "url" => text.to_owned(),
        "email" => format!("mailto:{text}"),
        "phone_number" => format!("tel:{text}"),
        _ => return None,
    };
    super::cells::safe_href(&href).then_some(href)
}

impl TableView {
    /// Builds the page from what the services returned, and the bootstrap entries the grid
    /// script takes over with (besides the access token and user every page has).
    pub fn build(load: FirstLoad) -> (Self, Map<String, Value>) {
        let columns: Vec<Column> = visible_fields(&load.fields, &load.field_options)
            .into_iter()
            .map(|f| {
                let id = f["id"].as_i64().unwrap_or_default();
                Column {
                    id,
                    name: f["name"].as_str().unwrap_or_default().to_owned(),
                    kind: f["type"].as_str().unwrap_or_default().to_owned(),
                    width: load
                        .field_options
                        .get(&id.to_string())
                        .and_then(|o| o["width"].as_i64())
                        .unwrap_or(200)
                        .clamp(40, 2000),
                }
            })
            .collect();
        let rows = load
            .rows
            .iter()
            .map(|row| RowCells {
                id: row.get("id").and_then(Value::as_i64).unwrap_or_default(),
                cells: columns
                    .iter()
                    .map(|c| {
                        let value = row
                            .get(&format!("field_{}", c.id))
                            .cloned()
                            .unwrap_or(Value::Null);
                        let text = cell_text(&c.kind, &value);
                        Cell {
                            href: cell_href(&c.kind, &text),
                            text,
                            kind: c.kind.clone(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let views = load
            .views
            .iter()
            .map(|v| ViewTab {
                id: v["id"].as_i64().unwrap_or_default(),
                name: v["name"].as_str().unwrap_or_default().to_owned(),
                kind: v["type"].as_str().unwrap_or_default().to_owned(),
                active: v["id"].as_i64() == Some(load.view_id),
            })
            .collect();
        let mut data = Map::new();
        let catalog = FirstLoad::catalog();
        data.insert("database_id".into(), json!(load.database_id));
        data.insert("table".into(), load.table.clone());
        data.insert("views".into(), json!(load.views));
        data.insert("view".into(), load.view.clone());
        data.insert("fields".into(), json!(load.fields));
        data.insert(
            "field_options".into(),
            Value::Object(load.field_options.clone()),
        );
        data.insert("rows".into(), json!(load.rows));
        data.insert("count".into(), json!(load.count));
        data.insert("seq".into(), json!(load.seq));
        data.insert("field_types".into(), catalog["field_types"].clone());
        data.insert("filter_types".into(), catalog["filter_types"].clone());
        let page = Self {
            table_name: load.table["name"].as_str().unwrap_or_default().to_owned(),
            database_id: load.database_id,
            table_id: load.table["id"].as_i64().unwrap_or_default(),
            view_id: load.view_id,
            is_grid: load.view_kind == "grid",
            lists_rows: load.lists_rows,
            view_kind: load.view_kind,
            views,
            columns,
            rows,
            count_label: format!(
                "{} {}",
                load.count,
                if load.count == 1 { "row" } else { "rows" }
            ),
            count: load.count,
            notice: None,
        };
        (page, data)
    }
}
