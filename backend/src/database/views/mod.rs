//! Views of a table (grid, gallery, form, kanban, calendar): their settings, filters,
//! filter groups, sorts, group-bys, decorations and field options, and the rows they show.

pub mod aggregations;
pub mod calendar;
pub mod copy;
pub mod decorations;
mod errors;
pub mod field_changes;
pub mod first_load;
pub mod form;
pub mod form_conditions;
pub mod ical;
pub mod index;
pub mod link_lookup;
pub mod listing;
pub mod live;
mod parts;
pub mod public;
pub mod repo;
mod service;
pub mod types;

pub use decorations::{
    DECORATOR_TYPES, MAX_ROWS as MAX_DECORATED_ROWS, ViewDecoration, create_decoration,
    decoration_colors, delete_decoration, get_decoration, list_decorations, update_decoration,
};
pub use errors::ViewError;
pub use parts::*;
pub use service::*;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct View {
    pub id: i64,
    pub table_id: i64,
    pub name: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub order: i32,
    pub filter_type: String,
    pub filters_disabled: bool,
    pub options: sqlx::types::Json<Map<String, Value>>,
    pub row_identifier_type: String,
    pub public: bool,
    pub slug: String,
    pub has_password: bool,
    pub ownership_type: String,
    pub owned_by_id: Option<i64>,
    pub created_on: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViewFilter {
    pub id: i64,
    pub view_id: i64,
    pub field_id: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub value: String,
    pub group_id: Option<i64>,
}

impl ViewFilter {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "view": self.view_id, "field": self.field_id, "type": self.kind,
               "value": self.value, "preload_values": {}, "group": self.group_id})
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViewFilterGroup {
    pub id: i64,
    pub view_id: i64,
    pub filter_type: String,
    pub parent_group_id: Option<i64>,
}

impl ViewFilterGroup {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "view": self.view_id, "filter_type": self.filter_type,
               "parent_group": self.parent_group_id})
    }
}

/// A sort or a group-by: both order rows by a field.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViewSort {
    pub id: i64,
    pub view_id: i64,
    pub field_id: i64,
    pub order: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    /// Group-bys only.
    #[sqlx(default)]
    pub width: Option<i32>,
}

impl ViewSort {
    pub fn to_json(&self) -> Value {
        let mut v = json!({"id": self.id, "view": self.view_id, "field": self.field_id,
                           "order": self.order, "type": self.kind});
        if let (Some(width), Some(map)) = (self.width, v.as_object_mut()) {
            map.insert("width".into(), json!(width));
        }
        v
    }
}

/// What a view's JSON includes beyond its own settings (`include=`).
#[derive(Debug, Default, Clone)]
pub struct ViewParts {
    pub filters: Option<Vec<ViewFilter>>,
    pub filter_groups: Option<Vec<ViewFilterGroup>>,
    pub sortings: Option<Vec<ViewSort>>,
    pub group_bys: Option<Vec<ViewSort>>,
    pub decorations: Option<Vec<ViewDecoration>>,
}

impl View {
    /// The type's settings as clients see them: who is emailed a form's answers stays
    /// private to the server, and a calendar's feed slug shows only in its feed's URL.
    /// A form's redirect URL is shown only when it is http(s) (see [`form::redirect_url`]).
    pub fn shown_options(&self) -> impl Iterator<Item = (&String, Value)> {
        self.options
            .0
            .iter()
            .filter(|(k, _)| *k != form::NOTIFY_KEY && *k != ical::SLUG_KEY)
            .map(|(k, v)| match k.as_str() {
                types::REDIRECT_URL_KEY => (k, form::redirect_url(Some(v))),
                _ => (k, v.clone()),
            })
    }

    /// Baserow's view object: common keys, the type's settings, and the requested parts.
    pub fn to_json(&self, table: &crate::database::tables::Table, parts: &ViewParts) -> Value {
        let mut v = json!({
            "id": self.id,
            "table_id": self.table_id,
            "name": self.name,
            "order": self.order,
            "type": self.kind,
            "table": table.to_json(),
            "filter_type": self.filter_type,
            "filters_disabled": self.filters_disabled,
            "public_view_has_password": self.has_password,
            "show_logo": true,
            "allow_public_export": false,
            "ownership_type": self.ownership_type,
            "owned_by_id": self.owned_by_id,
            "public": self.public,
            "slug": self.slug,
            "created_on": self.created_on,
        });
        let Some(map) = v.as_object_mut() else {
            return v;
        };
        if self.kind == "grid" {
            map.insert(
                "row_identifier_type".into(),
                json!(self.row_identifier_type),
            );
        }
        for (k, value) in self.shown_options() {
            map.insert(k.clone(), value);
        }
        if self.kind == "calendar" {
            map.insert("ical_feed_url".into(), json!(ical::feed_url(self)));
        }
        let list = |items: &[Value]| Value::Array(items.to_vec());
        if let Some(filters) = &parts.filters {
            map.insert(
                "filters".into(),
                list(&filters.iter().map(ViewFilter::to_json).collect::<Vec<_>>()),
            );
        }
        if let Some(groups) = &parts.filter_groups {
            map.insert(
                "filter_groups".into(),
                list(
                    &groups
                        .iter()
                        .map(ViewFilterGroup::to_json)
                        .collect::<Vec<_>>(),
                ),
            );
        }
        if let Some(sorts) = &parts.sortings {
            map.insert(
                "sortings".into(),
                list(&sorts.iter().map(ViewSort::to_json).collect::<Vec<_>>()),
            );
        }
        if let Some(group_bys) = &parts.group_bys {
            map.insert(
                "group_bys".into(),
                list(&group_bys.iter().map(ViewSort::to_json).collect::<Vec<_>>()),
            );
        }
        if let Some(decorations) = &parts.decorations {
            map.insert(
                "decorations".into(),
                list(
                    &decorations
                        .iter()
                        .map(ViewDecoration::to_json)
                        .collect::<Vec<_>>(),
                ),
            );
        }
        v
    }
}
