//! Settings read from the environment, the same for all three binaries.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

/// Everything a process needs to know about its surroundings.
///
/// Every binary loads this type with [`Settings::from_env`]; tests build it as a
/// struct literal (see `Settings::for_tests`) so nothing global leaks between runs.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub redis_url: String,
    pub bind: SocketAddr,
    /// Absolute URL users reach the product at, without a trailing slash.
    pub public_url: String,
    pub secret_key: String,
    /// Prefix for every Redis key and channel, so several installs (or test runs) share one Redis.
    pub redis_prefix: String,
    /// `smtp://`, `smtps://` URL of the mail relay; `None` logs emails instead of sending them.
    pub smtp_url: Option<String>,
    pub from_email: String,
    pub media_dir: PathBuf,
    /// How long an exported file can be downloaded before it is deleted.
    pub export_file_expiry: Duration,
    /// Whether outbound calls (webhooks) may reach private, loopback and link-local addresses.
    pub allow_private_addresses: bool,
    /// Addresses or networks outbound calls may reach even when private ones are refused.
    pub outbound_allowed: Vec<crate::platform::outbound::IpNet>,
    /// A PEM file of certificate authorities external-database imports trust besides the
    /// public ones, for `verify-ca`/`verify-full` (an internal CA); never taken from a URL.
    pub external_database_ca_file: Option<PathBuf>,
    /// Peers whose `X-Real-IP` names the client (the reverse proxy in front).
    pub trusted_proxies: Vec<crate::platform::outbound::IpNet>,
    /// Sign-ups one client address may make per hour (0: unlimited).
    pub signups_per_ip_per_hour: u64,
    pub access_token_lifetime: Duration,
    pub refresh_token_lifetime: Duration,
    /// Largest accepted request body in bytes; bigger ones get 413.
    pub max_body_bytes: usize,
    /// How often workers prove they are alive; jobs of a worker silent for three
    /// heartbeats go to another worker.
    pub job_heartbeat: Duration,
    /// How long a worker keeps trying to reach PostgreSQL again after its queue consumer
    /// lost the database; past that it exits non-zero for its supervisor to restart it.
    pub worker_reconnect_timeout: Duration,
    /// Most fields a table may have (Baserow: 600).
    pub max_fields_per_table: usize,
    /// Most rows one batch request may create, update or delete (Baserow: 200).
    pub batch_rows_limit: usize,
    /// Tables with at least this many rows get an index per filtered view.
    pub view_index_min_rows: i64,
    /// Whether row requests keep table metadata in the process's cache (on unless
    /// `TESSERA_METADATA_CACHE=off`; off is for measuring what it saves).
    pub metadata_cache: bool,
    /// How long table events stay replayable (at least 24 hours).
    pub event_retention: Duration,
    /// How often each WebSocket checks again that its user may still see its pages (the
    /// backstop behind the checks made when access is taken away).
    pub realtime_access_sweep: Duration,
    /// Requests one database token may make per minute (0: unlimited).
    pub token_rate_limit_per_minute: u64,
    /// Failed log-ins one account may have in 15 minutes before log-ins to it are refused
    /// for the rest of that time (0: unlimited).
    pub login_failures_per_account: u64,
    /// Failed log-ins one client address may have in 15 minutes, whatever the accounts,
    /// before log-ins from it are refused for the rest of that time (0: unlimited).
    pub login_failures_per_ip: u64,
    /// How long trashed items can be restored before they are deleted for good.
    pub trash_retention: Duration,
    /// How long undoable actions are kept (at least 24 hours) …
    pub action_retention: Duration,
    /// … and how many of each tab's newest are kept however old (at least 500).
    pub actions_per_session: u64,
    /// How long row history entries are kept (Baserow: 180 days).
    pub row_history_retention: Duration,
    /// Snapshots the databases of one workspace may keep (0: unlimited; Baserow: 50).
    pub max_snapshots_per_workspace: u64,
    /// How long a snapshot is kept before the export worker deletes it (Baserow: 360 days).
    pub snapshot_expiration: Duration,
    pub webhooks: WebhookSettings,
    /// Largest file an import may upload, in bytes.
    pub import_max_bytes: u64,
    /// Import uploads one user may keep waiting (a day at most), by count and total bytes.
    pub import_uploads_per_user: u64,
    pub import_upload_bytes_per_user: u64,
    /// Total bytes of import uploads kept on the server (0: unlimited).
    pub import_upload_bytes_total: u64,
    /// Most refused rows an import's report lists (the rest are only counted).
    pub import_report_max_rows: usize,
    pub user_files: UserFileSettings,
    pub license: LicenseSettings,
}

