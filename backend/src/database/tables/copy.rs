//! Copying tables into a database, in the caller's transaction (table and database
//! duplication): fields with their select options, live rows (ids, order and timestamps
//! kept), links, and views. Ids the copies' settings hold (lookup targets, link targets,
//! view fields, select options in filters) are mapped through one [`IdMap`], so a link
//! between two copied tables joins the copies and a link to a table that was not copied
//! keeps pointing there.

use super::{Table, repo, table_name};
use crate::database::{
    computed,
    fields::{self, Field, registry::field_types, repo as field_repo},
    id_map::IdMap,
    links::{self, Relation, schema},
    views,
};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgConnection};

/// The copies, in the order of the originals, and the ids they were given.
pub struct Copied {
    pub tables: Vec<Table>,
    pub map: IdMap,
}

/// Copies `originals` (each with the name its copy takes) into `database_id`, a database of
/// `workspace_id`.
pub async fn copy_tables(
    conn: &mut PgConnection,
    originals: &[(Table, String)],
    database_id: i64,
    workspace_id: i64,
) -> anyhow::Result<Copied> {
    let mut map = IdMap::default();
    for (original, name) in originals {
        let copy_id = repo::insert(&mut *conn, database_id, name).await?;
        repo::create_user_table(conn, copy_id).await?;
        map.tables.insert(original.id, copy_id);
    }
    let mut pairs_of = Vec::with_capacity(originals.len());
    for (original, _) in originals {
        let copy_id = map.table(original.id);
        let mut pairs = Vec::new();
        for field in field_repo::list(conn, original.id).await? {
            let copy = copy_field(conn, &field, copy_id, &mut map).await?;
            pairs.push((field, copy));
        }
        pairs_of.push(pairs);
    }
    let all_pairs: Vec<&(Field, Field)> = pairs_of.iter().flatten().collect();
    map_computed_settings(conn, &all_pairs, &map).await?;
    let option_map = map.options_json();
    for ((original, _), pairs) in originals.iter().zip(&pairs_of) {
        copy_rows(conn, original, map.table(original.id), pairs, &option_map).await?;
    }
    for (old, new) in &all_pairs {
        copy_link(conn, old, new, &map).await?;
    }
    let copy_ids: Vec<i64> = originals.iter().map(|(t, _)| map.table(t.id)).collect();
    recompute_copies(conn, &copy_ids).await?;
    for (original, _) in originals {
        let copy_id = map.table(original.id);
        repo::add_row_count(&mut *conn, copy_id, original.row_count).await?;
        views::copy::copy_views(conn, original.id, copy_id, workspace_id, &mut map).await?;
    }
    map_selection_views(conn, &all_pairs, &map).await?;
    let mut tables = Vec::with_capacity(originals.len());
    for (original, _) in originals {
        let copy = repo::get(&mut *conn, map.table(original.id))
            .await?
            .ok_or_else(|| anyhow::anyhow!("The copy vanished."))?;
        tables.push(copy);
    }
    Ok(Copied { tables, map })
}

/// Computes the copies' computed fields afresh once their rows and links are in: a copied
/// value may hold ids of the original's select options or read through the original's
/// links, the recomputed one reads the copy.
async fn recompute_copies(conn: &mut PgConnection, copies: &[i64]) -> sqlx::Result<()> {
    for table_id in computed::recompute::tables_in_order(conn, copies).await? {
        let fields = field_repo::list(conn, table_id).await?;
        computed::recompute(conn, table_id, &fields, None).await?;
    }
    Ok(())
}

