//! The vendor scorecard, computed by the database: per vendor, over the escalations made in a
//! period, how many there were, how fast the vendor acknowledged and answered (median and
//! 90th percentile, nearest rank: the first value at or above that share of the sorted ones),
//! and how often they answered within target, returned the case, or had an answer reopened.
//!
//! PostgreSQL does it in one statement (`percentile_disc`). SQLite has no percentile
//! aggregate and sorts slowly in window functions, so it counts first, then reads each
//! vendor's percentiles by walking an index of their response times to the right rank.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};
use diesel::sqlite::SqliteConnection;
use kefu_domain::ids::VendorId;

use crate::convert::{parse, to_db};
use crate::{DbConnection, StoreError};

/// One vendor's figures over a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VendorScore {
    /// The vendor.
    pub vendor: VendorId,
    /// Escalations made in the period.
    pub opened: i64,
    /// Of those, the ones not cancelled.
    pub counted: i64,
    /// Of those, the ones the vendor acknowledged.
    pub acknowledged: i64,
    /// Of those, the ones the vendor answered.
    pub answered: i64,
    /// Of those, the ones first answered by their answer-by time.
    pub answered_in_time: i64,
    /// Of those, the ones the vendor returned.
    pub returned: i64,
    /// Of the answered ones, those whose answer the agent reopened.
    pub reopened: i64,
    /// Median seconds to acknowledge.
    pub acknowledge_p50: Option<f64>,
    /// 90th percentile seconds to acknowledge.
    pub acknowledge_p90: Option<f64>,
    /// Median seconds to the first answer.
    pub answer_p50: Option<f64>,
    /// 90th percentile seconds to the first answer.
    pub answer_p90: Option<f64>,
}

/// PostgreSQL's row: the counts with the percentiles beside them.
#[derive(QueryableByName)]
struct Row {
    #[diesel(embed)]
    counts: Counts,
    #[diesel(sql_type = Nullable<Double>)]
    acknowledge_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    acknowledge_p90: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    answer_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    answer_p90: Option<f64>,
}

/// The counts, per vendor; `{PERCENTILES}` adds PostgreSQL's percentile columns.
const COUNTS: &str = "
SELECT vendor_id,
       CAST(COUNT(*) AS BIGINT) AS opened,
       CAST(SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS BIGINT) AS counted,
       CAST(SUM(CASE WHEN status <> 'cancelled' AND acknowledged_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged,
       CAST(SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS answered,
       CAST(SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL AND answered_at <= answer_by THEN 1 ELSE 0 END) AS BIGINT) AS answered_in_time,
       CAST(SUM(CASE WHEN status <> 'cancelled' AND returned_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS returned,
       CAST(SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL AND reopened > 0 THEN 1 ELSE 0 END) AS BIGINT) AS reopened
       {PERCENTILES}
FROM escalations {INDEX}
WHERE requested_at >= {FROM} AND requested_at < {TO} {VENDOR}
GROUP BY vendor_id
ORDER BY vendor_id";

const PG_PERCENTILES: &str = ",
       percentile_disc(0.5) WITHIN GROUP (ORDER BY acknowledge_seconds) FILTER (WHERE status <> 'cancelled') AS acknowledge_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY acknowledge_seconds) FILTER (WHERE status <> 'cancelled') AS acknowledge_p90,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY answer_seconds) FILTER (WHERE status <> 'cancelled') AS answer_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY answer_seconds) FILTER (WHERE status <> 'cancelled') AS answer_p90";

/// `COUNTS` with the backend's parts filled in.
fn counts_sql(percentiles: &str, index: &str, from: &str, to: &str, vendor: &str) -> String {
    COUNTS
        .replace("{PERCENTILES}", percentiles)
        .replace("{INDEX}", index)
        .replace("{FROM}", from)
        .replace("{TO}", to)
        .replace("{VENDOR}", vendor)
}

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = Text)]
    vendor_id: String,
    #[diesel(sql_type = BigInt)]
    opened: i64,
    #[diesel(sql_type = BigInt)]
    counted: i64,
    #[diesel(sql_type = BigInt)]
    acknowledged: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    answered_in_time: i64,
    #[diesel(sql_type = BigInt)]
    returned: i64,
    #[diesel(sql_type = BigInt)]
    reopened: i64,
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Nullable<Double>)]
    value: Option<f64>,
}

