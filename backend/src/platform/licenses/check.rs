//! The license check: posts the registered licenses and the instance id to the license
//! server and applies its answer per license (`ok` keeps it, `update` renews it with a
//! newly signed payload, `invalid`, `does_not_exist` and `instance_id_mismatch` revoke it).
//! A server that cannot be reached or answers nonsense changes nothing.

use super::{
    License, LicenseError, LicensePayload,
    repo::{self, LicenseRow},
    service::{self, Counts, require_staff},
    verify,
};
use crate::{
    context::AppContext,
    platform::{auth::Actor, outbound, settings},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// An answer names each license sent once: a few KB. Far more is not an answer.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// What one check did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// No call was made: no license server is configured, or no license is registered.
    pub skipped: bool,
    /// The call failed (network, HTTP status, body); nothing was changed.
    pub failed: bool,
    pub kept: usize,
    pub renewed: usize,
    pub revoked: usize,
}

#[derive(Debug, Deserialize)]
struct Verdict {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    new_license_payload: Option<String>,
}

/// Whether a periodic check has anything to do: a license server is configured and a
/// license was not checked for `TESSERA_LICENSE_CHECK_INTERVAL_MINUTES`.
pub async fn wanted(ctx: &AppContext, db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<bool> {
    let interval = ctx.settings.license.check_interval;
    Ok(ctx.settings.license.server_url.is_some() && repo::any_due(db, interval).await?)
}

/// The periodic check (the `low` queue's `CheckLicenses` job) of the licenses due for one.
/// They are claimed first, so the check runs once however many export workers enqueued it.
pub async fn run(ctx: &AppContext) -> Result<CheckReport, sqlx::Error> {
    if ctx.settings.license.server_url.is_none() {
        return Ok(CheckReport {
            skipped: true,
            ..Default::default()
        });
    }
    let rows = repo::claim_due(&ctx.db, ctx.settings.license.check_interval).await?;
    check_rows(ctx, rows).await
}

/// Checks one license now, for staff; answers it as it is afterwards, or
/// `ERROR_LICENSE_DOES_NOT_EXIST` when the license server revoked it.
pub async fn check_one(ctx: &AppContext, actor: &Actor, id: i64) -> Result<License, LicenseError> {
    require_staff(actor)?;
    let row = repo::get(&ctx.db, id)
        .await?
        .ok_or(LicenseError::DoesNotExist)?;
    repo::mark_attempt(&ctx.db, id).await?;
    check_rows(ctx, vec![row]).await?;
    service::load(ctx, id).await
}

async fn check_rows(ctx: &AppContext, rows: Vec<LicenseRow>) -> Result<CheckReport, sqlx::Error> {
    let Some(url) = ctx.settings.license.server_url.as_deref() else {
        return Ok(CheckReport {
            skipped: true,
            ..Default::default()
        });
    };
    // Without licenses there is nothing to ask about: the server is not called at all.
    if rows.is_empty() {
        return Ok(CheckReport {
            skipped: true,
            ..Default::default()
        });
    }
    let body = request_body(ctx, &rows).await?;
    let verdicts = match call(ctx, url, &body).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "license check failed; the licenses stay as they are");
            return Ok(CheckReport {
                failed: true,
                ..Default::default()
            });
        }
    };
    let mut report = CheckReport::default();
    for row in &rows {
        let Some(verdict) = verdicts.get(&row.license) else {
            // The server said nothing about this one: keep it, unchecked.
            report.kept += 1;
            continue;
        };
        apply(ctx, row, verdict, &mut report).await?;
    }
    tracing::info!(
        kept = report.kept,
        renewed = report.renewed,
        revoked = report.revoked,
        "licenses checked"
    );
    Ok(report)
}

