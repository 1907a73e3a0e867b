//! Export use cases: start an export of a table or view (a job on the `low` queue), and
//! read an export job.

use super::{
    ExportError, ExportParams, ExportRequest, JOB_TYPE, charset::Charset, model::job_json, plan,
    registry,
};
use crate::{
    context::AppContext,
    database::{fields, tables},
    platform::{
        auth::Actor,
        jobs::user_jobs::{self, JobError},
        validation::ValidationError,
    },
};
use serde_json::Value;

/// Checks the request, cancels the caller's running exports (as Baserow does) and queues
/// this one; returns the export job.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    table_id: i64,
    request: ExportRequest,
) -> Result<Value, ExportError> {
    let params = check(table_id, request)?;
    let mut tx = ctx.db.begin().await?;
    let (table, _) = tables::accessible(&mut tx, actor, table_id).await?;
    let field_list = fields::repo::list(&mut tx, table_id).await?;
    plan::build(&mut tx, &table, &field_list, &params).await?;
    user_jobs::cancel_unfinished(&mut tx, actor.id(), JOB_TYPE).await?;
    let params = serde_json::to_value(&params)
        .map_err(|e| sqlx::Error::Protocol(format!("export params: {e}")))?;
    let job = user_jobs::start(&mut tx, actor.id(), JOB_TYPE, params).await?;
    tx.commit().await?;
    Ok(job_json(&job, &ctx.settings.public_url))
}

/// One of the caller's export jobs; anyone else's (or another kind of job) does not exist.
pub async fn get(ctx: &AppContext, actor: &Actor, job_id: i64) -> Result<Value, ExportError> {
    let job = user_jobs::get(ctx, actor, job_id)
        .await
        .map_err(|e| match e {
            JobError::NotFound => ExportError::JobNotFound,
            other => other.into(),
        })?;
    if job.kind != JOB_TYPE {
        return Err(ExportError::JobNotFound);
    }
    Ok(job_json(&job, &ctx.settings.public_url))
}

/// The request's own checks (what needs no database): the format, the charset, the
/// format's options, no NUL characters.
fn check(table_id: i64, request: ExportRequest) -> Result<ExportParams, ValidationError> {
    let mut errors = ValidationError::default();
    let texts = [
        ("exporter_type", Some(&request.exporter_type)),
        ("export_charset", request.export_charset.as_ref()),
        ("order_by", request.order_by.as_ref()),
        (
            "csv_column_separator",
            request.csv_column_separator.as_ref(),
        ),
    ];
    for (key, text) in texts {
        if text.is_some_and(|t| t.contains('\0')) {
            errors.add(key, "invalid", "Null characters are not allowed.");
        }
    }
    let exporter = registry::get(&request.exporter_type);
    if exporter.is_none() {
        errors.add(
            "exporter_type",
            "invalid_choice",
            format!("Choose one of: {}.", registry::names().join(", ")),
        );
    }
    let charset = request.export_charset.unwrap_or_else(|| "utf-8".into());
    if Charset::parse(&charset).is_none() {
        errors.add(
            "export_charset",
            "invalid_choice",
            "Unknown charset; use for example utf-8, utf-16, latin-1 or windows-1252.",
        );
    }
    let params = ExportParams {
        table: table_id,
        view: request.view_id,
        exporter_type: request.exporter_type,
        export_charset: charset,
        csv_column_separator: request.csv_column_separator.unwrap_or_else(|| ",".into()),
        csv_include_header: request.csv_include_header.unwrap_or(true),
        excel_include_header: request.excel_include_header.unwrap_or(false),
        filters: request.filters,
        order_by: request.order_by.filter(|o| !o.trim().is_empty()),
        fields: request.fields,
    };
    if let Some(exporter) = exporter {
        exporter.check(&params, &mut errors);
    }
    errors.into_result().map(|()| params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(exporter: &str) -> ExportRequest {
        ExportRequest {
            exporter_type: exporter.into(),
            ..ExportRequest::default()
        }
    }

    #[test]
    fn defaults_follow_baserow() {
        let p = check(3, request("csv")).unwrap();
        assert_eq!(
            (p.export_charset.as_str(), p.csv_column_separator.as_str()),
            ("utf-8", ",")
        );
        assert!(p.csv_include_header && !p.excel_include_header);
    }

    #[test]
    fn unknown_formats_charsets_separators_and_nul_bytes_are_refused() {
        assert!(check(3, request("pdf")).is_err());
        assert!(check(3, request("csv\0")).is_err());
        let mut r = request("csv");
        r.export_charset = Some("klingon".into());
        assert!(check(3, r).is_err());
        let mut r = request("csv");
        r.csv_column_separator = Some("#".into());
        assert!(check(3, r).is_err());
        let mut r = request("json");
        r.order_by = Some("field_1\0".into());
        assert!(check(3, r).is_err());
    }
}
