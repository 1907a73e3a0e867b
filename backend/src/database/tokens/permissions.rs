//! Token rights: per operation, everything, nothing, or listed databases and tables.

use crate::{database::access::TableScope, platform::validation::ValidationError};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Read,
    Update,
    Delete,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::Create,
        Operation::Read,
        Operation::Update,
        Operation::Delete,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    All,
    Nothing,
    /// `("database", id)` or `("table", id)` pairs.
    Some(Vec<(String, i64)>),
}

impl Scope {
    fn to_json(&self) -> Value {
        match self {
            Scope::All => json!(true),
            Scope::Nothing => json!(false),
            Scope::Some(items) => {
                Value::Array(items.iter().map(|(k, id)| json!([k, id])).collect())
            }
        }
    }

    fn allows(&self, scope: &TableScope) -> bool {
        match self {
            Scope::All => true,
            Scope::Nothing => false,
            Scope::Some(items) => items.iter().any(|(kind, id)| match kind.as_str() {
                "database" => *id == scope.database_id,
                "table" => *id == scope.table_id,
                _ => false,
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenPermissions {
    pub create: Scope,
    pub read: Scope,
    pub update: Scope,
    pub delete: Scope,
}

impl TokenPermissions {
    pub fn all() -> Self {
        Self {
            create: Scope::All,
            read: Scope::All,
            update: Scope::All,
            delete: Scope::All,
        }
    }

    pub fn get(&self, op: Operation) -> &Scope {
        match op {
            Operation::Create => &self.create,
            Operation::Read => &self.read,
            Operation::Update => &self.update,
            Operation::Delete => &self.delete,
        }
    }

    pub fn allows(&self, op: Operation, scope: &TableScope) -> bool {
        self.get(op).allows(scope)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "create": self.create.to_json(),
            "read": self.read.to_json(),
            "update": self.update.to_json(),
            "delete": self.delete.to_json(),
        })
    }

    /// Reads stored permissions (already validated when written).
    pub fn from_stored(value: &Value) -> Self {
        let scope = |k: &str| {
            parse_scope(value.get(k).unwrap_or(&Value::Bool(false))).unwrap_or(Scope::Nothing)
        };
        Self {
            create: scope("create"),
            read: scope("read"),
            update: scope("update"),
            delete: scope("delete"),
        }
    }

    /// Parses a request body's permissions: exactly the four keys.
    pub fn parse(value: &Value) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::single(
                "permissions",
                "invalid",
                "Expected the keys create, read, update and delete, each true, false or a list of [\"database\" | \"table\", id].",
            )
        };
        let obj = value.as_object().ok_or_else(invalid)?;
        if obj.len() != 4 || Operation::ALL.iter().any(|op| !obj.contains_key(op.key())) {
            return Err(invalid());
        }
        let scope = |k: &str| obj.get(k).and_then(parse_scope).ok_or_else(invalid);
        Ok(Self {
            create: scope("create")?,
            read: scope("read")?,
            update: scope("update")?,
            delete: scope("delete")?,
        })
    }

    /// Every `(kind, id)` named, for existence checks.
    pub fn named(&self) -> Vec<(String, i64)> {
        Operation::ALL
            .iter()
            .flat_map(|op| match self.get(*op) {
                Scope::Some(items) => items.clone(),
                _ => Vec::new(),
            })
            .collect()
    }
}

fn parse_scope(value: &Value) -> Option<Scope> {
    match value {
        Value::Bool(true) => Some(Scope::All),
        Value::Bool(false) => Some(Scope::Nothing),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let pair = item.as_array()?;
                let kind = pair.first()?.as_str()?;
                let id = pair.get(1)?.as_i64()?;
                (pair.len() == 2 && matches!(kind, "database" | "table"))
                    .then(|| (kind.to_owned(), id))
            })
            .collect::<Option<Vec<_>>>()
            .map(Scope::Some),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_match_databases_and_tables() {
        let p = TokenPermissions::parse(&json!({"create": false, "read": [["table", 5], ["database", 2]], "update": true, "delete": []})).unwrap();
        let in_db2 = TableScope {
            table_id: 9,
            database_id: 2,
            workspace_id: 1,
        };
        let table5 = TableScope {
            table_id: 5,
            database_id: 3,
            workspace_id: 1,
        };
        let other = TableScope {
            table_id: 6,
            database_id: 3,
            workspace_id: 1,
        };
        assert!(
            p.allows(Operation::Read, &in_db2)
                && p.allows(Operation::Read, &table5)
                && !p.allows(Operation::Read, &other)
        );
        assert!(
            !p.allows(Operation::Create, &table5)
                && p.allows(Operation::Update, &other)
                && !p.allows(Operation::Delete, &table5)
        );
        assert_eq!(TokenPermissions::from_stored(&p.to_json()), p);
    }

    #[test]
    fn bodies_need_exactly_the_four_keys() {
        assert!(TokenPermissions::parse(&json!({"read": true})).is_err());
        assert!(TokenPermissions::parse(&json!({"create": true, "read": true, "update": true, "delete": true, "admin": true})).is_err());
        assert!(
            TokenPermissions::parse(
                &json!({"create": "yes", "read": true, "update": true, "delete": true})
            )
            .is_err()
        );
        assert!(
            TokenPermissions::parse(
                &json!({"create": [["row", 1]], "read": true, "update": true, "delete": true})
            )
            .is_err()
        );
    }
}
