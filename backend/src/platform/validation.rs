//! Input checks shared by every service: required text, lengths, NUL bytes, emails.

use crate::error::{Code, Detail, FieldIssue, HasCode};
use std::collections::BTreeMap;

/// Collected per-field problems; becomes `ERROR_REQUEST_BODY_VALIDATION`.
#[derive(Debug, Default, thiserror::Error)]
#[error("The request body is invalid.")]
pub struct ValidationError {
    issues: BTreeMap<String, Vec<FieldIssue>>,
}

impl ValidationError {
    pub fn single(field: &str, code: &str, message: impl Into<String>) -> Self {
        let mut err = Self::default();
        err.add(field, code, message);
        err
    }

    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues
            .entry(field.to_owned())
            .or_default()
            .push(FieldIssue {
                error: message.into(),
                code: code.into(),
            });
    }

    /// Adds every problem `other` collected.
    pub fn merge(&mut self, other: ValidationError) {
        for (field, issues) in other.issues {
            self.issues.entry(field).or_default().extend(issues);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// `Ok(())` when nothing was reported.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl HasCode for ValidationError {
    fn code(&self) -> Code {
        Code::RequestBodyValidation
    }
    fn detail(&self) -> Detail {
        Detail::Fields(self.issues.clone())
    }
}

/// Checks one text input: no NUL bytes (PostgreSQL cannot store them), trimmed length within bounds.
/// Returns the trimmed text.
pub fn text(
    errors: &mut ValidationError,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    if value.contains('\0') {
        errors.add(field, "invalid", "Null characters are not allowed.");
        return String::new();
    }
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 && min > 0 {
        errors.add(field, "blank", "This field may not be blank.");
    } else if len < min {
        errors.add(
            field,
            "min_length",
            format!("Ensure this field has at least {min} characters."),
        );
    } else if len > max {
        errors.add(
            field,
            "max_length",
            format!("Ensure this field has no more than {max} characters."),
        );
    }
    trimmed.to_owned()
}

/// Like [`text`] but without trimming and allowing empty values (free-form messages).
pub fn free_text(errors: &mut ValidationError, field: &str, value: &str, max: usize) {
    if value.contains('\0') {
        errors.add(field, "invalid", "Null characters are not allowed.");
    } else if value.chars().count() > max {
        errors.add(
            field,
            "max_length",
            format!("Ensure this field has no more than {max} characters."),
        );
    }
}

/// Normalises an email (trimmed, lower-cased) and checks its shape.
pub fn email(errors: &mut ValidationError, field: &str, value: &str) -> String {
    let normalized = value.trim().to_lowercase();
    if !is_email(&normalized) || value.contains('\0') {
        errors.add(field, "invalid", "Enter a valid email address.");
    }
    normalized
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let len = value.chars().count();
    (3..=254).contains(&len)
        && !local.is_empty()
        && !local.contains(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// Passwords: 8–256 characters, Baserow's rule and error code.
pub fn password(errors: &mut ValidationError, field: &str, value: &str) {
    let len = value.chars().count();
    if value.contains('\0') {
        errors.add(field, "invalid", "Null characters are not allowed.");
    } else if len < 8 {
        errors.add(
            field,
            "password_validation_failed",
            "This password is too short. It must contain at least 8 characters.",
        );
    } else if len > 256 {
        errors.add(
            field,
            "password_validation_failed",
            "This password is too long. It must contain at most 256 characters.",
        );
    }
}

/// One value of a closed set.
pub fn choice(errors: &mut ValidationError, field: &str, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.add(
            field,
            "invalid_choice",
            format!("\"{}\" is not a valid choice.", value.replace('\0', "")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_are_refused_everywhere() {
        let mut e = ValidationError::default();
        text(&mut e, "name", "a\0b", 1, 10);
        free_text(&mut e, "message", "\0", 10);
        email(&mut e, "email", "a\0@b.io");
        password(&mut e, "password", "12345678\0");
        assert_eq!(e.issues.len(), 4);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let mut e = ValidationError::default();
        assert_eq!(text(&mut e, "name", "  ééé  ", 1, 3), "ééé");
        assert!(e.is_empty());
        text(&mut e, "name", "éééé", 1, 3);
        assert_eq!(e.issues["name"][0].code, "max_length");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        let mut e = ValidationError::default();
        assert_eq!(email(&mut e, "email", " Ann@X.io "), "ann@x.io");
        assert!(e.is_empty());
        for bad in ["ann", "ann@", "@x.io", "a b@x.io", "ann@x", "ann@x..io."] {
            let mut e = ValidationError::default();
            email(&mut e, "email", bad);
            assert!(!e.is_empty(), "{bad} accepted");
        }
    }

    #[test]
    fn short_passwords_use_baserows_code() {
        let mut e = ValidationError::default();
        password(&mut e, "password", "short");
        assert_eq!(e.issues["password"][0].code, "password_validation_failed");
    }
}
