//! Application use cases: list, create, get, rename, delete (to trash), reorder.

use super::{Application, ApplicationError, ApplicationType, TYPES, repo};
use crate::{
    context::AppContext,
    db::tx::{EventOrigin, Tx},
    dto::ApplicationBody,
    platform::{
        actions::Params,
        auth::Actor,
        trash,
        validation::{self, ValidationError},
        workspaces::require_member,
    },
    realtime::notify,
};
use serde_json::json;
use sqlx::PgConnection;

pub const MAX_NAME_LENGTH: usize = 160;

fn valid_name(name: &str) -> Result<String, ValidationError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, MAX_NAME_LENGTH);
    errors.into_result().map(|_| name)
}

/// Every application the caller can reach.
pub async fn list(ctx: &AppContext, actor: &Actor) -> Result<Vec<Application>, ApplicationError> {
    Ok(repo::list_for_user(&ctx.db, actor.id()).await?)
}

pub async fn list_in_workspace(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
) -> Result<Vec<Application>, ApplicationError> {
    let mut conn = ctx.db.acquire().await?;
    require_member(&mut conn, actor.id(), workspace_id).await?;
    Ok(repo::list_in_workspace(&mut *conn, workspace_id).await?)
}

/// An application the caller can reach: 404 when unknown, not-a-member otherwise.
pub async fn accessible(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Application, ApplicationError> {
    let app = repo::get(&mut *conn, id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    require_member(conn, actor.id(), app.workspace_id).await?;
    Ok(app)
}

pub async fn get(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<Application, ApplicationError> {
    let mut conn = ctx.db.acquire().await?;
    accessible(&mut conn, actor, id).await
}

#[tracing::instrument(skip_all, fields(user_id = actor.id(), workspace_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    name: &str,
    kind: &str,
) -> Result<Application, ApplicationError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let app = create_in(&mut tx, actor, workspace_id, name, kind).await?;
    tx.did(Params::CreateApplication {
        workspace_id,
        application_id: app.id,
    });
    tx.commit().await?;
    Ok(app)
}

/// [`create`] in the caller's transaction, which records no undoable action for it.
pub async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    workspace_id: i64,
    name: &str,
    kind: &str,
) -> Result<Application, ApplicationError> {
    let mut errors = ValidationError::default();
    let name = validation::text(&mut errors, "name", name, 1, MAX_NAME_LENGTH);
    validation::choice(&mut errors, "type", kind, TYPES);
    errors.into_result()?;
    require_member(tx, actor.id(), workspace_id).await?;
    let id = repo::insert(&mut **tx, workspace_id, &name, kind).await?;
    let app = repo::get(&mut **tx, id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    let keys = json!({ "application": ApplicationBody::new(&app, &[]) });
    notify::workspace(tx, actor, workspace_id, "application_created", keys).await?;
    Ok(app)
}

pub async fn rename(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<Application, ApplicationError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    let app = rename_in(&mut tx, &*ctx.registries.application, actor, id, name).await?;
    tx.commit().await?;
    Ok(app)
}

/// [`rename`] in the caller's transaction; `app_type` describes the renamed application
/// to live clients.
pub async fn rename_in(
    tx: &mut Tx,
    app_type: &dyn ApplicationType,
    actor: &Actor,
    id: i64,
    name: &str,
) -> Result<Application, ApplicationError> {
    let name = valid_name(name)?;
    let before = accessible(tx, actor, id).await?;
    repo::rename(&mut **tx, id, &name).await?;
    let app = repo::get(&mut **tx, id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    let body = app_type.bodies(tx, std::slice::from_ref(&app)).await?;
    let keys = json!({ "application_id": id, "application": body.first() });
    notify::workspace(tx, actor, app.workspace_id, "application_updated", keys).await?;
    tx.did(Params::UpdateApplication {
        workspace_id: app.workspace_id,
        application_id: id,
        before: before.name,
        after: app.name.clone(),
    });
    Ok(app)
}

pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), ApplicationError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    delete_in(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete`] in the caller's transaction.
pub async fn delete_in(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(), ApplicationError> {
    let app = accessible(tx, actor, id).await?;
    repo::set_trashed(&mut **tx, id, true).await?;
    let entry = trash::NewTrashEntry {
        item_type: "application",
        item_id: id,
        parent_item_id: None,
        workspace_id: app.workspace_id,
        application_id: Some(id),
        user_id: actor.id(),
        name: &app.name,
    };
    trash::record(&mut **tx, &entry).await?;
    let keys = json!({ "application_id": id });
    notify::workspace(tx, actor, app.workspace_id, "application_deleted", keys).await?;
    tx.did(Params::DeleteApplication {
        workspace_id: app.workspace_id,
        application_id: id,
    });
    Ok(())
}

/// Listed ids take the given relative order; unlisted ids keep their place among them.
pub async fn order(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    application_ids: &[i64],
) -> Result<(), ApplicationError> {
    let mut tx = Tx::begin(&ctx.db, EventOrigin::of(actor)).await?;
    order_in(&mut tx, actor, workspace_id, application_ids).await?;
    tx.commit().await?;
    Ok(())
}

/// [`order`] in the caller's transaction.
pub async fn order_in(
    tx: &mut Tx,
    actor: &Actor,
    workspace_id: i64,
    application_ids: &[i64],
) -> Result<(), ApplicationError> {
    require_member(tx, actor.id(), workspace_id).await?;
    let current = repo::ids_in_workspace(&mut **tx, workspace_id).await?;
    if let Some(foreign) = application_ids.iter().find(|id| !current.contains(id)) {
        return Err(ApplicationError::NotInWorkspace(*foreign));
    }
    let ordered = merge_order(&current, application_ids);
    repo::set_order(&mut **tx, &ordered).await?;
    let keys = json!({
        "workspace_id": workspace_id,
        "order": ordered.iter().map(|id| notify::hashed_id(*id)).collect::<Vec<_>>(),
    });
    notify::workspace(tx, actor, workspace_id, "applications_reordered", keys).await?;
    tx.did(Params::OrderApplications {
        workspace_id,
        before: current,
        after: ordered,
    });
    Ok(())
}

/// Places `wanted` in the slots the listed ids occupy in `current`, keeping the others fixed.
pub fn merge_order(current: &[i64], wanted: &[i64]) -> Vec<i64> {
    let mut wanted_iter = wanted.iter().copied().filter(|id| current.contains(id));
    let mut seen = std::collections::HashSet::new();
    current
        .iter()
        .map(|id| {
            if wanted.contains(id) {
                wanted_iter.find(|w| seen.insert(*w)).unwrap_or(*id)
            } else {
                *id
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::merge_order;

    #[test]
    fn partial_orders_keep_unlisted_ids_in_place() {
        assert_eq!(merge_order(&[1, 2, 3, 4], &[3, 1]), vec![3, 2, 1, 4]);
        assert_eq!(merge_order(&[1, 2, 3], &[3, 2, 1]), vec![3, 2, 1]);
        assert_eq!(merge_order(&[1, 2, 3], &[]), vec![1, 2, 3]);
    }
}
