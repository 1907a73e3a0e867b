//! Shared views without an account: `/public/grid/{slug}` (a read-only grid of the view's
//! visible fields and filtered rows) and `/form/{slug}` (a form that works without script).
//! Views with a password ask for it first; the view token then lives in a cookie scoped
//! to the view.

use super::{
    cells::{self, Cell},
    csrf::{Csrf, PageForm},
    forms::FormErrors,
    render::{Chrome, error_page},
    session,
};
use crate::web::extract::ClientIp;
use crate::{
    database::{
        access::TableScope,
        fields::{Field, public_field_json},
        filters::{
            FilterGroup,
            registry::filter_types,
            tree::{FieldRef, FilterLeaf},
        },
        links::LINK_ROW,
        rows::{ListQuery, Page, Paging},
        views::{ViewError, form, link_lookup, public},
    },
    error::{ApiError, Code},
    platform::user_files,
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

const PAGE_SIZE: usize = 100;

fn token_cookie_name(slug: &str) -> Option<String> {
    (slug.len() <= 100 && slug.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("tessera_view_{slug}"))
}

pub(super) fn view_token(headers: &HeaderMap, slug: &str) -> Option<String> {
    session::cookie(headers, &token_cookie_name(slug)?)
}

/// The page for a service error: 404 for a missing view, the password form for a
/// protected one.
pub(super) fn failure(err: ViewError, csrf: &Csrf, slug: &str, back: &str) -> Response {
    match err {
        ViewError::NoPublicAuthorization => password_page(csrf, slug, back, None),
        ViewError::NotFound => error_page(
            StatusCode::NOT_FOUND,
            "This shared view does not exist",
            "The link may be mistyped, or the view is no longer shared. Ask its owner for a new link.",
        ),
        other => {
            let err = ApiError::from(other);
            error_page(
                StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::BAD_REQUEST),
                "This view cannot be shown",
                &super::forms::message(&err),
            )
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_password.html")]
pub struct PasswordPage {
    chrome: Chrome,
    slug: String,
    back: String,
    errors: FormErrors,
}

fn password_page(csrf: &Csrf, slug: &str, back: &str, error: Option<&str>) -> Response {
    let page = PasswordPage {
        chrome: Chrome::anonymous(csrf),
        slug: slug.to_owned(),
        back: back.to_owned(),
        errors: error.map(FormErrors::general).unwrap_or_default(),
    };
    (StatusCode::UNAUTHORIZED, page).into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    back: String,
}

/// `POST /public/view/{slug}/auth`: checks a shared view's password, keeps its token.
pub async fn authenticate(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    let back = session::safe_next(&form.back).unwrap_or("/").to_owned();
    let Some(name) = token_cookie_name(&slug) else {
        return failure(ViewError::NotFound, &csrf, &slug, &back);
    };
    match public::authenticate(&state.ctx, &slug, &form.password, client).await {
        Ok(token) => {
            let mut response = Redirect::to(&back).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session::set_cookie(
                    &name,
                    &token,
                    Some(24 * 3600),
                    session::is_https(&headers, &state),
                ),
            );
            response
        }
        Err(ViewError::NoPublicAuthorization) => password_page(
            &csrf,
            &slug,
            &back,
            Some("The password is incorrect. Try again."),
        ),
        Err(err) => failure(err, &csrf, &slug, &back),
    }
}

pub struct GridRow {
    pub id: i64,
    pub cells: Vec<Cell>,
}

/// A column header: its name and the link a click follows (asc → desc → none).
pub struct GridColumn {
    pub name: String,
    /// `ascending`, `descending` or empty, for `aria-sort`.
    pub sorted: &'static str,
    pub sort_link: String,
}

/// A field the filter row offers.
pub struct FilterField {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

/// An operator the filter row offers, with the fields it applies to (the page's script
/// shows only those of the chosen field; without script the server refuses a mismatch).
pub struct FilterOperator {
    pub name: &'static str,
    pub label: &'static str,
    pub fields: String,
    pub selected: bool,
}

/// The operators the shared grid's filter row offers: those whose value is plain text.
const OPERATORS: &[(&str, &str)] = &[
    ("contains", "contains"),
    ("contains_not", "does not contain"),
    ("equal", "is"),
    ("not_equal", "is not"),
    ("higher_than", "is higher than"),
    ("lower_than", "is lower than"),
    ("boolean", "is checked (1) or not (0)"),
    ("empty", "is empty"),
    ("not_empty", "is not empty"),
];

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_grid.html")]
pub struct PublicGridPage {
    chrome: Chrome,
    /// The page's title; the view's name follows it.
    table_name: String,
    view_name: String,
    here: String,
    columns: Vec<GridColumn>,
    rows: Vec<GridRow>,
    page: usize,
    first: usize,
    last: usize,
    count: Option<i64>,
    previous: Option<String>,
    next: Option<String>,
    search: String,
    order_by: String,
    filter_fields: Vec<FilterField>,
    filter_operators: Vec<FilterOperator>,
    filter_value: String,
    /// Whether a search, sort or filter narrows or orders the rows (offers "Clear").
    refined: bool,
    /// Why the search, sort or filter was refused.
    error: Option<String>,
}

/// `?page=…&search=…&order_by=field_5|-field_5&filter_field=5&filter_op=contains&filter_value=…`
#[derive(Deserialize, Default)]
pub struct GridQuery {
    page: Option<String>,
    search: Option<String>,
    order_by: Option<String>,
    filter_field: Option<String>,
    filter_op: Option<String>,
    filter_value: Option<String>,
}

impl GridQuery {
    fn text(value: &Option<String>) -> &str {
        value.as_deref().map(str::trim).unwrap_or_default()
    }
    fn search(&self) -> &str {
        Self::text(&self.search)
    }
    fn order_by(&self) -> &str {
        Self::text(&self.order_by)
    }
    fn filter_field(&self) -> &str {
        Self::text(&self.filter_field)
    }
    fn filter_op(&self) -> &str {
        Self::text(&self.filter_op)
    }
    fn filter_value(&self) -> &str {
        self.filter_value.as_deref().unwrap_or_default()
    }
    fn has_filter(&self) -> bool {
        !self.filter_field().is_empty() && !self.filter_op().is_empty()
    }

    /// This page's link with the given `order_by` and page, keeping search and filter.
    fn link(&self, here: &str, order_by: &str, page: usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if !self.search().is_empty() {
            query.append_pair("search", self.search());
        }
        if !order_by.is_empty() {
            query.append_pair("order_by", order_by);
        }
        if self.has_filter() {
            query.append_pair("filter_field", self.filter_field());
            query.append_pair("filter_op", self.filter_op());
            query.append_pair("filter_value", self.filter_value());
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            here.to_owned()
        } else {
            format!("{here}?{query}")
        }
    }

    /// The request's filter, or why it cannot be applied. The field must be one the view
    /// shows and the operator one the row offers for its type (the service checks the
    /// field again, so a hidden field can never be filtered on).
    fn filter(&self, visible: &[Field]) -> Result<Option<FilterGroup>, String> {
        if !self.has_filter() {
            return Ok(None);
        }
        let field = self
            .filter_field()
            .parse::<i64>()
            .ok()
            .and_then(|id| visible.iter().find(|f| f.id == id))
            .ok_or("Choose one of the view's fields to filter on.")?;
        let op = self.filter_op();
        if !OPERATORS.iter().any(|(name, _)| *name == op) || !operator_applies(op, field) {
            return Err(format!(
                "This condition does not apply to the field {}. Choose another.",
                field.name
            ));
        }
        Ok(Some(FilterGroup {
            or: false,
            filters: vec![FilterLeaf {
                field: FieldRef::Id(field.id),
                kind: op.to_owned(),
                value: self.filter_value().to_owned(),
                saved: false,
            }],
            groups: Vec::new(),
        }))
    }
}

impl PublicGridPage {
    fn fields_shown(&self) -> bool {
        !self.columns.is_empty()
    }
}

fn operator_applies(op: &str, field: &Field) -> bool {
    filter_types()
        .get(op)
        .is_some_and(|t| crate::database::filters::applies(t, field))
}

/// The column's sort state and the next one a click gives: asc → desc → none.
fn column(field: &Field, q: &GridQuery, here: &str) -> GridColumn {
    let key = field.column();
    let current = q.order_by();
    let (sorted, next) = if current == key || current == format!("+{key}") {
        ("ascending", format!("-{key}"))
    } else if current == format!("-{key}") {
        ("descending", String::new())
    } else {
        ("", key)
    };
    GridColumn {
        name: field.name.clone(),
        sorted,
        sort_link: q.link(here, &next, 1),
    }
}

pub async fn grid(
    State(state): State<AppState>,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    Query(q): Query<GridQuery>,
) -> Response {
    let here = format!("/public/grid/{slug}");
    let token = view_token(&headers, &slug);
    let (view, fields) = match public::info(&state.ctx, &slug, token.as_deref()).await {
        Ok(found) => found,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    if view.kind != "grid" {
        return failure(ViewError::NotFound, &csrf, &slug, &here);
    }
    let table_name = match public::table_name(&state.ctx, &view).await {
        Ok(name) => name,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let listed = match q.filter(&fields) {
        Ok(filter) => {
            let query = ListQuery {
                paging: Paging::Page {
                    page,
                    size: PAGE_SIZE,
                },
                search: Some(q.search().to_owned()).filter(|s| !s.is_empty()),
                order_by: Some(q.order_by().to_owned()).filter(|s| !s.is_empty()),
                filter,
                ..ListQuery::default()
            };
            // The service refuses hidden fields in the search, sort and filter.
            match public::rows(&state.ctx, &slug, token.as_deref(), query).await {
                Ok(listed) => Ok(listed),
                Err(err @ (ViewError::NotFound | ViewError::NoPublicAuthorization)) => {
                    return failure(err, &csrf, &slug, &here);
                }
                Err(err) => Err(super::forms::message(&ApiError::from(err))),
            }
        }
        Err(message) => Err(message),
    };
    let (listed, error) = match listed {
        Ok(listed) => (listed, None),
        Err(message) => (
            Page {
                count: None,
                results: Vec::new(),
            },
            Some(message),
        ),
    };
    let rows: Vec<GridRow> = listed
        .results
        .iter()
        .map(|row| GridRow {
            id: row.get("id").and_then(Value::as_i64).unwrap_or_default(),
            cells: fields
                .iter()
                .map(|f| cells::cell(f, row.get(&f.column())))
                .collect(),
        })
        .collect();
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = first + rows.len().saturating_sub(1);
    let more = listed
        .count
        .map(|c| (last as i64) < c)
        .unwrap_or(rows.len() == PAGE_SIZE);
    let chosen_field = q.filter_field().parse::<i64>().ok();
    let filter_fields: Vec<FilterField> = fields
        .iter()
        .filter(|f| OPERATORS.iter().any(|(op, _)| operator_applies(op, f)))
        .map(|f| FilterField {
            id: f.id,
            name: f.name.clone(),
            selected: Some(f.id) == chosen_field,
        })
        .collect();
    let filter_operators = OPERATORS
        .iter()
        .filter_map(|(op, label)| {
            let ids: Vec<String> = fields
                .iter()
                .filter(|f| operator_applies(op, f))
                .map(|f| f.id.to_string())
                .collect();
            (!ids.is_empty()).then(|| FilterOperator {
                name: op,
                label,
                fields: ids.join(" "),
                selected: q.filter_op() == *op,
            })
        })
        .collect();
    // The fields and values again for public_grid.js, which draws the cells as the table
    // page does (coloured options, rating marks) over the text rendered here.
    let placeholder = TableScope {
        table_id: view.table_id,
        database_id: 0,
        workspace_id: 0,
    };
    let shown_fields: Vec<Value> = fields
        .iter()
        .map(|f| public_field_json(f, &placeholder))
        .collect();
    let chrome = Chrome::anonymous(&csrf).with(
        "public_grid",
        serde_json::json!({
            "slug": slug, "view_id": view.id, "page": page,
            "fields": shown_fields, "rows": listed.results,
        }),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page_view = PublicGridPage {
        chrome,
        table_name,
        view_name: view.name,
        columns: fields.iter().map(|f| column(f, &q, &here)).collect(),
        page,
        first,
        last,
        count: listed.count,
        previous: (page > 1).then(|| q.link(&here, q.order_by(), page - 1)),
        next: more.then(|| q.link(&here, q.order_by(), page + 1)),
        rows,
        search: q.search().to_owned(),
        order_by: q.order_by().to_owned(),
        filter_fields,
        filter_operators,
        filter_value: if q.has_filter() {
            q.filter_value().to_owned()
        } else {
            String::new()
        },
        refined: !q.search().is_empty() || !q.order_by().is_empty() || q.has_filter(),
        error,
        here,
    };
    (status, page_view).into_response()
}

/// One question of a form page.
pub struct Question {
    /// The input's name: `field_{id}`.
    pub key: String,
    pub label: String,
    pub description: String,
    pub required: bool,
    pub input: Input,
    pub error: Option<String>,
}

/// Which input a field type gets.
pub enum Input {
    Text {
        value: String,
        kind: &'static str,
    },
    LongText {
        value: String,
    },
    Number {
        value: String,
        step: String,
    },
    Checkbox {
        checked: bool,
    },
    Date {
        value: String,
        with_time: bool,
    },
    Select {
        options: Vec<(i64, String, bool)>,
    },
    MultiSelect {
        options: Vec<(i64, String, bool)>,
    },
    /// Files uploaded by the page's script as they are chosen; the names of those already
    /// uploaded travel with the form.
    Files {
        files: Vec<(String, String)>,
    },
    /// Rows of the linked table, searched through the shared view's link lookup by the
    /// page's script; the ids of those chosen travel with the form, shown by their
    /// primary text.
    Links {
        lookup: String,
        chosen: Vec<(i64, String)>,
        multiple: bool,
    },
    Unsupported,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_form.html")]
pub struct PublicFormPage {
    chrome: Chrome,
    slug: String,
    title: String,
    description: String,
    submit_text: String,
    questions: Vec<Question>,
    errors: FormErrors,
    /// The token of a view with a password, which the page's uploads and row lookups send
    /// as `Baserow-View-Authorization` (the API does not read the page's cookie).
    view_token: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/public_form_done.html")]
pub struct FormDonePage {
    chrome: Chrome,
    title: String,
    message: String,
}

fn option_text(options: &Map<String, Value>, key: &str) -> String {
    options
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The submitted values of one field (several for multiple selects).
fn submitted<'a>(answers: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    answers
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// What a form page shows beside its fields and answers.
struct Shown<'a> {
    slug: &'a str,
    /// Uploaded files' stored names → the names the visitors' files had.
    uploaded: &'a HashMap<String, String>,
    /// Per link field, the rows already chosen with their primary texts.
    linked: &'a HashMap<i64, Vec<(i64, String)>>,
}

fn question(
    field: &Field,
    options: &Value,
    answers: &[(String, String)],
    shown: &Shown<'_>,
    errors: &FormErrors,
) -> Question {
    let uploaded = shown.uploaded;
    let key = field.column();
    let given = submitted(answers, &key);
    let first = given.first().map(|s| (*s).to_owned()).unwrap_or_default();
    let chosen = |id: i64| given.iter().any(|v| *v == id.to_string());
    let select = || -> Vec<(i64, String, bool)> {
        field
            .select_options
            .iter()
            .map(|o| (o.id, o.value.clone(), chosen(o.id)))
            .collect()
    };
    let input = match field.kind.as_str() {
        "text" => Input::Text {
            value: first,
            kind: "text",
        },
        "url" => Input::Text {
            value: first,
            kind: "url",
        },
        "email" => Input::Text {
            value: first,
            kind: "email",
        },
        "phone_number" => Input::Text {
            value: first,
            kind: "tel",
        },
        "duration" => Input::Text {
            value: first,
            kind: "text",
        },
        "long_text" => Input::LongText { value: first },
        "number" => {
            let places = field
                .options
                .get("number_decimal_places")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(10) as usize;
            let step = if places == 0 {
                "1".to_owned()
            } else {
                format!("0.{}1", "0".repeat(places - 1))
            };
            Input::Number { value: first, step }
        }
        "rating" => Input::Number {
            value: first,
            step: "1".into(),
        },
        "boolean" => Input::Checkbox {
            checked: !given.is_empty(),
        },
        "date" => Input::Date {
            value: first,
            with_time: field
                .options
                .get("date_include_time")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        "single_select" => Input::Select { options: select() },
        "multiple_select" => Input::MultiSelect { options: select() },
        "file" => Input::Files {
            files: given
                .iter()
                .filter_map(|n| Some(((*n).to_owned(), uploaded.get(*n)?.clone())))
                .collect(),
        },
        LINK_ROW => Input::Links {
            lookup: format!(
                "/api/database/views/{}/link-row-field-lookup/{}/",
                shown.slug, field.id
            ),
            chosen: shown.linked.get(&field.id).cloned().unwrap_or_default(),
            multiple: field
                .options
                .get("link_row_multiple_relationships")
                .and_then(Value::as_bool)
                .unwrap_or(true),
        },
        _ => Input::Unsupported,
    };
    let name = options
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(&field.name)
        .to_owned();
    Question {
        error: errors.field(&key).map(str::to_owned),
        label: name,
        description: options
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        required: options.get("required") == Some(&Value::Bool(true)),
        key,
        input,
    }
}

async fn render_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &Csrf,
    slug: &str,
    answers: &[(String, String)],
    errors: FormErrors,
) -> Response {
    let here = format!("/form/{slug}");
    let token = view_token(headers, slug);
    let (view, fields) = match form::page(&state.ctx, slug, token.as_deref()).await {
        Ok(found) => found,
        Err(err) => return failure(err, csrf, slug, &here),
    };
    let options = &view.options.0;
    let uploaded = match uploaded_files(state, &fields, answers).await {
        Ok(uploaded) => uploaded,
        Err(err) => return failure(ViewError::from(err), csrf, slug, &here),
    };
    let linked = match linked_rows(state, slug, token.as_deref(), &fields, answers).await {
        Ok(linked) => linked,
        Err(err) => return failure(err, csrf, slug, &here),
    };
    let shown = Shown {
        slug,
        uploaded: &uploaded,
        linked: &linked,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = PublicFormPage {
        chrome: Chrome::anonymous(csrf),
        slug: slug.to_owned(),
        title: Some(option_text(options, "title"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| view.name.clone()),
        description: option_text(options, "description"),
        submit_text: Some(option_text(options, "submit_text"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Submit".into()),
        questions: fields
            .iter()
            .map(|(f, o)| question(f, o, answers, &shown, &errors))
            .collect(),
        errors,
        view_token: token,
    };
    (status, page).into_response()
}

/// The files already uploaded for the form's file questions (sent back with answers
/// that were refused): stored name → the name the visitor's file had. Names that are no
/// uploaded file are left out.
async fn uploaded_files(
    state: &AppState,
    fields: &[(Field, Value)],
    answers: &[(String, String)],
) -> sqlx::Result<HashMap<String, String>> {
    let names: Vec<String> = (fields.iter())
        .filter(|(f, _)| f.kind == "file")
        .flat_map(|(f, _)| submitted(answers, &f.column()))
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let files = user_files::by_names(&state.ctx.db, &names).await?;
    Ok(files
        .into_iter()
        .map(|f| (f.name, f.original_name))
        .collect())
}

/// The rows already chosen for the form's link questions (sent back with answers that
/// were refused), with their primary texts; ids the link could not be given are left out.
async fn linked_rows(
    state: &AppState,
    slug: &str,
    token: Option<&str>,
    fields: &[(Field, Value)],
    answers: &[(String, String)],
) -> Result<HashMap<i64, Vec<(i64, String)>>, ViewError> {
    let mut linked = HashMap::new();
    for (field, _) in fields.iter().filter(|(f, _)| f.kind == LINK_ROW) {
        let ids = link_ids(&submitted(answers, &field.column()));
        if !ids.is_empty() {
            let rows = link_lookup::chosen(&state.ctx, slug, token, field.id, &ids).await?;
            linked.insert(field.id, rows);
        }
    }
    Ok(linked)
}

/// The row ids a link question was answered with: numbers only, each once, at most as
/// many as a page of rows.
fn link_ids(given: &[&str]) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for id in given.iter().filter_map(|v| v.trim().parse::<i64>().ok()) {
        if !ids.contains(&id) && ids.len() < MAX_LINKS_PER_ANSWER {
            ids.push(id);
        }
    }
    ids
}

/// The most rows one link question of a form page takes.
const MAX_LINKS_PER_ANSWER: usize = 200;

pub async fn form_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
) -> Response {
    render_form(&state, &headers, &csrf, &slug, &[], FormErrors::default()).await
}

/// The JSON value of one answer, by field type (the service validates it).
fn answer_value(field: &Field, given: &[&str]) -> Option<Value> {
    let first = given.first().map(|s| s.trim());
    match field.kind.as_str() {
        "boolean" => Some(Value::Bool(!given.is_empty())),
        "multiple_select" => Some(Value::Array(
            given
                .iter()
                .filter_map(|v| v.parse::<i64>().ok())
                .map(Value::from)
                .collect(),
        )),
        "file" => Some(Value::Array(
            given
                .iter()
                .filter(|n| !n.trim().is_empty())
                .map(|n| serde_json::json!({ "name": n.trim() }))
                .collect(),
        )),
        LINK_ROW => Some(Value::Array(
            link_ids(given).into_iter().map(Value::from).collect(),
        )),
        _ => match first {
            None | Some("") => None,
            Some(v) => Some(match field.kind.as_str() {
                "single_select" | "rating" => v
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(v.to_owned())),
                _ => Value::String(v.to_owned()),
            }),
        },
    }
}

pub async fn form_submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    csrf: Csrf,
    Path(slug): Path<String>,
    PageForm(answers): PageForm<Vec<(String, String)>>,
) -> Response {
    let here = format!("/form/{slug}");
    let token = view_token(&headers, &slug);
    let fields = match form::page(&state.ctx, &slug, token.as_deref()).await {
        Ok((_, fields)) => fields,
        Err(err) => return failure(err, &csrf, &slug, &here),
    };
    let mut body = Map::new();
    for (field, _) in &fields {
        let key = field.column();
        let given = submitted(&answers, &key);
        if let Some(value) = answer_value(field, &given) {
            body.insert(key, value);
        }
    }
    match form::submit(&state.ctx, &slug, token.as_deref(), &body, client).await {
        Ok(result) => {
            let redirect = result["submit_action"] == "REDIRECT";
            let url = result["submit_action_redirect_url"].as_str().unwrap_or("");
            if redirect && url.starts_with("http") && cells::safe_href(url) {
                return Redirect::to(url).into_response();
            }
            let message = result["submit_action_message"]
                .as_str()
                .filter(|m| !m.is_empty())
                .unwrap_or("Thank you! Your answers were sent.")
                .to_owned();
            FormDonePage {
                chrome: Chrome::anonymous(&csrf),
                title: "Form sent".into(),
                message,
            }
            .into_response()
        }
        Err(ViewError::NoPublicAuthorization) => password_page(&csrf, &slug, &here, None),
        Err(err) => {
            let err = ApiError::from(err);
            let errors = if err.code == Code::RequestBodyValidation {
                FormErrors::from_api(err, &[])
            } else {
                FormErrors::general(super::forms::message(&err))
            };
            render_form(&state, &headers, &csrf, &slug, &answers, errors).await
        }
    }
}
