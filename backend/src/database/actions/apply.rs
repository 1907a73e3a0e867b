//! Undoing and redoing one action inside the undo's transaction, through the same
//! services as any change, so events, webhooks, permissions and linked rows follow.

use super::backup;
use crate::{
    database::{
        fields,
        rows::{self, WriteOptions},
        tables,
        tx::Tx,
        views::{self, decorations},
    },
    platform::{
        actions::{Params, Replayer},
        applications,
        auth::Actor,
        trash::{self, RestoreRequest},
        workspaces,
    },
    registries::Registries,
};
use futures::future::BoxFuture;
use serde_json::{Map, Value};

/// Replays every recorded action through the service that made it, the platform's
/// (workspaces, applications) as the database's.
pub struct ServiceReplayer;

impl Replayer for ServiceReplayer {
    fn undo<'a>(
        &'a self,
        tx: &'a mut Tx,
        registries: &'a Registries,
        actor: &'a Actor,
        params: &'a Params,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(undo(tx, registries, actor, params))
    }

    fn redo<'a>(
        &'a self,
        tx: &'a mut Tx,
        registries: &'a Registries,
        actor: &'a Actor,
        params: &'a Params,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(redo(tx, registries, actor, params))
    }
}

/// Undoes `params`; `registries` find the item types of what it restores.
async fn undo(
    tx: &mut Tx,
    registries: &Registries,
    actor: &Actor,
    params: &Params,
) -> anyhow::Result<()> {
    match params {
        Params::CreateRows { table_id, row_ids } | Params::ImportRows { table_id, row_ids } => {
            rows::delete_in(tx, actor, *table_id, row_ids).await?;
        }
        Params::UpdateRows {
            table_id, before, ..
        } => write_back(tx, actor, *table_id, before).await?,
        Params::DeleteRows { table_id, row_ids } => {
            restore_rows(tx, registries, actor, *table_id, row_ids).await?
        }
        Params::ChangePrimaryField {
            table_id, before, ..
        } => {
            fields::primary::change_in(tx, actor, *table_id, *before).await?;
        }
        Params::CreateField { field_id, .. } | Params::DuplicateField { field_id, .. } => {
            fields::delete_in(tx, actor, *field_id).await?;
        }
        Params::UpdateField {
            field_id,
            before,
            backup,
            views,
            ..
        } => {
            backup::bring_back_select_options(tx, *field_id, before).await?;
            fields::update_in(tx, actor, *field_id, &api_body(before)).await?;
            if let Some(backup) = backup {
                backup::restore(tx, *backup, *field_id).await?;
            }
            // The filters and sorts the conversion deleted fit the old type again.
            for params in views.iter().rev() {
                undo_view_part(tx, actor, params).await?;
            }
        }
        Params::DeleteField { field_id, .. } => {
            restore(tx, registries, actor, "field", *field_id, None).await?
        }
        Params::CreateView { view_id, .. } | Params::DuplicateView { view_id, .. } => {
            views::delete_in(tx, actor, *view_id).await?
        }
        Params::RotateViewSlug {
            view_id, before, ..
        } => views::set_slug_in(tx, actor, *view_id, before).await?,
        Params::DeleteView { view_id, .. } => {
            restore(tx, registries, actor, "view", *view_id, None).await?
        }
        Params::UpdateView {
            view_id, before, ..
        } => {
            views::update_in(tx, actor, *view_id, &api_body(before)).await?;
        }
        Params::CreateDecoration { decoration, .. } => {
            decorations::delete_in(tx, actor, decoration_id(decoration)?).await?;
        }
        Params::UpdateDecoration {
            decoration_id,
            before,
            ..
        } => {
            decorations::update_in(tx, actor, *decoration_id, &api_body(before)).await?;
        }
        Params::DeleteDecoration {
            view_id,
            decoration,
        } => {
            let id = decoration_id(decoration)?;
            decorations::create_in(tx, actor, *view_id, &api_body(decoration), Some(id)).await?;
        }
        Params::OrderViews {
            table_id, before, ..
        } => views::order_in(tx, actor, *table_id, before).await?,
        Params::MoveRow {
            table_id,
            row_id,
            before,
            ..
        } => rows::move_to_in(tx, actor, *table_id, *row_id, before).await?,
        Params::CreateViewPart { .. }
        | Params::UpdateViewPart { .. }
        | Params::DeleteViewPart { .. }
        | Params::UpdateViewFieldOptions { .. } => undo_view_part(tx, actor, params).await?,
        Params::CreateTable { table_id, .. } | Params::DuplicateTable { table_id, .. } => {
            tables::delete_in(tx, actor, *table_id).await?
        }
        Params::UpdateTable {
            table_id, before, ..
        } => rename_table(tx, actor, *table_id, before).await?,
        Params::DeleteTable { table_id, .. } => {
            restore(tx, registries, actor, "table", *table_id, None).await?
        }
        Params::OrderTables {
            database_id,
            before,
            ..
        } => tables::order_in(tx, actor, *database_id, before).await?,
        Params::CreateApplication { application_id, .. }
        | Params::DuplicateApplication { application_id, .. } => {
            applications::delete_in(tx, actor, *application_id).await?
        }
        Params::UpdateApplication {
            application_id,
            before,
            ..
        } => {
            applications::rename_in(tx, &*registries.application, actor, *application_id, before)
                .await?;
        }
        Params::DeleteApplication { application_id, .. } => {
            restore(tx, registries, actor, "application", *application_id, None).await?
        }
        Params::OrderApplications {
            workspace_id,
            before,
            ..
        } => applications::order_in(tx, actor, *workspace_id, before).await?,
        Params::CreateWorkspace { workspace_id } => {
            workspaces::delete_in(tx, actor, *workspace_id).await?
        }
        Params::UpdateWorkspace {
            workspace_id,
            before,
            ..
        } => {
            workspaces::rename_in(tx, actor, *workspace_id, before).await?;
        }
        Params::DeleteWorkspace { workspace_id } => {
            restore(tx, registries, actor, "workspace", *workspace_id, None).await?
        }
        Params::OrderWorkspaces { before, .. } => workspaces::order_in(tx, actor, before).await?,
    }
    Ok(())
}

