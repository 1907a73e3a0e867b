//! Invitations: admins invite by email; the invitee looks the invitation up by its emailed
//! token, then accepts (becoming a member) or rejects it.

use super::{Invitation, Role, WorkspaceError, WorkspaceWithMembers, access, repo};
use crate::realtime::notify::{self, Audience, WorkspaceEvent};
use crate::{
    context::AppContext,
    platform::{
        auth::Actor,
        jobs::{self, HighJob},
        links, mail, notifications, signing,
        users::{self, User},
        validation::{self, ValidationError},
    },
};
use sqlx::{PgConnection, Postgres, Transaction};

const TOKEN_PURPOSE: &str = "workspace-invitation";
/// Invitations do not expire by age; deleting one invalidates its token.
const TOKEN_MAX_AGE_SECS: i64 = i64::MAX / 4;

/// What an admin sends to invite someone.
pub struct NewInvitation {
    pub email: String,
    pub permissions: String,
    pub message: String,
    /// The accept link is `base_url/<token>`; its host must be the public host.
    pub base_url: String,
}

/// Public view of an invitation, for the sign-up page.
pub struct InvitationInfo {
    pub invitation: Invitation,
    pub workspace_name: String,
    pub invited_by: String,
    pub email_exists: bool,
}

pub fn token_for(ctx: &AppContext, invitation_id: i64) -> String {
    signing::sign(
        &ctx.settings.secret_key,
        TOKEN_PURPOSE,
        &invitation_id.to_string(),
        chrono::Utc::now().timestamp(),
    )
}

/// Creates (or refreshes) an invitation and queues its email in the same transaction.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), workspace_id))]
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
    new: NewInvitation,
) -> Result<Invitation, WorkspaceError> {
    let mut errors = ValidationError::default();
    let email = validation::email(&mut errors, "email", &new.email);
    validation::choice(&mut errors, "permissions", &new.permissions, Role::NAMES);
    validation::free_text(&mut errors, "message", &new.message, 250);
    let base_url = checked_base_url(ctx, errors, &new.base_url)?;

    let mut tx = ctx.db.begin().await?;
    access::require_admin(&mut tx, actor.id(), workspace_id).await?;
    let workspace = repo::get(&mut *tx, workspace_id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    let invitee = users::repo::get_by_email(&mut *tx, &email).await?;
    if let Some(existing) = &invitee
        && repo::membership(&mut *tx, workspace_id, existing.id)
            .await?
            .is_some()
    {
        return Err(WorkspaceError::AlreadyMember);
    }
    let renewed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM workspace_invitations WHERE workspace_id = $1 AND email = $2)",
    )
    .bind(workspace_id)
    .bind(&email)
    .fetch_one(&mut *tx)
    .await?;
    let invitation = repo::upsert_invitation(
        &mut *tx,
        workspace_id,
        actor.id(),
        &email,
        &new.permissions,
        &new.message,
    )
    .await?;
    queue_email(
        ctx,
        &mut tx,
        &invitation,
        &workspace.name,
        &actor.user.first_name,
        &base_url,
    )
    .await?;
    notify_admins(
        &mut tx,
        &invitation,
        "workspace_invitation_updated_or_created",
    )
    .await?;
    // An invitee with an account also finds a new invitation among their notifications.
    if let Some(invitee) = invitee.filter(|_| !renewed) {
        notifications::kinds::workspace_invitation_created(
            &mut tx,
            invitation.id,
            workspace_id,
            &workspace.name,
            actor.id(),
            invitee.id,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(invitation)
}

/// The email's accept-link prefix, after the other validation `errors` (none → continue).
fn checked_base_url(
    ctx: &AppContext,
    mut errors: ValidationError,
    base_url: &str,
) -> Result<String, WorkspaceError> {
    validation::free_text(&mut errors, "base_url", base_url, 2000);
    errors.into_result()?;
    links::checked_base_url(&ctx.settings, base_url).ok_or(WorkspaceError::HostnameNotAllowed)
}

/// Queues the invitation email, with its accept link under `base_url`, in the caller's
/// transaction (sent only if it commits).
async fn queue_email(
    ctx: &AppContext,
    tx: &mut Transaction<'_, Postgres>,
    invitation: &Invitation,
    workspace: &str,
    inviter: &str,
    base_url: &str,
) -> Result<(), WorkspaceError> {
    let link = format!("{base_url}/{}", token_for(ctx, invitation.id));
    let message = mail::templates::invitation(
        invitation,
        workspace,
        inviter,
        &link,
        &ctx.settings.public_url,
    )?;
    jobs::enqueue(tx, &HighJob::SendEmail(message)).await?;
    Ok(())
}

/// Sends a pending invitation's email again (it may have been lost or deleted); the
/// invitation itself is unchanged and its earlier links keep working.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), invitation_id = id))]
pub async fn resend(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    base_url: &str,
) -> Result<Invitation, WorkspaceError> {
    let base_url = checked_base_url(ctx, ValidationError::default(), base_url)?;
    let mut tx = ctx.db.begin().await?;
    let invitation = administered(&mut tx, actor, id).await?;
    let workspace = repo::get(&mut *tx, invitation.workspace_id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    // The email names whoever invited; the one resending when that person is gone.
    let inviter = match invitation.invited_by {
        Some(user_id) => users::repo::get(&mut *tx, user_id).await?,
        None => None,
    }
    .map_or_else(|| actor.user.first_name.clone(), |u| u.first_name);
    queue_email(
        ctx,
        &mut tx,
        &invitation,
        &workspace.name,
        &inviter,
        &base_url,
    )
    .await?;
    tx.commit().await?;
    Ok(invitation)
}

pub async fn list(
    ctx: &AppContext,
    actor: &Actor,
    workspace_id: i64,
) -> Result<Vec<Invitation>, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    access::require_admin(&mut conn, actor.id(), workspace_id).await?;
    Ok(repo::invitations(&mut *conn, workspace_id).await?)
}

/// An invitation of a workspace the caller administers.
async fn administered(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Invitation, WorkspaceError> {
    let invitation = repo::invitation(&mut *conn, id)
        .await?
        .ok_or(WorkspaceError::InvitationNotFound)?;
    access::require_admin(conn, actor.id(), invitation.workspace_id).await?;
    Ok(invitation)
}

pub async fn get(ctx: &AppContext, actor: &Actor, id: i64) -> Result<Invitation, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    administered(&mut conn, actor, id).await
}

pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
    permissions: &str,
) -> Result<Invitation, WorkspaceError> {
    let mut errors = ValidationError::default();
    validation::choice(&mut errors, "permissions", permissions, Role::NAMES);
    errors.into_result()?;
    let mut tx = ctx.db.begin().await?;
    administered(&mut tx, actor, id).await?;
    let invitation = repo::set_invitation_permissions(&mut *tx, id, permissions).await?;
    tx.commit().await?;
    Ok(invitation)
}