/// Each vendor's figures (or only `vendor`'s) over escalations made in `[from, to)`.
pub fn scores(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    vendor: Option<VendorId>,
) -> Result<Vec<VendorScore>, StoreError> {
    let (from, to) = (to_db(from), to_db(to));
    let vendor_key = vendor.map(|v| v.to_string()).unwrap_or_default();
    match conn {
        DbConnection::Postgres(pg) => {
            let sql = counts_sql(
                PG_PERCENTILES,
                "",
                "$1",
                "$2",
                "AND ($3 = '' OR vendor_id = $3)",
            );
            let rows: Vec<Row> = diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to)
                .bind::<Text, _>(&vendor_key)
                .load(pg)?;
            rows.into_iter()
                .map(|r| {
                    let percentiles = [
                        r.acknowledge_p50,
                        r.acknowledge_p90,
                        r.answer_p50,
                        r.answer_p90,
                    ];
                    score_of(r.counts, percentiles)
                })
                .collect()
        }
        DbConnection::Sqlite(lite) => {
            let sql = counts_sql(
                "",
                "INDEXED BY escalations_scorecard",
                "?1",
                "?2",
                "AND (?3 = '' OR vendor_id = ?3)",
            );
            let counts: Vec<Counts> = diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to)
                .bind::<Text, _>(&vendor_key)
                .load(lite)?;
            counts
                .into_iter()
                .map(|c| {
                    let mut rank = |column: &str, n: i64, share: f64| {
                        sqlite_rank(lite, column, &c.vendor_id, (from, to), n, share)
                    };
                    let percentiles = [
                        rank("acknowledge", c.acknowledged, 0.5)?,
                        rank("acknowledge", c.acknowledged, 0.9)?,
                        rank("answer", c.answered, 0.5)?,
                        rank("answer", c.answered, 0.9)?,
                    ];
                    score_of(c, percentiles)
                })
                .collect()
        }
    }
}

/// The nearest-rank `share` percentile of a vendor's `{what}_seconds` among its `n`
/// escalations in the period that were not cancelled: the value at rank ⌈share·n⌉, read by
/// walking the vendor's index of them in order.
fn sqlite_rank(
    lite: &mut SqliteConnection,
    what: &str,
    vendor: &str,
    (from, to): (chrono::NaiveDateTime, chrono::NaiveDateTime),
    n: i64,
    share: f64,
) -> Result<Option<f64>, StoreError> {
    if n <= 0 {
        return Ok(None);
    }
    // ⌈share·n⌉ − 1 rows come before it; n is at most the table's size, far below 2^52.
    let skip = ((share * n as f64).ceil() as i64 - 1).max(0);
    let sql = format!(
        "SELECT {what}_seconds AS value FROM escalations INDEXED BY escalations_{what}_time \
         WHERE vendor_id = ?1 AND {what}_seconds IS NOT NULL \
           AND requested_at >= ?2 AND requested_at < ?3 AND status <> 'cancelled' \
         ORDER BY {what}_seconds LIMIT 1 OFFSET ?4"
    );
    let found: Vec<Value> = diesel::sql_query(sql)
        .bind::<Text, _>(vendor)
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .bind::<BigInt, _>(skip)
        .load(lite)?;
    Ok(found.into_iter().next().and_then(|v| v.value))
}

/// A vendor's score from its counts and its four percentiles (acknowledge p50 and p90,
/// answer p50 and p90).
fn score_of(
    c: Counts,
    [ack50, ack90, answer50, answer90]: [Option<f64>; 4],
) -> Result<VendorScore, StoreError> {
    Ok(VendorScore {
        vendor: parse(&c.vendor_id)?,
        opened: c.opened,
        counted: c.counted,
        acknowledged: c.acknowledged,
        answered: c.answered,
        answered_in_time: c.answered_in_time,
        returned: c.returned,
        reopened: c.reopened,
        acknowledge_p50: ack50,
        acknowledge_p90: ack90,
        answer_p50: answer50,
        answer_p90: answer90,
    })
}
