//! The navigation sidebar of the dashboard and table pages: the user's workspaces, their
//! databases and tables, and the views of the table shown, rendered with the page so it
//! works before any script runs (`frontend/templates/pages/_sidebar.html`).

use super::{
    dashboard::{DatabaseItem, TableItem, WorkspaceItem},
    session::PageUser,
};
use crate::{error::ApiError, web::state::AppState};

/// A view of the current table, as a sidebar link.
pub struct NavView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

/// What `_sidebar.html` shows.
pub struct Sidebar {
    pub workspaces: Vec<WorkspaceItem>,
    /// The table the page shows, if any, and its views.
    pub table_id: Option<i64>,
    pub views: Vec<NavView>,
}

/// Where the current table sits: workspace and database names, for the breadcrumb.
pub struct Trail<'a> {
    pub workspace_id: i64,
    pub workspace: &'a str,
    pub database: &'a str,
}

impl Sidebar {
    /// The user's workspaces, databases and tables, in the user's order.
    pub async fn load(state: &AppState, user: &PageUser) -> Result<Self, ApiError> {
        Ok(Self {
            workspaces: super::dashboard::load(state, user).await?,
            table_id: None,
            views: Vec::new(),
        })
    }

    /// Marks `table_id` as the page's table, listing its views under it.
    pub fn showing(mut self, table_id: i64, views: Vec<NavView>) -> Self {
        self.table_id = Some(table_id);
        self.views = views;
        self
    }

    pub fn is_current(&self, table_id: &i64) -> bool {
        self.table_id == Some(*table_id)
    }

    /// An empty table item: the markup the script copies for tables it adds.
    pub fn blank_table(&self) -> TableItem {
        TableItem {
            id: 0,
            name: String::new(),
            row_count: 0,
        }
    }

    /// An empty workspace item, for workspaces the script adds.
    pub fn blank_workspace(&self) -> WorkspaceItem {
        WorkspaceItem {
            id: 0,
            name: String::new(),
            is_admin: true,
            member_count: 1,
            databases: Vec::new(),
        }
    }

    /// An empty database item, for databases the script adds.
    pub fn blank_database(&self) -> DatabaseItem {
        DatabaseItem {
            id: 0,
            name: String::new(),
            tables: Vec::new(),
        }
    }

    /// The workspace and database names of a database, for the breadcrumb.
    pub fn trail(&self, database_id: &i64) -> Option<Trail<'_>> {
        self.workspaces.iter().find_map(|w| {
            w.databases
                .iter()
                .find(|d| d.id == *database_id)
                .map(|d| Trail {
                    workspace_id: w.id,
                    workspace: &w.name,
                    database: &d.name,
                })
        })
    }
}
