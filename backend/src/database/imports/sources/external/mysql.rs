//! Reading a MySQL or MariaDB table: a read-only transaction in a UTC session with a
//! statement time limit, the columns from `information_schema`, every value cast to text
//! by the server (bytes as hexadecimal), rows streamed.

use super::{
    CONNECT_TIMEOUT, Endpoint, QUERY_TIMEOUT, READ_TIMEOUT, Rows, SourceUrl, TableName,
    address::pinned,
    bounded,
    columns::{self, Read, SourceColumn},
    connect_error, table_not_found,
    url::Tls,
};
use futures::TryStreamExt;
use sqlx::{
    AssertSqlSafe, ConnectOptions, Connection, Row,
    mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode},
};
use std::time::Duration;

/// A read-only connection, and whether the server is MariaDB.
async fn connect(url: &SourceUrl, to: &Endpoint) -> Result<(MySqlConnection, bool), String> {
    // The driver gets the name (for TLS to verify); the connection goes to `to.addr`.
    let mut options = MySqlConnectOptions::new()
        .host(&url.host)
        .port(to.addr.port())
        .username(if url.user.is_empty() {
            "root"
        } else {
            &url.user
        })
        .database(&url.database)
        .ssl_mode(match url.tls {
            Tls::Disable => MySqlSslMode::Disabled,
            Tls::Prefer => MySqlSslMode::Preferred,
            Tls::Require => MySqlSslMode::Required,
            Tls::VerifyCa => MySqlSslMode::VerifyCa,
            Tls::VerifyFull => MySqlSslMode::VerifyIdentity,
        })
        .charset("utf8mb4")
        .timezone(Some("+00:00".to_owned()));
    // An empty password would still be sent, and refused by accounts without one.
    if !url.password.is_empty() {
        options = options.password(&url.password);
    }
    if let Some(pem) = to.trusted_pem(url.tls).await? {
        options = options.ssl_ca_from_pem(pem);
    }
    let connect = pinned(&url.host, to.addr, options.connect());
    let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| "The source database did not answer in time.".to_string())?
        .map_err(connect_error)?;
    let version: String = bounded(
        "Reading the server's version",
        sqlx::query_scalar("SELECT CAST(VERSION() AS CHAR)").fetch_one(&mut conn),
    )
    .await?;
    let mariadb = version.to_lowercase().contains("mariadb");
    limit_statements(&mut conn, mariadb, QUERY_TIMEOUT).await?;
    bounded(
        "Starting a read",
        sqlx::raw_sql("SET SESSION TRANSACTION READ ONLY").execute(&mut conn),
    )
    .await?;
    bounded(
        "Starting a read",
        sqlx::raw_sql("START TRANSACTION READ ONLY").execute(&mut conn),
    )
    .await?;
    Ok((conn, mariadb))
}

/// The session's time limit per statement: `max_statement_time` (seconds) on MariaDB,
/// `max_execution_time` (milliseconds, reads only) on MySQL.
async fn limit_statements(
    conn: &mut MySqlConnection,
    mariadb: bool,
    limit: Duration,
) -> Result<(), String> {
    let statement = if mariadb {
        format!("SET SESSION max_statement_time = {}", limit.as_secs())
    } else {
        format!("SET SESSION max_execution_time = {}", limit.as_millis())
    };
    bounded(
        "Setting a time limit",
        sqlx::raw_sql(AssertSqlSafe(statement)).execute(conn),
    )
    .await
    .map(|_| ())
}

/// A MySQL identifier, quoted (only ever names read from `information_schema`).
fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A column as `information_schema.COLUMNS` describes it: name, data type, full type,
/// scale, maximum length.
type Described = (String, String, String, Option<i64>, Option<i64>);

pub(super) async fn read(
    url: &SourceUrl,
    to: &Endpoint,
    table: &TableName,
    rows: &mut Rows<'_>,
) -> Result<(), String> {
    let (mut conn, mariadb) = connect(url, to).await?;
    let found: Option<(String, String)> = bounded(
        "Looking up the table",
        sqlx::query_as(
            "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
        )
        .bind(&table.schema)
        .bind(&table.table)
        .fetch_optional(&mut conn),
    )
    .await?;
    let (schema, name) = found.ok_or_else(|| table_not_found(table))?;
    let described: Vec<Described> = bounded(
        "Reading the table's columns",
        sqlx::query_as(
            "SELECT CAST(COLUMN_NAME AS CHAR), LOWER(CAST(DATA_TYPE AS CHAR)), \
             CAST(COLUMN_TYPE AS CHAR), CAST(NUMERIC_SCALE AS SIGNED), \
             CAST(LEAST(CHARACTER_MAXIMUM_LENGTH, 9223372036854775807) AS SIGNED) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION",
        )
        .bind(&schema)
        .bind(&name)
        .fetch_all(&mut conn),
    )
    .await?;
    if described.is_empty() {
        return Err(table_not_found(table));
    }
    let mut plans = Vec::with_capacity(described.len());
    let mut select = Vec::with_capacity(described.len());
    for (column, data_type, column_type, scale, max_length) in described {
        let source = SourceColumn {
            name: column,
            data_type,
            column_type,
            scale,
            max_length,
            labels: Vec::new(),
        };
        let (plan, read) = columns::mysql(&source);
        let quoted = quote(&source.name);
        select.push(match read {
            Read::Hex => format!("HEX({quoted})"),
            Read::Bit => format!("CAST(CAST({quoted} AS UNSIGNED) AS CHAR)"),
            Read::Text | Read::Utc => format!("CAST({quoted} AS CHAR)"),
        });
        plans.push(plan);
    }
    let from = format!("{}.{}", quote(&schema), quote(&name));
    // Counting and reading may take as long as the table is large.
    limit_statements(&mut conn, mariadb, READ_TIMEOUT).await?;
    let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {from}")))
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("Counting the rows: {e}"))?;
    let shown = format!("{schema}.{name}");
    rows.describe(url, &shown, plans, total.max(0) as u64)
        .await?;

    let query = format!("SELECT {} FROM {from}", select.join(", "));
    let mut stream = sqlx::raw_sql(AssertSqlSafe(query)).fetch(&mut conn);
    while let Some(row) = stream
        .try_next()
        .await
        .map_err(|e| format!("Reading the rows: {e}"))?
    {
        let cells = (0..row.len())
            .map(|i| {
                // Bytes, then text: a value in a broken encoding becomes readable text
                // with replacement characters instead of failing the whole import.
                row.try_get_unchecked::<Option<Vec<u8>>, _>(i)
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("Reading the rows: {e}"))?;
        rows.row(cells).await?;
    }
    drop(stream);
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
    let _ = conn.close().await;
    Ok(())
}

pub(super) async fn list_tables(url: &SourceUrl, to: &Endpoint) -> Result<Vec<String>, String> {
    let (mut conn, _) = connect(url, to).await?;
    let tables = bounded(
        "Listing the tables",
        sqlx::query_scalar(
            "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME LIMIT 1000",
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
    async fn the_session_is_read_only() {
        let server = std::env::var("TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
        let url = SourceUrl::parse(&format!("{server}/mysql")).unwrap();
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
        let (mut conn, _) = connect(&url, &to).await.unwrap();
        let refused = sqlx::raw_sql("CREATE TABLE tessera_must_not_exist (a int)")
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("READ ONLY"), "{refused}");
        let zone: String = sqlx::query_scalar("SELECT CAST(@@session.time_zone AS CHAR)")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(zone, "+00:00");
    }
}
