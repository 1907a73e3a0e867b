//! Every error code a client can receive, with its HTTP status: one row each.

macro_rules! codes {
    ($($variant:ident => $text:literal, $status:literal;)*) => {
        /// A wire error code. The only place where statuses are chosen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub fn status(self) -> u16 {
                match self { $(Code::$variant => $status,)* }
            }
        }
    };
}

codes! {
    // Request shape
    RequestBodyValidation => "ERROR_REQUEST_BODY_VALIDATION", 400;
    QueryParameterValidation => "ERROR_QUERY_PARAMETER_VALIDATION", 400;
    RequestBodyTooLarge => "ERROR_REQUEST_BODY_TOO_LARGE", 413;
    UrlNotFound => "URL_NOT_FOUND", 404;
    UrlTrailingSlashMissing => "URL_TRAILING_SLASH_MISSING", 404;
    MethodNotAllowed => "ERROR_METHOD_NOT_ALLOWED", 405;
    // Authentication (DRF's own shape for missing credentials, see `Code::NotAuthenticated`)
    NotAuthenticated => "ERROR_NOT_AUTHENTICATED", 401;
    InvalidAccessToken => "ERROR_INVALID_ACCESS_TOKEN", 401;
    InvalidRefreshToken => "ERROR_INVALID_REFRESH_TOKEN", 401;
    InvalidCredentials => "ERROR_INVALID_CREDENTIALS", 401;
    DeactivatedUser => "ERROR_DEACTIVATED_USER", 401;
    PermissionDenied => "PERMISSION_DENIED", 401;
    CsrfCheckFailed => "ERROR_CSRF_CHECK_FAILED", 403;
    // Users
    EmailAlreadyExists => "ERROR_EMAIL_ALREADY_EXISTS", 400;
    DisabledSignup => "ERROR_DISABLED_SIGNUP", 400;
    DisabledResetPassword => "ERROR_DISABLED_RESET_PASSWORD", 400;
    InvalidOldPassword => "ERROR_INVALID_OLD_PASSWORD", 400;
    UserNotFound => "ERROR_USER_NOT_FOUND", 400;
    BadTokenSignature => "BAD_TOKEN_SIGNATURE", 400;
    ExpiredTokenSignature => "EXPIRED_TOKEN_SIGNATURE", 400;
    HostnameIsNotAllowed => "ERROR_HOSTNAME_IS_NOT_ALLOWED", 400;
    EmailAlreadyVerified => "ERROR_EMAIL_ALREADY_VERIFIED", 400;
    InvalidVerificationToken => "ERROR_INVALID_VERIFICATION_TOKEN", 400;
    EmailVerificationRequired => "ERROR_EMAIL_VERIFICATION_REQUIRED", 401;
    UserIsLastAdmin => "ERROR_USER_IS_LAST_ADMIN", 400;
    // Workspaces (Baserow's codes still say "group")
    GroupDoesNotExist => "ERROR_GROUP_DOES_NOT_EXIST", 404;
    UserNotInGroup => "ERROR_USER_NOT_IN_GROUP", 400;
    UserInvalidGroupPermissions => "ERROR_USER_INVALID_GROUP_PERMISSIONS", 400;
    GroupUserIsLastAdmin => "ERROR_GROUP_USER_IS_LAST_ADMIN", 400;
    GroupUserDoesNotExist => "ERROR_GROUP_USER_DOES_NOT_EXIST", 404;
    GroupUserAlreadyExists => "ERROR_GROUP_USER_ALREADY_EXISTS", 400;
    CannotDeleteYourselfFromGroup => "ERROR_CANNOT_DELETE_YOURSELF_FROM_GROUP", 400;
    GroupInvitationDoesNotExist => "ERROR_GROUP_INVITATION_DOES_NOT_EXIST", 404;
    GroupInvitationEmailMismatch => "ERROR_GROUP_INVITATION_EMAIL_MISMATCH", 400;
    // Applications
    ApplicationDoesNotExist => "ERROR_APPLICATION_DOES_NOT_EXIST", 404;
    ApplicationNotInGroup => "ERROR_APPLICATION_NOT_IN_GROUP", 400;
    // Tables, fields, rows
    TableDoesNotExist => "ERROR_TABLE_DOES_NOT_EXIST", 404;
    TableNotInDatabase => "ERROR_TABLE_NOT_IN_DATABASE", 400;
    InvalidInitialTableData => "ERROR_INVALID_INITIAL_TABLE_DATA", 400;
    InitialTableDataHasDuplicateNames => "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES", 400;
    FieldDoesNotExist => "ERROR_FIELD_DOES_NOT_EXIST", 404;
    FieldWithSameNameAlreadyExists => "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS", 400;
    ReservedBaserowFieldName => "ERROR_RESERVED_BASEROW_FIELD_NAME", 400;
    InvalidBaserowFieldName => "ERROR_INVALID_BASEROW_FIELD_NAME", 400;
    MaxFieldNameLengthExceeded => "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED", 400;
    MaxFieldCountExceeded => "ERROR_MAX_FIELD_COUNT_EXCEEDED", 400;
    CannotDeletePrimaryField => "ERROR_CANNOT_DELETE_PRIMARY_FIELD", 400;
    IncompatiblePrimaryFieldType => "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE", 400;
    DbIndexNotSupported => "ERROR_DB_INDEX_NOT_SUPPORTED", 400;
    FieldConstraint => "ERROR_FIELD_CONSTRAINT", 400;
    FieldDataConstraint => "ERROR_FIELD_DATA_CONSTRAINT", 400;
    InvalidFieldConstraint => "ERROR_INVALID_FIELD_CONSTRAINT", 400;
    FieldConstraintDoesNotSupportDefaultValue => "ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE", 400;
    IncompatibleFieldTypeForUniqueValues => "ERROR_INCOMPATIBLE_FIELD_TYPE_FOR_UNIQUE_VALUES", 400;
    LinkRowTableNotProvided => "ERROR_LINK_ROW_TABLE_NOT_PROVIDED", 400;
    LinkRowTableNotInSameDatabase => "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE", 400;
    SelfReferencingLinkRowCannotHaveRelatedField => "ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD", 400;
    WithFormula => "ERROR_WITH_FORMULA", 400;
    InvalidLookupThroughField => "ERROR_INVALID_LOOKUP_THROUGH_FIELD", 400;
    InvalidLookupTargetField => "ERROR_INVALID_LOOKUP_TARGET_FIELD", 400;
    RowDoesNotExist => "ERROR_ROW_DOES_NOT_EXIST", 404;
    InvalidPasswordFieldPassword => "ERROR_INVALID_PASSWORD_FIELD_PASSWORD", 401;
    RowIdsNotUnique => "ERROR_ROW_IDS_NOT_UNIQUE", 400;
    CannotIncludeRowMetadata => "ERROR_CANNOT_INCLUDE_ROW_METADATA", 400;
    RowCommentDoesNotExist => "ERROR_ROW_COMMENT_DOES_NOT_EXIST", 404;
    UserNotCommentAuthor => "ERROR_USER_NOT_COMMENT_AUTHOR", 400;
    PageSizeLimit => "ERROR_PAGE_SIZE_LIMIT", 400;
    OrderByFieldNotFound => "ERROR_ORDER_BY_FIELD_NOT_FOUND", 400;
    OrderByFieldNotPossible => "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE", 400;
    FilterFieldNotFound => "ERROR_FILTER_FIELD_NOT_FOUND", 400;
    ViewDoesNotExist => "ERROR_VIEW_DOES_NOT_EXIST", 404;
    GridDoesNotExist => "ERROR_GRID_DOES_NOT_EXIST", 404;
    ViewDoesNotSupportListingRows => "ERROR_VIEW_DOES_NOT_SUPPORT_LISTING_ROWS", 400;
    NoAuthorizationToPubliclySharedView => "ERROR_NO_AUTHORIZATION_TO_PUBLICLY_SHARED_VIEW", 401;
    ViewTypeDoesNotExist => "ERROR_VIEW_TYPE_DOES_NOT_EXIST", 400;
    ViewNotInTable => "ERROR_VIEW_NOT_IN_TABLE", 400;
    ViewFilterDoesNotExist => "ERROR_VIEW_FILTER_DOES_NOT_EXIST", 404;
    ViewFilterGroupDoesNotExist => "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST", 404;
    ViewFilterNotSupported => "ERROR_VIEW_FILTER_NOT_SUPPORTED", 400;
    ViewSortDoesNotExist => "ERROR_VIEW_SORT_DOES_NOT_EXIST", 404;
    ViewSortNotSupported => "ERROR_VIEW_SORT_NOT_SUPPORTED", 400;
    ViewSortFieldAlreadyExists => "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS", 400;
    ViewGroupByDoesNotExist => "ERROR_VIEW_GROUP_BY_DOES_NOT_EXIST", 404;
    ViewGroupByNotSupported => "ERROR_VIEW_GROUP_BY_NOT_SUPPORTED", 400;
    ViewGroupByFieldAlreadyExists => "ERROR_VIEW_GROUP_BY_FIELD_ALREADY_EXISTS", 400;
    ViewDecorationDoesNotExist => "ERROR_VIEW_DECORATION_DOES_NOT_EXIST", 404;
    ViewDecorationNotSupported => "ERROR_VIEW_DECORATION_NOT_SUPPORTED", 400;
    FieldNotInTable => "ERROR_FIELD_NOT_IN_TABLE", 400;
    FieldIsAlreadyPrimary => "ERROR_FIELD_IS_ALREADY_PRIMARY", 400;
    TableHasNoPrimaryField => "ERROR_TABLE_HAS_NO_PRIMARY_FIELD", 400;
    AggregationTypeDoesNotExist => "ERROR_AGGREGATION_TYPE_DOES_NOT_EXIST", 400;
    FieldAggregationNotSupported => "ERROR_FIELD_AGGREGATION_NOT_SUPPORTED", 400;
    ViewFilterTypeDoesNotExist => "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST", 400;
    ViewFilterTypeUnsupportedField => "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD", 400;
    FiltersParamValidationError => "ERROR_FILTERS_PARAM_VALIDATION_ERROR", 400;
    // Database tokens
    TokenDoesNotExist => "ERROR_TOKEN_DOES_NOT_EXIST", 404;
    // Baserow uses the same code, with 401, when a `Token` key does not authenticate.
    TokenAuthFailed => "ERROR_TOKEN_DOES_NOT_EXIST", 401;
    TokenCheckFailed => "ERROR_TOKEN_DOES_NOT_EXIST", 403;
    NoPermissionToTable => "ERROR_NO_PERMISSION_TO_TABLE", 401;
    RateLimitExceeded => "ERROR_RATE_LIMIT_EXCEEDED", 429;
    // Webhooks
    TableWebhookDoesNotExist => "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST", 404;
    TableWebhookMaxLimitExceeded => "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED", 400;
    TableWebhookCallDoesNotExist => "ERROR_TABLE_WEBHOOK_CALL_DOES_NOT_EXIST", 404;
    // Notifications
    NotificationDoesNotExist => "ERROR_NOTIFICATION_DOES_NOT_EXIST", 404;
    // Trash
    TrashItemDoesNotExist => "ERROR_TRASH_ITEM_DOES_NOT_EXIST", 404;
    CannotRestoreParentBeforeChild => "ERROR_CANNOT_RESTORE_PARENT_BEFORE_CHILD", 400;
    ParentIdMustBeProvided => "ERROR_PARENT_ID_MUST_BE_PROVIDED", 400;
    ParentIdMustNotBeProvided => "ERROR_PARENT_ID_MUST_NOT_BE_PROVIDED", 400;
    // Undo and redo
    InvalidClientSessionId => "ERROR_INVALID_CLIENT_SESSION_ID", 400;
    InvalidClientActionGroup => "ERROR_INVALID_CLIENT_ACTION_GROUP", 400;
    ClientSessionIdHeaderNotSet => "ERROR_CLIENT_SESSION_ID_HEADER_NOT_SET", 400;
    UndoRedoLockConflict => "ERROR_UNDO_REDO_LOCK_CONFLICT", 409;
    // Jobs
    JobDoesNotExist => "ERROR_JOB_DOES_NOT_EXIST", 404;
    MaxJobCountExceeded => "ERROR_MAX_JOB_COUNT_EXCEEDED", 400;
    JobNotCancellable => "ERROR_JOB_NOT_CANCELLABLE", 400;
    // Snapshots
    SnapshotDoesNotExist => "ERROR_SNAPSHOT_DOES_NOT_EXIST", 404;
    MaximumSnapshotsReached => "ERROR_MAXIMUM_SNAPSHOTS_REACHED", 400;
    SnapshotIsBeingCreated => "ERROR_SNAPSHOT_IS_BEING_CREATED", 400;
    SnapshotIsBeingRestored => "ERROR_SNAPSHOT_IS_BEING_RESTORED", 400;
    SnapshotNameNotUnique => "ERROR_SNAPSHOT_NAME_NOT_UNIQUE", 400;
    SnapshotOperationLimitExceeded => "ERROR_SNAPSHOT_OPERATION_LIMIT_EXCEEDED", 400;
    // Exports
    ExportJobDoesNotExist => "ERROR_EXPORT_JOB_DOES_NOT_EXIST", 404;
    ViewUnsupportedForExportType => "ERROR_VIEW_UNSUPPORTED_FOR_EXPORT_TYPE", 400;
    // Imports
    ImportUploadDoesNotExist => "ERROR_IMPORT_UPLOAD_DOES_NOT_EXIST", 404;
    ImportFileTooLarge => "ERROR_IMPORT_FILE_TOO_LARGE", 413;
    ImportUploadQuotaExceeded => "ERROR_IMPORT_UPLOAD_QUOTA_EXCEEDED", 413;
    ExternalDatabaseUnreachable => "ERROR_EXTERNAL_DATABASE_UNREACHABLE", 400;
    // User files
    InvalidFile => "ERROR_INVALID_FILE", 400;
    FileSizeTooLarge => "ERROR_FILE_SIZE_TOO_LARGE", 413;
    UserFileQuotaExceeded => "ERROR_USER_FILE_QUOTA_EXCEEDED", 413;
    InvalidFileUrl => "ERROR_INVALID_FILE_URL", 400;
    FileUrlCouldNotBeReached => "ERROR_FILE_URL_COULD_NOT_BE_REACHED", 400;
    UserFileDoesNotExist => "ERROR_USER_FILE_DOES_NOT_EXIST", 400;
    // Licenses
    LicensesNotConfigured => "ERROR_LICENSES_NOT_CONFIGURED", 400;
    InvalidLicense => "ERROR_INVALID_LICENSE", 400;
    UnsupportedLicense => "ERROR_UNSUPPORTED_LICENSE", 400;
    LicenseInstanceIdMismatch => "ERROR_LICENSE_INSTANCE_ID_MISMATCH", 400;
    LicenseHasExpired => "ERROR_LICENSE_HAS_EXPIRED", 400;
    LicenseAlreadyExists => "ERROR_LICENSE_ALREADY_EXISTS", 400;
    LicenseDoesNotExist => "ERROR_LICENSE_DOES_NOT_EXIST", 404;
    UserAlreadyOnLicense => "ERROR_USER_ALREADY_ON_LICENSE", 400;
    NoSeatsLeftInLicense => "ERROR_NO_SEATS_LEFT_IN_LICENSE", 400;
    CantManuallyChangeSeats => "ERROR_CANT_MANUALLY_CHANGE_SEATS", 400;
    // Staff administration (Baserow's codes, some without the prefix)
    UserAdminCannotDeactivateSelf => "USER_ADMIN_CANNOT_DEACTIVATE_SELF", 400;
    UserAdminCannotDeleteSelf => "USER_ADMIN_CANNOT_DELETE_SELF", 400;
    UserAdminUnknownUser => "USER_ADMIN_UNKNOWN_USER", 400;
    UserAdminAlreadyExists => "USER_ADMIN_ALREADY_EXISTS", 400;
    InvalidSortDirection => "ERROR_INVALID_SORT_DIRECTION", 400;
    InvalidSortAttribute => "ERROR_INVALID_SORT_ATTRIBUTE", 400;
    UnknownTimeZone => "UNKNOWN_TIME_ZONE_ERROR", 400;
    // Server side
    ServiceUnavailable => "ERROR_SERVICE_UNAVAILABLE", 503;
    Internal => "ERROR_INTERNAL_SERVER_ERROR", 500;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_screaming_snake_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            // One code has two statuses in Baserow: a token id lookup (404) and a failed key (401).
            assert!(
                seen.insert(text) || text == "ERROR_TOKEN_DOES_NOT_EXIST",
                "{text} listed twice"
            );
            assert!(
                text.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{text} is not SCREAMING_SNAKE_CASE"
            );
            // Baserow's few codes without the prefix are kept verbatim for client compatibility.
            let unprefixed = [
                "PERMISSION_DENIED",
                "BAD_TOKEN_SIGNATURE",
                "EXPIRED_TOKEN_SIGNATURE",
                "URL_NOT_FOUND",
                "URL_TRAILING_SLASH_MISSING",
                "USER_ADMIN_CANNOT_DEACTIVATE_SELF",
                "USER_ADMIN_CANNOT_DELETE_SELF",
                "USER_ADMIN_UNKNOWN_USER",
                "USER_ADMIN_ALREADY_EXISTS",
                "UNKNOWN_TIME_ZONE_ERROR",
            ];
            assert!(
                text.starts_with("ERROR_") || unprefixed.contains(&text),
                "{text}"
            );
            assert!((400..600).contains(&code.status()));
        }
    }

    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../../../docs/api-errors.md");
        for code in Code::ALL {
            assert!(
                doc.contains(&format!("`{}`", code.as_str())),
                "{} missing from docs/api-errors.md",
                code.as_str()
            );
        }
    }
}
