//! Paging of small listings (comments, notifications) as Baserow pages them: `limit` and
//! `offset` (Django REST framework's limit-offset pagination: a larger limit is capped),
//! or `page` and `size` where the endpoint allows them (a larger size is refused).

use super::database::param;
use crate::error::{ApiError, Code, Detail};
use serde_json::{Value, json};

/// Which rows of a listing to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: i64,
    pub offset: i64,
    /// `Some(page)` when asked by page number.
    page: Option<i64>,
}

fn number(params: &[(String, String)], key: &str, min: i64) -> Result<Option<i64>, ApiError> {
    match param(params, key) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= min)
            .map(Some)
            .ok_or_else(|| {
                ApiError::query_validation(Detail::field(
                    key,
                    "invalid",
                    format!("A whole number of at least {min} is required."),
                ))
            }),
    }
}

/// `limit`/`offset` (default `default`, capped at `max`), or, when `pages` is set and no
/// `limit` is given, `page`/`size`.
pub fn window(
    params: &[(String, String)],
    default: i64,
    max: i64,
    pages: bool,
) -> Result<Window, ApiError> {
    let limit = number(params, "limit", 1)?;
    if limit.is_some() || !pages {
        return Ok(Window {
            limit: limit.unwrap_or(default).min(max),
            offset: number(params, "offset", 0)?.unwrap_or(0),
            page: None,
        });
    }
    let page = number(params, "page", 1)?.unwrap_or(1);
    let size = number(params, "size", 1)?.unwrap_or(default);
    if size > max {
        return Err(ApiError::new(
            Code::PageSizeLimit,
            format!("The page size is limited to {max}."),
        ));
    }
    Ok(Window {
        limit: size,
        offset: (page - 1).saturating_mul(size),
        page: Some(page),
    })
}

fn link(public_url: &str, path: &str, params: &[(String, String)], set: &[(&str, i64)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .cloned()
        .collect();
    for (k, v) in set {
        // The first page and a zero offset are the address without them.
        if !((*k == "page" && *v == 1) || (*k == "offset" && *v == 0)) {
            pairs.push(((*k).to_owned(), v.to_string()));
        }
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        format!("{public_url}{path}")
    } else {
        format!("{public_url}{path}?{query}")
    }
}

/// `{count, next, previous, results}` with links to the neighbouring windows.
pub fn body(
    public_url: &str,
    path: &str,
    params: &[(String, String)],
    window: Window,
    count: i64,
    results: Vec<Value>,
) -> Value {
    let Window {
        limit,
        offset,
        page,
    } = window;
    let (next, previous) = match page {
        Some(n) => (
            (n.saturating_mul(limit) < count)
                .then(|| link(public_url, path, params, &[("page", n + 1)])),
            (n > 1).then(|| link(public_url, path, params, &[("page", n - 1)])),
        ),
        None => (
            (offset.saturating_add(limit) < count).then(|| {
                link(
                    public_url,
                    path,
                    params,
                    &[("limit", limit), ("offset", offset + limit)],
                )
            }),
            (offset > 0).then(|| {
                link(
                    public_url,
                    path,
                    params,
                    &[("limit", limit), ("offset", (offset - limit).max(0))],
                )
            }),
        ),
    };
    json!({"count": count, "next": next, "previous": previous, "results": results})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn limits_are_capped_pages_checked_and_links_point_at_neighbours() {
        let params = p(&[("limit", "500"), ("offset", "10")]);
        let w = window(&params, 100, 200, true).unwrap();
        assert_eq!((w.limit, w.offset), (200, 10));
        let b = body("http://h", "/x/", &params, w, 300, vec![]);
        assert_eq!(b["next"], "http://h/x/?limit=200&offset=210");
        assert_eq!(b["previous"], "http://h/x/?limit=200");
        let params = p(&[("page", "2"), ("size", "5")]);
        let w = window(&params, 100, 200, true).unwrap();
        assert_eq!((w.limit, w.offset), (5, 5));
        let b = body("http://h", "/x/", &params, w, 11, vec![]);
        assert_eq!(b["next"], "http://h/x/?page=3&size=5");
        assert_eq!(b["previous"], "http://h/x/?size=5");
        assert!(window(&p(&[("size", "201")]), 100, 200, true).is_err());
        assert!(window(&p(&[("limit", "x")]), 100, 200, true).is_err());
        assert!(window(&p(&[("offset", "-1")]), 100, 200, false).is_err());
    }
}