/// Copies a field (type, properties, options) into the new table; records its id and its
/// options' ids in `map`.
async fn copy_field(
    conn: &mut PgConnection,
    field: &Field,
    table_id: i64,
    map: &mut IdMap,
) -> anyhow::Result<Field> {
    let new = field_repo::NewField {
        table_id,
        name: &field.name,
        kind: &field.kind,
        primary: field.primary,
        description: field.description.as_deref(),
        options: &field.options,
    };
    let id = field_repo::insert(&mut *conn, &new).await?;
    map.fields.insert(field.id, id);
    field_repo::set_index_and_constraints(&mut *conn, id, field.db_index, &field.constraints)
        .await?;
    if !field.select_options.is_empty() {
        let fresh: Vec<_> = field
            .select_options
            .iter()
            .map(|o| fields::SelectOption { id: 0, ..o.clone() })
            .collect();
        field_repo::replace_select_options(conn, id, &fresh).await?;
    }
    let copy = field_repo::get(conn, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
    for (old, new) in field.select_options.iter().zip(&copy.select_options) {
        map.select_options.insert(old.id, new.id);
    }
    let ft = field_types()
        .get(&field.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown field type {}", field.kind))?;
    fields::ddl::add_column(conn, &copy, ft).await?;
    // The original's values are unique, so the copy's unique index holds them too.
    fields::constraints::apply_unique(conn, &copy, !copy.constraints.is_empty()).await?;
    if copy.db_index {
        fields::constraints::request_db_index(conn, table_id, id).await?;
    }
    Ok(copy)
}

/// Lookups, rollups and counts read through a link field of their own table (and a field
/// of the linked table): the copies read through the copied link.
async fn map_computed_settings(
    conn: &mut PgConnection,
    pairs: &[&(Field, Field)],
    map: &IdMap,
) -> sqlx::Result<()> {
    for (_, new) in pairs {
        let Some(options) = new.options.as_object() else {
            continue;
        };
        let mut mapped = options.clone();
        let mut changed = false;
        for key in ["through_field_id", "target_field_id"] {
            if let Some(value) = mapped.get_mut(key) {
                let to = map.field_value(value);
                changed |= to != *value;
                *value = to;
            }
        }
        if changed {
            field_repo::set_options(&mut *conn, new.id, &Value::Object(mapped)).await?;
        }
    }
    Ok(())
}

/// Gives a copied link field a relation of its own and copies the original's links of the
/// rows copied (row ids are kept, so links copy as they are).
///
/// A link whose related field was copied too (both tables copied) is paired with that
/// copy; the pair is set up once, by the field that owns the relation. Otherwise the copy
/// owns a new relation, with a new related field in a linked table that was not copied
/// when the original had one. A link to an original table links to its copy.
async fn copy_link(
    conn: &mut PgConnection,
    old: &Field,
    new: &Field,
    map: &IdMap,
) -> anyhow::Result<()> {
    let Some(old_rel) = Relation::of(old) else {
        return Ok(());
    };
    let owns = old_rel.id == old.id;
    if !owns && map.fields.contains_key(&old_rel.id) {
        return Ok(());
    }
    let target = map.table(old_rel.target_table);
    let related_copy = schema::related_id(old)
        .filter(|_| owns)
        .and_then(|id| map.fields.get(&id).copied());
    let linked = match related_copy {
        Some(related) => pair_up(conn, new, target, related).await?,
        None => {
            let mut options = new.options.clone();
            if let Some(m) = options.as_object_mut() {
                m.insert("link_row_table_id".into(), json!(target));
                m.insert("link_row_relation_id".into(), Value::Null);
                m.insert("link_row_related_field_id".into(), Value::Null);
            }
            field_repo::set_options(&mut *conn, new.id, &options).await?;
            let unlinked = field_repo::get(conn, new.id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
            // A related field in a copied table exists only if its original was live.
            let with_related = schema::related_id(old).is_some()
                && !map.tables.contains_key(&old_rel.target_table);
            schema::set_up(conn, &unlinked, with_related).await?.0
        }
    };
    let new_rel =
        Relation::of(&linked).ok_or_else(|| anyhow::anyhow!("link copy without relation"))?;
    let own_table = table_name(new.table_id);
    let target_table = table_name(target);
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {new_table} ({new_own}, {new_other}) \
         SELECT r.{own}, r.{other} FROM {old_table} r \
         WHERE EXISTS (SELECT 1 FROM {own_table} c WHERE c.id = r.{own}) \
         AND EXISTS (SELECT 1 FROM {target_table} l WHERE l.id = r.{other}) ORDER BY r.id",
        new_table = new_rel.table(),
        new_own = new_rel.own,
        new_other = new_rel.other,
        own = old_rel.own,
        other = old_rel.other,
        old_table = old_rel.table(),
    )))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes `field` (in its table) and `related` (in `target`) the two sides of one new
/// relation owned by `field`; returns `field` as stored now.
async fn pair_up(
    conn: &mut PgConnection,
    field: &Field,
    target: i64,
    related: i64,
) -> anyhow::Result<Field> {
    schema::create_relation(conn, field.id, field.table_id, target).await?;
    let sides = [
        (field.id, target, related),
        (related, field.table_id, field.id),
    ];
    for (id, links_to, other_side) in sides {
        let current = field_repo::get(conn, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
        let mut options = current.options.clone();
        if let Some(m) = options.as_object_mut() {
            m.insert("link_row_table_id".into(), json!(links_to));
            m.insert("link_row_relation_id".into(), json!(field.id));
            m.insert("link_row_related_field_id".into(), json!(other_side));
        }
        field_repo::set_options(&mut *conn, id, &options).await?;
    }
    field_repo::get(conn, field.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("field copy missing"))
}

/// A copied link limited to a view of a copied table is limited to that view's copy (a
/// view that was not copied limits nothing there).
async fn map_selection_views(
    conn: &mut PgConnection,
    pairs: &[&(Field, Field)],
    map: &IdMap,
) -> anyhow::Result<()> {
    const KEY: &str = "link_row_limit_selection_view_id";
    for (old, new) in pairs {
        if old.kind != links::LINK_ROW {
            continue;
        }
        let Some(view) = old.opt(KEY).as_i64() else {
            continue;
        };
        let Some(target) = old.opt("link_row_table_id").as_i64() else {
            continue;
        };
        if !map.tables.contains_key(&target) {
            continue;
        }
        let current = field_repo::get(conn, new.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("field copy missing"))?;
        let mut options = current.options.clone();
        if let Some(m) = options.as_object_mut() {
            let mapped = map.views.get(&view).map_or(Value::Null, |v| json!(v));
            m.insert(KEY.into(), mapped);
        }
        field_repo::set_options(&mut *conn, new.id, &options).await?;
    }
    Ok(())
}

/// Copies live rows, keeping ids, order and timestamps; select values follow the new option ids.
async fn copy_rows(
    conn: &mut PgConnection,
    original: &Table,
    copy_id: i64,
    pairs: &[(Field, Field)],
    option_map: &Value,
) -> sqlx::Result<()> {
    let mut columns = vec![
        "id",
        "\"order\"",
        "created_on",
        "updated_on",
        "created_by",
        "last_modified_by",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    let mut values = columns.clone();
    for (old, new) in pairs {
        let Some(ft) = field_types().get(&old.kind) else {
            continue;
        };
        if !matches!(ft.storage(old), fields::Storage::Column { .. }) {
            continue;
        }
        columns.push(new.column());
        values.push(match old.kind.as_str() {
            "single_select" => format!("($1::jsonb ->> t.{}::text)::bigint", old.column()),
            "multiple_select" => format!(
                "ARRAY(SELECT ($1::jsonb ->> x::text)::bigint FROM unnest(t.{}) AS x)",
                old.column()
            ),
            _ => format!("t.{}", old.column()),
        });
    }
    let (source, target) = (table_name(original.id), table_name(copy_id));
    let sql = format!(
        "INSERT INTO {target} ({}) SELECT {} FROM {source} t WHERE NOT t.trashed",
        columns.join(", "),
        values.join(", ")
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(option_map)
        .execute(&mut *conn)
        .await?;
    sqlx::query(AssertSqlSafe(format!(
        "SELECT setval(pg_get_serial_sequence('{target}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {target}), 1))"
    )))
    .execute(&mut *conn)
    .await?;
    // Autonumber sequences continue after the copied numbers.
    for (_, new) in pairs.iter().filter(|(old, _)| old.kind == "autonumber") {
        let col = new.column();
        sqlx::query(AssertSqlSafe(format!(
            "SELECT setval('{target}_{col}_seq', GREATEST((SELECT COALESCE(MAX({col}), 0) FROM {target}), 1))"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
