//! Duplicating a field (a `duplicate_field` job on the `low` queue, as Baserow): the copy
//! is created from the original's API shape through the same path as a new field, then,
//! with `duplicate_data`, takes the original's values (and links), in one transaction.

use super::{
    Field, FieldError, Storage, accessible, create_in, field_json, origin, registry::field_types,
    repo,
};
use crate::{
    context::AppContext,
    database::{computed, job_start, links, tables::table_name, tx::Tx},
    platform::{
        actions::{ActionSession, Params},
        auth::Actor,
        jobs::user_jobs::{self, UserJob},
        users,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

pub const JOB_TYPE: &str = "duplicate_field";

/// Queues the duplication of a field the caller can reach; returns the job to poll.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    field_id: i64,
    duplicate_data: bool,
) -> Result<UserJob, FieldError> {
    let mut tx = ctx.db.begin().await?;
    let (field, scope) = accessible(&mut tx, actor, field_id).await?;
    let session = actor.session.as_ref();
    let params = json!({
        "original_field": field_json(&field, &scope),
        "duplicate_data": duplicate_data,
        "duplicated_field": null,
        "_client_session": session.map(|s| &s.session),
        "_action_group": session.and_then(|s| s.group),
    });
    let job = user_jobs::start(&mut tx, actor.id(), JOB_TYPE, params)
        .await
        .map_err(|e| job_start::error(e, FieldError::MaxJobCount, FieldError::Database))?;
    tx.commit().await?;
    Ok(job)
}

/// Runs the job: the copy appears at once, with its values, or not at all.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let params = &job.params.0;
    let field_id = params
        .pointer("/original_field/id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow::anyhow!("The job names no field."))?;
    let duplicate_data = params
        .get("duplicate_data")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let session = params
        .get("_client_session")
        .and_then(Value::as_str)
        .map(|session| ActionSession {
            session: session.to_owned(),
            group: params
                .get("_action_group")
                .and_then(Value::as_str)
                .and_then(|g| uuid::Uuid::parse_str(g).ok()),
        });
    let user = users::repo::get(&ctx.db, job.user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The user no longer exists."))?;
    // The owner as they were when they asked, on the tab that asked (for its undo stack).
    let actor = Actor {
        user,
        websocket_id: None,
        token: None,
        session,
    };
    let mut tx = Tx::begin(&ctx.db, origin(&actor)).await?;
    let (original, scope) = accessible(&mut tx, &actor, field_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = copy_name(&mut tx, &original).await?;
    let body = copy_body(&field_json(&original, &scope), &name);
    let change = create_in(ctx, &mut tx, &actor, original.table_id, &body)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if duplicate_data {
        copy_values(&mut tx, &original, &change.field).await?;
        computed::refresh::field_changed(&mut tx, original.table_id, change.field.id, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let copy = repo::get(&mut tx, change.field.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
    let mut duplicated = field_json(&copy, &scope);
    if let Some(obj) = duplicated.as_object_mut() {
        obj.insert("related_fields".into(), json!(change.related_fields));
    }
    tx.did(Params::DuplicateField {
        table_id: copy.table_id,
        field_id: copy.id,
    });
    // Cancelled meanwhile: the copy is not committed.
    if !user_jobs::finish(&mut tx, job.id, json!({ "duplicated_field": duplicated })).await? {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// `<name> 2`, or the next free number.
async fn copy_name(conn: &mut PgConnection, original: &Field) -> sqlx::Result<String> {
    for n in 2.. {
        let name = format!("{} {n}", original.name);
        if !repo::name_taken(&mut *conn, original.table_id, &name, None).await? {
            return Ok(name);
        }
    }
    Ok(original.name.clone())
}

/// The create body of the copy: the original's settings, under a new name, never primary,
/// with new select options and, for a link, a relation of its own.
fn copy_body(original: &Value, name: &str) -> Map<String, Value> {
    let mut body = original.as_object().cloned().unwrap_or_default();
    for key in [
        "id",
        "table_id",
        "order",
        "primary",
        "read_only",
        "immutable_type",
        "immutable_properties",
        "link_row_related_field",
        "link_row_related_field_id",
        "link_row_relation_id",
    ] {
        body.remove(key);
    }
    if let Some(Value::Array(options)) = body.get_mut("select_options") {
        for option in options.iter_mut().filter_map(Value::as_object_mut) {
            option.remove("id");
        }
    }
    body.insert("name".into(), json!(name));
    body
}

/// Copies the original's values into the copy: a column's values (select options follow
/// their copies, by position) or a link's relation rows. Computed fields compute their own.
async fn copy_values(
    conn: &mut PgConnection,
    original: &Field,
    copy: &Field,
) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (links::Relation::of(original), links::Relation::of(copy)) {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {to_table} ({to_own}, {to_other}) \
             SELECT {own}, {other} FROM {from_table} ORDER BY id",
            to_table = to.table(),
            to_own = to.own,
            to_other = to.other,
            own = from.own,
            other = from.other,
            from_table = from.table(),
        )))
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    let Some(ft) = field_types().get(&original.kind) else {
        return Ok(());
    };
    if computed::is_computed(&original.kind)
        || !matches!(ft.storage(original), Storage::Column { .. })
    {
        return Ok(());
    }
    let option_map: Map<String, Value> = original
        .select_options
        .iter()
        .zip(&copy.select_options)
        .map(|(old, new)| (old.id.to_string(), json!(new.id)))
        .collect();
    let old = original.column();
    let value = match original.kind.as_str() {
        "single_select" => format!("($1::jsonb ->> {old}::text)::bigint"),
        "multiple_select" => {
            format!("ARRAY(SELECT ($1::jsonb ->> x::text)::bigint FROM unnest({old}) AS x)")
        }
        _ => old,
    };
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} SET {new} = {value}",
        table = table_name(original.table_id),
        new = copy.column(),
    )))
    .bind(Value::Object(option_map))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
