//! The journal of search-entry changes that every node's own index follows
//! ([`super::node_index`]).
//!
//! Each write of entries records the range of keys it changed, in the same transaction. A
//! node applies a change by reading that range of `search_entries` again, so a change applied
//! twice, or after a later one, leaves the same index: only a change never read would be lost.
//!
//! Changes are read in the order they became final. On SQLite one transaction commits at a
//! time, so that is `seq` order. On PostgreSQL a transaction that took a lower `seq` can commit
//! after one with a higher; changes are read in `(txid, seq)` order, and a reader moves past a
//! change only once it is settled: its transaction is older than every transaction still
//! running (`pg_snapshot_xmin`), so nothing can come before it any more. A committed change
//! not yet settled is applied at once all the same (a search sees every write committed before
//! it began) and remembered, so it is not applied again when it settles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamp};
use serde::{Deserialize, Serialize};

use crate::convert::to_db;
use crate::dialect::{BackendKind, pick};
use crate::prepared::Statement;
use crate::{DbConnection, StoreError};

/// How far a node has read the journal: the last change it applied.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Cursor {
    /// The writing transaction's id (0 on SQLite).
    pub txid: i64,
    /// The change's number.
    pub seq: i64,
}

/// One change: entries with keys `low..=high` may have been added, changed or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, QueryableByName)]
pub struct Change {
    /// Where it is in the journal.
    #[diesel(sql_type = BigInt)]
    pub txid: i64,
    /// Its number.
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    /// The lowest key changed.
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    /// The highest key changed.
    #[diesel(sql_type = BigInt)]
    pub high: i64,
    /// Whether no change can come before it any more (every older transaction has ended).
    #[diesel(sql_type = Bool)]
    pub settled: bool,
}

impl Change {
    /// The cursor just past this change.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            txid: self.txid,
            seq: self.seq,
        }
    }
}

/// Records, within the caller's transaction, that entries `low..=high` changed.
pub fn record(conn: &mut DbConnection, low: i64, high: i64) -> Result<(), StoreError> {
    const SQL: (&str, &str) = (
        "INSERT INTO search_changes (low, high, changed_at) VALUES ($1, $2, $3)",
        "INSERT INTO search_changes (low, high, changed_at) VALUES (?, ?, ?)",
    );
    let now = to_db(kefu_domain::time::now());
    crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
        .bind::<BigInt, _>(low)
        .bind::<BigInt, _>(high)
        .bind::<Timestamp, _>(now)
        .execute(c))?;
    Ok(())
}

/// Records, within the caller's transaction, several changed ranges in one statement.
pub fn record_ranges(conn: &mut DbConnection, ranges: &[(i64, i64)]) -> Result<(), StoreError> {
    if ranges.is_empty() {
        return Ok(());
    }
    let now = to_db(kefu_domain::time::now());
    for chunk in ranges.chunks(crate::dialect::rows_per_statement(3)) {
        let backend = conn.backend();
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| match backend {
                crate::Backend::Postgres => {
                    format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)
                }
                crate::Backend::Sqlite => "(?, ?, ?)".to_owned(),
            })
            .collect();
        let sql = format!(
            "INSERT INTO search_changes (low, high, changed_at) VALUES {}",
            rows.join(", ")
        );
        crate::with_backend!(conn, c => {
            let mut insert = diesel::sql_query(sql.clone()).into_boxed();
            for (low, high) in chunk {
                insert = insert
                    .bind::<BigInt, _>(*low)
                    .bind::<BigInt, _>(*high)
                    .bind::<Timestamp, _>(now);
            }
            insert.execute(c)
        })?;
    }
    Ok(())
}

/// Up to `limit` committed changes after `after`, in `(txid, seq)` order: the settled ones
/// first (see [`Change::settled`]). A change not yet settled is already committed and can be
/// applied, but a reader must not move its cursor past it: a change before it may still
/// commit.
pub fn after(
    conn: &mut DbConnection,
    after: Cursor,
    limit: i64,
) -> Result<Vec<Change>, StoreError> {
    // Asked on every search: kept prepared.
    let changes = match conn {
        DbConnection::Postgres(pg) => Statement::new(
            "SELECT c.txid, c.seq, c.low, c.high,
                    c.txid < CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS bigint)
                      AS settled
             FROM search_changes c WHERE (c.txid, c.seq) > (",
        )
        .bind::<BigInt, _>(after.txid)
        .sql(", ")
        .bind::<BigInt, _>(after.seq)
        .sql(") ORDER BY c.txid, c.seq LIMIT ")
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => Statement::new(
            "SELECT txid, seq, low, high, TRUE AS settled FROM search_changes WHERE seq > ",
        )
        .bind::<BigInt, _>(after.seq)
        .sql(" ORDER BY seq LIMIT ")
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
    };
    Ok(changes)
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    txid: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    seq: Option<i64>,
}

/// The last settled change: an index built from the entries as they are now has applied every
/// change up to it.
pub fn head(conn: &mut DbConnection) -> Result<Cursor, StoreError> {
    let rows: Vec<Last> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "SELECT c.txid, c.seq FROM search_changes c
             WHERE c.txid < CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS bigint)
             ORDER BY c.txid DESC, c.seq DESC LIMIT 1",
        )
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("SELECT 0 AS txid, MAX(seq) AS seq FROM search_changes")
                .load(sqlite)?
        }
    };
    Ok(match rows.first() {
        Some(Last {
            txid: Some(txid),
            seq: Some(seq),
        }) => Cursor {
            txid: *txid,
            seq: *seq,
        },
        _ => Cursor::default(),
    })
}

/// Removes the changes recorded before `before`; returns how many. A node that has not read
/// the journal since then rebuilds its index.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, StoreError> {
    const SQL: (&str, &str) = (
        "DELETE FROM search_changes WHERE changed_at < $1",
        "DELETE FROM search_changes WHERE changed_at < ?",
    );
    Ok(
        crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
            .bind::<Timestamp, _>(to_db(before))
            .execute(c))?,
    )
}
