//! The form: collects new rows from anyone with its link; it lists no rows itself.

use super::{Check, Prop, ViewType};
use crate::database::{fields::Field, views::form_conditions};
use serde_json::{Value, json};

pub struct Form;

/// The setting a form's `REDIRECT` action sends the browser to.
pub const REDIRECT_URL_KEY: &str = "submit_action_redirect_url";

static PROPS: &[Prop] = &[
    Prop {
        key: "title",
        default: || json!(""),
        check: Check::Text(255),
    },
    Prop {
        key: "description",
        default: || json!(""),
        check: Check::Text(10_000),
    },
    Prop {
        key: "mode",
        default: || json!("form"),
        check: Check::Choice(&["form", "survey"]),
    },
    Prop {
        key: "submit_text",
        default: || json!("Submit"),
        check: Check::Text(255),
    },
    Prop {
        key: "submit_action",
        default: || json!("MESSAGE"),
        check: Check::Choice(&["MESSAGE", "REDIRECT"]),
    },
    Prop {
        key: "submit_action_message",
        default: || json!(""),
        check: Check::Text(10_000),
    },
    Prop {
        key: REDIRECT_URL_KEY,
        default: || json!(""),
        check: Check::HttpUrl(2000),
    },
    Prop {
        key: "receive_notification_on_submit",
        default: || json!(false),
        check: Check::Bool,
    },
];

impl ViewType for Form {
    fn name(&self) -> &'static str {
        "form"
    }
    fn lists_rows(&self) -> bool {
        false
    }
    fn props(&self) -> &'static [Prop] {
        PROPS
    }
    fn field_option_defaults(&self) -> Value {
        json!({"name": "", "description": "", "enabled": false, "required": true, "order": 32767,
               "show_when_matching_conditions": false, "condition_type": "AND",
               "conditions": [], "condition_groups": []})
    }
    fn check_field_option(
        &self,
        key: &str,
        value: &Value,
        field: &Field,
        fields: &[Field],
    ) -> Option<Result<Value, String>> {
        match key {
            "conditions" => Some(form_conditions::check_conditions(value, field, fields)),
            "condition_groups" => Some(form_conditions::check_groups(value)),
            "condition_type" => Some(match value.as_str() {
                Some("AND" | "OR") => Ok(value.clone()),
                _ => Err("condition_type must be AND or OR.".into()),
            }),
            _ => None,
        }
    }
}
