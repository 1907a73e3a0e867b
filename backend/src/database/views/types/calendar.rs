//! The calendar: rows placed on the days of a date field.

use super::{Check, Prop, ViewType};
use serde_json::{Value, json};

pub struct Calendar;

static PROPS: &[Prop] = &[
    Prop {
        key: "date_field",
        default: || Value::Null,
        check: Check::FieldId,
    },
    Prop {
        key: "ical_public",
        default: || json!(false),
        check: Check::Bool,
    },
];

impl ViewType for Calendar {
    fn name(&self) -> &'static str {
        "calendar"
    }
    fn props(&self) -> &'static [Prop] {
        PROPS
    }
    fn field_option_defaults(&self) -> Value {
        json!({"hidden": true, "order": 32767})
    }
}