/// How licenses are verified and checked with the license server.
#[derive(Debug, Clone)]
pub struct LicenseSettings {
    /// The Ed25519 key license tokens are signed with; `None`: licenses cannot be registered.
    pub public_key: Option<[u8; 32]>,
    /// Where the periodic check posts the registered licenses; `None`: no check is made.
    pub server_url: Option<String>,
    /// How often the export worker checks the licenses (rounded up to five minutes).
    pub check_interval: Duration,
    /// How long one call to the license server may take.
    pub server_timeout: Duration,
}

impl Default for LicenseSettings {
    fn default() -> Self {
        Self {
            public_key: None,
            server_url: None,
            check_interval: Duration::from_secs(3600),
            server_timeout: Duration::from_secs(10),
        }
    }
}

/// How outbound webhooks are called and retried.
#[derive(Debug, Clone)]
pub struct UserFileSettings {
    /// Largest file one upload may be (`TESSERA_FILE_UPLOAD_SIZE_LIMIT_MB`, Baserow's name).
    pub max_bytes: u64,
    /// Files one user may have uploaded in all.
    pub files_per_user: u64,
    /// Bytes one user's uploads may take in all.
    pub bytes_per_user: u64,
    /// Bytes all uploaded files may take together (0: no cap); public form uploads,
    /// which have no user, are bounded by this alone.
    pub bytes_total: u64,
}

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Most webhooks one table may have (Baserow: 20).
    pub max_per_table: usize,
    /// How long one call may take, connecting included.
    pub timeout: Duration,
    /// Attempts per event before it counts as failed; the waits between them double from
    /// `retry_base` (with up to 25 % jitter), so the defaults retry for about 34 hours.
    pub max_attempts: u32,
    pub retry_base: Duration,
    /// Consecutive failed events after which a webhook is deactivated.
    pub max_failed_events: u32,
    /// How long the call log is kept.
    pub call_log_retention: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            max_per_table: 20,
            timeout: Duration::from_secs(5),
            max_attempts: 12,
            retry_base: Duration::from_secs(60),
            max_failed_events: 8,
            call_log_retention: Duration::from_secs(14 * 24 * 3600),
        }
    }
}

/// A setting that is missing or malformed; the message says how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

const DEV_SECRET_KEY: &str = "tessera-development-secret-key-do-not-use-in-production";

