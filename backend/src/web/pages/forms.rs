//! Errors shown on a re-rendered form: one message per field plus one for the form.

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

    /// The message for one field, if it has one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.general.is_none() && self.fields.is_empty()
    }
}
