//! View decorations (Baserow's premium `view_decorations`): a row's left border or
//! background colour in the grid and on cards. A decoration has a decorator type (where the
//! colour goes) and a value provider (where it comes from: a single select's option colour,
//! or the first of a list of conditions the row meets). Providers are a registry: each
//! checks its configuration and works out the colours of given rows on the server, with the
//! same filter SQL as listings, so a condition means here what it means in a view filter.
//!
//! Configurations name fields by id inside JSON. A field that is deleted or changes type
//! stays named there (it may come back from the trash): working colours out skips it.

use super::{
    ViewError, repo,
    service::{accessible, table_fields},
    types,
};
use crate::{
    context::AppContext,
    database::{
        events::{TableEvent, ViewPart},
        fields::{Field, origin},
        filters::{
            FilterGroup, FilterLeaf,
            tree::{FieldRef, MAX_DEPTH, MAX_FILTERS},
        },
        tables::table_name,
        tx::Tx,
    },
    platform::{auth::Actor, validation::ValidationError},
};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::collections::HashMap;

/// Where a decoration's colour goes.
pub const DECORATOR_TYPES: &[&str] = &["left_border_color", "background_color"];

/// Colours one `conditional_color` decoration may list.
const MAX_COLORS: usize = 50;
/// Rows one colours request may ask about (a page of the grid or of cards).
pub const MAX_ROWS: usize = 500;
/// The longest text a configuration takes (ids, colours, filter values).
const MAX_TEXT: usize = 10_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViewDecoration {
    pub id: i64,
    pub view_id: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub value_provider_type: String,
    pub value_provider_conf: sqlx::types::Json<Value>,
    pub order: i32,
}

impl ViewDecoration {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "view": self.view_id, "type": self.kind,
               "value_provider_type": self.value_provider_type,
               "value_provider_conf": self.value_provider_conf.0, "order": self.order})
    }
}

const COLUMNS: &str = "id, view_id, type, value_provider_type, value_provider_conf, \"order\"";

pub async fn of_view(conn: &mut PgConnection, view_id: i64) -> sqlx::Result<Vec<ViewDecoration>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_view_decorations WHERE view_id = $1 ORDER BY \"order\", id"
    )))
    .bind(view_id)
    .fetch_all(conn)
    .await
}

/// A value provider: checks its configuration and colours rows.
trait ValueProvider: Sync {
    fn name(&self) -> &'static str;
    /// The configuration as stored: checked against the table's live fields, with
    /// Baserow's defaults filled in and unknown keys dropped.
    fn check_conf(&self, conf: &Value, fields: &[Field]) -> Result<Value, ViewError>;
    /// `row id → colour` for the given rows of the table.
    fn colors<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
        conf: &'a Value,
        fields: &'a [Field],
        row_ids: &'a [i64],
    ) -> futures::future::BoxFuture<'a, Result<HashMap<i64, String>, ViewError>>;
}

fn providers() -> &'static [&'static dyn ValueProvider] {
    &[&SingleSelectColor, &ConditionalColor]
}

fn provider(name: &str) -> Option<&'static dyn ValueProvider> {
    providers().iter().copied().find(|p| p.name() == name)
}

fn conf_error(message: impl Into<String>) -> ViewError {
    ValidationError::single("value_provider_conf", "invalid", message).into()
}

/// A text of the configuration: a string (or number, as Baserow's CharField takes it),
/// without NUL bytes, not too long.
fn conf_text(value: Option<&Value>, what: &str, blank: bool) -> Result<String, ViewError> {
    let text = match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(conf_error(format!("{what} must be a string."))),
    };
    if text.contains('\0') {
        return Err(conf_error(format!(
            "{what}: null characters are not allowed."
        )));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(conf_error(format!("{what} is too long.")));
    }
    if !blank && text.is_empty() {
        return Err(conf_error(format!("{what} may not be blank.")));
    }
    Ok(text)
}

