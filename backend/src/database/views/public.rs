//! Shared views: anyone with the link (and the password, when one is set) sees the rows of
//! a public grid, gallery, kanban or calendar view, through its filters and sorts, with only the fields it
//! shows. The request's own filters and `order_by` may name only those fields, and its
//! search looks only in them.

use super::{View, ViewError, calendar, listing, parts::options_of, repo, types};
use crate::{
    context::AppContext,
    database::{
        access,
        fields::{self, Field},
        filters::{FilterError, FilterNode, tree::resolve},
        rows::{self, ListQuery, Page, RowError, RowKeys, query::split_order_by},
    },
    platform::{auth::password, signing, throttle},
};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::net::IpAddr;

const TOKEN_PURPOSE: &str = "public_view";
/// How long a password-unlocked view stays open to the browser that unlocked it.
const TOKEN_MAX_AGE_SECS: i64 = 24 * 3600;

/// Whether `slug` could be a view's slug at all: ours are hex, Baserow's URL-safe base64.
/// Anything else (a NUL byte in particular, which PostgreSQL refuses in a text parameter)
/// is not looked up.
pub(super) fn plausible_slug(slug: &str) -> bool {
    (1..=128).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A public view of a live table by its slug; anything else is "does not exist".
async fn by_slug(conn: &mut PgConnection, slug: &str) -> Result<View, ViewError> {
    if !plausible_slug(slug) {
        return Err(ViewError::NotFound);
    }
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM database_views WHERE slug = $1 AND public AND NOT trashed",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await?;
    let view = match id {
        Some(id) => repo::get(&mut *conn, id).await?,
        None => None,
    }
    .ok_or(ViewError::NotFound)?;
    access::scope(conn, view.table_id)
        .await?
        .ok_or(ViewError::NotFound)?;
    Ok(view)
}

async fn password_hash(conn: &mut PgConnection, view_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT public_view_password FROM database_views WHERE id = $1")
        .bind(view_id)
        .fetch_one(conn)
        .await
}

/// What a token vouches for: this view, this slug, this password. Rotating the slug or
/// changing the password ends every token.
fn token_subject(view: &View, hash: &str) -> String {
    let digest: String = Sha256::digest(hash.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}:{}:{digest}", view.id, view.slug)
}

/// A view with a password needs the token `public/auth/` gave (`Baserow-View-Authorization: JWT <token>`).
pub(super) async fn open(
    ctx: &AppContext,
    conn: &mut PgConnection,
    slug: &str,
    token: Option<&str>,
) -> Result<View, ViewError> {
    let view = by_slug(conn, slug).await?;
    if let Some(hash) = password_hash(conn, view.id).await? {
        let subject = token.and_then(|t| {
            signing::unsign(
                &ctx.settings.secret_key,
                TOKEN_PURPOSE,
                t,
                TOKEN_MAX_AGE_SECS,
                chrono::Utc::now().timestamp(),
            )
            .ok()
        });
        if subject.as_deref() != Some(token_subject(&view, &hash).as_str()) {
            return Err(ViewError::NoPublicAuthorization);
        }
    }
    Ok(view)
}

/// The shared view a live subscription asks for, when its link (and token, for a view
/// with a password) still opens it.
pub async fn open_shared(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
) -> Result<View, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    open(ctx, &mut conn, slug, token).await
}

/// Checks the password of a shared view and returns a token for it.
/// Password attempts per client address and shared view.
const PASSWORD_TRIES: throttle::Limit =
    throttle::Limit::per(10, std::time::Duration::from_secs(60));

pub async fn authenticate(
    ctx: &AppContext,
    slug: &str,
    given: &str,
    client: IpAddr,
) -> Result<String, ViewError> {
    // Guessing a view's password is throttled per client address and view.
    throttle::hit(
        ctx,
        "view-password",
        &format!("{client} {slug}"),
        PASSWORD_TRIES,
    )
    .await?;
    let mut conn = ctx.db.acquire().await?;
    let view = by_slug(&mut conn, slug).await?;
    let Some(hash) = password_hash(&mut conn, view.id).await? else {
        return Err(ViewError::NoPublicAuthorization);
    };
    if given.contains('\0') || !password::verify(given, &hash).await {
        return Err(ViewError::NoPublicAuthorization);
    }
    let subject = token_subject(&view, &hash);
    Ok(signing::sign(
        &ctx.settings.secret_key,
        TOKEN_PURPOSE,
        &subject,
        chrono::Utc::now().timestamp(),
    ))
}

