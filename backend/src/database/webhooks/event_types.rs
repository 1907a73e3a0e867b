//! The webhook event types (Baserow's names) and the table events each is made from.

use crate::database::events::TableEvent;
use serde_json::{Value, json};

/// A webhook event type.
#[derive(Debug)]
pub struct WebhookEventType {
    pub name: &'static str,
}

/// Every webhook event type, in the order the API lists them.
pub const ALL: &[WebhookEventType] = &[
    WebhookEventType {
        name: "rows.created",
    },
    WebhookEventType {
        name: "rows.updated",
    },
    WebhookEventType {
        name: "rows.deleted",
    },
    WebhookEventType {
        name: "field.created",
    },
    WebhookEventType {
        name: "field.updated",
    },
    WebhookEventType {
        name: "field.deleted",
    },
    WebhookEventType {
        name: "view.created",
    },
    WebhookEventType {
        name: "view.updated",
    },
    WebhookEventType {
        name: "view.deleted",
    },
];

/// The type with this webhook name.
pub fn by_name(name: &str) -> Option<&'static WebhookEventType> {
    ALL.iter().find(|t| t.name == name)
}

/// The webhook type a table event becomes, if any.
pub fn for_event(event: &TableEvent) -> Option<&'static WebhookEventType> {
    let name = match event {
        TableEvent::RowsCreated { .. } => "rows.created",
        TableEvent::RowsUpdated { .. } => "rows.updated",
        TableEvent::RowsDeleted { .. } => "rows.deleted",
        TableEvent::FieldCreated { .. } => "field.created",
        TableEvent::FieldUpdated { .. } => "field.updated",
        TableEvent::FieldDeleted { .. } => "field.deleted",
        TableEvent::ViewCreated { .. } => "view.created",
        TableEvent::ViewUpdated { .. } => "view.updated",
        TableEvent::ViewDeleted { .. } => "view.deleted",
        _ => return None,
    };
    by_name(name)
}

/// An event of the given type for a test call: `row` stands for a row of the table.
pub fn example(kind: &WebhookEventType, table_id: i64, row: Value) -> TableEvent {
    let field = json!({"id": 0, "name": "Field", "type": "text", "table_id": table_id});
    let view = json!({"id": 0, "name": "View", "type": "grid", "table_id": table_id});
    match kind.name {
        "rows.updated" => TableEvent::RowsUpdated {
            table_id,
            rows_before_update: vec![row.clone()],
            rows: vec![row],
            updated_field_ids: vec![],
            metadata: json!({}),
        },
        "rows.deleted" => TableEvent::RowsDeleted {
            table_id,
            row_ids: vec![0],
            rows: vec![row],
        },
        "field.created" => TableEvent::FieldCreated {
            field,
            related_fields: vec![],
        },
        "field.updated" => TableEvent::FieldUpdated {
            field_id: 0,
            field,
            related_fields: vec![],
            before: None,
        },
        "field.deleted" => TableEvent::FieldDeleted {
            table_id,
            field_id: 0,
            related_fields: vec![],
        },
        "view.created" => TableEvent::ViewCreated { view },
        "view.updated" => TableEvent::ViewUpdated {
            view_id: 0,
            view,
            before: None,
        },
        "view.deleted" => TableEvent::ViewDeleted {
            table_id,
            view_id: 0,
        },
        _ => TableEvent::RowsCreated {
            table_id,
            rows: vec![row],
            metadata: json!({}),
            before_row_id: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_an_example_event_of_its_own_type() {
        for t in ALL {
            let event = example(t, 1, json!({"id": 0}));
            assert_eq!(for_event(&event).map(|k| k.name), Some(t.name));
        }
        assert!(by_name("rows.moved").is_none());
        let reordered = TableEvent::ViewsReordered {
            table_id: 1,
            order: vec![],
            before: None,
        };
        assert!(for_event(&reordered).is_none());
    }
}
