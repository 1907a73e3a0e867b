//! Changing a table's primary field (`change-primary-field/`, as Baserow): another field
//! of the table becomes primary and the old primary an ordinary field.

use super::{
    Field, FieldChange, FieldError, field_json, origin, registry::field_types, repo, table_scope,
};
use crate::{
    context::AppContext,
    database::{events::TableEvent, tx::Tx},
    platform::{actions::Params, auth::Actor},
};

/// Makes `field_id` the primary field of `table_id`; the answer names the old primary in
/// `related_fields`.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), table_id, field_id))]
pub async fn change(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    field_id: i64,
) -> Result<FieldChange, FieldError> {
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let (change, old) = change_in(&mut tx, actor, table_id, field_id).await?;
    tx.did(Params::ChangePrimaryField {
        table_id,
        before: old,
        after: field_id,
    });
    tx.commit().await?;
    Ok(change)
}

/// [`change`] inside the caller's transaction (undo and redo swap back so); also returns
/// the id of the field that was primary.
pub async fn change_in(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    field_id: i64,
) -> Result<(FieldChange, i64), FieldError> {
    let scope = table_scope(tx, actor, table_id).await?;
    // One change of a table's primary field at a time: the unique index on the primary
    // would refuse the second one's swap anyway, but with a 500.
    sqlx::query("SELECT 1 FROM database_tables WHERE id = $1 FOR UPDATE")
        .bind(table_id)
        .execute(&mut **tx)
        .await?;
    let field = repo::get(tx, field_id).await?.ok_or(FieldError::NotFound)?;
    if field.table_id != table_id {
        return Err(FieldError::NotInTable);
    }
    if field.primary {
        return Err(FieldError::AlreadyPrimary);
    }
    if !field_types()
        .get(&field.kind)
        .is_some_and(|t| t.can_be_primary())
    {
        return Err(FieldError::IncompatiblePrimaryType(field.kind.clone()));
    }
    let old: Field = repo::list(tx, table_id)
        .await?
        .into_iter()
        .find(|f| f.primary)
        .ok_or(FieldError::NoPrimaryField)?;
    // Two statements: the unique index on a table's primary field is checked per row.
    for (id, primary) in [(old.id, false), (field.id, true)] {
        sqlx::query("UPDATE database_fields SET is_primary = $2 WHERE id = $1")
            .bind(id)
            .bind(primary)
            .execute(&mut **tx)
            .await?;
    }
    let new = repo::get(tx, field.id).await?.ok_or(FieldError::NotFound)?;
    let old = repo::get(tx, old.id).await?.ok_or(FieldError::NotFound)?;
    let old_json = field_json(&old, &scope);
    tx.emit(
        table_id,
        TableEvent::FieldUpdated {
            field_id: new.id,
            field: field_json(&new, &scope),
            related_fields: vec![old_json.clone()],
            before: None,
        },
    );
    let old_id = old.id;
    Ok((
        FieldChange {
            field: new,
            scope,
            related_fields: vec![old_json],
        },
        old_id,
    ))
}