impl Settings {
    /// Reads the environment. `TESSERA_DEV=1` allows a missing secret key (a fixed,
    /// clearly insecure one is used) so a laptop set-up needs no extra step.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Same as [`Settings::from_env`] with an injectable lookup (tests use a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let dev = flag(get("TESSERA_DEV").as_deref());
        let secret_key = match get("TESSERA_SECRET_KEY") {
            Some(key) if key.len() >= 32 => key,
            Some(_) => {
                return Err(ConfigError(
                    "TESSERA_SECRET_KEY must be at least 32 characters. Make one with: \
                     head -c 48 /dev/urandom | base64"
                        .into(),
                ));
            }
            None if dev => DEV_SECRET_KEY.to_owned(),
            None => {
                return Err(ConfigError(
                    "TESSERA_SECRET_KEY is not set. Make one with: \
                     export TESSERA_SECRET_KEY=\"$(head -c 48 /dev/urandom | base64)\" \
                     (or set TESSERA_DEV=1 for a local, insecure development key)"
                        .into(),
                ));
            }
        };
        let bind = get("TESSERA_BIND").unwrap_or_else(|| "127.0.0.1:8000".into());
        let bind: SocketAddr = bind.parse().map_err(|_| {
            ConfigError(format!(
                "TESSERA_BIND must be an address like 127.0.0.1:8000, got {bind:?}"
            ))
        })?;
        let public_url = get("TESSERA_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        url::Url::parse(&public_url).map_err(|e| {
            ConfigError(format!(
                "TESSERA_PUBLIC_URL is not a valid URL ({e}): {public_url:?}"
            ))
        })?;
        Ok(Self {
            database_url: get("DATABASE_URL")
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/tessera".into()),
            redis_url: get("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            bind,
            public_url,
            secret_key,
            redis_prefix: get("TESSERA_REDIS_PREFIX").unwrap_or_else(|| "tessera:".into()),
            smtp_url: get("TESSERA_SMTP_URL"),
            from_email: get("TESSERA_FROM_EMAIL").unwrap_or_else(|| "tessera@localhost".into()),
            media_dir: get("TESSERA_MEDIA_DIR")
                .unwrap_or_else(|| "media".into())
                .into(),
            export_file_expiry: minutes(&get, "TESSERA_EXPORT_FILE_EXPIRE_MINUTES", 60)?,
            allow_private_addresses: flag(get("TESSERA_ALLOW_PRIVATE_ADDRESSES").as_deref()),
            outbound_allowed: crate::platform::outbound::parse_allowed(
                &get("TESSERA_OUTBOUND_ALLOWED_ADDRESSES").unwrap_or_default(),
            )
            .map_err(|bad| {
                ConfigError(format!(
                    "TESSERA_OUTBOUND_ALLOWED_ADDRESSES must list addresses or networks like \
                     10.0.0.5 or 10.1.0.0/16, separated by commas; {bad:?} is neither"
                ))
            })?,
            external_database_ca_file: get("TESSERA_EXTERNAL_DB_CA_FILE").map(PathBuf::from),
            trusted_proxies: crate::platform::outbound::parse_allowed(
                &get("TESSERA_TRUSTED_PROXIES").unwrap_or_else(|| "127.0.0.1, ::1".into()),
            )
            .map_err(|bad| {
                ConfigError(format!(
                    "TESSERA_TRUSTED_PROXIES must list addresses or networks like \
                     127.0.0.1 or 10.0.0.0/8, separated by commas; {bad:?} is neither"
                ))
            })?,
            signups_per_ip_per_hour: number(&get, "TESSERA_SIGNUPS_PER_IP_PER_HOUR", 30)? as u64,
            access_token_lifetime: minutes(&get, "TESSERA_ACCESS_TOKEN_LIFETIME_MINUTES", 10)?,
            refresh_token_lifetime: minutes(
                &get,
                "TESSERA_REFRESH_TOKEN_LIFETIME_MINUTES",
                7 * 24 * 60,
            )?,
            max_body_bytes: number(&get, "TESSERA_MAX_BODY_BYTES", 20 * 1024 * 1024)?,
            job_heartbeat: Duration::from_secs(
                number(&get, "TESSERA_JOB_HEARTBEAT_SECONDS", 5)?.max(1) as u64,
            ),
            worker_reconnect_timeout: Duration::from_secs(
                number(&get, "TESSERA_WORKER_RECONNECT_SECONDS", 300)?.max(1) as u64,
            ),
            max_fields_per_table: number(&get, "TESSERA_MAX_FIELDS_PER_TABLE", 600)?,
            batch_rows_limit: number(&get, "TESSERA_BATCH_ROWS_LIMIT", 1000)?.max(1),
            view_index_min_rows: number(&get, "TESSERA_VIEW_INDEX_MIN_ROWS", 10_000)? as i64,
            metadata_cache: !matches!(
                get("TESSERA_METADATA_CACHE").as_deref(),
                Some("0" | "false" | "no" | "off")
            ),
            event_retention: Duration::from_secs(
                number(&get, "TESSERA_EVENT_RETENTION_HOURS", 48)?.max(24) as u64 * 3600,
            ),
            realtime_access_sweep: Duration::from_secs(
                number(&get, "TESSERA_REALTIME_ACCESS_SWEEP_SECONDS", 60)?.max(1) as u64,
            ),
            login_failures_per_account: number(&get, "TESSERA_LOGIN_FAILURES_PER_ACCOUNT", 10)?
                as u64,
            login_failures_per_ip: number(&get, "TESSERA_LOGIN_FAILURES_PER_IP", 50)? as u64,
            token_rate_limit_per_minute: number(&get, "TESSERA_TOKEN_RATE_LIMIT_PER_MINUTE", 1200)?
                as u64,
            trash_retention: Duration::from_secs(
                number(&get, "TESSERA_TRASH_RETENTION_HOURS", 72)? as u64 * 3600,
            ),
            action_retention: Duration::from_secs(
                number(&get, "TESSERA_UNDO_RETENTION_HOURS", 24)?.max(24) as u64 * 3600,
            ),
            actions_per_session: number(&get, "TESSERA_UNDO_ACTIONS_PER_SESSION", 500)?.max(500)
                as u64,
            row_history_retention: Duration::from_secs(
                number(&get, "TESSERA_ROW_HISTORY_RETENTION_DAYS", 180)?.max(1) as u64 * 24 * 3600,
            ),
            max_snapshots_per_workspace: number(&get, "TESSERA_MAX_SNAPSHOTS_PER_WORKSPACE", 50)?
                as u64,
            snapshot_expiration: Duration::from_secs(
                number(&get, "TESSERA_SNAPSHOT_EXPIRATION_DAYS", 360)?.max(1) as u64 * 24 * 3600,
            ),
            webhooks: webhook_settings(&get)?,
            import_max_bytes: number(&get, "TESSERA_IMPORT_MAX_BYTES", 2 << 30)?.max(1) as u64,
            import_uploads_per_user: number(&get, "TESSERA_IMPORT_UPLOADS_PER_USER", 20)?.max(1)
                as u64,
            import_upload_bytes_per_user: number(
                &get,
                "TESSERA_IMPORT_UPLOAD_BYTES_PER_USER",
                4 << 30,
            )?
            .max(1) as u64,
            import_upload_bytes_total: number(&get, "TESSERA_IMPORT_UPLOAD_BYTES_TOTAL", 0)? as u64,
            import_report_max_rows: number(&get, "TESSERA_IMPORT_REPORT_MAX_ROWS", 1000)?,
            license: license_settings(&get)?,
            user_files: user_file_settings(&get)?,
        })
    }

    /// Host (and port) part of the public URL, which user-supplied `base_url`s must match.
    pub fn public_host(&self) -> Option<String> {
        let url = url::Url::parse(&self.public_url).ok()?;
        Some(match url.port() {
            Some(port) => format!("{}:{port}", url.host_str()?),
            None => url.host_str()?.to_owned(),
        })
    }
}

