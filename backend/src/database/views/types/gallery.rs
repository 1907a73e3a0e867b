//! The gallery: rows as cards, optionally with a cover image.

use super::{Check, Prop, ViewType};
use serde_json::{Value, json};

pub struct Gallery;

static PROPS: &[Prop] = &[Prop {
    key: "card_cover_image_field",
    default: || Value::Null,
    check: Check::FieldId,
}];

impl ViewType for Gallery {
    fn name(&self) -> &'static str {
        "gallery"
    }
    fn props(&self) -> &'static [Prop] {
        PROPS
    }
    fn field_option_defaults(&self) -> Value {
        json!({"hidden": true, "order": 32767})
    }
}
