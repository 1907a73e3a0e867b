//! Form views: the page anyone with the link fills in, and its submission as a new row.
//! Only the fields the form enables are shown and accepted; required ones must be given;
//! fields shown on conditions count only when their conditions hold for the other answers.
//! Users who asked to hear of answers get an email (queue `high`) and a notification in
//! the same transaction.

use super::{View, ViewError, form_conditions, parts::options_of, public::open, types};
use crate::{
    context::AppContext,
    database::{
        events::EventOrigin,
        fields::{self, Field, registry::field_types},
        rows::{self, RowKeys},
        tables::table_name,
        tx::Tx,
    },
    platform::{
        jobs::{self, HighJob},
        mail,
        notifications::kinds,
        throttle,
        validation::ValidationError,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// The view setting listing who is emailed each answer (kept out of the view's JSON).
pub const NOTIFY_KEY: &str = "users_to_notify_on_submit";

/// The redirect URL of a form as clients get it: an `http`/`https` URL, or `""` for
/// anything else, such as a value saved before the setting was checked.
pub fn redirect_url(saved: Option<&Value>) -> Value {
    match saved.and_then(Value::as_str) {
        Some(url) if types::is_http_url(url) => Value::String(url.to_owned()),
        _ => Value::String(String::new()),
    }
}

/// A form and its enabled fields with their options (`name`, `description`, `required`,
/// `order`, conditions), in the form's order.
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

/// Files a client address may upload to one form per minute.
const UPLOADS: throttle::Limit = throttle::Limit::per(30, std::time::Duration::from_secs(60));

/// Checks that a visitor may upload a file to a shared form: the form is open to them
/// (password included) and asks for a `file` field. Uploads are throttled per address.
pub async fn check_upload(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    client: std::net::IpAddr,
) -> Result<(), ViewError> {
    throttle::hit(ctx, "form-upload", &format!("{client} {slug}"), UPLOADS).await?;
    let (_, enabled) = page(ctx, slug, token).await?;
    if enabled.iter().any(|(f, _)| f.kind == "file") {
        Ok(())
    } else {
        Err(ViewError::NotFound)
    }
}

/// Submissions per client address and form per minute.
const SUBMISSIONS: throttle::Limit = throttle::Limit::per(60, std::time::Duration::from_secs(60));

/// Creates a row from the submitted `field_{id}` values and says what to show next:
/// `{submit_action, submit_action_message, submit_action_redirect_url, row_id}`.
pub async fn submit(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    body: &Map<String, Value>,
    client: std::net::IpAddr,
) -> Result<Value, ViewError> {
    // A public form is open to anyone: submissions are throttled per address and form.
    throttle::hit(ctx, "form-submit", &format!("{client} {slug}"), SUBMISSIONS).await?;
    let (view, enabled) = page(ctx, slug, token).await?;
    let answers: Map<String, Value> = enabled
        .iter()
        .filter_map(|(f, _)| Some((f.column(), body.get(&f.column())?.clone())))
        .collect();
    let anonymous = EventOrigin {
        send_webhooks: true,
        ..Default::default()
    };
    let mut tx = Tx::begin(&ctx.db, anonymous).await?;
    let asked = asked_fields(&mut tx, &view, &enabled, &answers).await?;
    let mut errors = ValidationError::default();
    let mut values = Map::new();
    for (field, options) in enabled.iter().filter(|(f, _)| asked.contains(&f.id)) {
        let key = field.column();
        let value = answers.get(&key);
        if options.get("required") == Some(&Value::Bool(true)) && is_empty(value) {
            errors.add(&key, "required", "This field is required.");
        }
        if let Some(value) = value {
            values.insert(key, value.clone());
        }
    }
    errors.into_result()?;
    let (row_id, created, ripple) = rows::insert_submitted(&mut tx, view.table_id, values).await?;
    tx.emit(view.table_id, created);
    ripple.emit(&mut tx).await?;
    notify(ctx, &mut tx, &view, &enabled, &asked, row_id).await?;
    tx.commit().await?;
    let setting = |key: &str| view.options.0.get(key).cloned().unwrap_or(Value::Null);
    Ok(json!({
        "submit_action": setting("submit_action"),
        "submit_action_message": setting("submit_action_message"),
        "submit_action_redirect_url": redirect_url(view.options.0.get(types::REDIRECT_URL_KEY)),
        "row_id": row_id,
    }))
}

/// Ids of the enabled fields the form asks, given the answers. Fields with conditions are
/// decided in form order on a trial row (rolled back): a field that is not asked is
/// emptied on it before later conditions are read, as a form that hides it would.
async fn asked_fields(
    conn: &mut PgConnection,
    view: &View,
    enabled: &[(Field, Value)],
    answers: &Map<String, Value>,
) -> Result<Vec<i64>, ViewError> {
    let conditional: Vec<_> = enabled
        .iter()
        .filter_map(|(f, o)| Some((f, form_conditions::tree(o.as_object()?)?)))
        .collect();
    let mut asked: Vec<i64> = enabled.iter().map(|(f, _)| f.id).collect();
    if conditional.is_empty() {
        return Ok(asked);
    }
    sqlx::query("SAVEPOINT form_conditions")
        .execute(&mut *conn)
        .await?;
    // The trial row is rolled back with its savepoint; its event is dropped.
    let (trial, _, _) = rows::insert_submitted(&mut *conn, view.table_id, answers.clone()).await?;
    let all = fields::repo::list(&mut *conn, view.table_id).await?;
    let table = table_name(view.table_id);
    for (field, tree) in conditional {
        let mut sql = QueryBuilder::<Postgres>::new(format!(
            "SELECT EXISTS (SELECT 1 FROM {table} t WHERE t.id = "
        ));
        sql.push_bind(trial).push(" AND ");
        tree.push_sql(&mut sql, &all, false)?;
        sql.push(")");
        let holds: bool = sql.build_query_scalar().fetch_one(&mut *conn).await?;
        let has_column = field_types()
            .get(&field.kind)
            .is_some_and(|ft| matches!(ft.storage(field), fields::Storage::Column { .. }));
        if !holds {
            asked.retain(|id| *id != field.id);
        }
        if !holds && has_column {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {} = DEFAULT WHERE id = $1",
                field.column()
            )))
            .bind(trial)
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("ROLLBACK TO SAVEPOINT form_conditions")
        .execute(&mut *conn)
        .await?;
    Ok(asked)
}

/// Queues an email with the answer to every user who asked for one and can still see the
/// table.
async fn notify(
    ctx: &AppContext,
    conn: &mut PgConnection,
    view: &View,
    enabled: &[(Field, Value)],
    asked: &[i64],
    row_id: i64,
) -> Result<(), ViewError> {
    let user_ids: Vec<i64> = view
        .options
        .0
        .get(NOTIFY_KEY)
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    if user_ids.is_empty() {
        return Ok(());
    }
    let recipients: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT u.email, u.first_name, t.name, u.id, a.workspace_id, a.id FROM database_tables t \
         JOIN applications a ON a.id = t.database_id \
         JOIN workspace_users wu ON wu.workspace_id = a.workspace_id \
         JOIN users u ON u.id = wu.user_id \
         WHERE t.id = $1 AND u.id = ANY($2) AND u.is_active",
    )
    .bind(view.table_id)
    .bind(&user_ids)
    .fetch_all(&mut *conn)
    .await?;
    if recipients.is_empty() {
        return Ok(());
    }
    let shown: Vec<Field> = enabled
        .iter()
        .filter(|(f, _)| asked.contains(&f.id))
        .map(|(f, _)| f.clone())
        .collect();
    let row = rows::query::get_row(&mut *conn, view.table_id, &shown, row_id, RowKeys::Ids)
        .await?
        .unwrap_or_default();
    let answers: Vec<(String, String)> = enabled
        .iter()
        .filter(|(f, _)| asked.contains(&f.id))
        .map(|(f, o)| {
            let question = o
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or(&f.name)
                .to_owned();
            let value = row.get(&f.column()).unwrap_or(&Value::Null);
            let answer = field_types()
                .get(&f.kind)
                .map(|ft| ft.to_text(f, value))
                .unwrap_or_default();
            (question, answer)
        })
        .collect();
    for (email, name, table, ..) in &recipients {
        let message = mail::templates::form_submitted(
            email,
            name,
            &view.name,
            table,
            &answers,
            &ctx.settings.public_url,
        )
        .map_err(ViewError::Internal)?;
        jobs::enqueue(&mut *conn, &HighJob::SendEmail(message))
            .await
            .map_err(ViewError::Internal)?;
    }
    // The same answer in their notifications (the email above already told them).
    let (_, _, table_name, _, workspace_id, database_id) = &recipients[0];
    let user_ids: Vec<i64> = recipients.iter().map(|r| r.3).collect();
    let answer = kinds::FormAnswer {
        workspace_id: *workspace_id,
        database_id: *database_id,
        table_id: view.table_id,
        table_name,
        form_id: view.id,
        form_name: &view.name,
        row_id,
        values: &answers,
    };
    kinds::form_submitted(&mut *conn, &answer, &user_ids).await?;
    Ok(())
}
