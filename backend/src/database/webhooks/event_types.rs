//! The webhook event types: which event-log entry each one is made from and how its body
//! carries the change. One table, so adding a type is one line.

/// How an event's change goes into the webhook body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `items` (rows after the change).
    Rows,
    /// `items` and `old_items` (rows before the change).
    RowsWithOld,
    /// `row_ids` only.
    RowIds,
    /// The object under the given key (`field`, `view`).
    Object(&'static str),
    /// The id under the given key (`field_id`, `view_id`).
    Id(&'static str),
}

/// A webhook event type (Baserow's names) and the event-log entry it is made from.
#[derive(Debug)]
pub struct WebhookEventType {
    pub name: &'static str,
    pub log_event: &'static str,
    pub shape: Shape,
}

/// Every webhook event type, in the order the API lists them.
pub const ALL: &[WebhookEventType] = &[
    WebhookEventType {
        name: "rows.created",
        log_event: "rows_created",
        shape: Shape::Rows,
    },
    WebhookEventType {
        name: "rows.updated",
        log_event: "rows_updated",
        shape: Shape::RowsWithOld,
    },
    WebhookEventType {
        name: "rows.deleted",
        log_event: "rows_deleted",
        shape: Shape::RowIds,
    },
    WebhookEventType {
        name: "field.created",
        log_event: "field_created",
        shape: Shape::Object("field"),
    },
    WebhookEventType {
        name: "field.updated",
        log_event: "field_updated",
        shape: Shape::Object("field"),
    },
    WebhookEventType {
        name: "field.deleted",
        log_event: "field_deleted",
        shape: Shape::Id("field_id"),
    },
    WebhookEventType {
        name: "view.created",
        log_event: "view_created",
        shape: Shape::Object("view"),
    },
    WebhookEventType {
        name: "view.updated",
        log_event: "view_updated",
        shape: Shape::Object("view"),
    },
    WebhookEventType {
        name: "view.deleted",
        log_event: "view_deleted",
        shape: Shape::Id("view_id"),
    },
];

/// The type with this webhook name.
pub fn by_name(name: &str) -> Option<&'static WebhookEventType> {
    ALL.iter().find(|t| t.name == name)
}

/// The webhook type an event-log entry becomes, if any.
pub fn for_log_event(log_event: &str) -> Option<&'static WebhookEventType> {
    ALL.iter().find(|t| t.log_event == log_event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_log_events_map_both_ways() {
        for t in ALL {
            assert_eq!(by_name(t.name).map(|x| x.log_event), Some(t.log_event));
            assert_eq!(for_log_event(t.log_event).map(|x| x.name), Some(t.name));
        }
        assert!(by_name("rows.moved").is_none());
        assert!(for_log_event("table_updated").is_none());
    }
}
