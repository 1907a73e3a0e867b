//! The form: collects new rows from anyone with its link; it lists no rows itself.

use super::{Check, Prop, ViewType};
use serde_json::{Value, json};

pub struct Form;

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
        key: "submit_action_redirect_url",
        default: || json!(""),
        check: Check::Text(2000),
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
        json!({"name": "", "description": "", "enabled": false, "required": true, "order": 32767})
    }
}
