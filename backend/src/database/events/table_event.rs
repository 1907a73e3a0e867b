//! Every kind of table event, one variant each, serialised to Baserow's realtime payload
//! (`type` is the event's name). Rows, fields, views and their parts travel as the API
//! shows them, so a client reads an event as it reads the API.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TableEvent {
    RowsCreated {
        table_id: i64,
        rows: Vec<Value>,
        metadata: Value,
        before_row_id: Option<i64>,
    },
    RowsUpdated {
        table_id: i64,
        rows_before_update: Vec<Value>,
        rows: Vec<Value>,
        updated_field_ids: Vec<i64>,
        metadata: Value,
    },
    RowsDeleted {
        table_id: i64,
        row_ids: Vec<i64>,
        rows: Vec<Value>,
    },
    /// History entries a change wrote, `{row_id, row_history_entry}` each. Each row's page
    /// gets Baserow's `row_history_updated` with its own entry; table pages get this as is.
    RowHistoryUpdated {
        table_id: i64,
        entries: Vec<Value>,
    },
    FieldCreated {
        field: Value,
        related_fields: Vec<Value>,
    },
    FieldUpdated {
        field_id: i64,
        field: Value,
        related_fields: Vec<Value>,
        /// The field before the change, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<FieldBefore>>,
    },
    FieldDeleted {
        table_id: i64,
        field_id: i64,
        related_fields: Vec<Value>,
    },
    FieldRestored {
        field: Value,
        related_fields: Vec<Value>,
    },
    TableCreated {
        table: Value,
    },
    TableUpdated {
        table_id: i64,
        table: Value,
        force_table_refresh: bool,
        /// The table before a rename its user asked for, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    TableDeleted {
        database_id: i64,
        table_id: i64,
    },
    ViewCreated {
        view: Value,
    },
    ViewUpdated {
        view_id: i64,
        view: Value,
        /// The view before a change its user asked for, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewDeleted {
        table_id: i64,
        view_id: i64,
    },
    ViewsReordered {
        table_id: i64,
        order: Vec<i64>,
        /// The order before a reordering its user asked for, for undo; neither logged
        /// nor sent.
        #[serde(skip)]
        before: Option<Vec<i64>>,
    },
    ViewFieldOptionsUpdated {
        view_id: i64,
        field_options: Value,
        /// The changed fields' options before a change its user asked for, for undo;
        /// neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewFilterCreated {
        view_filter: Value,
    },
    ViewFilterUpdated {
        view_filter_id: i64,
        view_filter: Value,
        /// The part before the change, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewFilterDeleted {
        view_id: i64,
        view_filter_id: i64,
        /// What went, for undo: the part and the parts deleted with it, parents first;
        /// neither logged nor sent.
        #[serde(skip)]
        removed: Vec<(ViewPart, Value)>,
    },
    ViewFilterGroupCreated {
        view_filter_group: Value,
    },
    ViewFilterGroupUpdated {
        view_filter_group_id: i64,
        view_filter_group: Value,
        /// The part before the change, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewFilterGroupDeleted {
        view_id: i64,
        view_filter_group_id: i64,
        /// What went, for undo: the part and the parts deleted with it, parents first;
        /// neither logged nor sent.
        #[serde(skip)]
        removed: Vec<(ViewPart, Value)>,
    },
    ViewSortCreated {
        view_sort: Value,
    },
    ViewSortUpdated {
        view_sort_id: i64,
        view_sort: Value,
        /// The part before the change, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewSortDeleted {
        view_id: i64,
        view_sort_id: i64,
        /// What went, for undo: the part and the parts deleted with it, parents first;
        /// neither logged nor sent.
        #[serde(skip)]
        removed: Vec<(ViewPart, Value)>,
    },
    ViewGroupByCreated {
        view_group_by: Value,
    },
    ViewGroupByUpdated {
        view_group_by_id: i64,
        view_group_by: Value,
        /// The part before the change, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewGroupByDeleted {
        view_id: i64,
        view_group_by_id: i64,
        /// What went, for undo: the part and the parts deleted with it, parents first;
        /// neither logged nor sent.
        #[serde(skip)]
        removed: Vec<(ViewPart, Value)>,
    },
    ViewDecorationCreated {
        view_decoration: Value,
    },
    ViewDecorationUpdated {
        view_decoration_id: i64,
        view_decoration: Value,
        /// The decoration before a change its user asked for, for undo; neither logged
        /// nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    ViewDecorationDeleted {
        view_id: i64,
        view_decoration_id: i64,
        /// The deleted decoration, for undo; neither logged nor sent.
        #[serde(skip)]
        before: Option<Box<Value>>,
    },
    RowCommentCreated {
        row_comment: Value,
    },
    RowCommentUpdated {
        row_comment: Value,
    },
    RowCommentDeleted {
        row_comment: Value,
    },
    RowCommentRestored {
        row_comment: Value,
    },
}

/// A field as it was before an update: its API shape and, after a type change, the
/// backup of its column data.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldBefore {
    pub field: Value,
    pub backup: Option<i64>,
}

