//! Running an import job (queue `low`): the source is read on a blocking thread and
//! its rows are copied into the table as they arrive, in one transaction, so the table
//! (or the appended rows) appears complete or not at all, and a worker that dies midway
//! leaves nothing behind for the retry to trip over.

use super::{
    formats,
    headers::FieldNames,
    report::Report,
    sources::{ImportSource, Message, Progress, file::FileSource},
    uploads,
    writer::{Mode, RowWriter},
};
use crate::{
    context::AppContext,
    database::{
        access,
        events::{EventOrigin, TableEvent},
        row_history::{self, RowAction},
        tables::{self, repo as table_repo},
        tx::Tx,
    },
    platform::{
        actions, applications,
        jobs::{
            self, LowJob,
            user_jobs::{self, UserJob},
        },
        workspaces::require_member,
    },
    realtime::notify::{self, Audience, WorkspaceEvent},
};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Least time between two progress updates.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What [`super::start`] stored in the job.
#[derive(Debug, Deserialize)]
struct Params {
    database_id: i64,
    name: String,
    table_id: Option<i64>,
    first_row_header: bool,
    upload_id: Uuid,
    format: Option<String>,
    delimiter: Option<char>,
    encoding: Option<String>,
    append: bool,
}

pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    let params: Params = serde_json::from_value(job.params.0.clone())
        .map_err(|e| anyhow::anyhow!("The job's parameters are invalid: {e}"))?;
    let upload = sqlx::query_as::<_, (String,)>("SELECT name FROM import_uploads WHERE id = $1")
        .bind(params.upload_id)
        .fetch_optional(&ctx.db)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("The uploaded file is gone (uploads are kept for a day).")
        })?;
    let source = FileSource {
        path: uploads::path(&ctx.settings, params.upload_id),
        name: upload.0,
        format: params.format.as_deref().and_then(formats::get),
        encoding: params
            .encoding
            .as_deref()
            .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes())),
        delimiter: params.delimiter.and_then(|c| u8::try_from(c).ok()),
        first_row_header: params.first_row_header,
        // Columns past the field limit fail a new table and are ignored when appending.
        max_columns: ctx.settings.max_fields_per_table.max(1000),
    };

    let imported = import_rows(
        ctx,
        job,
        Target {
            database_id: params.database_id,
            name: params.name,
            table_id: params.table_id.filter(|_| params.append),
        },
        Box::new(source),
    )
    .await
    .map_err(crate::database::fields::constraints::explain)?;
    tracing::info!(
        job_id = job.id,
        table_id = imported.table_id,
        imported = imported.rows,
        "file import finished"
    );
    if let Err(e) = uploads::remove(ctx, params.upload_id).await {
        tracing::warn!(error = %e, "could not remove an imported file; housekeeping will");
    }
    Ok(())
}

/// Why an import stopped when its job was cancelled (the job keeps its `cancelled` state).
const CANCELLED: &str = "The import was cancelled.";

/// Where the rows go: a new table named `name` in the database, or the table `table_id`.
pub struct Target {
    pub database_id: i64,
    pub name: String,
    pub table_id: Option<i64>,
}

/// What an import wrote.
pub struct Imported {
    pub table_id: i64,
    pub rows: i64,
}