/// An optional text (`null` allowed).
fn conf_text_or_null(value: Option<&Value>, what: &str) -> Result<Option<String>, ViewError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        other => conf_text(other, what, false).map(Some),
    }
}

/// A field id of the configuration (`null` allowed): a live field of the view's table.
fn conf_field<'a>(
    value: Option<&Value>,
    fields: &'a [Field],
    what: &str,
) -> Result<Option<&'a Field>, ViewError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let id = v
                .as_i64()
                .ok_or_else(|| conf_error(format!("{what} must be a field id or null.")))?;
            fields
                .iter()
                .find(|f| f.id == id)
                .map(Some)
                .ok_or(ViewError::FieldNotInTable)
        }
    }
}

fn conf_object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, ViewError> {
    value
        .as_object()
        .ok_or_else(|| conf_error(format!("{what} must be an object.")))
}

/// `single_select_color`: `{field_id}`, a single select field of the table (or `null`);
/// the row's colour is its chosen option's.
struct SingleSelectColor;

impl ValueProvider for SingleSelectColor {
    fn name(&self) -> &'static str {
        "single_select_color"
    }

    fn check_conf(&self, conf: &Value, fields: &[Field]) -> Result<Value, ViewError> {
        let conf = conf_object(conf, "value_provider_conf")?;
        if !conf.contains_key("field_id") {
            return Err(conf_error("field_id is required."));
        }
        let field = conf_field(conf.get("field_id"), fields, "field_id")?;
        if let Some(field) = field
            && field.kind != "single_select"
        {
            return Err(conf_error("field_id must be a single select field."));
        }
        Ok(json!({ "field_id": field.map(|f| f.id) }))
    }

    fn colors<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
        conf: &'a Value,
        fields: &'a [Field],
        row_ids: &'a [i64],
    ) -> futures::future::BoxFuture<'a, Result<HashMap<i64, String>, ViewError>> {
        Box::pin(async move {
            // A field deleted, in the trash, or no longer a single select colours nothing.
            let Some(field) = conf
                .get("field_id")
                .and_then(Value::as_i64)
                .and_then(|id| fields.iter().find(|f| f.id == id))
                .filter(|f| f.kind == "single_select")
            else {
                return Ok(HashMap::new());
            };
            let chosen: Vec<(i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, {} FROM {} WHERE id = ANY($1) AND NOT trashed",
                field.column(),
                table_name(table_id)
            )))
            .bind(row_ids)
            .fetch_all(conn)
            .await?;
            let color_of: HashMap<i64, &str> = field
                .select_options
                .iter()
                .map(|o| (o.id, o.color.as_str()))
                .collect();
            Ok(chosen
                .into_iter()
                .filter_map(|(row, option)| Some((row, color_of.get(&option?)?.to_string())))
                .collect())
        })
    }
}

/// `conditional_color`: `{colors: [{id, color, filters, filter_groups?, operator?}]}`;
/// a row takes the colour of the first entry whose conditions it meets (an entry without
/// conditions meets every row). Filters are `{id, field, type, value?, group?}`, groups
/// `{id, filter_type?, parent_group?}`, referenced by their (text) ids.
struct ConditionalColor;

/// How an entry's filters and groups combine: `AND` or `OR`.
fn conf_mode(value: Option<&Value>, what: &str) -> Result<String, ViewError> {
    match value {
        None | Some(Value::Null) => Ok("AND".into()),
        Some(Value::String(s)) if s == "AND" || s == "OR" => Ok(s.clone()),
        _ => Err(conf_error(format!("{what} must be AND or OR."))),
    }
}

fn conf_list<'a>(value: Option<&'a Value>, what: &str) -> Result<&'a [Value], ViewError> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        _ => Err(conf_error(format!("{what} must be a list."))),
    }
}

