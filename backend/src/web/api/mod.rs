//! The JSON REST API under `/api/`, mirroring Baserow's paths.

pub mod admin;
pub mod applications;
pub mod auth_providers;
pub mod database;
pub mod health;
pub mod invitations;
pub mod jobs;
pub mod licenses;
pub mod notifications;
pub mod paging;
pub mod row_comments;
pub mod settings;
pub mod snapshots;
pub mod trash;
pub mod undo;
pub mod user_files;
pub mod users;
pub mod workspaces;

use super::routes::RouteTable;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

/// Every API route. Workspace routes are also served under Baserow's old "group" paths.
pub fn routes() -> RouteTable {
    let mut table = RouteTable::new()
        .route("/api/_health/", get(health::health))
        .route("/_health/", get(health::alive))
        .route("/api/_health/full/", get(health::full))
        .route("/api/_health/email/", post(health::email))
        .route("/api/admin/dashboard/", get(admin::dashboard))
        .route(
            "/api/admin/users/",
            get(admin::list_users).post(admin::create_user),
        )
        .route("/api/admin/users/impersonate/", post(admin::impersonate))
        .route(
            "/api/admin/users/{user_id}/",
            patch(admin::update_user).delete(admin::delete_user),
        )
        .route("/api/admin/workspaces/", get(admin::list_workspaces))
        .route(
            "/api/admin/workspaces/{workspace_id}/",
            axum::routing::delete(admin::delete_workspace),
        )
        .route("/api/user/", post(users::register))
        .route("/api/user/token-auth/", post(users::token_auth))
        .route("/api/user/token-refresh/", post(users::token_refresh))
        .route("/api/user/token-verify/", post(users::token_verify))
        .route("/api/user/token-blacklist/", post(users::token_blacklist))
        .route(
            "/api/user/send-reset-password-email/",
            post(users::send_reset_password_email),
        )
        .route("/api/user/reset-password/", post(users::reset_password))
        .route("/api/user/change-password/", post(users::change_password))
        .route("/api/user/account/", patch(users::update_account))
        .route("/api/user/dashboard/", get(users::dashboard))
        .route(
            "/api/user/send-verify-email/",
            post(users::send_verify_email),
        )
        .route("/api/user/verify-email/", post(users::verify_email))
        .route(
            "/api/user/schedule-account-deletion/",
            post(users::schedule_account_deletion),
        )
        .route("/api/user/undo/", patch(undo::undo))
        .route("/api/user/redo/", patch(undo::redo))
        .route(
            "/api/auth-provider/login-options/",
            get(auth_providers::login_options),
        )
        .route("/api/settings/", get(settings::get).patch(settings::update))
        .route("/api/settings/update/", patch(settings::update))
        .route("/api/settings/instance-id/", get(settings::instance_id))
        .route(
            "/api/licenses/",
            get(licenses::list).post(licenses::register),
        )
        .route(
            "/api/licenses/{id}/",
            get(licenses::get).delete(licenses::delete),
        )
        .route("/api/licenses/{id}/check/", get(licenses::check))
        .route("/api/licenses/{id}/fill-seats/", post(licenses::fill_seats))
        .route(
            "/api/licenses/{id}/remove-all-users/",
            post(licenses::remove_all_users),
        )
        .route(
            "/api/licenses/{id}/lookup-users/",
            get(licenses::lookup_users),
        )
        .route(
            "/api/licenses/{id}/{user_id}/",
            post(licenses::add_user).delete(licenses::remove_user),
        )
        .route("/api/applications/", get(applications::list))
        .route(
            "/api/applications/{id}/",
            get(applications::get)
                .patch(applications::update)
                .delete(applications::delete),
        )
        .route(
            "/api/applications/{id}/duplicate/async/",
            post(applications::duplicate),
        )
        .route(
            "/api/snapshots/application/{id}/",
            get(snapshots::list).post(snapshots::create),
        )
        .route("/api/snapshots/{id}/", delete(snapshots::delete))
        .route("/api/snapshots/{id}/restore/", post(snapshots::restore))
        .route(
            "/api/row_comments/{table_id}/{row_id}/",
            get(row_comments::list).post(row_comments::create),
        )
        .route(
            "/api/row_comments/{table_id}/{row_id}/notification-mode/",
            put(row_comments::notification_mode),
        )
        .route(
            "/api/row_comments/{table_id}/comment/{comment_id}/",
            patch(row_comments::update).delete(row_comments::delete),
        )
        .route(
            "/api/notifications/{workspace_id}/",
            get(notifications::list).delete(notifications::clear),
        )
        .route(
            "/api/notifications/{workspace_id}/mark-all-as-read/",
            post(notifications::mark_all_read),
        )
        .route(
            "/api/notifications/{workspace_id}/{notification_id}/",
            patch(notifications::mark_read),
        )
        .route("/api/trash/", get(trash::structure))
        .route("/api/trash/restore/", patch(trash::restore))
        .route("/api/jobs/", get(jobs::list).post(jobs::create))
        .route(
            "/api/database/import/upload/",
            // The upload's own limit (`TESSERA_IMPORT_MAX_BYTES`) replaces the body limit.
            post(database::imports::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/user-files/upload-file/",
            // The upload's own limit (`TESSERA_FILE_UPLOAD_SIZE_LIMIT_MB`) replaces the body limit.
            post(user_files::upload_file).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/user-files/upload-via-url/",
            post(user_files::upload_via_url),
        )
        .route(
            "/api/database/views/form/{id}/upload-file/",
            post(user_files::form_upload_file).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/database/import/external/tables/",
            post(database::imports::external_tables),
        )
        .route("/api/jobs/{id}/", get(jobs::get))
        .route("/api/jobs/{id}/cancel/", post(jobs::cancel))
        .route(
            "/api/database/tables/{id}/duplicate/async/",
            post(database::tables::duplicate),
        )
        .route(
            "/api/database/tables/database/{id}/async/",
            post(database::imports::create_table_async),
        )
        .route(
            "/api/database/tables/{id}/import/async/",
            post(database::imports::import_into_table_async),
        )
        .route(
            "/api/database/tables/all-tables/",
            get(database::tokens::all_tables),
        )
        .route(
            "/api/database/tokens/",
            get(database::tokens::list).post(database::tokens::create),
        )
        .route("/api/database/tokens/check/", get(database::tokens::check))
        .route(
            "/api/database/tokens/{id}/",
            get(database::tokens::get)
                .patch(database::tokens::update)
                .delete(database::tokens::delete),
        )
        .route(
            "/api/database/views/table/{id}/",
            get(database::views::list).post(database::views::create),
        )
        .route(
            "/api/database/views/table/{id}/order/",
            post(database::views::order),
        )
        .route(
            "/api/database/views/{id}/",
            get(database::views::get)
                .patch(database::views::update)
                .delete(database::views::delete),
        )
        .route(
            "/api/database/views/{id}/duplicate/",
            post(database::views::duplicate),
        )
        .route(
            "/api/database/views/{id}/rotate-slug/",
            post(database::views::rotate_slug),
        )
        .route(
            "/api/database/views/{id}/field-options/",
            get(database::views::field_options).patch(database::views::update_field_options),
        )
        .route(
            "/api/database/views/grid/{id}/",
            get(database::views::rows).post(database::views::rows_by_id),
        )
        .route(
            "/api/database/views/grid/{id}/field-aggregations/",
            get(database::view_aggregations::of_view_old_path),
        )
        .route(
            "/api/database/views/grid/{id}/field-aggregation/{field_id}/",
            get(database::view_aggregations::of_field_old_path),
        )
        // Baserow's paths; the two above are kept for clients written against them.
        .route(
            "/api/database/views/grid/{id}/aggregations/",
            get(database::view_aggregations::of_view),
        )
        .route(
            "/api/database/views/grid/{id}/aggregation/{field_id}/",
            get(database::view_aggregations::of_field),
        )
        .route(
            "/api/database/views/grid/{id}/public/aggregations/",
            get(database::view_aggregations::of_public_view),
        )
        .route(
            "/api/database/views/kanban/{id}/",
            get(database::views::kanban_rows),
        )
        .route(
            "/api/database/views/calendar/{id}/",
            get(database::views::calendar_rows),
        )
        .route(
            "/api/database/views/{id}/public/info/",
            get(database::public_views::info),
        )
        .route(
            "/api/database/views/{id}/public/auth/",
            post(database::public_views::auth),
        )
        .route(
            "/api/database/views/{id}/row/{row_id}/",
            get(database::public_views::row),
        )
        .route(
            "/api/database/views/{id}/link-row-field-lookup/{field_id}/",
            get(database::public_views::link_row_lookup),
        )
        .route(
            "/api/database/views/form/{id}/submit/",
            get(database::public_views::form_page).post(database::public_views::form_submit),
        )
        .route(
            "/api/database/views/grid/{id}/public/rows/",
            get(database::public_views::grid_rows),
        )
        .route(
            "/api/database/views/gallery/{id}/public/rows/",
            get(database::public_views::gallery_rows),
        )
        .route(
            "/api/database/views/kanban/{id}/public/rows/",
            get(database::public_views::kanban_rows),
        )
        .route(
            "/api/database/views/calendar/{id}/public/rows/",
            get(database::public_views::calendar_rows),
        )
        .route(
            "/api/database/views/calendar/{id}/ical_slug_rotate/",
            post(database::views::rotate_ical_slug),
        )
        .route(
            "/api/database/views/calendar/{id}",
            get(database::views::ical_feed),
        )
        .route(
            "/api/database/views/gallery/{id}/",
            get(database::views::gallery_rows),
        )
        .route(
            "/api/database/views/{id}/filters/",
            get(database::view_parts::list_filters).post(database::view_parts::create_filter),
        )
        .route(
            "/api/database/views/filter/{id}/",
            get(database::view_parts::get_filter)
                .patch(database::view_parts::update_filter)
                .delete(database::view_parts::delete_filter),
        )
        .route(
            "/api/database/views/{id}/filter-groups/",
            post(database::view_parts::create_filter_group),
        )
        .route(
            "/api/database/views/filter-group/{id}/",
            get(database::view_parts::get_filter_group)
                .patch(database::view_parts::update_filter_group)
                .delete(database::view_parts::delete_filter_group),
        )
        .route(
            "/api/database/views/{id}/sortings/",
            get(database::view_parts::list_sorts).post(database::view_parts::create_sort),
        )
        .route(
            "/api/database/views/sort/{id}/",
            get(database::view_parts::get_sort)
                .patch(database::view_parts::update_sort)
                .delete(database::view_parts::delete_sort),
        )
        .route(
            "/api/database/views/{id}/group_bys/",
            get(database::view_parts::list_group_bys).post(database::view_parts::create_group_by),
        )
        .route(
            "/api/database/views/group_by/{id}/",
            get(database::view_parts::get_group_by)
                .patch(database::view_parts::update_group_by)
                .delete(database::view_parts::delete_group_by),
        )
        .route(
            "/api/database/views/{id}/decorations/",
            get(database::view_parts::list_decorations)
                .post(database::view_parts::create_decoration),
        )
        .route(
            "/api/database/views/{id}/decorations/colors/",
            get(database::view_parts::decoration_colors),
        )
        .route(
            "/api/database/views/decoration/{id}/",
            get(database::view_parts::get_decoration)
                .patch(database::view_parts::update_decoration)
                .delete(database::view_parts::delete_decoration),
        )
        .route(
            "/api/database/webhooks/table/{id}/",
            get(database::webhooks::list).post(database::webhooks::create),
        )
        .route(
            "/api/database/webhooks/table/{id}/test-call/",
            post(database::webhooks::test_call),
        )
        .route(
            "/api/database/webhooks/{id}/",
            get(database::webhooks::get)
                .patch(database::webhooks::update)
                .delete(database::webhooks::delete),
        )
        .route(
            "/api/database/webhooks/{id}/rotate-secret/",
            post(database::webhooks::rotate_secret),
        )
        .route(
            "/api/database/webhooks/calls/{id}/redeliver/",
            post(database::webhooks::redeliver),
        )
        .route(
            "/api/database/tables/database/{id}/",
            get(database::tables::list).post(database::tables::create),
        )
        .route(
            "/api/database/tables/database/{id}/order/",
            post(database::tables::order),
        )
        .route(
            "/api/database/tables/{id}/",
            get(database::tables::get)
                .patch(database::tables::update)
                .delete(database::tables::delete),
        )
        .route(
            "/api/database/fields/table/{id}/",
            get(database::fields::list).post(database::fields::create),
        )
        .route(
            "/api/database/fields/table/{id}/change-primary-field/",
            post(database::fields::change_primary),
        )
        .route(
            "/api/database/fields/{id}/duplicate/async/",
            post(database::fields::duplicate),
        )
        .route(
            "/api/database/formula/{id}/type/",
            post(database::fields::formula_type),
        )
        .route(
            "/api/database/fields/{id}/",
            get(database::fields::get)
                .patch(database::fields::update)
                .delete(database::fields::delete),
        )
        .route(
            "/api/database/rows/table/{id}/",
            get(database::rows::list).post(database::rows::create),
        )
        .route(
            "/api/database/rows/names/",
            get(database::row_lookups::names),
        )
        .route(
            "/api/database/rows/table/{id}/{row_id}/adjacent/",
            get(database::row_lookups::adjacent),
        )
        .route(
            "/api/database/fields/password-authentication/",
            post(database::fields::password_authentication),
        )
        .route(
            "/api/database/fields/{id}/unique_row_values/",
            get(database::fields::unique_row_values),
        )
        .route(
            "/api/database/rows/table/{id}/batch/",
            post(database::rows::batch_create).patch(database::rows::batch_update),
        )
        .route(
            "/api/database/rows/table/{id}/batch-delete/",
            post(database::rows::batch_delete),
        )
        .route(
            "/api/database/rows/table/{id}/{row_id}/",
            get(database::rows::get)
                .patch(database::rows::update)
                .delete(database::rows::delete),
        )
        .route(
            "/api/database/rows/table/{id}/{row_id}/history/",
            get(database::row_history::list),
        )
        .route(
            "/api/database/rows/table/{id}/{row_id}/move/",
            patch(database::rows::move_row),
        )
        .route(
            "/api/database/export/table/{id}/",
            post(database::export::start),
        )
        .route("/api/database/export/{id}/", get(database::export::get));
    for (path, method_router) in workspace_routes() {
        table = table.route(path, method_router.clone());
        if let Some(alias) = group_alias(path) {
            table = table.route(alias, method_router);
        }
    }
    table
}

/// Routes that name a workspace, served twice.
fn workspace_routes() -> Vec<(&'static str, MethodRouter<super::state::AppState>)> {
    vec![
        (
            "/api/workspaces/",
            get(workspaces::list).post(workspaces::create),
        ),
        ("/api/workspaces/order/", post(workspaces::order)),
        (
            "/api/workspaces/create-initial-workspace/",
            post(workspaces::create_initial),
        ),
        (
            "/api/workspaces/{id}/",
            get(workspaces::get)
                .patch(workspaces::update)
                .delete(workspaces::delete),
        ),
        ("/api/workspaces/{id}/leave/", post(workspaces::leave)),
        (
            "/api/workspaces/{id}/permissions/",
            get(workspaces::permissions),
        ),
        (
            "/api/workspaces/users/workspace/{id}/",
            get(workspaces::list_members),
        ),
        (
            "/api/workspaces/users/{id}/",
            patch(workspaces::update_member).delete(workspaces::remove_member),
        ),
        (
            "/api/workspaces/invitations/workspace/{id}/",
            get(invitations::list).post(invitations::create),
        ),
        (
            "/api/workspaces/invitations/token/{token}/",
            get(invitations::by_token),
        ),
        (
            "/api/workspaces/invitations/{id}/",
            get(invitations::get)
                .patch(invitations::update)
                .delete(invitations::delete),
        ),
        (
            "/api/workspaces/invitations/{id}/resend/",
            post(invitations::resend),
        ),
        (
            "/api/workspaces/invitations/{id}/accept/",
            post(invitations::accept),
        ),
        (
            "/api/workspaces/invitations/{id}/reject/",
            post(invitations::reject),
        ),
        (
            "/api/trash/workspace/{id}/",
            get(trash::contents).delete(trash::empty),
        ),
        (
            "/api/applications/workspace/{id}/",
            get(applications::list_in_workspace).post(applications::create),
        ),
        (
            "/api/applications/workspace/{id}/order/",
            post(applications::order),
        ),
    ]
}

/// Baserow's pre-rename path for a workspace route (`/api/groups/…`, `…/group/{id}/`).
fn group_alias(path: &'static str) -> Option<&'static str> {
    let alias = path
        .replacen("/api/workspaces/", "/api/groups/", 1)
        .replace("/workspace/{", "/group/{");
    // Routes are registered once at start-up; leaking a few short strings is the simplest
    // way to hand axum (and the route table) `'static` paths.
    (alias != path).then(|| &*Box::leak(alias.into_boxed_str()))
}