/// The parts of a view that have their own created / updated / deleted events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewPart {
    Filter,
    FilterGroup,
    Sort,
    GroupBy,
    Decoration,
}

impl ViewPart {
    /// The part's name in event types and payload keys (`view_sort`, `view_sort_id`).
    pub fn name(self) -> &'static str {
        match self {
            ViewPart::Filter => "view_filter",
            ViewPart::FilterGroup => "view_filter_group",
            ViewPart::Sort => "view_sort",
            ViewPart::GroupBy => "view_group_by",
            ViewPart::Decoration => "view_decoration",
        }
    }

    pub fn created(self, part: Value) -> TableEvent {
        match self {
            ViewPart::Filter => TableEvent::ViewFilterCreated { view_filter: part },
            ViewPart::FilterGroup => TableEvent::ViewFilterGroupCreated {
                view_filter_group: part,
            },
            ViewPart::Sort => TableEvent::ViewSortCreated { view_sort: part },
            ViewPart::GroupBy => TableEvent::ViewGroupByCreated {
                view_group_by: part,
            },
            ViewPart::Decoration => TableEvent::ViewDecorationCreated {
                view_decoration: part,
            },
        }
    }

    /// `before`: the part before a change its user asked for (recorded for undo).
    pub fn updated(self, id: i64, part: Value, before: Option<Value>) -> TableEvent {
        let before = before.map(Box::new);
        match self {
            ViewPart::Filter => TableEvent::ViewFilterUpdated {
                view_filter_id: id,
                view_filter: part,
                before,
            },
            ViewPart::FilterGroup => TableEvent::ViewFilterGroupUpdated {
                view_filter_group_id: id,
                view_filter_group: part,
                before,
            },
            ViewPart::Sort => TableEvent::ViewSortUpdated {
                view_sort_id: id,
                view_sort: part,
                before,
            },
            ViewPart::GroupBy => TableEvent::ViewGroupByUpdated {
                view_group_by_id: id,
                view_group_by: part,
                before,
            },
            ViewPart::Decoration => TableEvent::ViewDecorationUpdated {
                view_decoration_id: id,
                view_decoration: part,
                before,
            },
        }
    }

    /// `removed`: the part and what went with it, parents first (recorded for undo).
    pub fn deleted(self, view_id: i64, id: i64, removed: Vec<(ViewPart, Value)>) -> TableEvent {
        match self {
            ViewPart::Filter => TableEvent::ViewFilterDeleted {
                view_id,
                view_filter_id: id,
                removed,
            },
            ViewPart::FilterGroup => TableEvent::ViewFilterGroupDeleted {
                view_id,
                view_filter_group_id: id,
                removed,
            },
            ViewPart::Sort => TableEvent::ViewSortDeleted {
                view_id,
                view_sort_id: id,
                removed,
            },
            ViewPart::GroupBy => TableEvent::ViewGroupByDeleted {
                view_id,
                view_group_by_id: id,
                removed,
            },
            ViewPart::Decoration => TableEvent::ViewDecorationDeleted {
                view_id,
                view_decoration_id: id,
                before: removed.into_iter().next().map(|(_, part)| Box::new(part)),
            },
        }
    }
}

