//! View types: what each kind of view can do and which settings it has. One file per type,
//! one line each in [`ALL`].

mod calendar;
mod form;
mod gallery;
mod grid;
mod kanban;

pub use form::REDIRECT_URL_KEY;

use crate::{database::fields::Field, platform::validation::ValidationError};
use serde_json::{Map, Value};

/// How a type-specific setting is checked.
pub enum Check {
    Bool,
    /// Free text up to this many characters.
    Text(usize),
    Choice(&'static [&'static str]),
    /// The id of a field of the view's table, or null.
    FieldId,
    /// Empty, or an absolute `http`/`https` URL of at most this many characters: a
    /// browser is sent there, so `javascript:` and the like never are.
    HttpUrl(usize),
}

/// Whether `url` is an absolute `http`/`https` URL with a host, without whitespace or
/// control characters (which browsers drop, so they could hide a scheme).
pub fn is_http_url(url: &str) -> bool {
    !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// One type-specific setting with its default.
pub struct Prop {
    pub key: &'static str,
    pub default: fn() -> Value,
    pub check: Check,
}

pub trait ViewType: Sync {
    fn name(&self) -> &'static str;
    /// Forms collect rows rather than show them: no filters, sorts or row listing.
    fn lists_rows(&self) -> bool {
        true
    }
    fn can_group_by(&self) -> bool {
        false
    }
    /// Whether rows (or cards) take the view's decorations: every type that shows rows.
    fn can_decorate(&self) -> bool {
        self.lists_rows()
    }
    fn props(&self) -> &'static [Prop];
    /// Options every field has in this type of view until changed.
    fn field_option_defaults(&self) -> Value;
    /// Checks a field option that needs more than its default's JSON type: `Some` with the
    /// value to store or why not, `None` when the type check is enough.
    fn check_field_option(
        &self,
        key: &str,
        value: &Value,
        field: &Field,
        fields: &[Field],
    ) -> Option<Result<Value, String>> {
        let _ = (key, value, field, fields);
        None
    }
}

static ALL: &[&dyn ViewType] = &[
    &grid::Grid,
    &gallery::Gallery,
    &form::Form,
    &kanban::Kanban,
    &calendar::Calendar,
];

pub fn by_name(name: &str) -> Option<&'static dyn ViewType> {
    ALL.iter().copied().find(|t| t.name() == name)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|t| t.name()).collect()
}

/// The type's settings: the current ones (or defaults) with the body's changes, checked.
/// Field ids are checked against `field_ids`, the table's live fields.
pub fn apply_props(
    kind: &dyn ViewType,
    body: &Map<String, Value>,
    current: Option<&Map<String, Value>>,
    field_ids: &[i64],
    errors: &mut ValidationError,
) -> Map<String, Value> {
    let mut props = Map::new();
    for prop in kind.props() {
        let value = match body.get(prop.key) {
            Some(v) => check(prop, v, field_ids, errors),
            None => current
                .and_then(|c| c.get(prop.key).cloned())
                .unwrap_or_else(prop.default),
        };
        props.insert(prop.key.to_owned(), value);
    }
    props
}

fn check(prop: &Prop, value: &Value, field_ids: &[i64], errors: &mut ValidationError) -> Value {
    let ok = match (&prop.check, value) {
        (Check::Bool, Value::Bool(_)) => true,
        (Check::Text(max), Value::String(s)) => !s.contains('\0') && s.chars().count() <= *max,
        (Check::Choice(allowed), Value::String(s)) => allowed.contains(&s.as_str()),
        (Check::FieldId, Value::Null) => true,
        (Check::FieldId, Value::Number(n)) => n.as_i64().is_some_and(|id| field_ids.contains(&id)),
        (Check::HttpUrl(max), Value::String(s)) => {
            s.is_empty() || (s.chars().count() <= *max && is_http_url(s))
        }
        _ => false,
    };
    if ok {
        value.clone()
    } else {
        let message = match prop.check {
            Check::Bool => "Must be true or false.".to_owned(),
            Check::Text(max) => format!("Must be text of at most {max} characters."),
            Check::Choice(allowed) => format!("Must be one of {}.", allowed.join(", ")),
            Check::FieldId => "Must be the id of a field of this table, or null.".to_owned(),
            Check::HttpUrl(max) => {
                format!("Must be empty or an http or https URL of at most {max} characters.")
            }
        };
        errors.add(prop.key, "invalid", message);
        (prop.default)()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_is_registered_once_and_settings_are_checked() {
        assert_eq!(names(), ["grid", "gallery", "form", "kanban", "calendar"]);
        let grid = by_name("grid").unwrap();
        let mut errors = ValidationError::default();
        let body = json!({"row_height_size": "large"});
        let props = apply_props(grid, body.as_object().unwrap(), None, &[], &mut errors);
        assert!(errors.is_empty());
        assert_eq!(props["row_height_size"], "large");
        let bad = json!({"row_height_size": "huge"});
        apply_props(grid, bad.as_object().unwrap(), None, &[], &mut errors);
        assert!(!errors.is_empty());
        let kanban = by_name("kanban").unwrap();
        let mut errors = ValidationError::default();
        let body = json!({"single_select_field": 7});
        apply_props(kanban, body.as_object().unwrap(), None, &[8], &mut errors);
        assert!(!errors.is_empty(), "a field of another table is refused");
        assert!(!by_name("form").unwrap().lists_rows());
    }

    #[test]
    fn a_forms_redirect_url_is_empty_or_http() {
        for good in [
            "",
            "https://example.com/thanks",
            "http://example.com:8080/a?b=c#d",
            "HTTPS://EXAMPLE.COM",
        ] {
            let mut errors = ValidationError::default();
            let body = json!({ REDIRECT_URL_KEY: good });
            let form = by_name("form").unwrap();
            let props = apply_props(form, body.as_object().unwrap(), None, &[], &mut errors);
            assert!(errors.is_empty(), "{good:?} refused");
            assert_eq!(props[REDIRECT_URL_KEY], good);
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "javascript://example.com/%0Aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "ftp://example.com/",
            "mailto:a@example.com",
            "//example.com/thanks",
            "/thanks",
            "example.com",
            "https://",
            "https://example.com/\nx",
            " https://example.com",
        ] {
            let mut errors = ValidationError::default();
            let body = json!({ REDIRECT_URL_KEY: bad });
            let form = by_name("form").unwrap();
            let props = apply_props(form, body.as_object().unwrap(), None, &[], &mut errors);
            assert!(!errors.is_empty(), "{bad:?} accepted");
            assert_eq!(props[REDIRECT_URL_KEY], "", "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2000));
        assert!(is_http_url(&long), "the length is the setting's check");
        let mut errors = ValidationError::default();
        let body = json!({ REDIRECT_URL_KEY: long });
        apply_props(
            by_name("form").unwrap(),
            body.as_object().unwrap(),
            None,
            &[],
            &mut errors,
        );
        assert!(!errors.is_empty(), "over 2000 characters");
    }
}