/// Undoes a change of a view's parts or field options.
async fn undo_view_part(tx: &mut Tx, actor: &Actor, params: &Params) -> anyhow::Result<()> {
    match params {
        Params::CreateViewPart {
            view_id,
            part,
            value,
        } => {
            let id = value.get("id").and_then(Value::as_i64).unwrap_or_default();
            views::remove_part_in(tx, actor, *part, *view_id, id).await?;
        }
        Params::UpdateViewPart { part, before, .. } => {
            views::put_part_in(tx, actor, *part, before).await?;
        }
        Params::DeleteViewPart { removed, .. } => {
            for (part, value) in removed {
                views::put_part_in(tx, actor, *part, value).await?;
            }
        }
        Params::UpdateViewFieldOptions {
            view_id, before, ..
        } => field_options(tx, actor, *view_id, before).await?,
        _ => {}
    }
    Ok(())
}

async fn field_options(
    tx: &mut Tx,
    actor: &Actor,
    view_id: i64,
    options: &Value,
) -> anyhow::Result<()> {
    let mut body = Map::new();
    body.insert("field_options".into(), options.clone());
    views::update_field_options_in(tx, actor, view_id, &body).await?;
    Ok(())
}

async fn rename_table(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    table: &Value,
) -> anyhow::Result<()> {
    let name = table
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    tables::rename_in(tx, actor, table_id, name).await?;
    Ok(())
}

