//! Errors of the export use cases.

use crate::{
    database::{filters::FilterError, rows::RowError, tables::TableError, views::ViewError},
    error::{Code, Detail, HasCode},
    platform::{jobs::user_jobs::JobError, validation::ValidationError},
};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("The export job does not exist.")]
    JobNotFound,
    #[error("The view does not exist.")]
    ViewNotFound,
    #[error("The view {0} does not belong to the table.")]
    ViewNotInTable(i64),
    #[error(
        "Views of this type cannot be exported; export a grid, gallery, kanban or calendar view."
    )]
    ViewUnsupported,
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Row(#[from] RowError),
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    Job(#[from] JobError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl HasCode for ExportError {
    fn code(&self) -> Code {
        match self {
            Self::JobNotFound => Code::ExportJobDoesNotExist,
            Self::ViewNotFound => Code::ViewDoesNotExist,
            Self::ViewNotInTable(_) => Code::ViewNotInTable,
            Self::ViewUnsupported => Code::ViewUnsupportedForExportType,
            Self::Table(e) => e.code(),
            Self::View(e) => e.code(),
            Self::Filter(e) => e.code(),
            Self::Row(e) => e.code(),
            Self::Validation(e) => e.code(),
            Self::Job(e) => e.code(),
            Self::Database(_) => Code::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            Self::Table(e) => e.detail(),
            Self::View(e) => e.detail(),
            Self::Filter(e) => e.detail(),
            Self::Row(e) => e.detail(),
            Self::Validation(e) => e.detail(),
            Self::Job(e) => e.detail(),
            other => Detail::Message(other.to_string()),
        }
    }
}
