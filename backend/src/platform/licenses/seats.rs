//! Seats of a `premium` license, assigned to users by staff. An `enterprise` license
//! covers every active user, so its seats are not assigned by hand.

use super::{
    LicenseError, LicenseUser, Product, repo,
    service::{Counts, require_staff},
};
use crate::{context::AppContext, platform::auth::Actor};
use sqlx::{Postgres, Transaction};

/// The locked license and its seat count, refused unless its seats are assigned by hand.
async fn lock_manual(
    ctx: &AppContext,
    tx: &mut Transaction<'_, Postgres>,
    license: i64,
) -> Result<i64, LicenseError> {
    let row = repo::lock(tx, license)
        .await?
        .ok_or(LicenseError::DoesNotExist)?;
    let view = Counts::read(ctx)
        .await?
        .view(ctx, &row)
        .ok_or(LicenseError::DoesNotExist)?;
    if view.payload.product() != Some(Product::Premium) {
        return Err(LicenseError::CantManuallyChangeSeats);
    }
    Ok(view.payload.seats)
}

pub async fn assign(
    ctx: &AppContext,
    actor: &Actor,
    license: i64,
    user: i64,
) -> Result<LicenseUser, LicenseError> {
    require_staff(actor)?;
    let mut tx = ctx.db.begin().await?;
    let seats = lock_manual(ctx, &mut tx, license).await?;
    let holder = repo::user(&mut *tx, user)
        .await?
        .ok_or(LicenseError::UserNotFound)?;
    if repo::seat_count(&mut *tx, license).await? >= seats {
        // A user already on a full license is told that, not that the license is full.
        if repo::seat_holders(&mut *tx, license)
            .await?
            .iter()
            .any(|u| u.id == user)
        {
            return Err(LicenseError::UserAlreadyOnLicense);
        }
        return Err(LicenseError::NoSeatsLeft);
    }
    if !repo::add_seat(&mut *tx, license, user).await? {
        return Err(LicenseError::UserAlreadyOnLicense);
    }
    tx.commit().await?;
    Ok(holder)
}

/// Removing a seat the user does not hold is not an error (the outcome is the same).
pub async fn remove(
    ctx: &AppContext,
    actor: &Actor,
    license: i64,
    user: i64,
) -> Result<(), LicenseError> {
    require_staff(actor)?;
    let mut tx = ctx.db.begin().await?;
    lock_manual(ctx, &mut tx, license).await?;
    repo::remove_seat(&mut *tx, license, user).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the free seats to active users without one, oldest accounts first; returns them.
pub async fn fill(
    ctx: &AppContext,
    actor: &Actor,
    license: i64,
) -> Result<Vec<LicenseUser>, LicenseError> {
    require_staff(actor)?;
    let mut tx = ctx.db.begin().await?;
    let seats = lock_manual(ctx, &mut tx, license).await?;
    let free = seats - repo::seat_count(&mut *tx, license).await?;
    let added = if free > 0 {
        repo::fill_seats(&mut *tx, license, free).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok(added)
}

pub async fn remove_all(ctx: &AppContext, actor: &Actor, license: i64) -> Result<(), LicenseError> {
    require_staff(actor)?;
    let mut tx = ctx.db.begin().await?;
    lock_manual(ctx, &mut tx, license).await?;
    repo::remove_all_seats(&mut *tx, license).await?;
    tx.commit().await?;
    Ok(())
}

/// Users without a seat whose name or email contains `search`: a page and the total.
pub async fn lookup(
    ctx: &AppContext,
    actor: &Actor,
    license: i64,
    search: &str,
    page: i64,
    size: i64,
) -> Result<(i64, Vec<LicenseUser>), LicenseError> {
    require_staff(actor)?;
    repo::get(&ctx.db, license)
        .await?
        .ok_or(LicenseError::DoesNotExist)?;
    let offset = (page - 1).saturating_mul(size);
    Ok(repo::lookup_users(&ctx.db, license, search, size, offset).await?)
}
