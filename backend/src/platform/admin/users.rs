//! Staff administration of accounts: list, create, edit, delete, and the account a staff
//! member may impersonate.

use super::{AdminError, listing::Listing, require_staff};
use crate::{
    context::AppContext,
    db::tx::{EventOrigin, Tx},
    platform::{
        auth::{Actor, password},
        jobs::{self, HighJob},
        users::{User, repo as users_repo},
        validation::{self, ValidationError},
        workspaces::{members, repo as workspaces_repo},
    },
    realtime,
};
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, QueryBuilder, types::Json};

/// Attributes the user listing sorts by (Baserow's names) and their columns.
pub const SORTS: &[(&str, &str)] = &[
    ("id", "u.id"),
    ("is_active", "u.is_active"),
    ("name", "u.first_name"),
    ("username", "u.email"),
    ("date_joined", "u.date_joined"),
    ("last_login", "u.last_login"),
];

/// Baserow's name limit for accounts (Django's `first_name`).
const MAX_NAME_LENGTH: usize = 150;

/// One of an account's workspaces, with its role there.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UserWorkspace {
    pub id: i64,
    pub name: String,
    pub permissions: String,
}

/// An account as the admin listing shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_login: Option<DateTime<Utc>>,
    pub date_joined: DateTime<Utc>,
    pub is_active: bool,
    pub is_staff: bool,
    pub workspaces: Json<Vec<UserWorkspace>>,
}

const SELECT: &str = "SELECT u.id, u.email, u.first_name, u.last_login, u.date_joined, \
    u.is_active, u.is_staff, COALESCE((SELECT json_agg(json_build_object('id', w.id, \
    'name', w.name, 'permissions', wu.permissions) ORDER BY wu.id) FROM workspace_users wu \
    JOIN workspaces w ON w.id = wu.workspace_id WHERE wu.user_id = u.id AND NOT w.trashed), \
    '[]'::json) AS workspaces FROM users u";

fn push_search(sql: &mut QueryBuilder<sqlx::Postgres>, pattern: &Option<String>) {
    if let Some(p) = pattern {
        sql.push(" WHERE (u.id::text ILIKE ")
            .push_bind(p.clone())
            .push(" OR u.email ILIKE ")
            .push_bind(p.clone())
            .push(" OR u.first_name ILIKE ")
            .push_bind(p.clone())
            .push(")");
    }
}

/// Every account matching the search, one page of them in the asked order, and how many
/// match in all.
pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    listing: &Listing,
) -> Result<(i64, Vec<AdminUser>), AdminError> {
    require_staff(actor)?;
    let mut conn = ctx.db.acquire().await?;
    let mut count = QueryBuilder::new("SELECT count(*) FROM users u");
    push_search(&mut count, &listing.pattern);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut page = QueryBuilder::new(SELECT);
    push_search(&mut page, &listing.pattern);
    // `order_by` holds only column names from `SORTS`.
    page.push(" ORDER BY ")
        .push(&listing.order_by)
        .push(" LIMIT ")
        .push_bind(listing.limit)
        .push(" OFFSET ")
        .push_bind(listing.offset);
    let users = page.build_query_as().fetch_all(&mut *conn).await?;
    Ok((total, users))
}

async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<AdminUser>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE u.id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// What staff may set on an account; `None` leaves it as it is.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub is_active: Option<bool>,
    pub is_staff: Option<bool>,
}

impl UserChanges {
    /// Checks the given values, returning them normalised (trimmed name, lower-cased email).
    fn validated(self) -> Result<Self, ValidationError> {
        let mut errors = ValidationError::default();
        let name = self
            .name
            .map(|n| validation::text(&mut errors, "name", &n, 1, MAX_NAME_LENGTH));
        let email = self
            .email
            .map(|e| validation::email(&mut errors, "username", &e));
        if let Some(p) = &self.password {
            validation::password(&mut errors, "password", p);
        }
        errors.into_result()?;
        Ok(Self {
            email,
            name,
            ..self
        })
    }
}

