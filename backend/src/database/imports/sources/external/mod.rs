//! A table of an external PostgreSQL or MySQL/MariaDB database as an import source. The
//! server's address is checked with the outbound policy before connecting, and the
//! connection goes to that address while TLS verifies the URL's host name; the session is
//! read-only with timeouts; the table must be found in `information_schema` before its name
//! is used, then only as a quoted identifier; its rows are streamed, not loaded whole.

mod address;
pub mod columns;
mod mysql;
mod postgres;
mod url;

pub use url::{Engine, SourceUrl, TableName};

use super::{BATCH_ROWS, FieldPlan, ImportSource, Message, Progress};
use crate::{database::imports::formats::Parsed, platform::outbound::OutboundPolicy};
use serde_json::{Map, json};
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use tokio::sync::mpsc;

/// Longest wait for a connection to the source.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest run of one query about the table (its columns, its enum labels).
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest run of counting and reading the rows: less than the `low` queue's hour per job,
/// so that a table too large fails with a readable message (and the job forgets the
/// password) instead of being cut off.
const READ_TIMEOUT: Duration = Duration::from_secs(50 * 60);

pub struct ExternalSource {
    pub url: SourceUrl,
    pub table: TableName,
    pub policy: OutboundPolicy,
    /// Certificate authorities trusted besides the public ones (`TESSERA_EXTERNAL_DB_CA_FILE`).
    pub ca_file: Option<PathBuf>,
}

/// Where an engine connects: the address checked for the URL's host, and the operator's
/// certificate authorities for `verify-ca` and `verify-full`.
pub(super) struct Endpoint {
    addr: SocketAddr,
    ca_file: Option<PathBuf>,
}

impl Endpoint {
    /// The operator's certificate authorities (PEM) when `tls` verifies the server and a
    /// file is set; read at each connection, so a replaced file takes effect at once.
    async fn trusted_pem(&self, tls: url::Tls) -> Result<Option<Vec<u8>>, String> {
        let Some(path) = &self.ca_file else {
            return Ok(None);
        };
        if !matches!(tls, url::Tls::VerifyCa | url::Tls::VerifyFull) {
            return Ok(None);
        }
        match tokio::fs::read(path).await {
            Ok(pem) => Ok(Some(pem)),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "TESSERA_EXTERNAL_DB_CA_FILE cannot be read");
                // The path is the server's business, not the user's.
                Err(
                    "The certificate authorities this server trusts for external databases \
                     (TESSERA_EXTERNAL_DB_CA_FILE) cannot be read; ask its administrator."
                        .into(),
                )
            }
        }
    }
}

impl ImportSource for ExternalSource {
    fn read(self: Box<Self>, out: &mpsc::Sender<Message>, progress: &Progress) {
        // The import runs this on a blocking thread of the runtime; the drivers are async.
        let handle = tokio::runtime::Handle::current();
        let outcome = handle.block_on(async {
            tokio::time::timeout(READ_TIMEOUT, self.read_async(out, progress))
                .await
                .unwrap_or_else(|_| Err("Reading the source table took too long.".into()))
        });
        if let Err(reason) = outcome {
            let _ = out.blocking_send(Message::Failed(self.url.redact(&reason)));
        }
    }
}

impl ExternalSource {
    async fn read_async(
        &self,
        out: &mpsc::Sender<Message>,
        progress: &Progress,
    ) -> Result<(), String> {
        let to = Endpoint {
            addr: address::resolve(&self.policy, &self.url.host, self.url.port).await?,
            ca_file: self.ca_file.clone(),
        };
        let mut rows = Rows {
            out,
            progress,
            batch: Vec::with_capacity(BATCH_ROWS),
            total: 0,
            seen: 0,
        };
        match self.url.engine {
            Engine::Postgres => postgres::read(&self.url, &to, &self.table, &mut rows).await?,
            Engine::MySql => mysql::read(&self.url, &to, &self.table, &mut rows).await?,
        }
        rows.finish().await
    }
}

/// Lists the tables the connection's user may read, as `schema.table` (PostgreSQL) or
/// `table` (MySQL, in the URL's database).
pub async fn list_tables(
    policy: &OutboundPolicy,
    ca_file: Option<PathBuf>,
    url: &SourceUrl,
) -> Result<Vec<String>, String> {
    let work = async {
        let to = Endpoint {
            addr: address::resolve(policy, &url.host, url.port).await?,
            ca_file,
        };
        match url.engine {
            Engine::Postgres => postgres::list_tables(url, &to).await,
            Engine::MySql => mysql::list_tables(url, &to).await,
        }
    };
    tokio::time::timeout(CONNECT_TIMEOUT + QUERY_TIMEOUT, work)
        .await
        .unwrap_or_else(|_| Err("The source database did not answer in time.".into()))
        .map_err(|e| url.redact(&e))
}

/// What an engine hands over: the table's description, then its rows one by one.
pub(super) struct Rows<'a> {
    out: &'a mpsc::Sender<Message>,
    progress: &'a Progress,
    batch: Vec<Parsed>,
    total: u64,
    seen: u64,
}

impl Rows<'_> {
    /// The table found, its typed columns and (roughly) how many rows it has.
    async fn describe(
        &mut self,
        url: &SourceUrl,
        table: &str,
        fields: Vec<FieldPlan>,
        total: u64,
    ) -> Result<(), String> {
        self.total = total;
        let mut detected = Map::new();
        detected.insert("source".into(), json!(url.engine.name()));
        detected.insert("source_table".into(), json!(table));
        self.send(Message::Detected(detected)).await?;
        self.send(Message::Fields(fields)).await
    }

    async fn row(&mut self, cells: Vec<Option<String>>) -> Result<(), String> {
        self.batch.push(Parsed::Row(cells));
        self.seen += 1;
        if self.batch.len() >= BATCH_ROWS {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ROWS));
            self.send(Message::Pieces(batch)).await?;
            self.progress
                .set_permille(self.seen * 1000 / self.total.max(self.seen).max(1));
        }
        Ok(())
    }

    async fn finish(&mut self) -> Result<(), String> {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            self.send(Message::Pieces(batch)).await?;
        }
        self.progress.set_permille(1000);
        Ok(())
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        self.out
            .send(message)
            .await
            .map_err(|_| "The import stopped.".to_string())
    }
}

/// Runs `query` for at most [`QUERY_TIMEOUT`] (the server's own timeout may not cover a
/// network that stalls).
async fn bounded<T, E: std::fmt::Display>(
    what: &str,
    query: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    tokio::time::timeout(QUERY_TIMEOUT, query)
        .await
        .map_err(|_| format!("{what}: the source database did not answer in time."))?
        .map_err(|e| format!("{what}: {e}"))
}

/// Why connecting failed, readable by the user; a refused certificate says what passes.
fn connect_error(error: sqlx::Error) -> String {
    // A refused certificate ends the handshake with an I/O error that names it.
    let reason = error.to_string();
    if matches!(error, sqlx::Error::Tls(_)) || reason.contains("peer certificate") {
        format!(
            "The TLS connection to the source database failed ({reason}). To be verified, the \
             server's certificate must come from a public certificate authority or one the \
             administrator trusts, and for verify-full (VERIFY_IDENTITY) be issued for the host \
             name in the URL."
        )
    } else {
        format!("Could not connect to the source database: {reason}")
    }
}

/// The message for a table that is not there (or not readable by the connection's user).
fn table_not_found(table: &TableName) -> String {
    format!(
        "The table \"{}\" does not exist in the source database, or its user may not read it.",
        table.display()
    )
}
