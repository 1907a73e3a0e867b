//! The connection URL of an external database and the source table's name, checked before a
//! job stores them; and the URL with its password hidden, for everything users or logs see.

use url::Url;

/// Which kind of server the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    MySql,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgresql",
            Self::MySql => "mysql",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Self::Postgres => 5432,
            Self::MySql => 3306,
        }
    }
}

/// Whether the connection uses TLS and what it verifies: never; when the server offers
/// it; always, encrypted but unverified (anyone on the path can pose as the server); always,
/// with a certificate from a trusted authority; always, with a trusted certificate for the
/// host name in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A checked connection URL. `host` is a name or an address; it is resolved and checked
/// against the outbound policy only when connecting.
#[derive(Clone, PartialEq)]
pub struct SourceUrl {
    pub engine: Engine,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub database: String,
    pub tls: Tls,
    redacted: String,
}

// Hand-written so that the password never reaches a log line through `{:?}`.
impl std::fmt::Debug for SourceUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// Longest connection URL accepted.
const MAX_URL_LENGTH: usize = 2048;
/// Longest part (schema or table) of a source table's name; identifiers are 63 bytes in
/// PostgreSQL and 64 characters in MySQL.
const MAX_NAME_PART: usize = 64;
/// What stands for the password in URLs shown to users.
const HIDDEN: &str = "********";

impl SourceUrl {
    /// Parses `postgresql://user:password@host:port/database?sslmode=…` or
    /// `mysql://…` / `mariadb://…?ssl-mode=…`; the message says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.contains('\0') {
            return Err("The URL must not contain NUL bytes.".into());
        }
        if raw.len() > MAX_URL_LENGTH {
            return Err(format!(
                "The URL is longer than {MAX_URL_LENGTH} characters."
            ));
        }
        let url = Url::parse(raw.trim()).map_err(|_| {
            "Not a valid URL; expected postgresql://user:password@host:5432/database or mysql://user:password@host:3306/database.".to_string()
        })?;
        let engine = match url.scheme() {
            "postgres" | "postgresql" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::MySql,
            _ => {
                return Err(
                    "The URL must start with postgresql://, postgres://, mysql:// or mariadb://."
                        .into(),
                );
            }
        };
        // Non-special schemes keep the host as written; brackets mark an IPv6 address.
        let host = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            .filter(|h| !h.is_empty())
            .ok_or("The URL must name the server's host.")?;
        let port = url.port().unwrap_or(engine.default_port());
        let user = decode(url.username())?;
        let password = decode(url.password().unwrap_or_default())?;
        let path = decode(url.path().trim_start_matches('/'))?;
        if path.is_empty() || path.contains('/') {
            return Err("The URL must name one database, as in …/database.".into());
        }
        if url.fragment().is_some() {
            return Err("The URL must not have a #fragment.".into());
        }
        let mut tls = Tls::Prefer;
        for (key, value) in url.query_pairs() {
            tls = match (engine, key.as_ref()) {
                (Engine::Postgres, "sslmode") => postgres_tls(&value)
                    .ok_or("sslmode must be disable, prefer, require, verify-ca or verify-full.")?,
                (Engine::MySql, "ssl-mode" | "sslmode") => mysql_tls(&value).ok_or(
                    "ssl-mode must be disabled, preferred, required, verify_ca or verify_identity.",
                )?,
                (_, other) => {
                    return Err(format!(
                        "The URL option {:?} is not supported.",
                        other.chars().take(64).collect::<String>()
                    ));
                }
            };
        }
        let mut shown = url.clone();
        if !password.is_empty() {
            let _ = shown.set_password(Some(HIDDEN));
        }
        Ok(Self {
            engine,
            host,
            port,
            user,
            password,
            database: path,
            tls,
            redacted: shown.to_string(),
        })
    }

    /// The URL as users may see it: the password replaced by asterisks.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// `message` with every trace of the password hidden (error texts of drivers and
    /// servers are not ours to trust).
    pub fn redact(&self, message: &str) -> String {
        if self.password.is_empty() {
            return message.to_owned();
        }
        let encoded =
            url::form_urlencoded::byte_serialize(self.password.as_bytes()).collect::<String>();
        message
            .replace(&self.password, HIDDEN)
            .replace(&encoded, HIDDEN)
    }
}

/// libpq's `sslmode` values (`allow` is taken as `prefer`).
fn postgres_tls(value: &str) -> Option<Tls> {
    Some(match value {
        "disable" => Tls::Disable,
        "allow" | "prefer" => Tls::Prefer,
        "require" => Tls::Require,
        "verify-ca" => Tls::VerifyCa,
        "verify-full" => Tls::VerifyFull,
        _ => return None,
    })
}

/// MySQL's `--ssl-mode` values, in any case.
fn mysql_tls(value: &str) -> Option<Tls> {
    Some(match value.to_ascii_uppercase().as_str() {
        "DISABLED" => Tls::Disable,
        "PREFERRED" => Tls::Prefer,
        "REQUIRED" => Tls::Require,
        "VERIFY_CA" => Tls::VerifyCa,
        "VERIFY_IDENTITY" => Tls::VerifyFull,
        _ => return None,
    })
}