fn user_file_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<UserFileSettings, ConfigError> {
    const MB: u64 = 1024 * 1024;
    Ok(UserFileSettings {
        max_bytes: (number(get, "TESSERA_FILE_UPLOAD_SIZE_LIMIT_MB", 100)?.max(1) as u64) * MB,
        files_per_user: number(get, "TESSERA_USER_FILES_PER_USER", 10_000)?.max(1) as u64,
        bytes_per_user: (number(get, "TESSERA_USER_FILES_MB_PER_USER", 10 * 1024)?.max(1) as u64)
            * MB,
        bytes_total: (number(get, "TESSERA_USER_FILES_MB_TOTAL", 0)? as u64) * MB,
    })
}

fn webhook_settings(get: &impl Fn(&str) -> Option<String>) -> Result<WebhookSettings, ConfigError> {
    let d = WebhookSettings::default();
    let secs = |key: &str, default: Duration| -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs(
            number(get, key, default.as_secs() as usize)?.max(1) as u64,
        ))
    };
    Ok(WebhookSettings {
        max_per_table: number(get, "TESSERA_WEBHOOK_MAX_PER_TABLE", d.max_per_table)?,
        timeout: secs("TESSERA_WEBHOOK_TIMEOUT_SECONDS", d.timeout)?,
        max_attempts: number(get, "TESSERA_WEBHOOK_MAX_ATTEMPTS", d.max_attempts as usize)?.max(1)
            as u32,
        retry_base: secs("TESSERA_WEBHOOK_RETRY_BASE_SECONDS", d.retry_base)?,
        max_failed_events: number(
            get,
            "TESSERA_WEBHOOK_MAX_FAILED_EVENTS",
            d.max_failed_events as usize,
        )?
        .max(1) as u32,
        call_log_retention: Duration::from_secs(
            number(get, "TESSERA_WEBHOOK_CALL_LOG_DAYS", 14)?.max(1) as u64 * 24 * 3600,
        ),
    })
}

