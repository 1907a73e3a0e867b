//! Setting link fields up and tearing them down: the relation table, the related field in
//! the linked table, links made from text when a field is converted to `link_row`.
//! Identifiers come only from numeric ids.

use super::{LINK_ROW, Relation, primary_text_sql};
use crate::database::{
    access::{self, TableScope},
    fields::{Field, FieldError, repo},
    tables::{self, table_name},
    views,
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

async fn exec(conn: &mut PgConnection, sql: String) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(sql))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Checks what a link field points at before anything is written: the linked table exists
/// in the same database (a table elsewhere answers as if it did not exist, so nothing is
/// learnt about other workspaces), a self-link has no related field, and the selection
/// view belongs to the linked table. Returns whether a related field is wanted.
pub async fn check(
    conn: &mut PgConnection,
    field: &Field,
    scope: &TableScope,
    body: &Map<String, Value>,
) -> Result<bool, FieldError> {
    let target = field
        .opt("link_row_table_id")
        .as_i64()
        .ok_or(FieldError::LinkRowTableNotProvided)?;
    let target_scope = access::scope(conn, target).await?;
    if target_scope.is_none_or(|t| t.database_id != scope.database_id) {
        return Err(FieldError::LinkRowTableNotInSameDatabase);
    }
    let self_link = target == field.table_id;
    let related = match body.get("has_related_field") {
        None | Some(Value::Null) => !self_link,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(crate::platform::validation::ValidationError::single(
                "has_related_field",
                "invalid",
                "Must be a valid boolean.",
            )
            .into());
        }
    };
    if self_link && related {
        return Err(FieldError::SelfReferencingLinkRowCannotHaveRelatedField);
    }
    if let Some(view_id) = field.opt("link_row_limit_selection_view_id").as_i64() {
        let view_table = views::repo::get(&mut *conn, view_id)
            .await?
            .map(|v| v.table_id);
        if view_table != Some(target) {
            return Err(crate::platform::validation::ValidationError::single(
                "link_row_limit_selection_view_id",
                "invalid",
                "The view must belong to the linked table.",
            )
            .into());
        }
    }
    Ok(related)
}

/// Creates the relation table `database_relation_{relation_id}`: side `a` holds rows of
/// `own_table`, side `b` rows of `target_table`.
pub async fn create_relation(
    conn: &mut PgConnection,
    relation_id: i64,
    own_table: i64,
    target_table: i64,
) -> sqlx::Result<()> {
    let rel = format!("database_relation_{relation_id}");
    let (own_table, target_table) = (table_name(own_table), table_name(target_table));
    exec(
        conn,
        format!(
            "CREATE TABLE {rel} (id BIGSERIAL PRIMARY KEY, \
             a_id BIGINT NOT NULL REFERENCES {own_table} (id) ON DELETE CASCADE, \
             b_id BIGINT NOT NULL REFERENCES {target_table} (id) ON DELETE CASCADE, \
             UNIQUE (a_id, b_id))"
        ),
    )
    .await?;
    exec(conn, format!("CREATE INDEX {rel}_b ON {rel} (b_id, a_id)")).await
}

/// Creates the relation table of a new link field (whose options name the linked table),
/// and its related field in the linked table when `with_related`. Returns the field as
/// stored now and the related field.
pub async fn set_up(
    conn: &mut PgConnection,
    field: &Field,
    with_related: bool,
) -> Result<(Field, Option<Field>), FieldError> {
    let target = field
        .opt("link_row_table_id")
        .as_i64()
        .ok_or(FieldError::LinkRowTableNotProvided)?;
    create_relation(conn, field.id, field.table_id, target).await?;
    let related = if with_related {
        let source_name = tables::repo::get(&mut *conn, field.table_id)
            .await?
            .map(|t| t.name)
            .unwrap_or_else(|| "Link".into());
        let name = free_name(conn, target, &source_name).await?;
        let options = json!({
            "link_row_table_id": field.table_id,
            "link_row_limit_selection_view_id": null,
            "link_row_multiple_relationships": true,
            "link_row_related_field_id": field.id,
            "link_row_relation_id": field.id,
        });
        let id = repo::insert(
            &mut *conn,
            &repo::NewField {
                table_id: target,
                name: &name,
                kind: LINK_ROW,
                primary: false,
                description: None,
                options: &options,
            },
        )
        .await?;
        Some(id)
    } else {
        None
    };
    let mut options = field.options.clone();
    if let Some(map) = options.as_object_mut() {
        map.insert("link_row_relation_id".into(), json!(field.id));
        map.insert("link_row_related_field_id".into(), json!(related));
    }
    repo::set_options(&mut *conn, field.id, &options).await?;
    let field = repo::get(conn, field.id)
        .await?
        .ok_or(FieldError::NotFound)?;
    let related = match related {
        Some(id) => repo::get(conn, id).await?,
        None => None,
    };
    Ok((field, related))
}

