//! Stored throttle buckets, shared by every node on the same database.

use diesel::prelude::*;
use kefu_domain::throttle::Bucket;

use crate::convert::{from_db, to_db};
use crate::schema::login_throttle;
use crate::{DbConnection, StoreError};

/// The bucket stored under `key`, locked until the transaction ends; a key seen for the first
/// time starts with `full` tokens.
pub fn lock(
    conn: &mut DbConnection,
    key: &str,
    full: f64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Bucket, StoreError> {
    crate::dialect::lock_throttle_bucket(conn, key, full, to_db(now))?;
    load(conn, key)?.ok_or(StoreError::NotFound)
}

/// The bucket stored under `key`, if any.
pub fn load(conn: &mut DbConnection, key: &str) -> Result<Option<Bucket>, StoreError> {
    let row: Option<(f64, chrono::NaiveDateTime)> = login_throttle::table
        .find(key)
        .select((login_throttle::allowance, login_throttle::checked_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(allowance, checked_at)| Bucket {
        allowance,
        checked_at: from_db(checked_at),
    }))
}

/// Stores the bucket for `key` (run inside a transaction with the `load` it follows).
pub fn save(conn: &mut DbConnection, key: &str, bucket: Bucket) -> Result<(), StoreError> {
    let updated = diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::allowance.eq(bucket.allowance),
            login_throttle::checked_at.eq(to_db(bucket.checked_at)),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::key.eq(key),
                login_throttle::allowance.eq(bucket.allowance),
                login_throttle::checked_at.eq(to_db(bucket.checked_at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes buckets untouched since `cutoff` (by then every policy has refilled them, so a
/// missing bucket means the same as a full one).
pub fn prune(
    conn: &mut DbConnection,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(login_throttle::table.filter(login_throttle::checked_at.lt(to_db(cutoff))))
            .execute(conn)?,
    )
}