/// Decodes `%xx` escapes of a URL part into UTF-8 text without NUL bytes.
fn decode(part: &str) -> Result<String, String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = part
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("The URL has an invalid %-escape.")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| "The URL is not valid UTF-8 once decoded.")?;
    if text.contains('\0') {
        return Err("The URL must not contain NUL bytes.".into());
    }
    Ok(text)
}

/// A source table: `table` (in the connection's default schema or database) or
/// `schema.table`. The names are only compared as bound values until the table is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub table: String,
}

impl TableName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.contains('\0') {
            return Err("The table name must not contain NUL bytes.".into());
        }
        let raw = raw.trim();
        let (schema, table) = match raw.split_once('.') {
            Some((schema, table)) => (Some(schema.to_owned()), table.to_owned()),
            None => (None, raw.to_owned()),
        };
        let bad = |s: &str| s.is_empty() || s.chars().count() > MAX_NAME_PART;
        if bad(&table) || schema.as_deref().is_some_and(bad) {
            return Err(format!(
                "Give the table as \"table\" or \"schema.table\", each part 1 to {MAX_NAME_PART} characters."
            ));
        }
        Ok(Self { schema, table })
    }

    pub fn display(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.table),
            None => self.table.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_both_engines_parse_and_hide_their_password() {
        let u = SourceUrl::parse("postgresql://ann:s%40cret@db.example.com/shop?sslmode=require")
            .unwrap();
        assert_eq!(u.engine, Engine::Postgres);
        assert_eq!(
            (
                u.host.as_str(),
                u.port,
                u.user.as_str(),
                u.password.as_str()
            ),
            ("db.example.com", 5432, "ann", "s@cret")
        );
        assert_eq!((u.database.as_str(), u.tls), ("shop", Tls::Require));
        assert_eq!(
            u.redacted(),
            "postgresql://ann:********@db.example.com/shop?sslmode=require"
        );
        assert!(!format!("{u:?}").contains("cret"));
        assert_eq!(
            u.redact("auth failed for s@cret and s%40cret"),
            "auth failed for ******** and ********"
        );
        let m = SourceUrl::parse("mariadb://root@[::1]:3307/app").unwrap();
        assert_eq!(m.engine, Engine::MySql);
        assert_eq!((m.host.as_str(), m.port, m.tls), ("::1", 3307, Tls::Prefer));
        assert_eq!(m.redacted(), "mariadb://root@[::1]:3307/app");
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        for bad in [
            "",
            "not a url",
            "http://host/db",
            "file:///etc/passwd",
            "postgresql://host",
            "postgresql://host/",
            "postgresql://host/a/b",
            "postgresql:///db",
            "postgresql://host/db?sslmode=verify_full",
            "postgresql://host/db?sslmode=VERIFY-FULL",
            "postgresql://host/db?sslrootcert=/etc/passwd",
            "mysql://host/db?ssl-ca=/etc/passwd",
            "mysql://host/db?ssl-mode=verify-identity",
            "postgresql://host/db?host=/tmp",
            "mysql://host/db?ssl-mode=sometimes",
            "mysql://host/db#x",
            "mysql://u:p%00@host/db",
            "mysql://u:p%zz@host/db",
            "mysql://host/d\0b",
        ] {
            assert!(SourceUrl::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tls_modes_of_both_engines_include_the_verifying_ones() {
        for (raw, tls) in [
            ("postgresql://h/db", Tls::Prefer),
            ("postgresql://h/db?sslmode=disable", Tls::Disable),
            ("postgresql://h/db?sslmode=allow", Tls::Prefer),
            ("postgresql://h/db?sslmode=require", Tls::Require),
            ("postgresql://h/db?sslmode=verify-ca", Tls::VerifyCa),
            ("postgresql://h/db?sslmode=verify-full", Tls::VerifyFull),
            ("mysql://h/db", Tls::Prefer),
            ("mysql://h/db?ssl-mode=DISABLED", Tls::Disable),
            ("mysql://h/db?ssl-mode=preferred", Tls::Prefer),
            ("mariadb://h/db?sslmode=REQUIRED", Tls::Require),
            ("mysql://h/db?ssl-mode=VERIFY_CA", Tls::VerifyCa),
            ("mysql://h/db?ssl-mode=verify_identity", Tls::VerifyFull),
        ] {
            assert_eq!(SourceUrl::parse(raw).unwrap().tls, tls, "{raw}");
        }
        let refused = SourceUrl::parse("postgresql://h/db?sslmode=verify").unwrap_err();
        assert!(refused.contains("verify-full"), "{refused}");
    }

    #[test]
    fn table_names_have_one_or_two_parts() {
        assert_eq!(
            TableName::parse("items").unwrap(),
            TableName {
                schema: None,
                table: "items".into()
            }
        );
        let t = TableName::parse("sales.order items").unwrap();
        assert_eq!(t.schema.as_deref(), Some("sales"));
        assert_eq!(t.display(), "sales.order items");
        for bad in ["", ".", "a.", ".b", "a\0b", &"x".repeat(65)] {
            assert!(TableName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
