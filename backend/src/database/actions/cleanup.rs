//! Forgets old actions: those older than the retention, beyond the newest ones each tab
//! keeps, go, and with them the column backups of field type changes they kept.

use super::backup;
use sqlx::PgPool;
use std::time::Duration;

/// Deletes expired actions and their backups; answers how many actions went.
pub async fn run(db: &PgPool, retention: Duration, per_session: u64) -> sqlx::Result<u64> {
    let mut tx = db.begin().await?;
    let backups: Vec<Option<i64>> = sqlx::query_scalar(
        "DELETE FROM actions WHERE id IN ( \
           SELECT id FROM ( \
             SELECT id, created_on, \
                    row_number() OVER (PARTITION BY user_id, session ORDER BY id DESC) AS newest \
             FROM actions) a \
           WHERE a.created_on < now() - make_interval(secs => $1) AND a.newest > $2) \
         RETURNING (params->>'backup')::bigint",
    )
    .bind(retention.as_secs_f64())
    .bind(i64::try_from(per_session).unwrap_or(i64::MAX))
    .fetch_all(&mut *tx)
    .await?;
    for id in backups.iter().flatten() {
        backup::discard(&mut tx, *id).await?;
    }
    tx.commit().await?;
    Ok(backups.len() as u64)
}