impl ConditionalColor {
    fn check_entry(entry: &Value, fields: &[Field], count: &mut usize) -> Result<Value, ViewError> {
        let entry = conf_object(entry, "Each colour")?;
        let id = conf_text(entry.get("id"), "A colour's id", false)?;
        let color = conf_text(entry.get("color"), "color", false)?;
        let operator = conf_mode(entry.get("operator"), "operator")?;
        let mut groups = Vec::new();
        // Depth of each group, by id: a parent must come before its children.
        let mut depth_of: HashMap<String, usize> = HashMap::new();
        for group in conf_list(entry.get("filter_groups"), "filter_groups")? {
            let group = conf_object(group, "Each filter group")?;
            let id = conf_text(group.get("id"), "A filter group's id", false)?;
            let parent = conf_text_or_null(group.get("parent_group"), "parent_group")?;
            let depth = match &parent {
                None => 1,
                Some(parent) => {
                    depth_of.get(parent).copied().ok_or_else(|| {
                        conf_error("Filter group references a non-existent parent group.")
                    })? + 1
                }
            };
            if depth > MAX_DEPTH {
                return Err(conf_error(format!(
                    "Filter groups nest at most {MAX_DEPTH} deep."
                )));
            }
            *count += 1;
            if *count > MAX_FILTERS {
                return Err(conf_error(format!(
                    "A decoration has at most {MAX_FILTERS} filters and filter groups together."
                )));
            }
            depth_of.insert(id.clone(), depth);
            groups.push(json!({
                "id": id,
                "filter_type": conf_mode(group.get("filter_type"), "filter_type")?,
                "parent_group": parent,
            }));
        }
        let Some(raw_filters) = entry.get("filters") else {
            return Err(conf_error("Each colour needs its filters (a list)."));
        };
        let mut filters = Vec::new();
        for filter in conf_list(Some(raw_filters), "filters")? {
            let filter = conf_object(filter, "Each filter")?;
            let id = conf_text(filter.get("id"), "A filter's id", false)?;
            let field = conf_field(filter.get("field"), fields, "field")?;
            let kind = conf_text_or_null(filter.get("type"), "type")?;
            if let Some(kind) = &kind {
                match field {
                    Some(field) => super::parts::check_filter_type(kind, field)?,
                    None => super::parts::check_filter_type_name(kind)?,
                }
            }
            let value = match filter.get("value") {
                None | Some(Value::Null) => String::new(),
                other => conf_text(other, "value", true)?,
            };
            let group = conf_text_or_null(filter.get("group"), "group")?;
            if let Some(group) = &group
                && !depth_of.contains_key(group)
            {
                return Err(conf_error("Filter references a non-existent group."));
            }
            *count += 1;
            if *count > MAX_FILTERS {
                return Err(conf_error(format!(
                    "A decoration has at most {MAX_FILTERS} filters and filter groups together."
                )));
            }
            filters.push(json!({
                "id": id, "field": field.map(|f| f.id), "type": kind, "value": value, "group": group,
            }));
        }
        Ok(json!({
            "id": id, "color": color, "filters": filters, "filter_groups": groups, "operator": operator,
        }))
    }

