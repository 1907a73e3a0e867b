//! Copying a table's views onto its copy (table and database duplication): each view with
//! its settings, filter groups, filters, sorts, group-bys, field options (form conditions
//! included) and decorations, with the field, select option and view ids they hold mapped
//! to the copy's through an [`IdMap`].
//!
//! As Baserow does: a public view stays public under a new slug (a calendar's feed gets a
//! new slug too), and a personal view is copied only while its owner is still a member of
//! the workspace. Unlike Baserow, a view's password is copied with it, so the copy of a
//! protected view is not open to anyone who has its new link.

use super::{View, ical, repo, types};
use crate::database::id_map::IdMap;
use serde_json::{Map, Value};
use sqlx::PgConnection;

/// Copies every live view of `from_table` onto `to_table`, in their order; records the new
/// view ids in `map`. Fields and select options must be in `map` already.
pub async fn copy_views(
    conn: &mut PgConnection,
    from_table: i64,
    to_table: i64,
    workspace_id: i64,
    map: &mut IdMap,
) -> sqlx::Result<()> {
    for view in repo::list(&mut *conn, from_table).await? {
        if view.ownership_type == "personal" && !owner_is_member(conn, &view, workspace_id).await? {
            continue;
        }
        let copy = copy_view(conn, &view, to_table, map).await?;
        map.views.insert(view.id, copy);
    }
    Ok(())
}

async fn owner_is_member(
    conn: &mut PgConnection,
    view: &View,
    workspace_id: i64,
) -> sqlx::Result<bool> {
    let Some(owner) = view.owned_by_id else {
        return Ok(false);
    };
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM workspace_users WHERE workspace_id = $1 AND user_id = $2)",
    )
    .bind(workspace_id)
    .bind(owner)
    .fetch_one(conn)
    .await
}

/// The view's type settings with field ids mapped (and a calendar feed slug of its own).
fn mapped_options(view: &View, map: &IdMap) -> Map<String, Value> {
    let mut options = if view.options.0.contains_key(ical::SLUG_KEY) {
        ical::with_new_slug(view)
    } else {
        view.options.0.clone()
    };
    if let Some(kind) = types::by_name(&view.kind) {
        for prop in kind.props() {
            if matches!(prop.check, types::Check::FieldId)
                && let Some(value) = options.get_mut(prop.key)
            {
                *value = map.field_value(value);
            }
        }
    }
    options
}

async fn copy_view(
    conn: &mut PgConnection,
    view: &View,
    to_table: i64,
    map: &IdMap,
) -> sqlx::Result<i64> {
    let options = mapped_options(view, map);
    let values = repo::ViewValues {
        name: &view.name,
        filter_type: &view.filter_type,
        filters_disabled: view.filters_disabled,
        options: &options,
        row_identifier_type: &view.row_identifier_type,
        public: view.public,
    };
    let copy = repo::insert(&mut *conn, to_table, &view.kind, &values).await?;
    // The new row has a fresh slug of its own; the rest comes over as it is.
    sqlx::query(
        "UPDATE database_views c SET \"order\" = o.\"order\", ownership_type = o.ownership_type, \
         owned_by_id = o.owned_by_id, public_view_password = o.public_view_password \
         FROM database_views o WHERE c.id = $1 AND o.id = $2",
    )
    .bind(copy.id)
    .bind(view.id)
    .execute(&mut *conn)
    .await?;
    copy_filters(conn, view.id, copy.id, map).await?;
    copy_sorts(conn, view.id, copy.id, map).await?;
    copy_field_options(conn, view.id, copy.id, map).await?;
    copy_decorations(conn, view.id, copy.id, map).await?;
    Ok(copy.id)
}

