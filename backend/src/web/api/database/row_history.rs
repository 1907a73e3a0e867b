//! `/api/database/rows/table/{table_id}/{row_id}/history/`: a row's change history.

use super::{param, rows::params};
use crate::{
    database::{row_history, rows::query::MAX_PAGE_SIZE},
    error::ApiError,
    web::{
        extract::{ApiPath, Auth},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::Uri,
};
use serde_json::{Value, json};

/// DRF's `LimitOffsetPagination` as Baserow configures it here: `limit` defaults to and is
/// capped at the row page size; a missing, non-numeric or non-positive one means the
/// default, and a bad `offset` means 0 (DRF answers these with a page, not an error).
fn limit_offset(params: &[(String, String)]) -> (usize, usize) {
    let limit = param(params, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .map_or(MAX_PAGE_SIZE, |l| l.min(MAX_PAGE_SIZE));
    let offset = param(params, "offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    (limit, offset)
}

/// The absolute link to another page: `limit` and `offset` replaced (`offset` dropped for
/// the first page), keys sorted, as DRF builds it.
fn link(
    public_url: &str,
    path: &str,
    params: &[(String, String)],
    limit: usize,
    offset: Option<usize>,
) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .cloned()
        .collect();
    pairs.push(("limit".into(), limit.to_string()));
    if let Some(offset) = offset {
        pairs.push(("offset".into(), offset.to_string()));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{public_url}{path}?{query}")
}

#[utoipa::path(get, path = "/api/database/rows/table/{table_id}/{row_id}/history/", tag = "Database rows",
    params(("table_id" = i64, Path), ("row_id" = i64, Path), ("limit" = Option<usize>, Query), ("offset" = Option<usize>, Query)),
    responses((status = 200, description = "`{count, next, previous, results}`: entries `{id, action_type, action_command_type, user {id, name}, timestamp, before, after, fields_metadata}`, newest first")),
    security(("jwt" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw);
    let (limit, offset) = limit_offset(&params);
    let page = row_history::list(
        &state.ctx,
        &actor,
        table_id,
        row_id,
        limit as i64,
        offset.min(i64::MAX as usize) as i64,
    )
    .await?;
    let count = page.count as usize;
    let base = &state.ctx.settings.public_url;
    let next = (offset.saturating_add(limit) < count)
        .then(|| link(base, uri.path(), &params, limit, Some(offset + limit)));
    let previous = (offset > 0).then(|| {
        let back = offset.saturating_sub(limit);
        link(base, uri.path(), &params, limit, (back > 0).then_some(back))
    });
    Ok(Json(json!({
        "count": page.count,
        "next": next,
        "previous": previous,
        "results": page.results,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn limits_fall_back_like_drf_and_links_replace_limit_and_offset() {
        assert_eq!(limit_offset(&p(&[])), (200, 0));
        assert_eq!(
            limit_offset(&p(&[("limit", "0"), ("offset", "x")])),
            (200, 0)
        );
        assert_eq!(limit_offset(&p(&[("limit", "-3")])), (200, 0));
        assert_eq!(
            limit_offset(&p(&[("limit", "5000"), ("offset", "4")])),
            (200, 4)
        );
        assert_eq!(
            link(
                "http://h",
                "/p/",
                &p(&[("offset", "2"), ("a", "1")]),
                2,
                Some(4)
            ),
            "http://h/p/?a=1&limit=2&offset=4"
        );
        assert_eq!(
            link("http://h", "/p/", &p(&[("offset", "2")]), 2, None),
            "http://h/p/?limit=2"
        );
    }
}