    /// An entry's conditions as a filter tree over the live fields: filters without a
    /// field or type, or on a field no longer live, are left out (as a view's filters on
    /// fields in the trash are).
    fn tree(entry: &Value, fields: &[Field]) -> FilterGroup {
        let empty = Vec::new();
        let filters = entry
            .get("filters")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let groups = entry
            .get("filter_groups")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        fn build(
            group: Option<String>,
            or: bool,
            depth: usize,
            filters: &[Value],
            groups: &[Value],
            fields: &[Field],
        ) -> FilterGroup {
            let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
            FilterGroup {
                or,
                filters: filters
                    .iter()
                    .filter(|f| text(f, "group") == group)
                    .filter_map(|f| {
                        let field = f.get("field")?.as_i64()?;
                        fields.iter().find(|l| l.id == field)?;
                        Some(FilterLeaf {
                            field: FieldRef::Id(field),
                            kind: text(f, "type")?,
                            value: text(f, "value").unwrap_or_default(),
                            saved: true,
                        })
                    })
                    .collect(),
                groups: if depth >= MAX_DEPTH {
                    Vec::new()
                } else {
                    groups
                        .iter()
                        .filter(|g| text(g, "parent_group") == group && text(g, "id").is_some())
                        .map(|g| {
                            build(
                                text(g, "id"),
                                text(g, "filter_type").as_deref() == Some("OR"),
                                depth + 1,
                                filters,
                                groups,
                                fields,
                            )
                        })
                        .collect()
                },
            }
        }
        build(
            None,
            text(entry, "operator").as_deref() == Some("OR"),
            0,
            filters,
            groups,
            fields,
        )
    }
}

impl ValueProvider for ConditionalColor {
    fn name(&self) -> &'static str {
        "conditional_color"
    }

    fn check_conf(&self, conf: &Value, fields: &[Field]) -> Result<Value, ViewError> {
        let conf = conf_object(conf, "value_provider_conf")?;
        let Some(Value::Array(colors)) = conf.get("colors") else {
            return Err(conf_error("colors is required (a list)."));
        };
        if colors.len() > MAX_COLORS {
            return Err(conf_error(format!(
                "A decoration has at most {MAX_COLORS} colours."
            )));
        }
        let mut count = 0;
        let colors = colors
            .iter()
            .map(|entry| Self::check_entry(entry, fields, &mut count))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({ "colors": colors }))
    }

    fn colors<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        table_id: i64,
        conf: &'a Value,
        fields: &'a [Field],
        row_ids: &'a [i64],
    ) -> futures::future::BoxFuture<'a, Result<HashMap<i64, String>, ViewError>> {
        Box::pin(async move {
            let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT t.id, CASE");
            let mut any = false;
            for entry in conf
                .get("colors")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(color) = entry.get("color").and_then(Value::as_str) else {
                    continue;
                };
                let tree = Self::tree(entry, fields);
                // A condition that cannot be built (a value its filter type refuses) colours
                // nothing, rather than failing every other colour of the page.
                let mut trial: QueryBuilder<Postgres> = QueryBuilder::new("");
                if tree.push_sql(&mut trial, fields, false).is_err() {
                    continue;
                }
                sql.push(" WHEN ");
                if tree.push_sql(&mut sql, fields, false).is_err() {
                    sql.push("FALSE");
                }
                sql.push(" THEN ").push_bind(color.to_owned());
                any = true;
            }
            if !any {
                return Ok(HashMap::new());
            }
            sql.push(" END FROM ")
                .push(table_name(table_id))
                .push(" t WHERE t.id = ANY(")
                .push_bind(row_ids.to_vec())
                .push(") AND NOT t.trashed");
            let found: Vec<(i64, Option<String>)> = sql
                .build_query_as()
                .persistent(false)
                .fetch_all(conn)
                .await?;
            Ok(found
                .into_iter()
                .filter_map(|(row, color)| Some((row, color?)))
                .collect())
        })
    }
}

/// The checked `value_provider_conf` for `provider` (`""`: no provider, `{}` only).
fn check_conf(provider_name: &str, conf: &Value, fields: &[Field]) -> Result<Value, ViewError> {
    if provider_name.is_empty() {
        return match conf {
            Value::Object(map) if map.is_empty() => Ok(json!({})),
            _ => Err(conf_error("This field should be an empty object.")),
        };
    }
    provider(provider_name)
        .ok_or_else(|| {
            ValidationError::single(
                "value_provider_type",
                "invalid_choice",
                format!(
                    "\"{}\" is not a valid choice.",
                    provider_name.replace('\0', "")
                ),
            )
        })?
        .check_conf(conf, fields)
}

