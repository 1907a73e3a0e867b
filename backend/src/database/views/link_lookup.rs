//! The rows a shared view's link field can point at, for visitors without an account
//! (Baserow's `link-row-field-lookup`): the id, primary text and order of rows of the
//! linked table, searched in the primary field alone. Only link fields the view shows
//! can be looked up. A form offers every row of the linked table (its visitors make new
//! links); other views only the rows their own rows, through their filters, link to.
//! A link limited to a view of the linked table offers only the rows that view shows.

use super::{View, ViewError, listing::saved_filter, parts::options_of, public, repo};
use crate::{
    context::AppContext,
    database::{
        access,
        fields::{self, Field, FieldError, registry::field_types},
        links::{LINK_ROW, Relation},
        rows::read::column_expr,
        tables::table_name,
    },
    platform::validation::ValidationError,
};
use serde_json::{Value, json};
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// One page of candidates: the total and `{id, value, order}` per row.
pub struct LookupPage {
    pub count: i64,
    pub results: Vec<Value>,
}

/// The fields a visitor of the view sees: a form's enabled questions, or the fields any
/// other view shows.
async fn shown_fields(conn: &mut PgConnection, view: &View) -> Result<Vec<Field>, ViewError> {
    if view.kind != "form" {
        return public::visible_fields(conn, view).await;
    }
    let options = options_of(conn, view).await?;
    Ok(fields::repo::list(conn, view.table_id)
        .await?
        .into_iter()
        .filter(|f| {
            options
                .get(&f.id.to_string())
                .and_then(|o| o.get("enabled"))
                == Some(&Value::Bool(true))
        })
        .collect())
}

/// Candidates for the link field `field_id` of the shared view `slug`, `limit` from
/// `offset`, whose primary text contains `search` (ignoring case) when one is given.
pub async fn lookup(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    field_id: i64,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<LookupPage, ViewError> {
    let wanted = Wanted {
        search,
        ids: None,
        limit,
        offset,
    };
    candidates_page(ctx, slug, token, field_id, wanted).await
}

/// Which candidates a caller asks for.
struct Wanted<'a> {
    search: Option<&'a str>,
    ids: Option<&'a [i64]>,
    limit: i64,
    offset: i64,
}

/// The primary texts of the rows `ids` among the candidates of the link field `field_id`,
/// in the order of `ids` (a form sent back with an error shows the rows already chosen);
/// ids that are no candidate are left out.
pub async fn chosen(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    field_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, ViewError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = Wanted {
        search: None,
        ids: Some(ids),
        limit: ids.len() as i64,
        offset: 0,
    };
    let page = candidates_page(ctx, slug, token, field_id, wanted).await?;
    let found: std::collections::HashMap<i64, String> = page
        .results
        .iter()
        .filter_map(|r| Some((r["id"].as_i64()?, r["value"].as_str()?.to_owned())))
        .collect();
    Ok(ids
        .iter()
        .filter_map(|id| Some((*id, found.get(id)?.clone())))
        .collect())
}

