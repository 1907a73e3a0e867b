//! The grid: rows in a spreadsheet, with column widths, hidden fields and group-bys.

use super::{Check, Prop, ViewType};
use serde_json::{Value, json};

pub struct Grid;

static PROPS: &[Prop] = &[Prop {
    key: "row_height_size",
    default: || json!("small"),
    check: Check::Choice(&["small", "medium", "large"]),
}];

impl ViewType for Grid {
    fn name(&self) -> &'static str {
        "grid"
    }
    fn can_group_by(&self) -> bool {
        true
    }
    fn props(&self) -> &'static [Prop] {
        PROPS
    }
    fn field_option_defaults(&self) -> Value {
        json!({"width": 200, "hidden": false, "order": 32767, "aggregation_type": "", "aggregation_raw_type": ""})
    }
}