fn body_text(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ViewError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.contains('\0') => {
            Err(ValidationError::single(key, "invalid", "Null characters are not allowed.").into())
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ValidationError::single(key, "invalid", "Not a valid string.").into()),
    }
}

fn decorator_type(body: &Map<String, Value>) -> Result<Option<String>, ViewError> {
    let kind = body_text(body, "type")?;
    if let Some(kind) = &kind
        && !DECORATOR_TYPES.contains(&kind.as_str())
    {
        return Err(ValidationError::single(
            "type",
            "invalid_choice",
            format!("\"{kind}\" is not a valid choice."),
        )
        .into());
    }
    Ok(kind)
}

fn order(body: &Map<String, Value>) -> Result<Option<i32>, ViewError> {
    match body.get("order") {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|o| (i16::MIN as i64..=i16::MAX as i64).contains(o))
            .map(|o| Some(o as i32))
            .ok_or_else(|| {
                ValidationError::single("order", "invalid", "An integer of -32768 to 32767.").into()
            }),
    }
}

fn can_decorate(view: &super::View) -> Result<(), ViewError> {
    match types::by_name(&view.kind) {
        Some(t) if t.can_decorate() => Ok(()),
        _ => Err(ViewError::DecorationNotSupported(view.kind.clone())),
    }
}

pub async fn list_decorations(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
) -> Result<Vec<ViewDecoration>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    accessible(&mut conn, actor, view_id).await?;
    Ok(of_view(&mut conn, view_id).await?)
}

/// `{type, value_provider_type?, value_provider_conf?, order?}`.
pub async fn create_decoration(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
) -> Result<ViewDecoration, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let decoration = create_in(&mut tx, actor, view_id, body, None).await?;
    tx.commit().await?;
    Ok(decoration)
}

/// Creates a decoration in `tx`; `id` takes a former decoration's id again (redoing its
/// creation, undoing its deletion), as Baserow does.
pub async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    view_id: i64,
    body: &Map<String, Value>,
    id: Option<i64>,
) -> Result<ViewDecoration, ViewError> {
    let (view, _, _) = accessible(tx, actor, view_id).await?;
    can_decorate(&view)?;
    let kind = decorator_type(body)?
        .ok_or_else(|| ValidationError::single("type", "required", "This field is required."))?;
    let provider_name = body_text(body, "value_provider_type")?.unwrap_or_default();
    let fields = table_fields(tx, view.table_id).await?;
    let conf = check_conf(
        &provider_name,
        body.get("value_provider_conf").unwrap_or(&json!({})),
        &fields,
    )?;
    let order = order(body)?;
    // Locked, so two decorations added at once do not take the same last place.
    repo::lock(&mut **tx, view_id).await?;
    let decoration: ViewDecoration = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO database_view_decorations (id, view_id, type, value_provider_type, value_provider_conf, \"order\") \
         SELECT coalesce($6, nextval(pg_get_serial_sequence('database_view_decorations', 'id'))), $1, $2, $3, $4, \
         coalesce($5, (SELECT coalesce(max(\"order\"), 0) + 1 FROM database_view_decorations WHERE view_id = $1)) \
         RETURNING {COLUMNS}"
    )))
    .bind(view_id)
    .bind(&kind)
    .bind(&provider_name)
    .bind(sqlx::types::Json(&conf))
    .bind(order)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    tx.emit(
        view.table_id,
        ViewPart::Decoration.created(decoration.to_json()),
    );
    Ok(decoration)
}

