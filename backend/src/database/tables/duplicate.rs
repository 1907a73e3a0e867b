//! Duplicating a table (a `duplicate_table` job on the `low` queue): fields, select
//! options, live rows, their links and a fresh "Grid" view, in one transaction.

use super::{Table, TableError, repo, table_name};
use crate::realtime::notify::{self, Audience, WorkspaceEvent};
use crate::{
    context::AppContext,
    database::{
        access,
        events::{EventOrigin, TableEvent},
        fields::{self, Field, registry::field_types, repo as field_repo},
        links,
        tx::Tx,
    },
    platform::{
        actions::{self, Params},
        auth::Actor,
        jobs::user_jobs::{self, UserJob},
        workspaces::require_member,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

pub const JOB_TYPE: &str = "duplicate_table";

/// Queues the duplication of a table the caller can reach; returns the job to poll.
pub async fn start(ctx: &AppContext, actor: &Actor, table_id: i64) -> Result<UserJob, TableError> {
    let mut tx = ctx.db.begin().await?;
    let (table, _) = super::accessible(&mut tx, actor, table_id).await?;
    // The tab that asked, so the copy lands on its undo stack.
    let mut params = json!({
        "original_table": table.to_json(),
        "duplicated_table": null,
    });
    if let Some(map) = params.as_object_mut() {
        map.extend(actions::job_params(actor.session.as_ref()));
    }
    let job = user_jobs::start(&mut tx, actor.id(), JOB_TYPE, params)
        .await
        .map_err(|e| match e {
            user_jobs::JobError::MaxJobCountExceeded => TableError::MaxJobCount,
            user_jobs::JobError::Database(e) => TableError::Database(e),
            other => TableError::Database(sqlx::Error::Protocol(other.to_string())),
        })?;
    tx.commit().await?;
    Ok(job)
}

/// Runs the job: the copy appears at once, complete, or not at all.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let original_id = job
        .params
        .0
        .pointer("/original_table/id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow::anyhow!("The job names no table."))?;
    let session = actions::from_job_params(&job.params.0);
    let origin = EventOrigin {
        user_id: Some(job.user_id),
        websocket_id: None,
        send_webhooks: true,
        session,
    };
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    let scope = access::scope(&mut tx, original_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
    require_member(&mut tx, job.user_id, scope.workspace_id)
        .await
        .map_err(|_| anyhow::anyhow!("You no longer have access to the table."))?;
    let original = repo::get(&mut *tx, original_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
    let name = copy_name(&mut tx, &original).await?;
    let copy_id = repo::insert(&mut *tx, original.database_id, &name).await?;
    repo::create_user_table(&mut tx, copy_id).await?;
    let fields = field_repo::list(&mut tx, original_id).await?;
    let mut pairs = Vec::new();
    let mut option_map = Map::new();
    for field in &fields {
        let copy = copy_field(&mut tx, field, copy_id, &mut option_map).await?;
        pairs.push((field.clone(), copy));
    }
    copy_rows(
        &mut tx,
        &original,
        copy_id,
        &pairs,
        Value::Object(option_map),
    )
    .await?;
    copy_links(&mut tx, original_id, copy_id, &pairs).await?;
    repo::add_row_count(&mut *tx, copy_id, original.row_count).await?;
    repo::create_default_view(&mut *tx, copy_id).await?;
    let copy = repo::get(&mut *tx, copy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
    tx.emit(
        copy_id,
        TableEvent::TableCreated {
            table: copy.to_json(),
        },
    );
    tx.did(Params::DuplicateTable {
        database_id: copy.database_id,
        table_id: copy_id,
    });
    notify::queue(
        &mut tx,
        WorkspaceEvent {
            workspace_id: scope.workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message("table_created", json!({ "table": copy.to_json() })),
        },
    )
    .await?;
    // Cancelled meanwhile: the copy is not committed.
    if !user_jobs::finish(
        &mut tx,
        job.id,
        json!({ "duplicated_table": copy.to_json() }),
    )
    .await?
    {
        return Ok(());
    }
    tx.commit().await?;
    Ok(())
}

/// `<name> 2`, or the next free number.
async fn copy_name(conn: &mut PgConnection, original: &Table) -> sqlx::Result<String> {
    let names: Vec<String> = repo::list(&mut *conn, original.database_id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok((2..)
        .map(|n| format!("{} {n}", original.name))
        .find(|n| !names.contains(n))
        .unwrap_or_default())
}

/// Copies a field (type, properties, options) into the new table; records option id changes.
async fn copy_field(
    conn: &mut PgConnection,
    field: &Field,
    table_id: i64,
    option_map: &mut Map<String, Value>,
) -> anyhow::Result<Field> {
    let new = field_repo::NewField {
        table_id,
        name: &field.name,
        kind: &field.kind,
        primary: field.primary,
        description: field.description.as_deref(),
        options: &field.options,
    };
    let id = field_repo::insert(&mut *conn, &new).await?;
    field_repo::set_index_and_constraints(&mut *conn, id, field.db_index, &field.constraints)
        .await?;
    if !field.select_options.is_empty() {
        let fresh: Vec<_> = field
            .select_options
            .iter()
            .map(|o| fields::SelectOption { id: 0, ..o.clone() })
            .collect();
        field_repo::replace_select_options(conn, id, &fresh).await?;
    }
    let copy = field_repo::get(conn, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
    for (old, new) in field.select_options.iter().zip(&copy.select_options) {
        option_map.insert(old.id.to_string(), json!(new.id));
    }
    let ft = field_types()
        .get(&field.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown field type {}", field.kind))?;
    fields::ddl::add_column(conn, &copy, ft).await?;
    // The original's values are unique, so the copy's unique index holds them too.
    fields::constraints::apply_unique(conn, &copy, !copy.constraints.is_empty()).await?;
    if copy.db_index {
        fields::constraints::request_db_index(conn, table_id, id).await?;
    }
    Ok(copy)
}

/// Gives each copied link field a relation of its own (and a related field in the linked
/// table when the original had one) and copies the original's links of the rows copied.
/// A link to the original table itself links to the copy. Row ids are kept by the copy,
/// so links copy as they are.
async fn copy_links(
    conn: &mut PgConnection,
    original_id: i64,
    copy_id: i64,
    pairs: &[(Field, Field)],
) -> anyhow::Result<()> {
    for (old, new) in pairs {
        let Some(old_rel) = links::Relation::of(old) else {
            continue;
        };
        let target = if old_rel.target_table == original_id {
            copy_id
        } else {
            old_rel.target_table
        };
        let mut options = new.options.clone();
        if let Some(map) = options.as_object_mut() {
            map.insert("link_row_table_id".into(), json!(target));
            map.insert("link_row_relation_id".into(), Value::Null);
            map.insert("link_row_related_field_id".into(), Value::Null);
        }
        field_repo::set_options(&mut *conn, new.id, &options).await?;
        let unlinked = field_repo::get(conn, new.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
        let with_related = links::schema::related_id(old).is_some();
        let (linked, _) = links::schema::set_up(conn, &unlinked, with_related).await?;
        let new_rel = links::Relation::of(&linked)
            .ok_or_else(|| anyhow::anyhow!("link copy without relation"))?;
        let copy = table_name(copy_id);
        let target_table = table_name(target);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {new_table} ({new_own}, {new_other}) \
             SELECT r.{own}, r.{other} FROM {old_table} r \
             WHERE EXISTS (SELECT 1 FROM {copy} c WHERE c.id = r.{own}) \
             AND EXISTS (SELECT 1 FROM {target_table} l WHERE l.id = r.{other}) ORDER BY r.id",
            new_table = new_rel.table(),
            new_own = new_rel.own,
            new_other = new_rel.other,
            own = old_rel.own,
            other = old_rel.other,
            old_table = old_rel.table(),
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Copies live rows, keeping ids, order and timestamps; select values follow the new option ids.
async fn copy_rows(
    conn: &mut PgConnection,
    original: &Table,
    copy_id: i64,
    pairs: &[(Field, Field)],
    option_map: Value,
) -> sqlx::Result<()> {
    let mut columns = vec![
        "id",
        "\"order\"",
        "created_on",
        "updated_on",
        "created_by",
        "last_modified_by",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    let mut values = columns.clone();
    for (old, new) in pairs {
        let Some(ft) = field_types().get(&old.kind) else {
            continue;
        };
        if !matches!(ft.storage(old), fields::Storage::Column { .. }) {
            continue;
        }
        columns.push(new.column());
        values.push(match old.kind.as_str() {
            "single_select" => format!("($1::jsonb ->> t.{}::text)::bigint", old.column()),
            "multiple_select" => format!(
                "ARRAY(SELECT ($1::jsonb ->> x::text)::bigint FROM unnest(t.{}) AS x)",
                old.column()
            ),
            _ => format!("t.{}", old.column()),
        });
    }
    let (source, target) = (table_name(original.id), table_name(copy_id));
    let sql = format!(
        "INSERT INTO {target} ({}) SELECT {} FROM {source} t WHERE NOT t.trashed",
        columns.join(", "),
        values.join(", ")
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(option_map)
        .execute(&mut *conn)
        .await?;
    sqlx::query(AssertSqlSafe(format!(
        "SELECT setval(pg_get_serial_sequence('{target}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {target}), 1))"
    )))
    .execute(&mut *conn)
    .await?;
    // Autonumber sequences continue after the copied numbers.
    for (_, new) in pairs.iter().filter(|(old, _)| old.kind == "autonumber") {
        let col = new.column();
        sqlx::query(AssertSqlSafe(format!(
            "SELECT setval('{target}_{col}_seq', GREATEST((SELECT COALESCE(MAX({col}), 0) FROM {target}), 1))"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