/// Fields a shared view shows whatever their `hidden` option says: those the view needs
/// to lay its rows out (the kanban's select field, the calendar's date field, the cards'
/// cover image field), and on cards the primary field, their title in the app, unless
/// the view's options hide it explicitly (`explicitly_hidden`; the app never does).
pub fn always_shown(
    view: &View,
    fields: &[Field],
    explicitly_hidden: impl Fn(i64) -> bool,
) -> Vec<i64> {
    let laid_out_by = [
        "single_select_field",
        "date_field",
        "card_cover_image_field",
    ]
    .iter()
    .filter_map(|key| view.options.0.get(*key).and_then(Value::as_i64));
    let cards = matches!(view.kind.as_str(), "gallery" | "kanban" | "calendar");
    fields
        .iter()
        .filter(|f| cards && f.primary && !explicitly_hidden(f.id))
        .map(|f| f.id)
        .chain(laid_out_by)
        .collect()
}

/// The fields a shared view shows, in the table's order.
pub(super) async fn visible_fields(
    conn: &mut PgConnection,
    view: &View,
) -> Result<Vec<Field>, ViewError> {
    let options = options_of(conn, view).await?;
    let fields = fields::repo::list(&mut *conn, view.table_id).await?;
    let stored = repo::field_options(&mut *conn, view.id).await?;
    let always = always_shown(view, &fields, |id| {
        stored
            .iter()
            .any(|(f, o)| *f == id && o.0.get("hidden") == Some(&Value::Bool(true)))
    });
    Ok(fields
        .into_iter()
        .filter(|f| {
            always.contains(&f.id)
                || options
                    .get(&f.id.to_string())
                    .and_then(|o| o.get("hidden"))
                    .and_then(|h| h.as_bool())
                    == Some(false)
        })
        .collect())
}

/// The view and the fields it shows, for the page that displays it.
pub async fn info(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
) -> Result<(View, Vec<Field>), ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = open(ctx, &mut conn, slug, token).await?;
    let visible = visible_fields(&mut conn, &view).await?;
    Ok((view, visible))
}

/// The name of the table a view opened with [`info`] shows, which its page is titled by.
pub async fn table_name(ctx: &AppContext, view: &View) -> Result<String, ViewError> {
    Ok(crate::database::tables::repo::get(&ctx.db, view.table_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default())
}

/// A shared view of `kinds` opened for reading rows, with the request checked against
/// the fields it shows: its filters and `order_by` may name only those, and its search
/// looks only in them. Returns the view and its visible fields.
async fn open_checked(
    ctx: &AppContext,
    conn: &mut PgConnection,
    slug: &str,
    token: Option<&str>,
    kinds: &[&str],
    q: &mut ListQuery,
) -> Result<(View, Vec<Field>), ViewError> {
    let view = open(ctx, conn, slug, token).await?;
    if !kinds.contains(&view.kind.as_str()) {
        return Err(ViewError::NotFound);
    }
    let visible = visible_fields(conn, &view).await?;
    let all = fields::repo::list(conn, view.table_id).await?;
    let by_name = q.keys == RowKeys::Names;
    // Hidden fields must not be reachable through the request's own filters, sorts or search.
    if let Some(filter) = &q.filter {
        for node in filter.walk() {
            if let FilterNode::Leaf(leaf) = node
                && resolve(&visible, &leaf.field, by_name).is_none()
            {
                return Err(
                    FilterError::FieldNotFound(crate::database::filters::tree::describe(
                        &leaf.field,
                    ))
                    .into(),
                );
            }
        }
    }
    if let Some(order_by) = &q.order_by {
        for key in split_order_by(order_by) {
            let name = key.trim_start_matches(['-', '+']);
            let name = name.split_once('[').map(|(n, _)| n).unwrap_or(name);
            let r = crate::database::filters::tree::FieldRef::Text(name.to_owned());
            if resolve(&visible, &r, by_name).is_none() {
                return Err(RowError::OrderByFieldNotFound(name.to_owned()).into());
            }
        }
    }
    if visible.len() < all.len() {
        q.search_fields = Some(visible.iter().map(|f| f.id).collect());
    }
    Ok((view, visible))
}

/// Returns only the visible fields' values.
fn only_visible(q: &mut ListQuery, visible: &[Field]) {
    let by_name = q.keys == RowKeys::Names;
    q.include = Some(
        visible
            .iter()
            .map(|f| if by_name { f.name.clone() } else { f.column() })
            .collect(),
    );
    q.exclude = None;
}

/// A shared grid or gallery view opened for reading rows: the request checked against the
/// fields it shows and the view's filters (and sorts, unless the request orders) applied.
/// Returns the view and its visible fields.
pub(super) async fn open_for_rows(
    ctx: &AppContext,
    conn: &mut PgConnection,
    slug: &str,
    token: Option<&str>,
    q: &mut ListQuery,
) -> Result<(View, Vec<Field>), ViewError> {
    let (view, visible) = open_checked(ctx, conn, slug, token, &["grid", "gallery"], q).await?;
    listing::apply(conn, &view, q, listing::Adhoc::And).await?;
    Ok((view, visible))
}

/// Rows of a shared grid or gallery view: the view's filters and sorts, then the request's
/// filters on top (its `order_by` replaces the sorts), only visible fields returned.
pub async fn rows(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    mut q: ListQuery,
) -> Result<Page, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, visible) = open_for_rows(ctx, &mut conn, slug, token, &mut q).await?;
    only_visible(&mut q, &visible);
    drop(conn);
    Ok(rows::list_shared(ctx, view.table_id, &q).await?)
}

