//! Workspace records and roles.

use chrono::{DateTime, Utc};

/// Core's two roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub const NAMES: &'static [&'static str] = &["ADMIN", "MEMBER"];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Member => "MEMBER",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ADMIN" => Some(Role::Admin),
            "MEMBER" => Some(Role::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    pub created_on: DateTime<Utc>,
}

/// One user's membership of one workspace.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub workspace_id: i64,
    pub user_id: i64,
    pub permissions: String,
    pub order: i32,
    pub created_on: DateTime<Utc>,
}

impl Membership {
    pub fn is_admin(&self) -> bool {
        self.permissions == Role::Admin.as_str()
    }
}

/// A member as listed to other members: membership joined with the user's name and email.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub workspace_id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub permissions: String,
    pub created_on: DateTime<Utc>,
}

/// A workspace as its member sees it: the workspace, their own membership, every member.
#[derive(Debug, Clone)]
pub struct WorkspaceWithMembers {
    pub workspace: Workspace,
    pub membership: Membership,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub workspace_id: i64,
    pub invited_by: Option<i64>,
    pub email: String,
    pub permissions: String,
    pub message: String,
    pub created_on: DateTime<Utc>,
}
