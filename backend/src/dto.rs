//! JSON shapes of users, workspaces, members, invitations and applications, shared by the
//! API responses and the realtime events that carry the same objects.

use crate::platform::{
    applications::Application,
    users::User,
    workspaces::{Invitation, Member, WorkspaceWithMembers},
};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A user as Baserow shows them to themselves.
#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct UserBody {
    pub id: i64,
    pub first_name: String,
    pub username: String,
    pub email: String,
    pub is_staff: bool,
    pub language: String,
    pub email_notification_frequency: String,
    /// The user's time zone, `null` for UTC.
    pub timezone: Option<String>,
    pub email_verified: bool,
    pub completed_onboarding: bool,
    pub completed_guided_tours: Vec<String>,
    pub date_joined: DateTime<Utc>,
}

impl From<&User> for UserBody {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            first_name: u.first_name.clone(),
            username: u.email.clone(),
            email: u.email.clone(),
            is_staff: u.is_staff,
            language: u.language.clone(),
            email_notification_frequency: u.email_notification_frequency.clone(),
            timezone: u.timezone.clone(),
            email_verified: u.email_verified,
            completed_onboarding: u.completed_onboarding,
            completed_guided_tours: u.completed_guided_tours.0.clone(),
            date_joined: u.date_joined,
        }
    }
}

/// One member of a workspace (`WorkspaceUserSerializer`).
#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct MemberBody {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub workspace: i64,
    pub permissions: String,
    pub created_on: DateTime<Utc>,
    pub user_id: i64,
    pub to_be_deleted: bool,
}

impl From<&Member> for MemberBody {
    fn from(m: &Member) -> Self {
        Self {
            id: m.id,
            name: m.name.clone(),
            email: m.email.clone(),
            workspace: m.workspace_id,
            permissions: m.permissions.clone(),
            created_on: m.created_on,
            user_id: m.user_id,
            to_be_deleted: false,
        }
    }
}

/// A workspace as one of its members sees it (`WorkspaceUserWorkspaceSerializer`).
#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct WorkspaceBody {
    pub id: i64,
    pub name: String,
    pub users: Vec<MemberBody>,
    pub order: i32,
    pub permissions: String,
    pub unread_notifications_count: i64,
    pub generative_ai_models_enabled: Vec<String>,
}

impl From<&WorkspaceWithMembers> for WorkspaceBody {
    fn from(w: &WorkspaceWithMembers) -> Self {
        Self {
            id: w.workspace.id,
            name: w.workspace.name.clone(),
            users: w.members.iter().map(MemberBody::from).collect(),
            order: w.membership.order,
            permissions: w.membership.permissions.clone(),
            unread_notifications_count: 0,
            generative_ai_models_enabled: Vec::new(),
        }
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct InvitationBody {
    pub id: i64,
    pub workspace: i64,
    pub email: String,
    pub permissions: String,
    pub message: String,
    pub created_on: DateTime<Utc>,
}

impl From<&Invitation> for InvitationBody {
    fn from(i: &Invitation) -> Self {
        Self {
            id: i.id,
            workspace: i.workspace_id,
            email: i.email.clone(),
            permissions: i.permissions.clone(),
            message: i.message.clone(),
            created_on: i.created_on,
        }
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct ApplicationWorkspaceBody {
    pub id: i64,
    pub name: String,
    pub generative_ai_models_enabled: Vec<String>,
}

/// A table of a database, as listed inside it.
#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct TableSummaryBody {
    pub id: i64,
    pub name: String,
    pub order: i32,
    pub database_id: i64,
}

#[derive(Serialize)]
#[cfg_attr(feature = "web", derive(utoipa::ToSchema))]
pub struct ApplicationBody {
    pub id: i64,
    pub name: String,
    pub order: i32,
    #[serde(rename = "type")]
    pub kind: String,
    pub workspace: ApplicationWorkspaceBody,
    pub created_on: DateTime<Utc>,
    pub tables: Vec<TableSummaryBody>,
}

impl ApplicationBody {
    /// A database with its tables.
    pub fn new(a: &Application, tables: &[crate::database::tables::Table]) -> Self {
        Self {
            id: a.id,
            name: a.name.clone(),
            order: a.order,
            kind: a.kind.clone(),
            workspace: ApplicationWorkspaceBody {
                id: a.workspace_id,
                name: a.workspace_name.clone(),
                generative_ai_models_enabled: Vec::new(),
            },
            created_on: a.created_on,
            tables: tables
                .iter()
                .map(|t| TableSummaryBody {
                    id: t.id,
                    name: t.name.clone(),
                    order: t.order,
                    database_id: t.database_id,
                })
                .collect(),
        }
    }
}
