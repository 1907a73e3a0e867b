//! Errors of the view use cases.

use crate::{
    database::{fields::FieldError, filters::FilterError, rows::RowError, tables::TableError},
    error::{Code, Detail, HasCode},
    platform::{validation::ValidationError, workspaces::WorkspaceError},
};

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("The requested view does not exist.")]
    NotFound,
    #[error("The requested grid view does not exist.")]
    GridNotFound,
    #[error("This view type does not support listing rows.")]
    DoesNotListRows,
    /// Not transparent: the throttle stays the error's source, where `Retry-After` is read.
    #[error("{0}")]
    Throttled(#[from] crate::platform::throttle::Throttled),
    #[error("The view is protected by a password; authenticate first.")]
    NoPublicAuthorization,
    #[error("The view filter does not exist.")]
    FilterNotFound,
    #[error("The view filter group does not exist.")]
    FilterGroupNotFound,
    #[error("The view sort does not exist.")]
    SortNotFound,
    #[error("The view group by does not exist.")]
    GroupByNotFound,
    #[error("The view decoration does not exist.")]
    DecorationNotFound,
    #[error("Decoration is not supported for {0} views.")]
    DecorationNotSupported(String),
    #[error("The view type {0} does not exist.")]
    TypeDoesNotExist(String),
    #[error("This type of view does not support {0}.")]
    NotSupported(&'static str),
    #[error("The field does not belong to the view's table.")]
    FieldNotInTable,
    #[error("A sort on this field already exists.")]
    SortFieldAlreadyExists,
    #[error("A group by on this field already exists.")]
    GroupByFieldAlreadyExists,
    #[error("The view {0} does not belong to the table.")]
    NotInTable(i64),
    #[error("The aggregation type {0} does not exist.")]
    AggregationTypeDoesNotExist(String),
    #[error("The aggregation type {0} is not supported for {1} fields.")]
    AggregationNotSupported(String, String),
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Row(#[from] RowError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Work beyond the database failed (rendering or queueing an email).
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl HasCode for ViewError {
    fn code(&self) -> Code {
        match self {
            Self::NotFound => Code::ViewDoesNotExist,
            Self::GridNotFound => Code::GridDoesNotExist,
            Self::DoesNotListRows => Code::ViewDoesNotSupportListingRows,
            Self::Throttled(e) => e.code(),
            Self::NoPublicAuthorization => Code::NoAuthorizationToPubliclySharedView,
            Self::FilterNotFound => Code::ViewFilterDoesNotExist,
            Self::FilterGroupNotFound => Code::ViewFilterGroupDoesNotExist,
            Self::SortNotFound => Code::ViewSortDoesNotExist,
            Self::GroupByNotFound => Code::ViewGroupByDoesNotExist,
            Self::DecorationNotFound => Code::ViewDecorationDoesNotExist,
            Self::DecorationNotSupported(_) => Code::ViewDecorationNotSupported,
            Self::TypeDoesNotExist(_) => Code::ViewTypeDoesNotExist,
            Self::NotSupported("filters") => Code::ViewFilterNotSupported,
            Self::NotSupported("sorts") => Code::ViewSortNotSupported,
            Self::NotSupported(_) => Code::ViewGroupByNotSupported,
            Self::FieldNotInTable => Code::FieldNotInTable,
            Self::SortFieldAlreadyExists => Code::ViewSortFieldAlreadyExists,
            Self::GroupByFieldAlreadyExists => Code::ViewGroupByFieldAlreadyExists,
            Self::NotInTable(_) => Code::ViewNotInTable,
            Self::AggregationTypeDoesNotExist(_) => Code::AggregationTypeDoesNotExist,
            Self::AggregationNotSupported(..) => Code::FieldAggregationNotSupported,
            Self::Filter(e) => e.code(),
            Self::Table(e) => e.code(),
            Self::Field(e) => e.code(),
            Self::Row(e) => e.code(),
            Self::Workspace(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Database(_) | Self::Internal(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Filter(e) => e.detail(),
            Self::Table(e) => e.detail(),
            Self::Field(e) => e.detail(),
            Self::Row(e) => e.detail(),
            Self::Workspace(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