/// Filter groups (parents before their children) and the filters on copied fields.
async fn copy_filters(
    conn: &mut PgConnection,
    from: i64,
    to: i64,
    map: &IdMap,
) -> sqlx::Result<()> {
    let mut pending = repo::filter_groups(&mut *conn, from).await?;
    let mut groups = std::collections::HashMap::new();
    // Each pass places at least one group whose parent is placed; a group whose parent
    // never is (which the schema does not allow) is left out.
    for _ in 0..=pending.len() {
        if pending.is_empty() {
            break;
        }
        let (ready, waiting): (Vec<_>, Vec<_>) = pending.into_iter().partition(|g| {
            g.parent_group_id
                .is_none_or(|parent| groups.contains_key(&parent))
        });
        pending = waiting;
        for group in ready {
            let parent = group.parent_group_id.and_then(|p| groups.get(&p).copied());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO database_view_filter_groups (view_id, filter_type, parent_group_id) \
                 VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(to)
            .bind(&group.filter_type)
            .bind(parent)
            .fetch_one(&mut *conn)
            .await?;
            groups.insert(group.id, id);
        }
    }
    for filter in repo::filters(&mut *conn, from).await? {
        let Some(field) = map.fields.get(&filter.field_id) else {
            continue;
        };
        let group = match filter.group_id {
            Some(g) => match groups.get(&g) {
                Some(new) => Some(*new),
                None => continue,
            },
            None => None,
        };
        sqlx::query(
            "INSERT INTO database_view_filters (view_id, field_id, type, value, group_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(to)
        .bind(field)
        .bind(&filter.kind)
        .bind(map.filter_value(&filter.kind, &filter.value))
        .bind(group)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Sorts and group-bys on copied fields.
async fn copy_sorts(conn: &mut PgConnection, from: i64, to: i64, map: &IdMap) -> sqlx::Result<()> {
    for sort in repo::sorts(&mut *conn, from).await? {
        let Some(field) = map.fields.get(&sort.field_id) else {
            continue;
        };
        sqlx::query(
            "INSERT INTO database_view_sorts (view_id, field_id, \"order\", type) VALUES ($1, $2, $3, $4)",
        )
        .bind(to)
        .bind(field)
        .bind(&sort.order)
        .bind(&sort.kind)
        .execute(&mut *conn)
        .await?;
    }
    for group_by in repo::group_bys(&mut *conn, from).await? {
        let Some(field) = map.fields.get(&group_by.field_id) else {
            continue;
        };
        sqlx::query(
            "INSERT INTO database_view_group_bys (view_id, field_id, \"order\", width, type) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(to)
        .bind(field)
        .bind(&group_by.order)
        .bind(group_by.width.unwrap_or(200))
        .bind(&group_by.kind)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Field options (widths, hidden, order, aggregations, form settings); a form field's
/// conditions name other fields and, for select filters, options.
async fn copy_field_options(
    conn: &mut PgConnection,
    from: i64,
    to: i64,
    map: &IdMap,
) -> sqlx::Result<()> {
    for (field_id, options) in repo::field_options(&mut *conn, from).await? {
        let Some(field) = map.fields.get(&field_id) else {
            continue;
        };
        let mut options = options.0;
        if let Some(Value::Array(conditions)) = options.get_mut("conditions") {
            for condition in conditions.iter_mut() {
                map_condition(condition, "field", map);
            }
        }
        repo::merge_field_options(&mut *conn, to, *field, &options).await?;
    }
    Ok(())
}

/// A condition (`{field, type, value}`) of a form field or a decoration, mapped.
fn map_condition(condition: &mut Value, field_key: &str, map: &IdMap) {
    let Some(condition) = condition.as_object_mut() else {
        return;
    };
    if let Some(field) = condition.get_mut(field_key) {
        *field = map.field_value(field);
    }
    let kind = condition
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(Value::String(value)) = condition.get_mut("value") {
        *value = map.filter_value(&kind, value);
    }
}

/// Decorations: a select colour names its field (`field_id`), conditional colours name
/// fields in their filters.
async fn copy_decorations(
    conn: &mut PgConnection,
    from: i64,
    to: i64,
    map: &IdMap,
) -> sqlx::Result<()> {
    for decoration in super::decorations::of_view(&mut *conn, from).await? {
        let mut conf = decoration.value_provider_conf.0.clone();
        if let Some(field) = conf.get_mut("field_id") {
            *field = map.field_value(field);
        }
        if let Some(Value::Array(colors)) = conf.get_mut("colors") {
            for color in colors.iter_mut() {
                if let Some(Value::Array(filters)) = color.get_mut("filters") {
                    for filter in filters.iter_mut() {
                        map_condition(filter, "field", map);
                    }
                }
            }
        }
        sqlx::query(
            "INSERT INTO database_view_decorations (view_id, type, value_provider_type, value_provider_conf, \"order\") \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(to)
        .bind(&decoration.kind)
        .bind(&decoration.value_provider_type)
        .bind(sqlx::types::Json(&conf))
        .bind(decoration.order)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