async fn apply(
    ctx: &AppContext,
    row: &LicenseRow,
    verdict: &Verdict,
    report: &mut CheckReport,
) -> Result<(), sqlx::Error> {
    match verdict.kind.as_str() {
        "ok" => {
            repo::mark_checked(&ctx.db, row.id, &row.license).await?;
            report.kept += 1;
        }
        "update" => {
            // A new payload is trusted only if it carries our issuer's signature, like
            // one registered by staff; otherwise the current one stays.
            let renewed = verdict.new_license_payload.as_deref().and_then(|token| {
                let key = ctx.settings.license.public_key?;
                match verify::decode(token, &key) {
                    Ok(payload) => Some((token.trim(), payload)),
                    Err(e) => {
                        tracing::warn!(license_id = %row.license_id, error = %e,
                            "the license server sent a renewed license that does not verify; kept the current one");
                        None
                    }
                }
            });
            match renewed {
                Some((token, payload)) => {
                    match renew(ctx, row, token, &payload).await {
                        Ok(()) => report.renewed += 1,
                        Err(e) => {
                            // Another registered license has the renewed one's id.
                            tracing::warn!(license_id = %row.license_id, error = %e,
                                "could not store a renewed license; kept the current one");
                            report.kept += 1;
                        }
                    }
                }
                None => report.kept += 1,
            }
        }
        "invalid" | "does_not_exist" | "instance_id_mismatch" => {
            if repo::revoke(&ctx.db, row.id, &row.license).await? {
                tracing::warn!(license_id = %row.license_id, verdict = %verdict.kind,
                    "license revoked by the license server");
            }
            report.revoked += 1;
        }
        other => {
            tracing::warn!(license_id = %row.license_id, verdict = %other,
                "unknown answer from the license server; the license stays");
            report.kept += 1;
        }
    }
    Ok(())
}

/// Stores the renewed token and frees the seats it no longer has.
async fn renew(
    ctx: &AppContext,
    row: &LicenseRow,
    token: &str,
    payload: &LicensePayload,
) -> Result<(), sqlx::Error> {
    let mut tx = ctx.db.begin().await?;
    // A license staff replaced or deleted during the call keeps its seats as they are.
    if !repo::renew(&mut *tx, row.id, &row.license, token, &payload.id).await? {
        return Ok(());
    }
    let freed = repo::trim_seats(&mut *tx, row.id, payload.seats).await?;
    tx.commit().await?;
    if freed > 0 {
        tracing::warn!(license_id = %payload.id, freed, "the renewed license has fewer seats; the newest were freed");
    }
    Ok(())
}

/// `{"licenses": [tokens], "instance_id", "extra_license_info": [per license]}`.
async fn request_body(ctx: &AppContext, rows: &[LicenseRow]) -> Result<Value, sqlx::Error> {
    let instance_id = settings::repo::get(&ctx.db).await?.instance_id;
    let counts = Counts::read(ctx).await?;
    let roles: Map<String, Value> = repo::highest_roles(&ctx.db)
        .await?
        .into_iter()
        .map(|(user, role)| (user.to_string(), Value::String(role)))
        .collect();
    let extra: Vec<Value> = rows
        .iter()
        .filter_map(|row| counts.view(ctx, row))
        .map(|license| {
            json!({
                "id": license.payload.id,
                "seats_taken": license.seats_taken,
                "free_users_count": license.free_users_count,
                "highest_role_per_user_id": Value::Object(roles.clone()),
                "application_users_taken": 0,
            })
        })
        .collect();
    Ok(json!({
        "licenses": rows.iter().map(|r| r.license.as_str()).collect::<Vec<_>>(),
        "instance_id": instance_id,
        "extra_license_info": extra,
    }))
}

/// The license server URL is operator configuration (`TESSERA_LICENSE_SERVER_URL`), never
/// user input, so the call goes out on a plain client rather than through the outbound
/// guard that keeps user-given URLs off private networks (operators may well run the
/// license server on one).
async fn call(
    ctx: &AppContext,
    url: &str,
    body: &Value,
) -> anyhow::Result<HashMap<String, Verdict>> {
    outbound::install_crypto_provider();
    let timeout = ctx.settings.license.server_timeout;
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()?;
    let response = client.post(url).json(body).send().await?;
    let status = response.status();
    if !status.is_success() {
        anyhow::bail!("the license server answered {status}");
    }
    let mut response = response;
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_ANSWER_BYTES {
            anyhow::bail!("the license server's answer is larger than {MAX_ANSWER_BYTES} bytes");
        }
    }
    Ok(serde_json::from_slice(&bytes)?)
}