async fn candidates_page(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    field_id: i64,
    wanted: Wanted<'_>,
) -> Result<LookupPage, ViewError> {
    let Wanted {
        search,
        ids,
        limit,
        offset,
    } = wanted;
    if search.is_some_and(|s| s.contains('\0')) {
        return Err(ValidationError::single(
            "search",
            "invalid",
            "Null characters are not allowed.",
        )
        .into());
    }
    let mut conn = ctx.db.acquire().await?;
    let view = public::open(ctx, &mut conn, slug, token).await?;
    // Only a link field the visitor can see; any other id (another table's field, a
    // hidden one, a field of another type) is a field that does not exist here.
    let field = shown_fields(&mut conn, &view)
        .await?
        .into_iter()
        .find(|f| f.id == field_id && f.kind == LINK_ROW)
        .ok_or(FieldError::NotFound)?;
    let relation = Relation::of(&field).ok_or(FieldError::NotFound)?;
    access::scope(&mut conn, relation.target_table)
        .await?
        .ok_or(FieldError::NotFound)?;
    let target_fields = fields::repo::list(&mut conn, relation.target_table).await?;
    let limited_to = match field.opt("link_row_limit_selection_view_id").as_i64() {
        Some(id) => repo::get(&mut *conn, id)
            .await?
            .filter(|v| v.table_id == relation.target_table),
        None => None,
    };
    let limit_filter = match &limited_to {
        Some(v) => saved_filter(&mut conn, v).await?,
        None => None,
    };
    // A form's visitors link to any row; elsewhere, only rows the view's rows link to.
    let linked_from = if view.kind == "form" {
        None
    } else {
        let view_fields = fields::repo::list(&mut conn, view.table_id).await?;
        Some((saved_filter(&mut conn, &view).await?, view_fields))
    };
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    let candidates = Candidates {
        relation: &relation,
        view_table: view.table_id,
        target_fields: &target_fields,
        limit_filter: limit_filter.as_ref(),
        linked_from: linked_from
            .as_ref()
            .map(|(f, fs)| (f.as_ref(), fs.as_slice())),
        search,
        ids,
    };

    let mut count_sql = QueryBuilder::<Postgres>::new("SELECT count(*) ");
    candidates.push_from_where(&mut count_sql)?;
    let count: i64 = count_sql.build_query_scalar().fetch_one(&mut *conn).await?;

    let primary_text = target_fields
        .iter()
        .find(|f| f.primary)
        .and_then(|f| field_types().get(&f.kind).map(|ft| (f, ft)))
        .map(|(f, ft)| ft.text_sql(f, &column_expr(f, ft)))
        .unwrap_or_else(|| "NULL::text".into());
    let mut page_sql = QueryBuilder::<Postgres>::new(format!(
        "SELECT t.id, COALESCE(({primary_text})::text, ''), t.\"order\"::text "
    ));
    candidates.push_from_where(&mut page_sql)?;
    page_sql
        .push(" ORDER BY t.\"order\", t.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<(i64, String, String)> = page_sql.build_query_as().fetch_all(&mut *conn).await?;
    Ok(LookupPage {
        count,
        results: rows
            .into_iter()
            .map(|(id, value, order)| json!({"id": id, "value": value, "order": order}))
            .collect(),
    })
}

/// What narrows the linked table's rows down to the candidates.
struct Candidates<'a> {
    relation: &'a Relation,
    view_table: i64,
    target_fields: &'a [Field],
    /// The saved filters of the view the link is limited to.
    limit_filter: Option<&'a crate::database::filters::FilterGroup>,
    /// For views other than forms: the view's saved filters and its table's fields.
    linked_from: Option<(
        Option<&'a crate::database::filters::FilterGroup>,
        &'a [Field],
    )>,
    search: Option<&'a str>,
    /// Only these rows, when given.
    ids: Option<&'a [i64]>,
}

impl Candidates<'_> {
    /// `FROM <linked table> t WHERE …`: live rows passing every restriction.
    fn push_from_where(&self, sql: &mut QueryBuilder<Postgres>) -> Result<(), ViewError> {
        sql.push(format!(
            "FROM {} t WHERE NOT t.trashed",
            table_name(self.relation.target_table)
        ));
        if let Some(filter) = self.limit_filter {
            sql.push(" AND ");
            filter.push_sql(sql, self.target_fields, false)?;
        }
        if let Some((filter, view_fields)) = self.linked_from {
            // The subquery's own `t` (the view's table) hides the outer one, so the view's
            // filters read the view's rows.
            sql.push(format!(
                " AND t.id IN (SELECT r.{other} FROM {rel} r JOIN {view_table} t \
                 ON t.id = r.{own} WHERE NOT t.trashed",
                other = self.relation.other,
                own = self.relation.own,
                rel = self.relation.table(),
                view_table = table_name(self.view_table),
            ));
            if let Some(filter) = filter {
                sql.push(" AND ");
                filter.push_sql(sql, view_fields, false)?;
            }
            sql.push(")");
        }
        if let Some(ids) = self.ids {
            sql.push(" AND t.id = ANY(")
                .push_bind(ids.to_vec())
                .push(")");
        }
        if let Some(term) = self.search {
            sql.push(" AND (FALSE");
            let primary = self
                .target_fields
                .iter()
                .find(|f| f.primary)
                .and_then(|f| field_types().get(&f.kind).map(|ft| (f, ft)))
                .filter(|(_, ft)| ft.can_contain(term));
            if let Some((field, ft)) = primary {
                sql.push(" OR ");
                ft.push_contains(field, &column_expr(field, ft), sql, term);
            }
            sql.push(")");
        }
        Ok(())
    }
}
