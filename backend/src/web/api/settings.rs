//! `/api/settings/…`: instance settings (public read, staff write) and the instance id.

use crate::{
    context::AppContext,
    error::ApiError,
    platform::{
        licenses,
        settings::{self, InstanceSettings, SettingsError, SettingsUpdate},
    },
    web::{
        extract::{ApiJson, Auth},
        state::AppState,
    },
};
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SettingsBody {
    allow_new_signups: bool,
    allow_signups_via_workspace_invitations: bool,
    allow_reset_password: bool,
    allow_global_workspace_creation: bool,
    account_deletion_grace_delay: i32,
    show_admin_signup_page: bool,
    track_workspace_usage: bool,
    show_baserow_help_request: bool,
    co_branding_logo: Option<String>,
    email_verification: String,
    verify_import_signature: bool,
    /// Products licensed for the whole instance, e.g. `{"enterprise": true}`.
    instance_wide_licenses: BTreeMap<String, bool>,
}

impl SettingsBody {
    async fn read(ctx: &AppContext, s: InstanceSettings) -> Result<Self, ApiError> {
        let mut body = Self::from(s);
        body.instance_wide_licenses = licenses::instance_wide(ctx)
            .await
            .map_err(SettingsError::from)?;
        Ok(body)
    }
}

impl From<InstanceSettings> for SettingsBody {
    fn from(s: InstanceSettings) -> Self {
        Self {
            allow_new_signups: s.allow_new_signups,
            allow_signups_via_workspace_invitations: s.allow_signups_via_workspace_invitations,
            allow_reset_password: s.allow_reset_password,
            allow_global_workspace_creation: s.allow_global_workspace_creation,
            account_deletion_grace_delay: s.account_deletion_grace_delay,
            show_admin_signup_page: s.show_admin_signup_page,
            track_workspace_usage: s.track_workspace_usage,
            show_baserow_help_request: s.show_baserow_help_request,
            co_branding_logo: None,
            email_verification: s.email_verification,
            verify_import_signature: s.verify_import_signature,
            instance_wide_licenses: BTreeMap::new(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdateBody {
    allow_new_signups: Option<bool>,
    allow_signups_via_workspace_invitations: Option<bool>,
    allow_reset_password: Option<bool>,
    allow_global_workspace_creation: Option<bool>,
    account_deletion_grace_delay: Option<i32>,
    track_workspace_usage: Option<bool>,
    show_baserow_help_request: Option<bool>,
    email_verification: Option<String>,
    verify_import_signature: Option<bool>,
}

#[utoipa::path(get, path = "/api/settings/", tag = "Settings", responses((status = 200, body = SettingsBody)))]
pub async fn get(State(state): State<AppState>) -> Result<Json<SettingsBody>, ApiError> {
    let s = settings::get(&state.ctx).await?;
    Ok(Json(SettingsBody::read(&state.ctx, s).await?))
}

/// Partial update, staff only. Also served at `PATCH /api/settings/`.
#[utoipa::path(patch, path = "/api/settings/update/", tag = "Settings", request_body = SettingsUpdateBody,
    responses((status = 200, body = SettingsBody), (status = 401, description = "PERMISSION_DENIED for non-staff")),
    security(("jwt" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(b): ApiJson<SettingsUpdateBody>,
) -> Result<Json<SettingsBody>, ApiError> {
    let update = SettingsUpdate {
        allow_new_signups: b.allow_new_signups,
        allow_signups_via_workspace_invitations: b.allow_signups_via_workspace_invitations,
        allow_reset_password: b.allow_reset_password,
        allow_global_workspace_creation: b.allow_global_workspace_creation,
        account_deletion_grace_delay: b.account_deletion_grace_delay,
        track_workspace_usage: b.track_workspace_usage,
        show_baserow_help_request: b.show_baserow_help_request,
        email_verification: b.email_verification,
        verify_import_signature: b.verify_import_signature,
    };
    let s = settings::update(&state.ctx, &actor, update).await?;
    Ok(Json(SettingsBody::read(&state.ctx, s).await?))
}

#[derive(Serialize, ToSchema)]
pub struct InstanceIdBody {
    instance_id: String,
}

#[utoipa::path(get, path = "/api/settings/instance-id/", tag = "Settings",
    responses((status = 200, body = InstanceIdBody)), security(("jwt" = [])))]
pub async fn instance_id(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> Result<Json<InstanceIdBody>, ApiError> {
    Ok(Json(InstanceIdBody {
        instance_id: settings::instance_id(&state.ctx, &actor).await?,
    }))
}
