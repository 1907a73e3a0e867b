//! Errors shown on a re-rendered form (one message per field plus one for the form), and
//! reading forms whose checkboxes repeat a name.

use crate::error::{ApiError, Detail};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct FormErrors {
    /// A message about the whole form, shown above it.
    pub general: Option<String>,
    fields: BTreeMap<String, String>,
}

impl FormErrors {
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            general: Some(message.into()),
            fields: BTreeMap::new(),
        }
    }

    /// A service error: validation issues go next to their fields (renamed by `rename`
    /// where the service's name differs from the form's), anything else above the form.
    pub fn from_api(err: ApiError, rename: &[(&str, &str)]) -> Self {
        match err.detail {
            Detail::Fields(map) => {
                let mut fields = BTreeMap::new();
                for (name, issues) in map {
                    let name = rename
                        .iter()
                        .find(|(from, _)| *from == name)
                        .map(|(_, to)| (*to).to_owned())
                        .unwrap_or(name);
                    if let Some(issue) = issues.into_iter().next() {
                        fields.insert(name, issue.error);
                    }
                }
                Self {
                    general: Some("Please correct the marked fields.".into()),
                    fields,
                }
            }
            Detail::Message(message) => Self::general(message),
            Detail::Json(_) => Self::general("The form could not be saved; check the values."),
        }
    }

    /// Marks one field with a message.
    pub fn set(&mut self, name: &str, message: impl Into<String>) {
        self.fields.insert(name.to_owned(), message.into());
    }

    /// The message for one field, if it has one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.general.is_none() && self.fields.is_empty()
    }
}

/// One sentence for a service error shown above a page: the first field issue, or the message.
pub fn message(err: &ApiError) -> String {
    match &err.detail {
        Detail::Message(m) => m.clone(),
        Detail::Fields(map) => map
            .iter()
            .find_map(|(name, issues)| {
                issues
                    .first()
                    .map(|i| format!("{}: {}", label(name), i.error))
            })
            .unwrap_or_else(|| "The change could not be saved.".into()),
        Detail::Json(_) => "The change could not be saved; check the values.".into(),
    }
}

/// A field's key as a label: `table_name` reads "Table name".
fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The `direction` field of the move forms.
#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub direction: String,
}

/// A form with one `name` field (create, rename).
#[derive(serde::Deserialize)]
pub struct NameForm {
    #[serde(default)]
    pub name: String,
}

/// A form with nothing but its CSRF token (delete, log out).
#[derive(serde::Deserialize)]
pub struct EmptyForm {}

/// `ids` with `id` moved one place up or down; `None` when it cannot move that way.
pub fn moved(ids: &[i64], id: i64, direction: &str) -> Option<Vec<i64>> {
    let at = ids.iter().position(|x| *x == id)?;
    let to = match direction {
        "up" if at > 0 => at - 1,
        "down" if at + 1 < ids.len() => at + 1,
        _ => return None,
    };
    let mut out = ids.to_vec();
    out.swap(at, to);
    Some(out)
}

/// The first value of `key` in a form read as pairs (its checkboxes repeat a name), or "".
pub fn first<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated `key` in a form read as pairs, in order.
pub fn all(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{label, moved};

    #[test]
    fn field_keys_read_as_labels() {
        assert_eq!(label("name"), "Name");
        assert_eq!(label("table_name"), "Table name");
        assert_eq!(label(""), "");
    }

    #[test]
    fn moves_swap_neighbours_within_bounds() {
        assert_eq!(moved(&[1, 2, 3], 2, "up"), Some(vec![2, 1, 3]));
        assert_eq!(moved(&[1, 2, 3], 2, "down"), Some(vec![1, 3, 2]));
        assert_eq!(moved(&[1, 2, 3], 1, "up"), None);
        assert_eq!(moved(&[1, 2, 3], 3, "down"), None);
        assert_eq!(moved(&[1, 2, 3], 4, "up"), None);
        assert_eq!(moved(&[1, 2, 3], 2, "sideways"), None);
    }
}
