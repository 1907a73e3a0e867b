//! Registering, listing and deleting licenses (staff only).

use super::{
    License, LicenseError, LicensePayload, LicenseUser, Product,
    repo::{self, LicenseRow},
    verify,
};
use crate::{
    context::AppContext,
    platform::{
        auth::{Actor, AuthError},
        settings,
        validation::{self, ValidationError},
    },
};
use chrono::Utc;
use std::collections::{BTreeMap, HashMap};

pub(super) fn require_staff(actor: &Actor) -> Result<(), AuthError> {
    if actor.user.is_staff {
        Ok(())
    } else {
        Err(AuthError::PermissionDenied)
    }
}

/// What every license's view needs besides its own row, read once per request.
pub(super) struct Counts {
    instance_id: String,
    active_users: i64,
    seats: HashMap<i64, i64>,
}

impl Counts {
    pub(super) async fn read(ctx: &AppContext) -> sqlx::Result<Self> {
        Ok(Self {
            instance_id: settings::repo::get(&ctx.db).await?.instance_id,
            active_users: repo::active_user_count(&ctx.db).await?,
            seats: repo::seat_counts(&ctx.db).await?.into_iter().collect(),
        })
    }

    /// The stored token was verified when it was stored; it is verified again here so a
    /// changed public key turns licenses signed with the old one inactive.
    pub(super) fn view(&self, ctx: &AppContext, row: &LicenseRow) -> Option<License> {
        let verified = ctx
            .settings
            .license
            .public_key
            .and_then(|key| verify::decode(&row.license, &key).ok());
        let payload = match &verified {
            Some(p) => p.clone(),
            None => verify::payload_unverified(&row.license)?,
        };
        let is_active = verified.is_some() && payload.is_active(&self.instance_id, Utc::now());
        let (seats_taken, free_users_count) = match payload.product() {
            Some(Product::Enterprise) => (self.active_users, 0),
            _ => {
                let taken = self.seats.get(&row.id).copied().unwrap_or(0);
                (taken, (self.active_users - taken).max(0))
            }
        };
        Some(License {
            id: row.id,
            token: row.license.clone(),
            payload,
            last_check: row.last_check,
            is_active,
            seats_taken,
            free_users_count,
        })
    }
}

pub async fn list(ctx: &AppContext, actor: &Actor) -> Result<Vec<License>, LicenseError> {
    require_staff(actor)?;
    let counts = Counts::read(ctx).await?;
    Ok(repo::all(&ctx.db)
        .await?
        .iter()
        .filter_map(|row| counts.view(ctx, row))
        .collect())
}

pub async fn get(ctx: &AppContext, actor: &Actor, id: i64) -> Result<License, LicenseError> {
    require_staff(actor)?;
    load(ctx, id).await
}

pub(super) async fn load(ctx: &AppContext, id: i64) -> Result<License, LicenseError> {
    let row = repo::get(&ctx.db, id)
        .await?
        .ok_or(LicenseError::DoesNotExist)?;
    Counts::read(ctx)
        .await?
        .view(ctx, &row)
        .ok_or(LicenseError::DoesNotExist)
}

/// The products unlocked for the whole instance (`{"enterprise": true}`), which
/// `/api/settings/` shows anyone as `instance_wide_licenses`: an enterprise license covers
/// every user, while premium seats go to particular users and are not listed there.
pub async fn instance_wide(ctx: &AppContext) -> sqlx::Result<BTreeMap<String, bool>> {
    let rows = repo::all(&ctx.db).await?;
    if rows.is_empty() {
        return Ok(BTreeMap::new());
    }
    let counts = Counts::read(ctx).await?;
    Ok(rows
        .iter()
        .filter_map(|row| counts.view(ctx, row))
        .filter(|l| l.is_active && l.payload.product() == Some(Product::Enterprise))
        .map(|l| (l.payload.product_code, true))
        .collect())
}

/// The users holding a seat on the license.
pub async fn users(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<Vec<LicenseUser>, LicenseError> {
    require_staff(actor)?;
    Ok(repo::seat_holders(&ctx.db, id).await?)
}

/// Verifies and stores a license. A newer issue (later `issued_on`) of a registered
/// license replaces it, keeping its seats (the newest beyond its seat count are freed);
/// the same or an older one is refused.
pub async fn register(
    ctx: &AppContext,
    actor: &Actor,
    token: &str,
) -> Result<License, LicenseError> {
    require_staff(actor)?;
    let mut errors = ValidationError::default();
    let token = validation::text(&mut errors, "license", token, 1, 16 * 1024);
    errors.into_result()?;
    let key = ctx
        .settings
        .license
        .public_key
        .ok_or(LicenseError::NotConfigured)?;
    let token = token.as_str();
    let payload = verify::decode(token, &key)?;
    let instance_id = settings::repo::get(&ctx.db).await?.instance_id;
    if payload.instance_id != instance_id {
        return Err(LicenseError::InstanceIdMismatch);
    }
    if payload
        .window()
        .is_some_and(|(_, through)| through < Utc::now())
    {
        return Err(LicenseError::Expired);
    }
    let mut tx = ctx.db.begin().await?;
    let id = match repo::lock_by_license_id(&mut tx, &payload.id).await? {
        Some(existing) if is_newer(&payload, &existing.license) => {
            repo::replace(&mut *tx, existing.id, token).await?;
            repo::trim_seats(&mut *tx, existing.id, payload.seats).await?;
            existing.id
        }
        Some(_) => return Err(LicenseError::AlreadyExists),
        None => repo::insert(&mut *tx, token, &payload.id)
            .await?
            .ok_or(LicenseError::AlreadyExists)?,
    };
    tx.commit().await?;
    tracing::info!(license_id = %payload.id, "license registered");
    load(ctx, id).await
}

fn is_newer(new: &LicensePayload, stored_token: &str) -> bool {
    let old = verify::payload_unverified(stored_token).and_then(|p| p.issued_on_time());
    match (new.issued_on_time(), old) {
        (Some(new), Some(old)) => new > old,
        (Some(_), None) => true,
        _ => false,
    }
}

pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), LicenseError> {
    require_staff(actor)?;
    if repo::delete(&ctx.db, id).await? {
        Ok(())
    } else {
        Err(LicenseError::DoesNotExist)
    }
}
