//! The kanban board: one column per option of a single select field.

use super::{Check, Prop, ViewType};
use serde_json::{Value, json};

pub struct Kanban;

static PROPS: &[Prop] = &[
    Prop {
        key: "single_select_field",
        default: || Value::Null,
        check: Check::FieldId,
    },
    Prop {
        key: "card_cover_image_field",
        default: || Value::Null,
        check: Check::FieldId,
    },
];

impl ViewType for Kanban {
    fn name(&self) -> &'static str {
        "kanban"
    }
    fn props(&self) -> &'static [Prop] {
        PROPS
    }
    fn field_option_defaults(&self) -> Value {
        json!({"hidden": true, "order": 32767})
    }
}
