//! Starting a file import: checks the request and the caller's access, keeps pasted text
//! as an upload, and creates the `file_import` job that the `low` queue runs.

use super::{ImportError, JOB_TYPE, formats, queue, uploads};
use crate::{
    context::AppContext,
    database::tables,
    platform::{
        actions,
        auth::Actor,
        jobs::user_jobs::UserJob,
        validation::{self, ValidationError},
    },
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// The body of `POST /api/jobs/` with `type: "file_import"`.
#[derive(Debug, Default, Deserialize)]
pub struct ImportRequest {
    pub upload_id: Option<String>,
    /// Pasted text: tab-separated rows, unless `format` says otherwise.
    pub data: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub first_row_header: bool,
    pub delimiter: Option<String>,
    pub encoding: Option<String>,
    pub database_id: Option<i64>,
    pub name: Option<String>,
    pub table_id: Option<i64>,
}

/// A request that passed its checks, as the job stores it.
struct Checked {
    upload_id: Option<Uuid>,
    format: Option<&'static str>,
    delimiter: Option<char>,
    encoding: Option<&'static str>,
    name: Option<String>,
}

fn check(req: &ImportRequest) -> Result<Checked, ValidationError> {
    let mut errors = ValidationError::default();
    let upload_id = match (&req.upload_id, &req.data) {
        (Some(id), None) => match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("upload_id", "invalid", "Must be a valid UUID.");
                None
            }
        },
        (None, Some(data)) => {
            validation::text(&mut errors, "data", data, 1, usize::MAX);
            None
        }
        _ => {
            errors.add(
                "upload_id",
                "required",
                "Give either upload_id (an uploaded file) or data (pasted text).",
            );
            None
        }
    };
    let format = req.format.as_deref().and_then(|f| {
        let found = formats::get(f).map(|f| f.name());
        if found.is_none() {
            errors.add(
                "format",
                "invalid_choice",
                format!("\"{}\" is not a valid choice.", f.replace('\0', "")),
            );
        }
        found
    });
    let delimiter = req.delimiter.as_deref().and_then(|d| {
        let parsed = match d {
            "tab" | "\t" => Some('\t'),
            _ => {
                let mut chars = d.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None)
                        if c.is_ascii()
                            && !c.is_ascii_alphanumeric()
                            && !"\"\r\n\0".contains(c) =>
                    {
                        Some(c)
                    }
                    _ => None,
                }
            }
        };
        if parsed.is_none() {
            errors.add(
                "delimiter",
                "invalid",
                "The delimiter must be one punctuation character or \"tab\".",
            );
        }
        parsed
    });
    let encoding = req.encoding.as_deref().and_then(|label| {
        let found = encoding_rs::Encoding::for_label(label.trim().as_bytes()).map(|e| e.name());
        if found.is_none() {
            errors.add("encoding", "invalid_choice", "This encoding is not known.");
        }
        found
    });
    let name = match (req.database_id, req.table_id) {
        (Some(_), None) => {
            let name = validation::text(
                &mut errors,
                "name",
                req.name.as_deref().unwrap_or_default(),
                1,
                tables::MAX_NAME_LENGTH,
            );
            Some(name)
        }
        (None, Some(_)) => None,
        _ => {
            errors.add(
                "database_id",
                "required",
                "Give either database_id and name (a new table) or table_id (rows added to a table).",
            );
            None
        }
    };
    errors.into_result()?;
    Ok(Checked {
        upload_id,
        format,
        delimiter,
        encoding,
        name,
    })
}

/// Starts an import for the caller; returns the job to poll.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    req: ImportRequest,
) -> Result<UserJob, ImportError> {
    let checked = check(&req)?;
    let mut tx = ctx.db.begin().await?;
    let (database_id, name) = queue::target(
        &mut tx,
        actor,
        req.database_id,
        req.table_id,
        checked.name.clone(),
    )
    .await?;
    let (upload_id, format) = match (checked.upload_id, &req.data) {
        (Some(id), _) => (
            uploads::get(&mut *tx, actor.id(), id).await?.id,
            checked.format,
        ),
        (None, Some(data)) => {
            let upload = uploads::store_text(ctx, actor, "pasted.txt", data).await?;
            (upload.id, checked.format.or(Some("paste")))
        }
        (None, None) => unreachable_target()?,
    };
    let mut params = json!({
        "database_id": database_id,
        "name": name,
        "table_id": req.table_id,
        "first_row_header": req.first_row_header,
        "report": null,
        "upload_id": upload_id,
        "format": format,
        "delimiter": checked.delimiter,
        "encoding": checked.encoding,
        "append": req.table_id.is_some(),
    });
    // Rows added to a table land on the asking tab's undo stack, as Baserow's
    // `import_rows`; a new table is not an undoable action there.
    if req.table_id.is_some()
        && let Some(map) = params.as_object_mut()
    {
        map.extend(actions::job_params(actor.session.as_ref()));
    }
    let job = queue::start_job(&mut tx, actor, JOB_TYPE, params).await?;
    tx.commit().await?;
    tracing::info!(job_id = job.id, %upload_id, "file import queued");
    Ok(job)
}

/// `check` has refused requests without a target or a source already.
fn unreachable_target<T>() -> Result<T, ImportError> {
    Err(ValidationError::single("upload_id", "required", "Nothing to import.").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: serde_json::Value) -> ImportRequest {
        serde_json::from_value(body).unwrap_or_default()
    }

    #[test]
    fn requests_need_one_source_one_target_and_known_options() {
        assert!(check(&req(json!({"data": "a", "table_id": 1}))).is_ok());
        let ok = check(&req(json!({
            "upload_id": Uuid::new_v4().to_string(), "database_id": 1, "name": "T",
            "format": "csv", "delimiter": ";", "encoding": "latin1"
        })))
        .unwrap();
        assert_eq!(ok.delimiter, Some(';'));
        assert_eq!(ok.encoding, Some("windows-1252"));
        for bad in [
            json!({"table_id": 1}),
            json!({"data": "a", "upload_id": Uuid::new_v4().to_string(), "table_id": 1}),
            json!({"data": "a"}),
            json!({"data": "a", "database_id": 1, "table_id": 1}),
            json!({"data": "a", "database_id": 1}),
            json!({"data": "a", "database_id": 1, "name": "a\u{0}"}),
            json!({"data": "a\u{0}b", "table_id": 1}),
            json!({"data": "", "table_id": 1}),
            json!({"data": "a", "table_id": 1, "format": "xlsx"}),
            json!({"data": "a", "table_id": 1, "delimiter": "ab"}),
            json!({"data": "a", "table_id": 1, "delimiter": "\""}),
            json!({"data": "a", "table_id": 1, "encoding": "klingon"}),
            json!({"upload_id": "not-a-uuid", "table_id": 1}),
        ] {
            assert!(check(&req(bad.clone())).is_err(), "{bad}");
        }
    }
}