/// One row of a shared grid, gallery, kanban or calendar view, with the fields the view
/// shows; a row the view's filters leave out (hidden fields' filters too) does not exist
/// here. A form shows no rows.
pub async fn row(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    row_id: i64,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = open(ctx, &mut conn, slug, token).await?;
    if !types::by_name(&view.kind).is_some_and(|t| t.lists_rows()) {
        return Err(ViewError::DoesNotListRows);
    }
    let visible = visible_fields(&mut conn, &view).await?;
    let mut q = ListQuery {
        ids: Some(vec![row_id]),
        paging: rows::Paging::Offset {
            limit: 1,
            offset: 0,
        },
        with_count: false,
        ..ListQuery::default()
    };
    listing::apply(&mut conn, &view, &mut q, listing::Adhoc::And).await?;
    // One row has no order to keep; the view's sorts would only cost a sort.
    q.order_by = None;
    only_visible(&mut q, &visible);
    drop(conn);
    rows::list_shared(ctx, view.table_id, &q)
        .await?
        .results
        .into_iter()
        .next()
        .ok_or_else(|| RowError::NotFound(vec![row_id]).into())
}

/// Rows of a shared kanban view per column (see [`listing::kanban_columns`]): the view's
/// filters and the request's both apply, only visible fields returned.
pub async fn kanban_rows(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    mut q: ListQuery,
    columns: Vec<listing::ColumnPage>,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let (view, visible) = open_checked(ctx, &mut conn, slug, token, &["kanban"], &mut q).await?;
    only_visible(&mut q, &visible);
    drop(conn);
    listing::kanban_columns(
        ctx,
        &view,
        q,
        columns,
        listing::Adhoc::And,
        listing::Reader::Visitor,
    )
    .await
}

/// Rows of a shared calendar view per day (see [`calendar::days_of`]): the view's filters
/// and the request's both apply, only visible fields returned.
pub async fn calendar_rows(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
    mut q: ListQuery,
    range: calendar::DayRange,
) -> Result<Map<String, Value>, ViewError> {
    range.check()?;
    let mut conn = ctx.db.acquire().await?;
    let (view, visible) = open_checked(ctx, &mut conn, slug, token, &["calendar"], &mut q).await?;
    only_visible(&mut q, &visible);
    calendar::days_of(&mut conn, &view, q, &range, listing::Adhoc::And).await
}

/// The field options of the fields a shared view shows (`include=field_options`).
pub async fn field_options(
    ctx: &AppContext,
    slug: &str,
    token: Option<&str>,
) -> Result<Map<String, Value>, ViewError> {
    let mut conn = ctx.db.acquire().await?;
    let view = open(ctx, &mut conn, slug, token).await?;
    let visible = visible_fields(&mut conn, &view).await?;
    let mut options = options_of(&mut conn, &view).await?;
    options.retain(|id, _| visible.iter().any(|f| f.id.to_string() == *id));
    Ok(options)
}
