//! `/api/database/rows/names/` (rows' primary texts) and
//! `/api/database/rows/table/{t}/{r}/adjacent/` (the row before or after one).

use super::{
    param,
    rows::{keys, optional_id, params},
    truthy,
};
use crate::{
    database::rows::{self, ListQuery},
    error::{ApiError, Detail},
    web::{
        extract::{ApiPath, Auth, AuthOrToken},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

fn invalid(detail: String) -> ApiError {
    ApiError::query_validation(Detail::Message(detail))
}

/// `table__{id}=1,2,3` pairs; any other key is refused, as Baserow does.
fn wanted_rows(params: &[(String, String)]) -> Result<Vec<(i64, Vec<i64>)>, ApiError> {
    params
        .iter()
        .map(|(name, value)| {
            let table = name.strip_prefix("table__").ok_or_else(|| {
                invalid("Only table Id prefixed by \"table__\" are allowed as parameter.".into())
            })?;
            let table: i64 = table
                .parse()
                .map_err(|_| invalid(format!("Failed to parse table id in \"{name}\".")))?;
            let ids = value
                .split(',')
                .map(|id| id.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    invalid(format!(
                        "Failed to parse row ids in \"{value}\" for \"{name}\" parameter."
                    ))
                })?;
            Ok((table, ids))
        })
        .collect()
}

/// Query: `table__{id}=<row ids>` for one or more tables of one database.
#[utoipa::path(get, path = "/api/database/rows/names/", tag = "Database rows",
    params(("table__{id}" = Option<String>, Query, description = "Comma-separated row ids of the table `{id}`")),
    responses((status = 200, description = "`{\"<table id>\": {\"<row id>\": \"<primary value as text>\"}}`"),
        (status = 400, description = "ERROR_QUERY_PARAMETER_VALIDATION"), (status = 404, description = "ERROR_TABLE_DOES_NOT_EXIST")),
    security(("jwt" = [])))]
pub async fn names(
    State(state): State<AppState>,
    AuthOrToken(actor): AuthOrToken,
    RawQuery(raw): RawQuery,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let wanted = wanted_rows(&params(raw))?;
    Ok(Json(rows::names(&state.ctx, &actor, &wanted).await?))
}

/// DRF's boolean: Baserow's truthy words, or the false ones; anything else is refused.
fn flag(params: &[(String, String)], key: &str) -> Result<bool, ApiError> {
    match param(params, key) {
        None => Ok(false),
        v if truthy(v) => Ok(true),
        Some(v)
            if matches!(
                v.to_ascii_lowercase().as_str(),
                "false" | "f" | "n" | "no" | "off" | "0"
            ) =>
        {
            Ok(false)
        }
        Some(_) => Err(ApiError::query_validation(Detail::field(
            key,
            "invalid",
            "Must be a valid boolean.",
        ))),
    }
}

/// The next row (or the previous with `previous`) in the order of the view `view_id`
/// (its filters and sorts) or of the table, among the rows `search` finds; 204 when the
/// row is the last (first) one.
#[utoipa::path(get, path = "/api/database/rows/table/{table_id}/{row_id}/adjacent/", tag = "Database rows",
    params(("table_id" = i64, Path), ("row_id" = i64, Path), ("previous" = Option<bool>, Query),
        ("view_id" = Option<i64>, Query), ("search" = Option<String>, Query), ("user_field_names" = Option<String>, Query)),
    responses((status = 200, description = "The adjacent row"), (status = 204, description = "No adjacent row"),
        (status = 404, description = "ERROR_TABLE_DOES_NOT_EXIST, ERROR_ROW_DOES_NOT_EXIST, ERROR_VIEW_DOES_NOT_EXIST")),
    security(("jwt" = [])))]
pub async fn adjacent(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath((table_id, row_id)): ApiPath<(i64, i64)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = params(raw);
    let previous = flag(&params, "previous")?;
    let mut q = ListQuery {
        search: param(&params, "search").map(str::to_owned),
        keys: keys(&params),
        ..ListQuery::default()
    };
    if let Some(view_id) = optional_id(&params, "view_id")? {
        crate::database::views::listing::apply_to_table_listing(
            &state.ctx, &actor, table_id, view_id, &mut q,
        )
        .await?;
    }
    Ok(
        match rows::adjacent(&state.ctx, &actor, table_id, row_id, previous, &q).await? {
            Some(row) => Json(row).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}