/// Creates an account even when sign-ups are off (Baserow's admin "create user").
#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    changes: UserChanges,
) -> Result<AdminUser, AdminError> {
    require_staff(actor)?;
    let mut errors = ValidationError::default();
    for (field, given) in [
        ("username", changes.email.is_some()),
        ("name", changes.name.is_some()),
        ("password", changes.password.is_some()),
    ] {
        if !given {
            errors.add(field, "required", "This field is required.");
        }
    }
    errors.into_result()?;
    let c = changes.validated()?;
    let (Some(email), Some(name), Some(pw)) = (c.email, c.name, c.password) else {
        return Err(AdminError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let hash = password::hash(&pw).await?;
    let mut tx = ctx.db.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, first_name, password_hash, is_staff, is_active) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(&email)
    .bind(&name)
    .bind(&hash)
    .bind(c.is_staff.unwrap_or(false))
    .bind(c.is_active.unwrap_or(true))
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(AdminError::UserAlreadyExists)?;
    let user = get(&mut *tx, id).await?.ok_or(AdminError::UnknownUser)?;
    tx.commit().await?;
    tracing::info!(
        staff_id = actor.id(),
        user_id = id,
        "staff created an account"
    );
    Ok(user)
}

/// Edits an account. Staff cannot deactivate or un-staff themselves; deactivating an
/// account or setting its password ends its sessions at once: every token issued before
/// stops working (as after a password change) and its open sockets are closed.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), target_id = id))]
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    changes: UserChanges,
) -> Result<AdminUser, AdminError> {
    require_staff(actor)?;
    let c = changes.validated()?;
    if id == actor.id() && (c.is_active == Some(false) || c.is_staff == Some(false)) {
        return Err(AdminError::CannotDeactivateSelf);
    }
    let hash = match &c.password {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let mut tx = ctx.db.begin().await?;
    let before: Option<(bool,)> =
        sqlx::query_as("SELECT is_active FROM users WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (was_active,) = before.ok_or(AdminError::UnknownUser)?;
    if let Some(email) = &c.email {
        let taken: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND id <> $2)")
                .bind(email)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if taken {
            return Err(AdminError::UserAlreadyExists);
        }
    }
    let deactivated = was_active && c.is_active == Some(false);
    // A new epoch retires every token issued before: deactivated accounts must not get
    // their old sessions back when they are activated again.
    let new_epoch = hash.is_some() || deactivated;
    sqlx::query(
        "UPDATE users SET email = COALESCE($2, email), first_name = COALESCE($3, first_name), \
         password_hash = COALESCE($4, password_hash), is_active = COALESCE($5, is_active), \
         is_staff = COALESCE($6, is_staff), \
         auth_epoch = auth_epoch + CASE WHEN $7 THEN 1 ELSE 0 END WHERE id = $1",
    )
    .bind(id)
    .bind(&c.email)
    .bind(&c.name)
    .bind(&hash)
    .bind(c.is_active)
    .bind(c.is_staff)
    .bind(new_epoch)
    .execute(&mut *tx)
    .await?;
    if new_epoch {
        let job = HighJob::ForceDisconnect {
            user_id: id,
            except_websocket_id: None,
        };
        jobs::enqueue(&mut tx, &job).await?;
    }
    let user = get(&mut *tx, id).await?.ok_or(AdminError::UnknownUser)?;
    tx.commit().await?;
    tracing::info!(
        staff_id = actor.id(),
        target_id = id,
        password_set = hash.is_some(),
        deactivated,
        is_staff = user.is_staff,
        "staff edited an account"
    );
    Ok(user)
}

/// Deletes an account for good, as Baserow's admin does: its memberships go with it
/// (its workspaces stay, for staff to delete if they want), the remaining members of
/// each workspace are told, its collaborator cells are emptied and its sockets closed.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), target_id = id))]
pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), AdminError> {
    require_staff(actor)?;
    if id == actor.id() {
        return Err(AdminError::CannotDeleteSelf);
    }
    let mut tx = Tx::begin(&ctx.db, EventOrigin::unattributed()).await?;
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    found.ok_or(AdminError::UnknownUser)?;
    let memberships = workspaces_repo::memberships_of_user(&mut *tx, id).await?;
    for (workspace, membership) in &memberships {
        ctx.registries
            .application
            .member_removed(&mut tx, workspace.id, id)
            .await?;
        if let Some(member) = workspaces_repo::member(&mut *tx, membership.id).await? {
            members::notify_removed(&mut tx, actor, &member).await?;
        }
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let job = HighJob::ForceDisconnect {
        user_id: id,
        except_websocket_id: None,
    };
    jobs::enqueue(&mut tx, &job).await?;
    // Last before the commit (it locks the revocation counter until then).
    realtime::access::revoke(&mut tx, &[id]).await?;
    tx.commit().await?;
    tracing::info!(
        staff_id = actor.id(),
        target_id = id,
        workspaces = memberships.len(),
        "staff deleted an account"
    );
    Ok(())
}

/// The account staff may impersonate: any that exists and is not staff itself (Baserow
/// refuses staff targets, so staff cannot impersonate themselves either). The request is
/// logged with both accounts.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), target_id = id))]
pub async fn impersonation_target(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<User, AdminError> {
    require_staff(actor)?;
    let user = users_repo::get(&ctx.db, id)
        .await?
        .filter(|u| !u.is_staff)
        .ok_or_else(|| {
            AdminError::Validation(ValidationError::single(
                "user",
                "does_not_exist",
                format!("Invalid pk \"{id}\" - object does not exist."),
            ))
        })?;
    tracing::info!(
        staff_id = actor.id(),
        staff_email = %actor.user.email,
        target_id = user.id,
        target_email = %user.email,
        "staff requested an impersonation token"
    );
    Ok(user)
}