/// `name` when no live field of the table has it, else `name 2`, `name 3`, …
async fn free_name(conn: &mut PgConnection, table_id: i64, name: &str) -> sqlx::Result<String> {
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT name FROM database_fields WHERE table_id = $1 AND NOT trashed")
            .bind(table_id)
            .fetch_all(conn)
            .await?;
    let base: String = name.chars().take(240).collect();
    Ok((1..)
        .map(|i| {
            if i == 1 {
                base.clone()
            } else {
                format!("{base} {i}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base))
}

/// Links each row of a field just converted to `link_row` to the rows whose primary text
/// equals one of the comma-separated parts of `text_sql` (the old value as text over the
/// row alias `t`); a part matching several rows links the first.
pub async fn fill_from_text(
    conn: &mut PgConnection,
    field: &Field,
    text_sql: &str,
) -> sqlx::Result<()> {
    let Some(rel) = Relation::of(field) else {
        return Ok(());
    };
    let n = field.id;
    exec(
        conn,
        format!(
            "INSERT INTO {rel_table} ({own}, {other}) \
             SELECT t.id, m.id FROM {table} t \
             CROSS JOIN LATERAL unnest(string_to_array({text_sql}, ',')) WITH ORDINALITY AS v(val, pos) \
             JOIN LATERAL (SELECT l{n}.id FROM {target} l{n} WHERE NOT l{n}.trashed AND {primary} = btrim(v.val) \
                           ORDER BY l{n}.id LIMIT 1) m ON TRUE \
             WHERE btrim(v.val) <> '' ORDER BY t.id, v.pos ON CONFLICT DO NOTHING",
            rel_table = rel.table(),
            own = rel.own,
            other = rel.other,
            table = table_name(field.table_id),
            target = table_name(rel.target_table),
            primary = primary_text_sql(field),
        ),
    )
    .await
}

/// Drops a relation table; its links go with it.
pub async fn drop_relation(conn: &mut PgConnection, relation_id: i64) -> sqlx::Result<()> {
    exec(
        conn,
        format!("DROP TABLE IF EXISTS database_relation_{relation_id}"),
    )
    .await
}

/// The related field of a link field, live or trashed.
pub fn related_id(field: &Field) -> Option<i64> {
    (field.kind == LINK_ROW)
        .then(|| field.opt("link_row_related_field_id").as_i64())
        .flatten()
}

/// Removes a link field's links for good: the relation table and the related field's
/// metadata. Used when a link field is converted to another type or deleted for good.
pub async fn tear_down(conn: &mut PgConnection, field: &Field) -> sqlx::Result<()> {
    if let Some(rel) = Relation::of(field) {
        drop_relation(conn, rel.id).await?;
    }
    if let Some(related) = related_id(field) {
        sqlx::query("DELETE FROM database_fields WHERE id = $1")
            .bind(related)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Before a table is dropped for good: the link fields of other tables that point at it
/// lose their relation tables and are deleted, so no field reads a table that is gone.
pub async fn forget_links_to(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<()> {
    let relations: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, (options->>'link_row_relation_id')::bigint FROM database_fields \
         WHERE type = 'link_row' AND options->>'link_row_relation_id' IS NOT NULL \
         AND (table_id = $1 OR (options->>'link_row_table_id')::bigint = $1)",
    )
    .bind(table_id)
    .fetch_all(&mut *conn)
    .await?;
    for (field_id, relation_id) in relations {
        drop_relation(conn, relation_id).await?;
        sqlx::query("DELETE FROM database_fields WHERE id = $1 AND table_id <> $2")
            .bind(field_id)
            .bind(table_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
