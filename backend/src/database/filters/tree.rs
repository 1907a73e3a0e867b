//! The filter tree of a listing: the `filters` JSON parameter (nested AND/OR groups) or
//! Baserow's older `filter__{field}__{type}=value` parameters, turned into one SQL condition.

use super::{FilterError, applies, computed, registry::filter_types};
use crate::database::{fields::Field, rows::read::column_expr};
use serde_json::Value;
use sqlx::{Postgres, QueryBuilder};

/// Guards against abusive trees: how deep groups nest (the top level is 0), and how many
/// filters one tree holds. A view's saved tree has the same caps, its groups counted with
/// its filters, since every listing of the view walks it.
pub const MAX_DEPTH: usize = 8;
pub const MAX_FILTERS: usize = 200;

/// How a filter names its field: by id, or by name/`field_{id}` text.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldRef {
    Id(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FilterLeaf {
    pub field: FieldRef,
    pub kind: String,
    pub value: String,
    /// Saved on a view (rather than sent with a request): if the field's type no longer
    /// fits the filter, it matches no row instead of failing the listing.
    pub saved: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterGroup {
    pub or: bool,
    pub filters: Vec<FilterLeaf>,
    pub groups: Vec<FilterGroup>,
}

/// A leaf or a group, for callers that walk the tree.
pub enum FilterNode<'a> {
    Leaf(&'a FilterLeaf),
    Group(&'a FilterGroup),
}

fn invalid(msg: impl Into<String>) -> FilterError {
    FilterError::InvalidFilters(msg.into())
}

fn parse_type(v: Option<&Value>) -> Result<bool, FilterError> {
    match v.and_then(Value::as_str).unwrap_or("AND") {
        "AND" | "and" => Ok(false),
        "OR" | "or" => Ok(true),
        other => Err(invalid(format!(
            "filter_type must be AND or OR, not {other:?}"
        ))),
    }
}

fn text_value(v: &Value) -> Result<String, FilterError> {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return Err(invalid("filter values must be strings")),
    };
    if s.contains('\0') {
        return Err(invalid("filter values may not contain null characters"));
    }
    Ok(s)
}

impl FilterGroup {
    /// Parses the `filters` parameter.
    pub fn from_json(text: &str) -> Result<Self, FilterError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON ({e})")))?;
        let mut count = 0;
        Self::from_value(&value, 0, &mut count)
    }

    fn from_value(value: &Value, depth: usize, count: &mut usize) -> Result<Self, FilterError> {
        if depth > MAX_DEPTH {
            return Err(invalid("filter groups are nested too deeply"));
        }
        let obj = value
            .as_object()
            .ok_or_else(|| invalid("expected an object"))?;
        let mut group = FilterGroup {
            or: parse_type(obj.get("filter_type"))?,
            ..Default::default()
        };
        for item in obj
            .get("filters")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            *count += 1;
            if *count > MAX_FILTERS {
                return Err(invalid("too many filters"));
            }
            let item = item
                .as_object()
                .ok_or_else(|| invalid("each filter must be an object"))?;
            let field = match item.get("field") {
                Some(Value::Number(n)) => FieldRef::Id(
                    n.as_i64()
                        .ok_or_else(|| invalid("field must be an id or a name"))?,
                ),
                Some(Value::String(s)) => FieldRef::Text(text_value(&Value::String(s.clone()))?),
                _ => return Err(invalid("each filter needs a field")),
            };
            let kind = item
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("each filter needs a type"))?
                .to_owned();
            let value = text_value(item.get("value").unwrap_or(&Value::Null))?;
            group.filters.push(FilterLeaf {
                field,
                kind,
                value,
                saved: false,
            });
        }
        if let Some(groups) = obj.get("groups") {
            for g in groups
                .as_array()
                .ok_or_else(|| invalid("groups must be a list"))?
            {
                group.groups.push(Self::from_value(g, depth + 1, count)?);
            }
        }
        Ok(group)
    }

    /// Parses `filter__{field}__{type}=value` pairs; `None` when there are none.
    pub fn from_legacy(
        params: &[(String, String)],
        filter_type: Option<&str>,
    ) -> Result<Option<Self>, FilterError> {
        let mut group = FilterGroup {
            or: parse_type(filter_type.map(|s| Value::String(s.to_owned())).as_ref())?,
            ..Default::default()
        };
        for (key, value) in params {
            let Some(rest) = key.strip_prefix("filter__") else {
                continue;
            };
            let (field, kind) = rest
                .rsplit_once("__")
                .ok_or_else(|| invalid(format!("{key} is not filter__<field>__<type>")))?;
            group.filters.push(FilterLeaf {
                field: FieldRef::Text(field.to_owned()),
                kind: kind.to_owned(),
                value: text_value(&Value::String(value.clone()))?,
                saved: false,
            });
        }
        if group.filters.len() > MAX_FILTERS {
            return Err(invalid("too many filters"));
        }
        Ok((!group.filters.is_empty()).then_some(group))
    }

    /// Appends the tree as one condition. `by_name` lets filters name fields by name.
    pub fn push_sql(
        &self,
        sql: &mut QueryBuilder<Postgres>,
        fields: &[Field],
        by_name: bool,
    ) -> Result<(), FilterError> {
        if self.filters.is_empty() && self.groups.is_empty() {
            sql.push("TRUE");
            return Ok(());
        }
        let joiner = if self.or { " OR " } else { " AND " };
        sql.push("(");
        let mut first = true;
        for leaf in &self.filters {
            if !first {
                sql.push(joiner);
            }
            first = false;
            let field = resolve(fields, &leaf.field, by_name)
                .ok_or_else(|| FilterError::FieldNotFound(describe(&leaf.field)))?;
            let filter = filter_types()
                .get(&leaf.kind)
                .ok_or_else(|| FilterError::TypeDoesNotExist(leaf.kind.clone()))?;
            if leaf.saved && !applies(filter, field) {
                // A view's filter the field's type no longer fits: a formula's type can
                // change with a field it uses, after the filter was saved. Matching no row
                // keeps the view working without showing rows the filter hid.
                sql.push("FALSE");
                continue;
            }
            computed::with_target(filter, field, column_expr, |target| {
                filter.push_condition(sql, target, &leaf.value)
            })?;
        }
        for group in &self.groups {
            if !first {
                sql.push(joiner);
            }
            first = false;
            group.push_sql(sql, fields, by_name)?;
        }
        sql.push(")");
        Ok(())
    }

    /// Every leaf and group, depth first.
    pub fn walk(&self) -> Vec<FilterNode<'_>> {
        let mut out: Vec<FilterNode<'_>> = self.filters.iter().map(FilterNode::Leaf).collect();
        for g in &self.groups {
            out.push(FilterNode::Group(g));
            out.extend(g.walk());
        }
        out
    }
}