impl TableEvent {
    /// The event's wire name (`rows_created`, …).
    pub fn name(&self) -> &'static str {
        match self {
            TableEvent::RowsCreated { .. } => "rows_created",
            TableEvent::RowsUpdated { .. } => "rows_updated",
            TableEvent::RowsDeleted { .. } => "rows_deleted",
            TableEvent::RowHistoryUpdated { .. } => "row_history_updated",
            TableEvent::FieldCreated { .. } => "field_created",
            TableEvent::FieldUpdated { .. } => "field_updated",
            TableEvent::FieldDeleted { .. } => "field_deleted",
            TableEvent::FieldRestored { .. } => "field_restored",
            TableEvent::TableCreated { .. } => "table_created",
            TableEvent::TableUpdated { .. } => "table_updated",
            TableEvent::TableDeleted { .. } => "table_deleted",
            TableEvent::ViewCreated { .. } => "view_created",
            TableEvent::ViewUpdated { .. } => "view_updated",
            TableEvent::ViewDeleted { .. } => "view_deleted",
            TableEvent::ViewsReordered { .. } => "views_reordered",
            TableEvent::ViewFieldOptionsUpdated { .. } => "view_field_options_updated",
            TableEvent::ViewFilterCreated { .. } => "view_filter_created",
            TableEvent::ViewFilterUpdated { .. } => "view_filter_updated",
            TableEvent::ViewFilterDeleted { .. } => "view_filter_deleted",
            TableEvent::ViewFilterGroupCreated { .. } => "view_filter_group_created",
            TableEvent::ViewFilterGroupUpdated { .. } => "view_filter_group_updated",
            TableEvent::ViewFilterGroupDeleted { .. } => "view_filter_group_deleted",
            TableEvent::ViewSortCreated { .. } => "view_sort_created",
            TableEvent::ViewSortUpdated { .. } => "view_sort_updated",
            TableEvent::ViewSortDeleted { .. } => "view_sort_deleted",
            TableEvent::ViewGroupByCreated { .. } => "view_group_by_created",
            TableEvent::ViewGroupByUpdated { .. } => "view_group_by_updated",
            TableEvent::ViewGroupByDeleted { .. } => "view_group_by_deleted",
            TableEvent::ViewDecorationCreated { .. } => "view_decoration_created",
            TableEvent::ViewDecorationUpdated { .. } => "view_decoration_updated",
            TableEvent::ViewDecorationDeleted { .. } => "view_decoration_deleted",
            TableEvent::RowCommentCreated { .. } => "row_comment_created",
            TableEvent::RowCommentUpdated { .. } => "row_comment_updated",
            TableEvent::RowCommentDeleted { .. } => "row_comment_deleted",
            TableEvent::RowCommentRestored { .. } => "row_comment_restored",
        }
    }

    /// Whether the event changes rows only (not how the table's views filter or show them).
    pub fn is_row_change(&self) -> bool {
        matches!(
            self,
            TableEvent::RowsCreated { .. }
                | TableEvent::RowsUpdated { .. }
                | TableEvent::RowsDeleted { .. }
                | TableEvent::RowHistoryUpdated { .. }
        )
    }

    /// The comment of a row comment event: they change neither rows nor views.
    pub fn row_comment(&self) -> Option<&Value> {
        match self {
            TableEvent::RowCommentCreated { row_comment }
            | TableEvent::RowCommentUpdated { row_comment }
            | TableEvent::RowCommentDeleted { row_comment }
            | TableEvent::RowCommentRestored { row_comment } => Some(row_comment),
            _ => None,
        }
    }

    /// The payload as logged and sent: Baserow's keys, without `type`.
    pub fn payload(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut map)) => {
                map.remove("type");
                map
            }
            _ => Map::new(),
        }
    }

    /// Reads a logged (or sent) event back: its name and payload; extra keys of the wire
    /// message (`seq`, …) are ignored. `None` for a name this build does not know.
    pub fn read(event_type: &str, payload: &Value) -> Option<Self> {
        let mut map = payload.as_object().cloned().unwrap_or_default();
        map.insert("type".into(), Value::String(event_type.to_owned()));
        serde_json::from_value(Value::Object(map)).ok()
    }

    /// Reads a wire message (`{"type": …, …}`) as an event.
    pub fn from_message(message: &Value) -> Option<Self> {
        let kind = message.get("type")?.as_str()?;
        Self::read(kind, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_serialise_to_baserows_names_and_payloads_and_read_back() {
        let event = TableEvent::RowsUpdated {
            table_id: 3,
            rows_before_update: vec![json!({"id": 1, "field_2": "a"})],
            rows: vec![json!({"id": 1, "field_2": "b"})],
            updated_field_ids: vec![2],
            metadata: json!({}),
        };
        assert_eq!(event.name(), "rows_updated");
        let payload = Value::Object(event.payload());
        assert_eq!(
            payload,
            json!({"table_id": 3, "rows_before_update": [{"id": 1, "field_2": "a"}],
                   "rows": [{"id": 1, "field_2": "b"}], "updated_field_ids": [2], "metadata": {}})
        );
        assert_eq!(TableEvent::read("rows_updated", &payload), Some(event));
        let part = ViewPart::Sort.deleted(4, 9, Vec::new());
        assert_eq!(part.name(), "view_sort_deleted");
        assert_eq!(
            Value::Object(part.payload()),
            json!({"view_id": 4, "view_sort_id": 9})
        );
        let mut message = Value::Object(part.payload());
        message["type"] = json!("view_sort_deleted");
        message["seq"] = json!(12);
        assert_eq!(TableEvent::from_message(&message), Some(part));
        assert_eq!(TableEvent::read("rows_moved", &json!({})), None);
    }

    #[test]
    fn every_name_matches_its_serde_tag() {
        let samples = [
            ViewPart::Filter.created(json!({})),
            ViewPart::FilterGroup.updated(1, json!({}), None),
            ViewPart::GroupBy.deleted(1, 2, Vec::new()),
            ViewPart::Decoration.created(json!({})),
            ViewPart::Decoration.updated(1, json!({}), None),
            ViewPart::Decoration.deleted(1, 2, Vec::new()),
            TableEvent::ViewsReordered {
                table_id: 1,
                order: vec![2, 1],
                before: None,
            },
            TableEvent::FieldRestored {
                field: json!({}),
                related_fields: vec![],
            },
            TableEvent::RowHistoryUpdated {
                table_id: 1,
                entries: vec![],
            },
            TableEvent::RowCommentCreated {
                row_comment: json!({"id": 1}),
            },
            TableEvent::RowCommentUpdated {
                row_comment: json!({"id": 1}),
            },
            TableEvent::RowCommentDeleted {
                row_comment: json!({"id": 1}),
            },
            TableEvent::RowCommentRestored {
                row_comment: json!({"id": 1}),
            },
        ];
        for event in samples {
            let tagged = serde_json::to_value(&event).unwrap();
            assert_eq!(tagged["type"], event.name());
        }
    }
}
