//! The vendor scorecard, computed by the database: per vendor, over the escalations made in a
//! period, how many there were, how fast the vendor acknowledged and answered (median and
//! 90th percentile, nearest rank, the same on both backends), and how often they answered
//! within target, returned the case, or had an answer reopened.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};
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

#[derive(QueryableByName)]
struct Row {
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
    #[diesel(sql_type = Nullable<Double>)]
    acknowledge_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    acknowledge_p90: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    answer_p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    answer_p90: Option<f64>,
}

/// The query, with the backend's parts left as placeholders: `{ACK_SECONDS}` and
/// `{ANSWER_SECONDS}` (seconds from the request), `{FROM}`, `{TO}` and `{VENDOR}` (the
/// parameters).
const QUERY: &str = "
WITH period AS (
    SELECT vendor_id, status, answer_by, answered_at, returned_at, reopened,
           {ACK_SECONDS} AS ack_seconds,
           {ANSWER_SECONDS} AS answer_seconds
    FROM escalations
    WHERE requested_at >= {FROM} AND requested_at < {TO} {VENDOR}
),
ranked AS (
    SELECT vendor_id, ack_seconds, answer_seconds,
           CASE WHEN ack_seconds IS NULL THEN NULL ELSE
               ROW_NUMBER() OVER (PARTITION BY vendor_id, ack_seconds IS NULL ORDER BY ack_seconds) END AS ack_rank,
           COUNT(ack_seconds) OVER (PARTITION BY vendor_id) AS ack_count,
           CASE WHEN answer_seconds IS NULL THEN NULL ELSE
               ROW_NUMBER() OVER (PARTITION BY vendor_id, answer_seconds IS NULL ORDER BY answer_seconds) END AS answer_rank,
           COUNT(answer_seconds) OVER (PARTITION BY vendor_id) AS answer_count
    FROM period
    WHERE status <> 'cancelled'
),
percentiles AS (
    SELECT vendor_id,
           MIN(CASE WHEN ack_rank >= 0.5 * ack_count THEN ack_seconds END) AS acknowledge_p50,
           MIN(CASE WHEN ack_rank >= 0.9 * ack_count THEN ack_seconds END) AS acknowledge_p90,
           MIN(CASE WHEN answer_rank >= 0.5 * answer_count THEN answer_seconds END) AS answer_p50,
           MIN(CASE WHEN answer_rank >= 0.9 * answer_count THEN answer_seconds END) AS answer_p90
    FROM ranked
    GROUP BY vendor_id
),
counts AS (
    SELECT vendor_id,
           COUNT(*) AS opened,
           SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS counted,
           SUM(CASE WHEN status <> 'cancelled' AND ack_seconds IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged,
           SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
           SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL AND answered_at <= answer_by THEN 1 ELSE 0 END) AS answered_in_time,
           SUM(CASE WHEN status <> 'cancelled' AND returned_at IS NOT NULL THEN 1 ELSE 0 END) AS returned,
           SUM(CASE WHEN status <> 'cancelled' AND answered_at IS NOT NULL AND reopened > 0 THEN 1 ELSE 0 END) AS reopened
    FROM period
    GROUP BY vendor_id
)
SELECT counts.vendor_id AS vendor_id,
       CAST(opened AS BIGINT) AS opened, CAST(counted AS BIGINT) AS counted,
       CAST(acknowledged AS BIGINT) AS acknowledged, CAST(answered AS BIGINT) AS answered,
       CAST(answered_in_time AS BIGINT) AS answered_in_time, CAST(returned AS BIGINT) AS returned,
       CAST(reopened AS BIGINT) AS reopened,
       CAST(acknowledge_p50 AS DOUBLE PRECISION) AS acknowledge_p50,
       CAST(acknowledge_p90 AS DOUBLE PRECISION) AS acknowledge_p90,
       CAST(answer_p50 AS DOUBLE PRECISION) AS answer_p50,
       CAST(answer_p90 AS DOUBLE PRECISION) AS answer_p90
FROM counts LEFT JOIN percentiles ON percentiles.vendor_id = counts.vendor_id
ORDER BY counts.vendor_id";

/// Each vendor's figures (or only `vendor`'s) over escalations made in `[from, to)`.
pub fn scores(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    vendor: Option<VendorId>,
) -> Result<Vec<VendorScore>, StoreError> {
    let (from, to) = (to_db(from), to_db(to));
    let vendor_key = vendor.map(|v| v.to_string()).unwrap_or_default();
    let rows: Vec<Row> = match conn {
        DbConnection::Postgres(pg) => {
            let seconds = |column: &str| format!("EXTRACT(EPOCH FROM ({column} - requested_at))");
            let sql = QUERY
                .replace("{ACK_SECONDS}", &seconds("acknowledged_at"))
                .replace("{ANSWER_SECONDS}", &seconds("answered_at"))
                .replace("{FROM}", "$1")
                .replace("{TO}", "$2")
                .replace("{VENDOR}", "AND ($3 = '' OR vendor_id = $3)");
            diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to)
                .bind::<Text, _>(&vendor_key)
                .load(pg)?
        }
        DbConnection::Sqlite(lite) => {
            let seconds =
                |column: &str| format!("(julianday({column}) - julianday(requested_at)) * 86400.0");
            let sql = QUERY
                .replace("{ACK_SECONDS}", &seconds("acknowledged_at"))
                .replace("{ANSWER_SECONDS}", &seconds("answered_at"))
                .replace("{FROM}", "?1")
                .replace("{TO}", "?2")
                .replace("{VENDOR}", "AND (?3 = '' OR vendor_id = ?3)")
                .replace("DOUBLE PRECISION", "REAL")
                .replace("BIGINT", "INTEGER");
            diesel::sql_query(sql)
                .bind::<Timestamp, _>(from)
                .bind::<Timestamp, _>(to)
                .bind::<Text, _>(&vendor_key)
                .load(lite)?
        }
    };
    rows.into_iter()
        .map(|r| {
            Ok(VendorScore {
                vendor: parse(&r.vendor_id)?,
                opened: r.opened,
                counted: r.counted,
                acknowledged: r.acknowledged,
                answered: r.answered,
                answered_in_time: r.answered_in_time,
                returned: r.returned,
                reopened: r.reopened,
                acknowledge_p50: r.acknowledge_p50,
                acknowledge_p90: r.acknowledge_p90,
                answer_p50: r.answer_p50,
                answer_p90: r.answer_p90,
            })
        })
        .collect()
}