/// Reads `source` on a blocking thread and copies its rows into the target, all in one
/// transaction, then finishes the job with the report.
pub async fn import_rows(
    ctx: &AppContext,
    job: &UserJob,
    target: Target,
    source: Box<dyn ImportSource>,
) -> anyhow::Result<Imported> {
    let origin = EventOrigin {
        user_id: Some(job.user_id),
        websocket_id: None,
        send_webhooks: true,
        session: actions::from_job_params(&job.params.0),
    };
    let mut tx = Tx::begin(&ctx.db, origin).await?;
    let (table_id, workspace_id, mode) = match target.table_id {
        Some(table_id) => {
            let scope = access::scope(&mut tx, table_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
            require_member(&mut tx, job.user_id, scope.workspace_id)
                .await
                .map_err(|_| anyhow::anyhow!("You no longer have access to the table."))?;
            // Writers of this table wait until the import commits: row orders stay unique.
            table_repo::lock(&mut *tx, table_id).await?;
            (table_id, scope.workspace_id, Mode::Append)
        }
        None => {
            let app = applications::repo::get(&mut *tx, target.database_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("The database no longer exists."))?;
            require_member(&mut tx, job.user_id, app.workspace_id)
                .await
                .map_err(|_| anyhow::anyhow!("You no longer have access to the database."))?;
            let table_id = table_repo::insert(&mut *tx, target.database_id, &target.name).await?;
            table_repo::create_user_table(&mut tx, table_id).await?;
            table_repo::create_default_view(&mut *tx, table_id).await?;
            (table_id, app.workspace_id, Mode::New(FieldNames::default()))
        }
    };
    let appending = matches!(mode, Mode::Append);
    // With the table locked, the rows past the highest id so far are the import's own.
    let last_id_before = if appending {
        last_row_id(&mut tx, table_id).await?
    } else {
        0
    };
    let report = Report::new(ctx.settings.import_report_max_rows);
    let mut writer = RowWriter::new(&mut tx, table_id, job.user_id, mode, report).await?;

    let (out, mut pieces) = mpsc::channel::<Message>(4);
    let progress = Progress::default();
    let reading = {
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || source.read(&out, &progress))
    };
    let mut detected = serde_json::Map::new();
    let mut last_progress = Instant::now();
    while let Some(message) = pieces.recv().await {
        match message {
            Message::Detected(found) => detected = found,
            Message::Fields(plans) => writer.fields(ctx, &mut tx, plans).await?,
            Message::Pieces(batch) => {
                for piece in batch {
                    writer.write(ctx, &mut tx, piece).await?;
                }
            }
            Message::Failed(reason) => anyhow::bail!(reason),
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            // The last percent is for the final writes and the commit.
            // A cancelled import stops here; dropping the transaction drops what it wrote.
            if user_jobs::state(&ctx.db, job.id).await?.as_deref() != Some("started") {
                anyhow::bail!(CANCELLED);
            }
            let percent = (progress.permille() / 10).min(99) as i32;
            user_jobs::set_progress(&ctx.db, job.id, percent).await?;
        }
    }
    reading.await?;
    if writer.field_count() == 0 {
        anyhow::bail!("The source contains no data.");
    }
    writer.finish(&mut tx).await?;
    let imported = writer.report.imported_row_count as i64;
    table_repo::add_row_count(&mut *tx, table_id, imported).await?;
    let table = table_repo::get(&mut *tx, table_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("The table no longer exists."))?;
    announce(&mut tx, &table, workspace_id, appending).await?;
    // Each imported row's history starts with who imported it and when.
    row_history::repo::insert_marks_after(
        &mut tx,
        table_id,
        job.user_id,
        last_id_before,
        RowAction::ImportRows.action_type(),
    )
    .await?;
    if appending && imported > 0 {
        let row_ids = row_ids_after(&mut tx, table_id, last_id_before).await?;
        tx.did(actions::Params::ImportRows { table_id, row_ids });
    }
    if !appending {
        jobs::enqueue_low(&mut tx, &LowJob::CreateImportIndexes { table_id }).await?;
    }
    let mut result = json!({
        "table_id": table_id,
        "database_id": table.database_id,
        "name": table.name,
        "report": writer.report.to_json(),
    });
    if let Some(map) = result.as_object_mut() {
        map.extend(detected);
    }
    // Cancelled meanwhile: nothing is committed, no table and no rows.
    if !user_jobs::finish(&mut tx, job.id, result).await? {
        anyhow::bail!(CANCELLED);
    }
    tx.commit().await?;
    Ok(Imported {
        table_id,
        rows: imported,
    })
}

/// The table's highest row id, trashed rows included (0 for an empty table).
async fn last_row_id(conn: &mut PgConnection, table_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COALESCE(MAX(id), 0) FROM {}",
        tables::table_name(table_id)
    )))
    .fetch_one(conn)
    .await
}

/// The ids of the rows past `after`, in order.
async fn row_ids_after(
    conn: &mut PgConnection,
    table_id: i64,
    after: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT id FROM {} WHERE id > $1 ORDER BY id",
        tables::table_name(table_id)
    )))
    .bind(after)
    .fetch_all(conn)
    .await
}

/// One event for the whole import: a new table is announced like any new table; rows
/// added to a table tell its viewers to reload it (one event instead of one per row).
async fn announce(
    tx: &mut Tx,
    table: &tables::Table,
    workspace_id: i64,
    appending: bool,
) -> anyhow::Result<()> {
    let event = if appending {
        TableEvent::TableUpdated {
            table_id: table.id,
            table: table.to_json(),
            force_table_refresh: true,
            before: None,
        }
    } else {
        TableEvent::TableCreated {
            table: table.to_json(),
        }
    };
    let (kind, keys) = (event.name(), Value::Object(event.payload()));
    tx.emit(table.id, event);
    notify::queue(
        tx,
        WorkspaceEvent {
            workspace_id,
            audience: Audience::Members,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message(kind, keys),
        },
    )
    .await?;
    Ok(())
}