fn license_settings(get: &impl Fn(&str) -> Option<String>) -> Result<LicenseSettings, ConfigError> {
    use base64::Engine;
    let public_key = match get("TESSERA_LICENSE_PUBLIC_KEY") {
        None => None,
        Some(text) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok());
            Some(bytes.ok_or_else(|| {
                ConfigError(
                    "TESSERA_LICENSE_PUBLIC_KEY must be the base64 of a raw 32-byte Ed25519 \
                     public key"
                        .into(),
                )
            })?)
        }
    };
    let server_url = get("TESSERA_LICENSE_SERVER_URL");
    if let Some(url) = &server_url {
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(ConfigError(format!(
                    "TESSERA_LICENSE_SERVER_URL must be an http(s) URL, got {url:?}"
                )));
            }
        }
    }
    Ok(LicenseSettings {
        public_key,
        server_url,
        check_interval: minutes(get, "TESSERA_LICENSE_CHECK_INTERVAL_MINUTES", 60)?,
        ..LicenseSettings::default()
    })
}

fn flag(value: Option<&str>) -> bool {
    matches!(value, Some("1" | "true" | "yes" | "on"))
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: usize,
) -> Result<usize, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| ConfigError(format!("{key} must be a whole number, got {v:?}"))),
    }
}

fn minutes(
    get: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: u64,
) -> Result<Duration, ConfigError> {
    let n = number(get, key, default as usize)?;
    if n == 0 {
        return Err(ConfigError(format!("{key} must be at least 1")));
    }
    Ok(Duration::from_secs(n as u64 * 60))
}

/// Redacts credentials so settings can be logged.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &redact_url(&self.redis_url))
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("secret_key", &"<redacted>")
            .field("redis_prefix", &self.redis_prefix)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("from_email", &self.from_email)
            .field("media_dir", &self.media_dir)
            .field("export_file_expiry", &self.export_file_expiry)
            .field("allow_private_addresses", &self.allow_private_addresses)
            .field("outbound_allowed", &self.outbound_allowed)
            .field("external_database_ca_file", &self.external_database_ca_file)
            .field("trash_retention", &self.trash_retention)
            .field("action_retention", &self.action_retention)
            .field("actions_per_session", &self.actions_per_session)
            .field("row_history_retention", &self.row_history_retention)
            .field(
                "max_snapshots_per_workspace",
                &self.max_snapshots_per_workspace,
            )
            .field("snapshot_expiration", &self.snapshot_expiration)
            .field("webhooks", &self.webhooks)
            .field("import_max_bytes", &self.import_max_bytes)
            .field("license", &self.license)
            .finish_non_exhaustive()
    }
}

fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(url) => url.to_string(),
        Err(_) => "<unparseable>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn a_missing_secret_key_explains_how_to_make_one() {
        let err = load(&[]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("TESSERA_SECRET_KEY"), "{err}");
        assert!(err.contains("/dev/urandom"), "{err}");
    }

    #[test]
    fn dev_mode_supplies_a_key_and_defaults_apply() {
        let s = load(&[("TESSERA_DEV", "1")]).expect("dev settings");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8000");
        assert_eq!(s.public_url, "http://127.0.0.1:8000");
        assert_eq!(s.access_token_lifetime, Duration::from_secs(600));
        assert!(!s.allow_private_addresses);
        assert_eq!(s.trash_retention, Duration::from_secs(72 * 3600));
        assert_eq!(
            s.row_history_retention,
            Duration::from_secs(180 * 24 * 3600)
        );
        let s = load(&[("TESSERA_DEV", "1"), ("TESSERA_TRASH_RETENTION_HOURS", "1")])
            .expect("settings");
        assert_eq!(s.trash_retention, Duration::from_secs(3600));
        let s = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_ROW_HISTORY_RETENTION_DAYS", "0"),
        ])
        .expect("settings");
        assert_eq!(s.row_history_retention, Duration::from_secs(24 * 3600));
        assert_eq!(
            s.snapshot_expiration,
            Duration::from_secs(360 * 24 * 3600),
            "snapshots are kept 360 days by default"
        );
        let s = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_SNAPSHOT_EXPIRATION_DAYS", "0"),
        ])
        .expect("settings");
        assert_eq!(s.snapshot_expiration, Duration::from_secs(24 * 3600));
        assert_eq!(s.export_file_expiry, Duration::from_secs(3600));
        assert_eq!(s.action_retention, Duration::from_secs(24 * 3600));
        assert_eq!(s.actions_per_session, 500);
        // Undo keeps at least a day and 500 actions per tab, whatever is asked.
        let s = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_UNDO_RETENTION_HOURS", "1"),
            ("TESSERA_UNDO_ACTIONS_PER_SESSION", "10"),
        ])
        .expect("settings");
        assert_eq!(s.action_retention, Duration::from_secs(24 * 3600));
        assert_eq!(s.actions_per_session, 500);
    }

    #[test]
    fn short_keys_and_bad_addresses_are_refused() {
        assert!(load(&[("TESSERA_SECRET_KEY", "short")]).is_err());
        let key = "k".repeat(40);
        assert!(load(&[("TESSERA_SECRET_KEY", &key), ("TESSERA_BIND", "nowhere")]).is_err());
    }

    #[test]
    fn webhook_and_outbound_settings_are_read_and_checked() {
        let s = load(&[("TESSERA_DEV", "1")]).expect("defaults");
        assert_eq!(s.webhooks.max_per_table, 20);
        assert_eq!(s.webhooks.timeout, Duration::from_secs(5));
        assert_eq!(s.webhooks.max_failed_events, 8);
        assert!(s.outbound_allowed.is_empty());
        assert_eq!(s.external_database_ca_file, None);
        let s = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_EXTERNAL_DB_CA_FILE", "/etc/tessera/db-ca.pem"),
            (
                "TESSERA_OUTBOUND_ALLOWED_ADDRESSES",
                "10.0.0.5, 10.1.0.0/16",
            ),
            ("TESSERA_WEBHOOK_TIMEOUT_SECONDS", "2"),
            ("TESSERA_WEBHOOK_MAX_ATTEMPTS", "3"),
            ("TESSERA_WEBHOOK_RETRY_BASE_SECONDS", "10"),
            ("TESSERA_WEBHOOK_CALL_LOG_DAYS", "1"),
        ])
        .expect("settings");
        assert_eq!(s.outbound_allowed.len(), 2);
        assert_eq!(
            s.external_database_ca_file.as_deref(),
            Some(std::path::Path::new("/etc/tessera/db-ca.pem"))
        );
        assert!(s.outbound_allowed[1].contains("10.1.200.3".parse().expect("ip")));
        assert_eq!(
            (
                s.webhooks.timeout,
                s.webhooks.max_attempts,
                s.webhooks.retry_base
            ),
            (Duration::from_secs(2), 3, Duration::from_secs(10))
        );
        assert_eq!(
            s.webhooks.call_log_retention,
            Duration::from_secs(24 * 3600)
        );
        let err = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_OUTBOUND_ALLOWED_ADDRESSES", "10.0.0.5,intranet"),
        ])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("\"intranet\""), "{err}");
    }

    #[test]
    fn license_settings_are_read_and_checked() {
        let s = load(&[("TESSERA_DEV", "1")]).expect("defaults");
        assert!(s.license.public_key.is_none() && s.license.server_url.is_none());
        assert_eq!(s.license.check_interval, Duration::from_secs(3600));
        let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        let s = load(&[
            ("TESSERA_DEV", "1"),
            ("TESSERA_LICENSE_PUBLIC_KEY", key),
            (
                "TESSERA_LICENSE_SERVER_URL",
                "https://licenses.example.com/check/",
            ),
            ("TESSERA_LICENSE_CHECK_INTERVAL_MINUTES", "15"),
        ])
        .expect("settings");
        assert_eq!(s.license.public_key.map(|k| k[31]), Some(32));
        assert_eq!(s.license.check_interval, Duration::from_secs(900));
        for (name, value) in [
            ("TESSERA_LICENSE_PUBLIC_KEY", "AQID"),
            ("TESSERA_LICENSE_PUBLIC_KEY", "not base64!"),
            ("TESSERA_LICENSE_SERVER_URL", "ftp://licenses.example.com/"),
            ("TESSERA_LICENSE_CHECK_INTERVAL_MINUTES", "0"),
        ] {
            let err = load(&[("TESSERA_DEV", "1"), (name, value)])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn debug_output_hides_passwords() {
        let key = "k".repeat(40);
        let s = load(&[
            ("TESSERA_SECRET_KEY", &key),
            ("DATABASE_URL", "postgres://u:hunter2@db/x"),
        ])
        .expect("settings");
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains(&key),
            "{shown}"
        );
    }
}
