//! A workspace's members page: every member sees who is in it (name, email, role) and can
//! leave; admins change roles, remove members, invite by email, and resend or cancel the
//! invitations still waiting for an answer. The workspace services decide who may do what.

use super::{
    csrf::{Csrf, PageForm},
    forms::{self, EmptyForm, FormErrors},
    render::{Chrome, error_page},
    session::PageUser,
    sidebar::Sidebar,
};
use crate::{
    error::{ApiError, Code, Detail},
    platform::workspaces::{
        self, Invitation, Member, Role,
        invitations::{self, NewInvitation},
        members,
    },
    web::state::AppState,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

pub struct MemberItem {
    pub id: i64,
    pub name: String,
    /// The name's first letter, for the avatar.
    pub initial: String,
    pub email: String,
    /// `ADMIN` or `MEMBER`, as the role select's values.
    pub role: String,
    pub role_label: &'static str,
    pub is_you: bool,
}

pub struct InvitationItem {
    pub id: i64,
    pub email: String,
    pub role_label: &'static str,
    pub message: String,
    pub invited_on: String,
}

/// What the invite form holds: empty, or what was just submitted.
pub struct InviteValues {
    pub email: String,
    pub role: String,
    pub message: String,
}

impl Default for InviteValues {
    fn default() -> Self {
        Self {
            email: String::new(),
            role: Role::Member.as_str().to_owned(),
            message: String::new(),
        }
    }
}

/// The role select's choices: value and label.
const ROLES: &[(&str, &str)] = &[("ADMIN", "Admin"), ("MEMBER", "Member")];

/// "Admin" for `ADMIN`.
pub fn role_label(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(value, _)| *value == role)
        .map_or("Member", |(_, label)| label)
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/members.html")]
pub struct MembersPage {
    chrome: Chrome,
    workspace_id: i64,
    workspace_name: String,
    is_admin: bool,
    members: Vec<MemberItem>,
    invitations: Vec<InvitationItem>,
    roles: &'static [(&'static str, &'static str)],
    notice: Option<String>,
    /// Why a change on the page (role, removal, resend, cancel) did not happen.
    error: Option<String>,
    invite: InviteValues,
    invite_errors: FormErrors,
    /// The navigation sidebar, as on the dashboard the page is reached from.
    nav: Sidebar,
}

/// A notice chosen by key, so no text from the URL is ever shown.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "role" => "The role was changed.",
            "removed" => "The member was removed from the workspace.",
            "invited" => "The invitation was sent.",
            "resent" => "The invitation email was sent again.",
            "cancelled" => "The invitation was cancelled; its link no longer works.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The sentence the page shows for a refused change, where the service's own is terse.
fn page_message(err: &ApiError) -> String {
    match err.code {
        Code::UserNotInGroup | Code::GroupDoesNotExist => {
            "This workspace does not exist, or you are not a member of it.".into()
        }
        Code::UserInvalidGroupPermissions => {
            "Only admins of this workspace can change its members and invitations.".into()
        }
        Code::GroupUserIsLastAdmin => "A workspace needs at least one admin. Make another \
             member an admin first, then change this role or leave."
            .into(),
        _ => forms::message(err),
    }
}

/// The workspace as the page needs it: its members, and its invitations for an admin.
struct Loaded {
    name: String,
    is_admin: bool,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
}

async fn load(state: &AppState, user: &PageUser, id: i64) -> Result<Loaded, ApiError> {
    let actor = user.actor();
    let workspace = workspaces::get(&state.ctx, &actor, id).await?;
    let is_admin = workspace.membership.is_admin();
    let invitations = if is_admin {
        invitations::list(&state.ctx, &actor, id).await?
    } else {
        Vec::new()
    };
    Ok(Loaded {
        name: workspace.workspace.name,
        is_admin,
        members: workspace.members,
        invitations,
    })
}

/// What the page shows besides the workspace: a notice, or a refused change.
#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    error: Option<String>,
    invite: InviteValues,
    invite_errors: FormErrors,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    id: i64,
    outcome: Outcome,
) -> Response {
    let loaded = match load(state, user, id).await {
        Ok(loaded) => loaded,
        Err(err) if err.code.status() < 500 => {
            return error_page(
                StatusCode::NOT_FOUND,
                "This workspace cannot be shown",
                &page_message(&err),
            );
        }
        Err(err) => return super::render::api_error_page(err),
    };
    let nav = match Sidebar::load(state, user).await {
        Ok(nav) => nav,
        Err(err) => return super::render::api_error_page(err),
    };
    let status = if outcome.error.is_some() || !outcome.invite_errors.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = MembersPage {
        chrome: Chrome::signed_in(state, user, csrf).section("dashboard"),
        workspace_id: id,
        workspace_name: loaded.name,
        is_admin: loaded.is_admin,
        members: loaded
            .members
            .into_iter()
            .map(|m| MemberItem {
                is_you: m.user_id == user.user.id,
                id: m.id,
                initial: m
                    .name
                    .chars()
                    .next()
                    .map_or_else(|| "?".to_owned(), |c| c.to_uppercase().collect()),
                name: m.name,
                email: m.email,
                role_label: role_label(&m.permissions),
                role: m.permissions,
            })
            .collect(),
        invitations: loaded
            .invitations
            .into_iter()
            .map(|i| InvitationItem {
                id: i.id,
                email: i.email,
                role_label: role_label(&i.permissions),
                message: i.message,
                invited_on: i.created_on.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        roles: ROLES,
        notice: outcome.notice,
        error: outcome.error,
        invite: outcome.invite,
        invite_errors: outcome.invite_errors,
        nav,
    };
    (status, page).into_response()
}

pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let outcome = Outcome {
        notice: notice(q.done.as_deref()),
        ..Outcome::default()
    };
    render(&state, &user, &csrf, id, outcome).await
}

/// Back to the page with `done`'s notice, or the page with why the change did not happen.
async fn finish(
    state: &AppState,
    user: &PageUser,
    csrf: &Csrf,
    id: i64,
    result: Result<&str, ApiError>,
) -> Response {
    match result {
        Ok(done) => Redirect::to(&format!("/workspace/{id}/members?done={done}")).into_response(),
        Err(err) => {
            let outcome = Outcome {
                error: Some(page_message(&err)),
                ..Outcome::default()
            };
            render(state, user, csrf, id, outcome).await
        }
    }
}

/// The page's member and invitation ids are this workspace's; others are refused as gone.
fn gone(what: &str) -> ApiError {
    ApiError::new(
        Code::GroupUserDoesNotExist,
        format!("This {what} is no longer in the workspace; the page shows what is."),
    )
}

async fn member_of(
    state: &AppState,
    user: &PageUser,
    id: i64,
    member: i64,
) -> Result<(), ApiError> {
    let loaded = load(state, user, id).await?;
    if loaded.members.iter().any(|m| m.id == member) {
        Ok(())
    } else {
        Err(gone("member"))
    }
}

async fn invitation_of(
    state: &AppState,
    user: &PageUser,
    id: i64,
    invitation: i64,
) -> Result<(), ApiError> {
    let loaded = load(state, user, id).await?;
    if !loaded.is_admin || loaded.invitations.iter().any(|i| i.id == invitation) {
        // A non-admin hears the service's refusal, not that the invitation is gone.
        Ok(())
    } else {
        Err(gone("invitation"))
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((id, member)): Path<(i64, i64)>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    let result = async {
        member_of(&state, &user, id, member).await?;
        members::update(&state.ctx, &user.actor(), member, &form.role).await?;
        Ok("role")
    }
    .await;
    finish(&state, &user, &csrf, id, result).await
}

pub async fn remove_member(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((id, member)): Path<(i64, i64)>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = async {
        member_of(&state, &user, id, member).await?;
        members::remove(&state.ctx, &user.actor(), member).await?;
        Ok("removed")
    }
    .await;
    finish(&state, &user, &csrf, id, result).await
}

/// The signed-in member leaves; the dashboard no longer lists the workspace.
pub async fn leave(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    match workspaces::leave(&state.ctx, &user.actor(), id).await {
        Ok(()) => Redirect::to("/dashboard").into_response(),
        Err(err) => finish(&state, &user, &csrf, id, Err(err.into())).await,
    }
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    message: String,
}

/// Where the emailed accept link points: the invitation page of this installation.
fn invitation_base_url(state: &AppState) -> String {
    format!("{}/workspace-invitation", state.ctx.settings.public_url)
}

pub async fn invite(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path(id): Path<i64>,
    PageForm(form): PageForm<InviteForm>,
) -> Response {
    let new = NewInvitation {
        email: form.email.clone(),
        permissions: form.role.clone(),
        message: form.message.clone(),
        base_url: invitation_base_url(&state),
    };
    match invitations::create(&state.ctx, &user.actor(), id, new).await {
        Ok(_) => Redirect::to(&format!("/workspace/{id}/members?done=invited#invitations"))
            .into_response(),
        Err(err) => {
            let err = ApiError::from(err);
            // Field issues go next to their fields; a refusal (already a member, not an
            // admin) above the form.
            let invite_errors = if matches!(err.detail, Detail::Fields(_)) {
                FormErrors::from_api(err, &[("permissions", "role")])
            } else {
                FormErrors::general(page_message(&err))
            };
            let outcome = Outcome {
                invite: InviteValues {
                    email: form.email,
                    role: form.role,
                    message: form.message,
                },
                invite_errors,
                ..Outcome::default()
            };
            render(&state, &user, &csrf, id, outcome).await
        }
    }
}

pub async fn resend_invitation(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((id, invitation)): Path<(i64, i64)>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = async {
        invitation_of(&state, &user, id, invitation).await?;
        let base_url = invitation_base_url(&state);
        invitations::resend(&state.ctx, &user.actor(), invitation, &base_url).await?;
        Ok("resent")
    }
    .await;
    finish(&state, &user, &csrf, id, result).await
}

pub async fn cancel_invitation(
    State(state): State<AppState>,
    user: PageUser,
    csrf: Csrf,
    Path((id, invitation)): Path<(i64, i64)>,
    PageForm(_): PageForm<EmptyForm>,
) -> Response {
    let result = async {
        invitation_of(&state, &user, id, invitation).await?;
        invitations::delete(&state.ctx, &user.actor(), invitation).await?;
        Ok("cancelled")
    }
    .await;
    finish(&state, &user, &csrf, id, result).await
}
