//! Form views: the page anyone with the link fills in, and its submission as a new row.
//! Only the fields the form enables are shown and accepted; required ones must be given.

use super::{View, ViewError, parts::options_of, public::open};
use crate::{
    context::AppContext,
    database::{
        fields::{self, Field},
        rows,
    },
    platform::validation::ValidationError,
};
use serde_json::{Map, Value, json};

/// A form and its enabled fields with their options (`name`, `description`, `required`,
/// `order`), in the form's order.
pub async fn page(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
) -> Result<(View, Vec<(Field, Value)>), ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = open(ctx, &mut conn, slug, token).await?;
    if view.kind != "form" {
        return Err(ViewError::NotFound);
    }
    let options = options_of(&mut conn, &view).await?;
    let mut enabled: Vec<(Field, Value)> = fields::repo::list(&mut conn, view.table_id)
        .await?
        .into_iter()
        .filter_map(|f| {
            let o = options.get(&f.id.to_string())?.clone();
            (o.get("enabled") == Some(&Value::Bool(true))).then_some((f, o))
        })
        .collect();
    enabled.sort_by_key(|(f, o)| {
        (
            o.get("order").and_then(Value::as_i64).unwrap_or(32767),
            f.id,
        )
    });
    Ok((view, enabled))
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// Creates a row from the submitted `field_{id}` values and says what to show next:
/// `{submit_action, submit_action_message, submit_action_redirect_url, row_id}`.
pub async fn submit(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    body: &Map<String, Value>,
) -> Result<Value, ViewError> {
    let (view, enabled) = page(ctx, slug, token).await?;
    let mut errors = ValidationError::default();
    let mut values = Map::new();
    for (field, options) in &enabled {
        let key = field.column();
        let value = body.get(&key);
        if options.get("required") == Some(&Value::Bool(true)) && is_empty(value) {
            errors.add(&key, "required", "This field is required.");
        }
        if let Some(value) = value {
            values.insert(key, value.clone());
        }
    }
    errors.into_result()?;
    let row_id = rows::create_submitted(ctx, view.table_id, values).await?;
    let setting = |key: &str| view.options.0.get(key).cloned().unwrap_or(Value::Null);
    Ok(json!({
        "submit_action": setting("submit_action"),
        "submit_action_message": setting("submit_action_message"),
        "submit_action_redirect_url": setting("submit_action_redirect_url"),
        "row_id": row_id,
    }))
}
