//! The workspace a new user starts with when they skip onboarding (Baserow's
//! `create-initial-workspace`): "<first name>'s workspace" holding a database
//! "<first name>'s company" with two example tables, Customers and Projects, all made in
//! one transaction. Undoing it removes the workspace.

use super::{
    fields::origin,
    tables::{self, InitialData, TableError, TypedField},
    tx::Tx,
};
use crate::{
    context::AppContext,
    platform::{
        actions::Params,
        applications,
        auth::Actor,
        workspaces::{self, WorkspaceWithMembers},
    },
};
use serde_json::{Value, json};

const LOREM: &str = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Fusce \
    dignissim, urna eget rutrum sollicitudin, sapien diam interdum nisi, quis malesuada \
    nibh eros a est.";

/// `"<first name>'s <what>"`, cut to `max` characters (a long first name must not make
/// the name invalid).
fn possessive(first_name: &str, what: &str, max: usize) -> String {
    let suffix = format!("'s {what}");
    let room = max.saturating_sub(suffix.chars().count());
    let name: String = first_name.trim().chars().take(room).collect();
    format!("{name}{suffix}")
}

fn field(name: &'static str, kind: &'static str, width: Option<i64>) -> TypedField {
    TypedField { name, kind, width }
}

fn customers() -> InitialData {
    let rows = [
        ("Ada", "Lovelace", "", true),
        ("Alan", "Turing", LOREM, false),
        ("Grace", "Hopper", "", true),
        ("John", "Von Neumann", "", true),
        ("Blaise", "Pascal", "", true),
    ];
    InitialData::Typed {
        fields: vec![
            field("Name", "text", None),
            field("Last name", "text", None),
            field("Notes", "long_text", Some(400)),
            field("Active", "boolean", Some(100)),
        ],
        rows: rows
            .iter()
            .map(|(name, last, notes, active)| {
                vec![json!(name), json!(last), json!(notes), json!(active)]
            })
            .collect(),
    }
}

fn projects() -> InitialData {
    let rows = [
        ("Calculator", "1642-01-01", false),
        ("Turing machine", "1936-06-01", true),
        ("Computer architecture", "1945-01-01", false),
        ("Cellular Automata", "1952-06-01", false),
    ];
    InitialData::Typed {
        fields: vec![
            field("Name", "text", None),
            field("Started", "date", None),
            field("Active", "boolean", Some(100)),
        ],
        rows: rows
            .iter()
            .map(|(name, started, active)| -> Vec<Value> {
                vec![json!(name), json!(started), json!(active)]
            })
            .collect(),
    }
}

/// Creates the caller's example workspace, database and tables; the caller is the
/// workspace's admin. Refused like any new workspace when workspace creation is
/// limited to staff.
#[tracing::instrument(skip_all, fields(user_id = actor.id()))]
pub async fn create(ctx: &AppContext, actor: &Actor) -> Result<WorkspaceWithMembers, TableError> {
    let first_name = actor.user.first_name.clone();
    let mut tx = Tx::begin(&ctx.db, origin(actor)).await?;
    let created = workspaces::create_in(
        &mut tx,
        actor,
        &possessive(&first_name, "workspace", workspaces::MAX_NAME_LENGTH),
    )
    .await?;
    let workspace_id = created.workspace.id;
    let database = applications::create_in(
        &mut tx,
        actor,
        workspace_id,
        &possessive(&first_name, "company", applications::MAX_NAME_LENGTH),
        "database",
    )
    .await?;
    tables::create_in(ctx, &mut tx, actor, database.id, "Customers", customers()).await?;
    tables::create_in(ctx, &mut tx, actor, database.id, "Projects", projects()).await?;
    // One undoable action for the lot: undoing it removes the workspace.
    tx.did(Params::CreateWorkspace { workspace_id });
    tx.commit().await?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_possessive_and_never_too_long() {
        assert_eq!(possessive("Ada", "workspace", 165), "Ada's workspace");
        let long = "x".repeat(300);
        let name = possessive(&long, "company", 160);
        assert_eq!(name.chars().count(), 160);
        assert!(name.ends_with("'s company"));
    }
}
