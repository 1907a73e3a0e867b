//! Errors of filter parsing and application.

use crate::error::{Code, HasCode};

#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    #[error("The filter type {0} does not exist.")]
    TypeDoesNotExist(String),
    #[error("The filter type {0} is not compatible with the type of the field {1}.")]
    UnsupportedField(String, String),
    #[error("The field {0} does not exist.")]
    FieldNotFound(String),
    #[error("The provided filters are not valid: {0}")]
    InvalidFilters(String),
}

impl HasCode for FilterError {
    fn code(&self) -> Code {
        match self {
            Self::TypeDoesNotExist(_) => Code::ViewFilterTypeDoesNotExist,
            Self::UnsupportedField(..) => Code::ViewFilterTypeUnsupportedField,
            Self::FieldNotFound(_) => Code::FilterFieldNotFound,
            Self::InvalidFilters(_) => Code::FiltersParamValidationError,
        }
    }
}
