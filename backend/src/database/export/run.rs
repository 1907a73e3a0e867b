//! Running an export job: rows stream from a server-side cursor, a chunk at a time, into
//! the format's writer on a blocking thread, so memory stays flat whatever the table's
//! size. Progress reaches the owner's sockets; a cancelled job stops and leaves no file.

use super::{
    ExportError, ExportParams,
    charset::Charset,
    exporter::{ExportRow, FormatLimit, RowWriter, WriterSetup},
    files, plan, registry,
};
use crate::{
    context::AppContext,
    database::{
        access, fields,
        rows::{self, RowKeys, read::to_api_row},
        tables,
    },
    error::HasCode,
    platform::{
        jobs::user_jobs::{self, UserJob},
        workspaces::require_member,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{Postgres, QueryBuilder};
use std::{io::BufWriter, path::PathBuf, sync::Arc};

/// Rows per cursor fetch (1,000): large enough to keep round trips rare, small enough to
/// keep a chunk's memory in the low megabytes even for wide rows. `FETCH` takes no
/// parameters, hence the literal.
const FETCH_CHUNK: &str = "FETCH FORWARD 1000 FROM export_rows";

/// Why an export stopped early.
enum Stop {
    /// The user started another export (or the job was otherwise ended): no error.
    Cancelled,
    /// Something the user can act on; the message is shown.
    User(String),
    /// Anything else: logged, and the user told the export failed.
    Internal(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Stop {
    fn from(e: E) -> Self {
        Self::Internal(e.into())
    }
}

/// Runs the job; an error's message is what the job's owner reads.
pub async fn run(ctx: &AppContext, job: &UserJob) -> anyhow::Result<()> {
    match export(ctx, job).await {
        Ok(()) | Err(Stop::Cancelled) => Ok(()),
        Err(Stop::User(message)) => Err(anyhow::anyhow!(message)),
        Err(Stop::Internal(e)) => {
            if let Some(limit) = limit_of(&e) {
                return Err(anyhow::anyhow!(limit.0.clone()));
            }
            tracing::error!(job_id = job.id, error = ?e, "export failed");
            Err(anyhow::anyhow!(
                "The export could not be written. Please try again."
            ))
        }
    }
}

/// A format's limit somewhere in the error's chain.
fn limit_of(e: &anyhow::Error) -> Option<&FormatLimit> {
    e.chain().find_map(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<FormatLimit>())
            .or_else(|| cause.downcast_ref::<FormatLimit>())
    })
}

/// A service error the user caused (a view deleted meanwhile, a filter on a field gone)
/// becomes their message; a server error stays internal.
fn stop_for(e: ExportError) -> Stop {
    if e.code().status() < 500 {
        Stop::User(e.to_string())
    } else {
        Stop::Internal(e.into())
    }
}

async fn export(ctx: &AppContext, job: &UserJob) -> Result<(), Stop> {
    let params: ExportParams = serde_json::from_value(job.params.0.clone())?;
    let exporter = registry::get(&params.exporter_type)
        .ok_or_else(|| Stop::User("The export format is not available.".into()))?;
    let charset = Charset::parse(&params.export_charset)
        .ok_or_else(|| Stop::User("The charset is not available.".into()))?;

    // One snapshot for the count and every chunk: the file shows the table at one moment.
    let mut tx = ctx.db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let scope = access::scope(&mut tx, params.table)
        .await?
        .ok_or_else(|| Stop::User("The table no longer exists.".into()))?;
    require_member(&mut tx, job.user_id, scope.workspace_id)
        .await
        .map_err(|_| Stop::User("You no longer have access to the table.".into()))?;
    let table = tables::repo::get(&mut *tx, params.table)
        .await?
        .ok_or_else(|| Stop::User("The table no longer exists.".into()))?;
    let field_list = fields::repo::list(&mut tx, table.id).await?;
    let plan = plan::build(&mut tx, &table, &field_list, &params)
        .await
        .map_err(stop_for)?;
    let out_fields: Vec<_> = plan.columns.iter().map(|c| c.field.clone()).collect();
    let total = if plan.query.filter.is_some() {
        rows::query::filtered_count_of(&mut tx, table.id, &field_list, &plan.query)
            .await
            .map_err(|e| stop_for(e.into()))?
    } else {
        table.row_count
    };
    let mut declare = QueryBuilder::<Postgres>::new("DECLARE export_rows NO SCROLL CURSOR FOR ");
    rows::query::push_all_rows(
        &mut declare,
        table.id,
        &field_list,
        &out_fields,
        &plan.query,
    )
    .map_err(|e| stop_for(e.into()))?;
    declare.build().execute(&mut *tx).await?;

    let media_dir = &ctx.settings.media_dir;
    let partial = files::partial_path(media_dir, job.id, exporter.extension());
    if let Some(folder) = partial.parent() {
        tokio::fs::create_dir_all(folder).await?;
    }
    let name = files::new_name(exporter.extension());
    // `create` truncates what an earlier run of this job, killed half-way, left here.
    let mut file = PartialFile(Some(partial));
    let out = std::fs::File::create(file.path())?;
    let setup = WriterSetup {
        title: table.name.clone(),
        columns: Arc::from(plan.columns),
        charset,
        params,
    };
    let mut writer: Box<dyn RowWriter> = tokio::task::spawn_blocking(move || {
        exporter.open(BufWriter::with_capacity(64 * 1024, out), setup)
    })
    .await??;

    let mut done: i64 = 0;
    loop {
        let texts: Vec<String> = sqlx::query_scalar(FETCH_CHUNK).fetch_all(&mut *tx).await?;
        if texts.is_empty() {
            break;
        }
        done += texts.len() as i64;
        let chunk: Vec<ExportRow> = texts
            .iter()
            .filter_map(|t| export_row(&out_fields, t))
            .collect();
        drop(texts);
        writer = tokio::task::spawn_blocking(move || writer.write_rows(&chunk).map(|()| writer))
            .await??;
        if user_jobs::state(&ctx.db, job.id).await?.as_deref() != Some("started") {
            return Err(Stop::Cancelled);
        }
        let percentage = (done.saturating_mul(100) / total.max(1)).clamp(0, 99) as i32;
        user_jobs::set_progress(&ctx.db, job.id, percentage).await?;
    }
    tx.commit().await?;
    tokio::task::spawn_blocking(move || writer.finish()).await??;
    // Complete: only now does the file get a name that can be downloaded.
    let done_path = files::dir(media_dir).join(&name);
    tokio::fs::rename(file.path(), &done_path).await?;
    file.0 = Some(done_path);

    let mut tx = ctx.db.begin().await?;
    let finished =
        user_jobs::finish(&mut tx, job.id, json!({ "exported_file_name": name })).await?;
    tx.commit().await?;
    if !finished {
        return Err(Stop::Cancelled);
    }
    file.keep();
    Ok(())
}

/// One fetched row (`row_to_json` text) as the columns' API values.
fn export_row(out_fields: &[crate::database::fields::Field], text: &str) -> Option<ExportRow> {
    let Ok(Value::Object(raw)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let mut row: Map<String, Value> = to_api_row(out_fields, raw, RowKeys::Ids);
    let id = row.get("id").and_then(Value::as_i64)?;
    let values = out_fields
        .iter()
        .map(|f| row.remove(&f.column()).unwrap_or(Value::Null))
        .collect();
    Some(ExportRow { id, values })
}

/// A file being written (and then renamed): deleted unless the export finishes and keeps it.
struct PartialFile(Option<PathBuf>);

impl PartialFile {
    fn path(&self) -> &std::path::Path {
        self.0.as_deref().unwrap_or(std::path::Path::new(""))
    }

    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take()
            && let Err(e) = std::fs::remove_file(&path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %path.display(), error = %e, "could not delete an unfinished export");
        }
    }
}
