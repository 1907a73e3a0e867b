//! A registered license as stored, its signed payload, and the users holding its seats.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The signed part of a license, with Baserow's field names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LicensePayload {
    pub version: i64,
    /// The license's own id, chosen by its issuer.
    pub id: String,
    pub valid_from: String,
    pub valid_through: String,
    pub product_code: String,
    pub seats: i64,
    #[serde(default)]
    pub application_users: Option<i64>,
    pub issued_on: String,
    pub issued_to_email: String,
    pub issued_to_name: String,
    pub instance_id: String,
}

/// What a license unlocks, and how its seats are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// Seats are assigned to users by staff.
    Premium,
    /// Every active user holds a seat; seats are not assigned by hand.
    Enterprise,
}

impl Product {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "premium" => Some(Self::Premium),
            "enterprise" => Some(Self::Enterprise),
            _ => None,
        }
    }
}

impl LicensePayload {
    pub fn product(&self) -> Option<Product> {
        Product::from_code(&self.product_code)
    }

    /// Validity window; `None` when a date does not parse (the payload is then refused).
    pub fn window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((
            parse_time(&self.valid_from)?,
            parse_time(&self.valid_through)?,
        ))
    }

    pub fn issued_on_time(&self) -> Option<DateTime<Utc>> {
        parse_time(&self.issued_on)
    }

    /// Whether the license is in force at `now` for the instance `instance_id`.
    pub fn is_active(&self, instance_id: &str, now: DateTime<Utc>) -> bool {
        self.instance_id == instance_id
            && self
                .window()
                .is_some_and(|(from, through)| from <= now && now <= through)
    }
}

/// Payload times as issuers write them: RFC 3339, a naive date-time (UTC, as Baserow reads
/// it), or a bare date (its first instant).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A license row with its decoded payload and seat counts, as the API shows it.
#[derive(Debug, Clone)]
pub struct License {
    pub id: i64,
    /// The signed token as registered (or as last renewed by the license server).
    pub token: String,
    pub payload: LicensePayload,
    pub last_check: Option<DateTime<Utc>>,
    pub is_active: bool,
    pub seats_taken: i64,
    pub free_users_count: i64,
}

impl License {
    pub fn to_json(&self) -> Value {
        let p = &self.payload;
        let time = |s: &str| parse_time(s).map(|t| t.to_rfc3339()).unwrap_or_default();
        json!({
            "id": self.id,
            "license_id": p.id,
            "is_active": self.is_active,
            "last_check": self.last_check,
            "valid_from": time(&p.valid_from),
            "valid_through": time(&p.valid_through),
            "free_users_count": self.free_users_count,
            "seats_taken": self.seats_taken,
            "seats": p.seats,
            "application_users_taken": 0,
            "application_users": p.application_users,
            "product_code": p.product_code,
            "issued_on": time(&p.issued_on),
            "issued_to_email": p.issued_to_email,
            "issued_to_name": p.issued_to_name,
        })
    }
}

/// A user holding a seat (or a candidate for one).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LicenseUser {
    pub id: i64,
    pub first_name: String,
    pub email: String,
}

impl LicenseUser {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "first_name": self.first_name, "email": self.email })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_time_formats_parse_as_utc() {
        let expect = |s: &str, rfc: &str| {
            assert_eq!(
                parse_time(s).map(|t| t.to_rfc3339()).as_deref(),
                Some(rfc),
                "{s}"
            )
        };
        expect("2030-01-02T03:04:05Z", "2030-01-02T03:04:05+00:00");
        expect("2030-01-02T05:04:05+02:00", "2030-01-02T03:04:05+00:00");
        expect("2030-01-02T03:04:05.5", "2030-01-02T03:04:05.500+00:00");
        expect("2030-01-02", "2030-01-02T00:00:00+00:00");
        assert!(parse_time("next year").is_none());
    }
}