async fn decoration_of(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<(ViewDecoration, super::View), ViewError> {
    let decoration: ViewDecoration = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM database_view_decorations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(ViewError::DecorationNotFound)?;
    // Another workspace's decoration "does not exist", as its view does not.
    let view = match accessible(conn, actor, decoration.view_id).await {
        Ok((view, _, _)) => view,
        Err(ViewError::NotFound) => return Err(ViewError::DecorationNotFound),
        Err(other) => return Err(other),
    };
    Ok((decoration, view))
}

pub async fn get_decoration(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<ViewDecoration, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    Ok(decoration_of(&mut conn, actor, id).await?.0)
}

/// `{type?, value_provider_type?, value_provider_conf?, order?}`. A new provider type
/// checks the configuration (the one given, or the current one) against itself.
pub async fn update_decoration(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    body: &Map<String, Value>,
) -> Result<ViewDecoration, ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let decoration = update_in(&mut tx, actor, id, body).await?;
    tx.commit().await?;
    Ok(decoration)
}

pub async fn update_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    body: &Map<String, Value>,
) -> Result<ViewDecoration, ViewError> {
    let (current, view) = decoration_of(tx, actor, id).await?;
    let kind = decorator_type(body)?.unwrap_or(current.kind.clone());
    let provider_name =
        body_text(body, "value_provider_type")?.unwrap_or(current.value_provider_type.clone());
    let conf = match body.get("value_provider_conf") {
        Some(conf) => Some(conf),
        None if provider_name != current.value_provider_type => {
            Some(&current.value_provider_conf.0)
        }
        None => None,
    };
    let conf = match conf {
        Some(conf) => {
            let fields = table_fields(tx, view.table_id).await?;
            check_conf(&provider_name, conf, &fields)?
        }
        None => current.value_provider_conf.0.clone(),
    };
    let order = order(body)?.unwrap_or(current.order);
    let decoration: ViewDecoration = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE database_view_decorations SET type = $2, value_provider_type = $3, value_provider_conf = $4, \"order\" = $5 \
         WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(&kind)
    .bind(&provider_name)
    .bind(sqlx::types::Json(&conf))
    .bind(order)
    .fetch_one(&mut **tx)
    .await?;
    tx.emit(
        view.table_id,
        TableEvent::ViewDecorationUpdated {
            view_decoration_id: id,
            view_decoration: decoration.to_json(),
            before: Some(Box::new(current.to_json())),
        },
    );
    Ok(decoration)
}

pub async fn delete_decoration(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), ViewError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    delete_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_in(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), ViewError> {
    let (current, view) = decoration_of(tx, actor, id).await?;
    sqlx::query("DELETE FROM database_view_decorations WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    tx.emit(
        view.table_id,
        TableEvent::ViewDecorationDeleted {
            view_id: view.id,
            view_decoration_id: id,
            before: Some(Box::new(current.to_json())),
        },
    );
    Ok(())
}

/// The colours the view's decorations give the rows: `{"<decoration id>": {"<row id>":
/// colour}}`, rows without a colour left out. Rows not in the table (or in the trash) have
/// none.
pub async fn decoration_colors(
    ctx: &AppContext,
    actor: &Actor,
    view_id: i64,
    row_ids: &[i64],
) -> Result<Map<String, Value>, ViewError> {
    if row_ids.len() > MAX_ROWS {
        return Err(ValidationError::single(
            "row_ids",
            "max_length",
            format!("At most {MAX_ROWS} rows at once."),
        )
        .into());
    }
    let mut conn = ctx.db.acquire().await?;
    let (view, _, _) = accessible(&mut conn, actor, view_id).await?;
    let decorations = of_view(&mut conn, view_id).await?;
    let fields = table_fields(&mut conn, view.table_id).await?;
    let mut out = Map::new();
    for decoration in decorations {
        let mut colors = Map::new();
        if let Some(provider) = provider(&decoration.value_provider_type)
            && !row_ids.is_empty()
        {
            let found = provider
                .colors(
                    &mut conn,
                    view.table_id,
                    &decoration.value_provider_conf.0,
                    &fields,
                    row_ids,
                )
                .await?;
            for (row, color) in found {
                colors.insert(row.to_string(), Value::String(color));
            }
        }
        out.insert(decoration.id.to_string(), Value::Object(colors));
    }
    Ok(out)
}