/// How a field reference reads in messages.
pub fn describe(r: &FieldRef) -> String {
    match r {
        FieldRef::Id(id) => id.to_string(),
        FieldRef::Text(t) => t.clone(),
    }
}

/// Finds a field by id, `field_{id}`, or (when allowed) name.
pub fn resolve<'a>(fields: &'a [Field], r: &FieldRef, by_name: bool) -> Option<&'a Field> {
    match r {
        FieldRef::Id(id) => fields.iter().find(|f| f.id == *id),
        FieldRef::Text(t) => {
            let by_id = t
                .strip_prefix("field_")
                .unwrap_or(t)
                .parse::<i64>()
                .ok()
                .and_then(|id| fields.iter().find(|f| f.id == id));
            let named = || {
                by_name
                    .then(|| fields.iter().find(|f| f.name == *t))
                    .flatten()
            };
            if by_name { named().or(by_id) } else { by_id }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_trees_parse_with_nested_groups() {
        let g = FilterGroup::from_json(r#"{"filter_type":"OR","filters":[{"field":5,"type":"equal","value":"a"}],"groups":[{"filters":[{"field":"Name","type":"contains","value":1}]}]}"#).unwrap();
        assert!(g.or);
        assert_eq!(g.filters[0].field, FieldRef::Id(5));
        assert_eq!(g.groups[0].filters[0].value, "1");
        assert!(!g.groups[0].or);
    }

    #[test]
    fn bad_trees_are_refused() {
        for bad in [
            "notjson",
            "[]",
            r#"{"filter_type":"XOR"}"#,
            r#"{"filters":[{"type":"equal"}]}"#,
            r#"{"filters":[{"field":1,"type":"equal","value":"\u0000"}]}"#,
        ] {
            assert!(
                matches!(
                    FilterGroup::from_json(bad),
                    Err(FilterError::InvalidFilters(_))
                ),
                "{bad}"
            );
        }
        let deep = (0..20).fold(String::from("{}"), |acc, _| {
            format!(r#"{{"groups":[{acc}]}}"#)
        });
        assert!(FilterGroup::from_json(&deep).is_err());
    }

    #[test]
    fn legacy_parameters_split_field_and_type() {
        let params = vec![
            ("filter__field_5__contains".to_string(), "an".to_string()),
            ("size".into(), "1".into()),
        ];
        let g = FilterGroup::from_legacy(&params, Some("OR"))
            .unwrap()
            .unwrap();
        assert_eq!(
            g.filters,
            vec![FilterLeaf {
                field: FieldRef::Text("field_5".into()),
                kind: "contains".into(),
                value: "an".into(),
                saved: false,
            }]
        );
        assert!(g.or);
        assert!(FilterGroup::from_legacy(&[], None).unwrap().is_none());
    }
}
