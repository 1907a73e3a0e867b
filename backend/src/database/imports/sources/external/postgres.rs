//! Reading a PostgreSQL table: a read-only session (dates in ISO form, time zone UTC), the
//! columns from `information_schema`, every value cast to text by the server, rows streamed.

use super::{
    CONNECT_TIMEOUT, Endpoint, READ_TIMEOUT, Rows, SourceUrl, TableName,
    address::pinned,
    bounded,
    columns::{self, Read, SourceColumn},
    connect_error, table_not_found,
    url::Tls,
};
use futures::TryStreamExt;
use sqlx::{
    AssertSqlSafe, ConnectOptions, Connection, Row,
    postgres::{PgConnectOptions, PgConnection, PgSslMode},
};

async fn connect(url: &SourceUrl, to: &Endpoint) -> Result<PgConnection, String> {
    // The driver gets the name (for TLS to verify); the connection goes to `to.addr`.
    let mut options = PgConnectOptions::new_without_pgpass()
        .host(&url.host)
        .port(to.addr.port())
        .password(&url.password)
        .database(&url.database)
        .ssl_mode(match url.tls {
            Tls::Disable => PgSslMode::Disable,
            Tls::Prefer => PgSslMode::Prefer,
            Tls::Require => PgSslMode::Require,
            Tls::VerifyCa => PgSslMode::VerifyCa,
            Tls::VerifyFull => PgSslMode::VerifyFull,
        })
        .application_name("tessera-import")
        .options([
            // Nothing an import runs may write, even by mistake.
            ("default_transaction_read_only", "on"),
            ("statement_timeout", "30s"),
            ("DateStyle", "ISO"),
            ("TimeZone", "UTC"),
            ("extra_float_digits", "0"),
        ]);
    if !url.user.is_empty() {
        options = options.username(&url.user);
    }
    if let Some(pem) = to.trusted_pem(url.tls).await? {
        options = options.ssl_root_cert_from_pem(pem);
    }
    let connect = pinned(&url.host, to.addr, options.connect());
    tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| "The source database did not answer in time.".to_string())?
        .map_err(connect_error)
}

/// A PostgreSQL identifier, quoted (only ever names read from `information_schema`).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column as `information_schema.columns` describes it: name, data type, the schema and
/// name of its type, scale, maximum length.
type Described = (String, String, String, String, Option<i64>, Option<i64>);

pub(super) async fn read(
    url: &SourceUrl,
    to: &Endpoint,
    table: &TableName,
    rows: &mut Rows<'_>,
) -> Result<(), String> {
    let mut conn = connect(url, to).await?;
    let mut tx = bounded("Starting a read", conn.begin()).await?;
    let found: Option<(String, String)> = bounded(
        "Looking up the table",
        sqlx::query_as(
            "SELECT table_schema::text, table_name::text FROM information_schema.tables \
             WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2",
        )
        .bind(&table.schema)
        .bind(&table.table)
        .fetch_optional(&mut *tx),
    )
    .await?;
    let (schema, name) = found.ok_or_else(|| table_not_found(table))?;
    let described: Vec<Described> = bounded(
        "Reading the table's columns",
        sqlx::query_as(
            "SELECT column_name::text, lower(data_type::text), udt_schema::text, udt_name::text, \
             numeric_scale::int8, character_maximum_length::int8 FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        )
        .bind(&schema)
        .bind(&name)
        .fetch_all(&mut *tx),
    )
    .await?;
    if described.is_empty() {
        return Err(table_not_found(table));
    }
    let mut plans = Vec::with_capacity(described.len());
    let mut select = Vec::with_capacity(described.len());
    for (column, data_type, udt_schema, udt_name, scale, max_length) in described {
        let labels: Vec<String> = if data_type == "user-defined" {
            bounded(
                "Reading an enum's labels",
                sqlx::query_scalar(
                    "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
                     JOIN pg_namespace n ON n.oid = t.typnamespace \
                     WHERE n.nspname = $1 AND t.typname = $2 ORDER BY e.enumsortorder",
                )
                .bind(&udt_schema)
                .bind(&udt_name)
                .fetch_all(&mut *tx),
            )
            .await?
        } else {
            Vec::new()
        };
        let source = SourceColumn {
            name: column,
            data_type,
            column_type: udt_name,
            scale,
            max_length,
            labels,
        };
        let (plan, read) = columns::postgres(&source);
        let quoted = quote(&source.name);
        select.push(match read {
            Read::Utc => format!("({quoted} AT TIME ZONE 'UTC')::text"),
            Read::Text | Read::Hex | Read::Bit => format!("{quoted}::text"),
        });
        plans.push(plan);
    }
    let from = format!("{}.{}", quote(&schema), quote(&name));
    // Counting and reading may take as long as the table is large.
    sqlx::query(AssertSqlSafe(format!(
        "SET LOCAL statement_timeout = '{}s'",
        READ_TIMEOUT.as_secs()
    )))
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {from}")))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| format!("Counting the rows: {e}"))?;
    let shown = format!("{schema}.{name}");
    rows.describe(url, &shown, plans, total.max(0) as u64)
        .await?;

    let query = format!("SELECT {} FROM {from}", select.join(", "));
    let mut stream = sqlx::query(AssertSqlSafe(query)).fetch(&mut *tx);
    while let Some(row) = stream
        .try_next()
        .await
        .map_err(|e| format!("Reading the rows: {e}"))?
    {
        let cells = (0..row.len())
            .map(|i| row.try_get::<Option<String>, _>(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("Reading the rows: {e}"))?;
        rows.row(cells).await?;
    }
    drop(stream);
    let _ = tx.rollback().await;
    let _ = conn.close().await;
    Ok(())
}

pub(super) async fn list_tables(url: &SourceUrl, to: &Endpoint) -> Result<Vec<String>, String> {
    let mut conn = connect(url, to).await?;
    let tables = bounded(
        "Listing the tables",
        sqlx::query_scalar(
            "SELECT table_schema::text || '.' || table_name::text FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
             ORDER BY table_schema = current_schema() DESC, 1 LIMIT 1000",
        )
        .fetch_all(&mut conn),
    )
    .await?;
    let _ = conn.close().await;
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_session_is_read_only_and_sees_dates_in_utc() {
        let server = crate::test_support::database_server_url();
        let url = SourceUrl::parse(&format!("{server}/postgres")).unwrap();
        let addr = super::super::address::resolve(
            &crate::platform::outbound::OutboundPolicy {
                allow_private: true,
                allowed: Vec::new(),
                ..Default::default()
            },
            &url.host,
            url.port,
        )
        .await
        .unwrap();
        let to = Endpoint {
            addr,
            ca_file: None,
        };
        let mut conn = connect(&url, &to).await.unwrap();
        let refused = sqlx::query("CREATE TABLE tessera_must_not_exist (a int)")
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("read-only"), "{refused}");
        let shown: String = sqlx::query_scalar("SELECT timestamptz '2024-01-02 03:04:05+02'::text")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(shown, "2024-01-02 01:04:05+00");
    }
}
