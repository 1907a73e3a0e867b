//! The OpenAPI document (generated from the handlers' annotations) and its docs page.

use super::{api::*, state::AppState};
use axum::{Json, Router, routing::get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
};
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tessera API", description = "Baserow-compatible REST API of Tessera. Errors are `{\"error\": \"ERROR_…\", \"detail\": …}`."),
    paths(
        health::health, health::alive, health::full, health::email,
        admin::dashboard, admin::list_users, admin::create_user, admin::update_user,
        admin::delete_user, admin::impersonate, admin::list_workspaces, admin::delete_workspace,
        users::register, users::token_auth, users::token_refresh, users::token_verify,
        users::token_blacklist, users::send_reset_password_email, users::reset_password,
        users::send_verify_email, users::verify_email, users::schedule_account_deletion,
        users::change_password, users::update_account, users::dashboard,
        undo::undo, undo::redo,
        auth_providers::login_options,
        settings::get, settings::update, settings::instance_id,
        licenses::list, licenses::register, licenses::get, licenses::delete, licenses::check,
        licenses::add_user, licenses::remove_user, licenses::fill_seats,
        licenses::remove_all_users, licenses::lookup_users,
        workspaces::list, workspaces::create, workspaces::get, workspaces::update,
        workspaces::delete, workspaces::leave, workspaces::order, workspaces::permissions,
        workspaces::list_members, workspaces::update_member, workspaces::remove_member,
        workspaces::create_initial,
        invitations::list, invitations::create, invitations::get, invitations::update,
        invitations::delete, invitations::resend, invitations::by_token, invitations::accept, invitations::reject,
        applications::list, applications::list_in_workspace, applications::create,
        applications::get, applications::update, applications::delete, applications::order, applications::duplicate,
        snapshots::list, snapshots::create, snapshots::restore, snapshots::delete,
        database::tables::list, database::tables::create, database::tables::get, database::tables::update,
        database::tables::delete, database::tables::order,
        database::fields::list, database::fields::create, database::fields::get, database::fields::update, database::fields::delete, database::fields::formula_type, database::fields::unique_row_values, database::fields::password_authentication, database::fields::duplicate, database::fields::change_primary,
        database::row_lookups::names, database::row_lookups::adjacent,
        database::rows::list, database::rows::get, database::rows::create, database::rows::update, database::rows::delete,
        database::rows::move_row, database::row_history::list, database::rows::batch_create, database::rows::batch_update, database::rows::batch_delete,
        database::tokens::list, database::tokens::create, database::tokens::get, database::tokens::update,
        database::tokens::delete, database::tokens::check, database::tokens::all_tables,
        database::views::list, database::views::create, database::views::get, database::views::update,
        database::views::delete, database::views::order, database::views::duplicate,
        database::views::rotate_slug, database::views::field_options,
        database::views::update_field_options, database::views::rows, database::views::gallery_rows, database::views::kanban_rows, database::views::calendar_rows,
        database::views::rows_by_id,
        database::view_aggregations::of_view, database::view_aggregations::of_field,
        database::view_aggregations::of_view_old_path, database::view_aggregations::of_field_old_path,
        database::view_aggregations::of_public_view,
        database::view_parts::list_filters, database::view_parts::create_filter,
        database::view_parts::get_filter, database::view_parts::update_filter,
        database::view_parts::delete_filter, database::view_parts::create_filter_group,
        database::view_parts::get_filter_group, database::view_parts::update_filter_group,
        database::view_parts::delete_filter_group, database::view_parts::list_sorts,
        database::view_parts::create_sort, database::view_parts::get_sort,
        database::view_parts::update_sort, database::view_parts::delete_sort,
        database::view_parts::list_group_bys, database::view_parts::create_group_by,
        database::view_parts::get_group_by, database::view_parts::update_group_by,
        database::view_parts::delete_group_by,
        database::view_parts::list_decorations, database::view_parts::create_decoration,
        database::view_parts::get_decoration, database::view_parts::update_decoration,
        database::view_parts::delete_decoration, database::view_parts::decoration_colors,
        database::public_views::info, database::public_views::auth,
        database::public_views::row, database::public_views::link_row_lookup,
        database::public_views::grid_rows, database::public_views::gallery_rows,
        database::public_views::kanban_rows, database::public_views::calendar_rows,
        database::views::rotate_ical_slug, database::views::ical_feed,
        database::public_views::form_page, database::public_views::form_submit,
        database::webhooks::list, database::webhooks::create, database::webhooks::get,
        database::webhooks::update, database::webhooks::delete, database::webhooks::rotate_secret,
        database::webhooks::redeliver, database::webhooks::test_call,
        database::tables::duplicate, jobs::list, jobs::get, jobs::create, jobs::cancel,
        trash::structure, trash::contents, trash::empty, trash::restore,
        row_comments::list, row_comments::create, row_comments::update, row_comments::delete,
        row_comments::notification_mode,
        notifications::list, notifications::clear, notifications::mark_read,
        notifications::mark_all_read,
        database::export::start, database::export::get,
        database::imports::upload, database::imports::create_table_async, database::imports::import_into_table_async,
        user_files::upload_file,
        user_files::upload_via_url,
        user_files::form_upload_file,
        database::imports::external_tables,
    ),
    modifiers(&JwtAuth)
)]
pub struct ApiDoc;

struct JwtAuth;

impl Modify for JwtAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jwt",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`JWT <access_token>` (or `Bearer <access_token>`)",
            ))),
        );
    }
}

/// `/api/schema.json` and the Swagger UI at `/api/docs/`, whose assets are compiled in.
pub fn docs_router() -> Router<AppState> {
    let ui: Router<AppState> = SwaggerUi::new("/api/docs")
        .url("/api/docs/openapi.json", ApiDoc::openapi())
        .into();
    Router::new()
        .route(
            "/api/schema.json",
            get(|| async { Json(ApiDoc::openapi()) }),
        )
        .merge(ui)
}