pub async fn delete(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), WorkspaceError> {
    let mut tx = ctx.db.begin().await?;
    administered(&mut tx, actor, id).await?;
    repo::delete_invitation(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// The invitation an emailed token names.
pub async fn find_by_token(
    ctx: &AppContext,
    conn: &mut PgConnection,
    token: &str,
) -> Result<Invitation, WorkspaceError> {
    let now = chrono::Utc::now().timestamp();
    let id = signing::unsign(
        &ctx.settings.secret_key,
        TOKEN_PURPOSE,
        token,
        TOKEN_MAX_AGE_SECS,
        now,
    )
    .ok()
    .and_then(|payload| payload.parse::<i64>().ok())
    .ok_or(WorkspaceError::BadInvitationToken)?;
    repo::invitation(conn, id)
        .await?
        .ok_or(WorkspaceError::InvitationNotFound)
}

/// Public lookup by token: no authentication, only what the sign-up page shows.
pub async fn info_by_token(
    ctx: &AppContext,
    token: &str,
) -> Result<InvitationInfo, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    let invitation = find_by_token(ctx, &mut conn, token).await?;
    describe(&mut conn, invitation).await
}

/// An invitation with the names its invitee reads: the workspace's and the inviter's.
async fn describe(
    conn: &mut PgConnection,
    invitation: Invitation,
) -> Result<InvitationInfo, WorkspaceError> {
    let workspace = repo::get(&mut *conn, invitation.workspace_id)
        .await?
        .ok_or(WorkspaceError::InvitationNotFound)?;
    let invited_by = match invitation.invited_by {
        Some(id) => users::repo::get(&mut *conn, id)
            .await?
            .map(|u| u.first_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let email_exists = users::repo::get_by_email(&mut *conn, &invitation.email)
        .await?
        .is_some();
    Ok(InvitationInfo {
        invitation,
        workspace_name: workspace.name,
        invited_by,
        email_exists,
    })
}

/// The signed-in invitee accepts: they become a member and the invitation is used up.
#[tracing::instrument(skip_all, fields(user_id = actor.id(), invitation_id = id))]
pub async fn accept(
    ctx: &AppContext,
    actor: &Actor,
    id: i64,
) -> Result<WorkspaceWithMembers, WorkspaceError> {
    let mut tx = ctx.db.begin().await?;
    let invitation = addressed_to(&mut tx, actor, id).await?;
    // Being signed in with the invited address proves nothing when anyone may sign up with
    // any address: with verification on, only a confirmed owner of the address may join.
    if !actor.user.email_verified
        && users::verification::policy(&mut tx).await? != users::verification::Policy::Off
    {
        return Err(WorkspaceError::EmailVerificationRequired);
    }
    accept_in_tx(&mut tx, &invitation, &actor.user).await?;
    let membership = repo::membership(&mut *tx, invitation.workspace_id, actor.id())
        .await?
        .ok_or(WorkspaceError::NotMember)?;
    let workspace = repo::get(&mut *tx, invitation.workspace_id)
        .await?
        .ok_or(WorkspaceError::NotFound)?;
    let members = repo::members(&mut *tx, workspace.id).await?;
    tx.commit().await?;
    Ok(WorkspaceWithMembers {
        workspace,
        membership,
        members,
    })
}

pub async fn reject(ctx: &AppContext, actor: &Actor, id: i64) -> Result<(), WorkspaceError> {
    let mut tx = ctx.db.begin().await?;
    let invitation = addressed_to(&mut tx, actor, id).await?;
    repo::delete_invitation(&mut *tx, id).await?;
    notify_admins(&mut tx, &invitation, "workspace_invitation_rejected").await?;
    notifications::kinds::invitation_answered(&mut tx, actor.id(), invitation.id).await?;
    tell_inviter(&mut tx, &invitation, actor.id(), false).await?;
    tx.commit().await?;
    Ok(())
}

/// Notifies whoever sent the invitation (when they still have an account) of the answer.
async fn tell_inviter(
    conn: &mut PgConnection,
    invitation: &Invitation,
    user_id: i64,
    accepted: bool,
) -> Result<(), WorkspaceError> {
    let Some(inviter) = invitation.invited_by.filter(|id| *id != user_id) else {
        return Ok(());
    };
    let Some(workspace) = repo::get(&mut *conn, invitation.workspace_id).await? else {
        return Ok(());
    };
    notifications::kinds::invitation_answered_to_inviter(
        conn,
        invitation.id,
        workspace.id,
        &workspace.name,
        user_id,
        inviter,
        accepted,
    )
    .await?;
    Ok(())
}

async fn addressed_to(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> Result<Invitation, WorkspaceError> {
    let invitation = repo::invitation(&mut *conn, id)
        .await?
        .ok_or(WorkspaceError::InvitationNotFound)?;
    if invitation.email != actor.user.email {
        return Err(WorkspaceError::InvitationEmailMismatch);
    }
    Ok(invitation)
}

/// Turns an invitation into a membership inside the caller's transaction (also used by sign-up).
pub async fn accept_in_tx(
    tx: &mut Transaction<'_, Postgres>,
    invitation: &Invitation,
    user: &User,
) -> Result<(), WorkspaceError> {
    // Already a member (e.g. invited twice): keep the existing role, just use up the invitation.
    repo::add_member(
        &mut **tx,
        invitation.workspace_id,
        user.id,
        &invitation.permissions,
    )
    .await?;
    repo::delete_invitation(&mut **tx, invitation.id).await?;
    users::repo::mark_email_verified(&mut **tx, user.id).await?;
    notify_admins(tx, invitation, "workspace_invitation_accepted").await?;
    notifications::kinds::invitation_answered(tx, user.id, invitation.id).await?;
    tell_inviter(tx, invitation, user.id, true).await?;
    if let Some(membership) = repo::membership(&mut **tx, invitation.workspace_id, user.id).await?
        && let Some(member) = repo::member(&mut **tx, membership.id).await?
    {
        super::members::notify_added(tx, &member).await?;
    }
    Ok(())
}

/// Pending invitations to the caller's email address, for their dashboard.
pub async fn addressed_to_user(
    ctx: &AppContext,
    actor: &Actor,
) -> Result<Vec<Invitation>, WorkspaceError> {
    Ok(repo::invitations_for_email(&ctx.db, &actor.user.email).await?)
}

/// [`addressed_to_user`] with the workspace's and the inviter's names, for the dashboard.
pub async fn described_for_user(
    ctx: &AppContext,
    actor: &Actor,
) -> Result<Vec<InvitationInfo>, WorkspaceError> {
    let mut conn = ctx.db.acquire().await?;
    let mut described = Vec::new();
    for invitation in repo::invitations_for_email(&mut *conn, &actor.user.email).await? {
        described.push(describe(&mut conn, invitation).await?);
    }
    Ok(described)
}

/// Invitation events go to the workspace's admins, the only ones who see invitations.
async fn notify_admins(
    conn: &mut PgConnection,
    invitation: &Invitation,
    event_type: &str,
) -> sqlx::Result<()> {
    let keys = serde_json::json!({ "invitation": crate::dto::InvitationBody::from(invitation) });
    notify::queue(
        conn,
        WorkspaceEvent {
            workspace_id: invitation.workspace_id,
            audience: Audience::Admins,
            also_user_ids: Vec::new(),
            skip_websocket_id: None,
            message: notify::message(event_type, keys),
        },
    )
    .await
}