/// Redoes `params`; `registries` find the item types of what it restores.
async fn redo(
    tx: &mut Tx,
    registries: &Registries,
    actor: &Actor,
    params: &Params,
) -> anyhow::Result<()> {
    match params {
        Params::CreateRows { table_id, row_ids } | Params::ImportRows { table_id, row_ids } => {
            restore_rows(tx, registries, actor, *table_id, row_ids).await?
        }
        Params::UpdateRows {
            table_id, after, ..
        } => write_back(tx, actor, *table_id, after).await?,
        Params::DeleteRows { table_id, row_ids } => {
            rows::delete_in(tx, actor, *table_id, row_ids).await?;
        }
        Params::ChangePrimaryField {
            table_id, after, ..
        } => {
            fields::primary::change_in(tx, actor, *table_id, *after).await?;
        }
        Params::CreateField { field_id, .. } | Params::DuplicateField { field_id, .. } => {
            restore(tx, registries, actor, "field", *field_id, None).await?
        }
        Params::UpdateField {
            field_id, after, ..
        } => {
            fields::update_in(tx, actor, *field_id, &api_body(after)).await?;
        }
        Params::DeleteField { field_id, .. } => {
            fields::delete_in(tx, actor, *field_id).await?;
        }
        Params::CreateView { view_id, .. } | Params::DuplicateView { view_id, .. } => {
            restore(tx, registries, actor, "view", *view_id, None).await?
        }
        Params::RotateViewSlug { view_id, after, .. } => {
            views::set_slug_in(tx, actor, *view_id, after).await?
        }
        Params::DeleteView { view_id, .. } => views::delete_in(tx, actor, *view_id).await?,
        Params::UpdateView { view_id, after, .. } => {
            views::update_in(tx, actor, *view_id, &api_body(after)).await?;
        }
        Params::CreateDecoration {
            view_id,
            decoration,
        } => {
            let id = decoration_id(decoration)?;
            decorations::create_in(tx, actor, *view_id, &api_body(decoration), Some(id)).await?;
        }
        Params::UpdateDecoration {
            decoration_id,
            after,
            ..
        } => {
            decorations::update_in(tx, actor, *decoration_id, &api_body(after)).await?;
        }
        Params::DeleteDecoration { decoration, .. } => {
            decorations::delete_in(tx, actor, decoration_id(decoration)?).await?;
        }
        Params::OrderViews {
            table_id, after, ..
        } => views::order_in(tx, actor, *table_id, after).await?,
        Params::MoveRow {
            table_id,
            row_id,
            after,
            ..
        } => rows::move_to_in(tx, actor, *table_id, *row_id, after).await?,
        Params::CreateViewPart { part, value, .. } => {
            views::put_part_in(tx, actor, *part, value).await?
        }
        Params::UpdateViewPart { part, after, .. } => {
            views::put_part_in(tx, actor, *part, after).await?
        }
        Params::DeleteViewPart {
            view_id, part, id, ..
        } => views::remove_part_in(tx, actor, *part, *view_id, *id).await?,
        Params::UpdateViewFieldOptions { view_id, after, .. } => {
            field_options(tx, actor, *view_id, after).await?
        }
        Params::CreateTable { table_id, .. } | Params::DuplicateTable { table_id, .. } => {
            restore(tx, registries, actor, "table", *table_id, None).await?
        }
        Params::UpdateTable {
            table_id, after, ..
        } => rename_table(tx, actor, *table_id, after).await?,
        Params::DeleteTable { table_id, .. } => tables::delete_in(tx, actor, *table_id).await?,
        Params::OrderTables {
            database_id, after, ..
        } => tables::order_in(tx, actor, *database_id, after).await?,
        Params::CreateApplication { application_id, .. }
        | Params::DuplicateApplication { application_id, .. } => {
            restore(tx, registries, actor, "application", *application_id, None).await?
        }
        Params::UpdateApplication {
            application_id,
            after,
            ..
        } => {
            applications::rename_in(tx, &*registries.application, actor, *application_id, after)
                .await?;
        }
        Params::DeleteApplication { application_id, .. } => {
            applications::delete_in(tx, actor, *application_id).await?
        }
        Params::OrderApplications {
            workspace_id,
            after,
            ..
        } => applications::order_in(tx, actor, *workspace_id, after).await?,
        Params::CreateWorkspace { workspace_id } => {
            restore(tx, registries, actor, "workspace", *workspace_id, None).await?
        }
        Params::UpdateWorkspace {
            workspace_id,
            after,
            ..
        } => {
            workspaces::rename_in(tx, actor, *workspace_id, after).await?;
        }
        Params::DeleteWorkspace { workspace_id } => {
            workspaces::delete_in(tx, actor, *workspace_id).await?
        }
        Params::OrderWorkspaces { after, .. } => workspaces::order_in(tx, actor, after).await?,
    }
    Ok(())
}

/// The id of a recorded decoration.
fn decoration_id(decoration: &Value) -> anyhow::Result<i64> {
    decoration
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| anyhow::anyhow!("a recorded decoration without its id"))
}

/// Writes recorded values (`{"id", "field_{id}": …}` per row) back.
async fn write_back(
    tx: &mut Tx,
    actor: &Actor,
    table_id: i64,
    values: &[Map<String, Value>],
) -> anyhow::Result<()> {
    let items: Vec<(i64, Map<String, Value>)> = values
        .iter()
        .filter_map(|row| {
            let id = row.get("id")?.as_i64()?;
            let mut cells = row.clone();
            cells.remove("id");
            Some((id, cells))
        })
        .collect();
    rows::update_in(tx, actor, table_id, &items, WriteOptions::default(), true).await?;
    Ok(())
}

/// Takes rows out of the trash: one row is a `row` entry, several one `rows` entry (the
/// newest of the table listing exactly these ids).
async fn restore_rows(
    tx: &mut Tx,
    registries: &Registries,
    actor: &Actor,
    table_id: i64,
    row_ids: &[i64],
) -> anyhow::Result<()> {
    if let [id] = row_ids {
        return restore(tx, registries, actor, "row", *id, Some(table_id)).await;
    }
    let batch: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM database_trashed_rows WHERE table_id = $1 AND row_ids = $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(table_id)
    .bind(row_ids)
    .fetch_optional(&mut **tx)
    .await?;
    let batch = batch.ok_or(trash::TrashError::ItemNotFound)?;
    restore(tx, registries, actor, "rows", batch, Some(table_id)).await
}

async fn restore(
    tx: &mut Tx,
    registries: &Registries,
    actor: &Actor,
    item_type: &str,
    item_id: i64,
    parent_id: Option<i64>,
) -> anyhow::Result<()> {
    let kind = registries
        .trash
        .get(item_type)
        .ok_or(trash::TrashError::ItemNotFound)?;
    let req = RestoreRequest {
        item_type: item_type.to_owned(),
        item_id,
        parent_id,
    };
    trash::restore_in(tx, actor, kind, &req).await?;
    Ok(())
}

/// A field's or view's API shape as an update body: the keys the update reads are the
/// ones the API shows.
fn api_body(field: &Value) -> Map<String, Value> {
    field.as_object().cloned().unwrap_or_default()
}
