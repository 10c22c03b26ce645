//! Devices a user has signed in from before: they keep signing in while the account is
//! throttled, so an attacker guessing passwords cannot lock the real user out.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::UserId;

use crate::convert::{parse, to_db};
use crate::schema::known_devices;
use crate::{DbConnection, StoreError};

/// Remembers a device token (its hash) for `user`.
pub fn remember(
    conn: &mut DbConnection,
    token_hash: &str,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(known_devices::table)
        .values((
            known_devices::token_hash.eq(token_hash),
            known_devices::user_id.eq(user.to_string()),
            known_devices::created_at.eq(to_db(now)),
            known_devices::last_used_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user a device token was given to, if it is known.
pub fn owner(conn: &mut DbConnection, token_hash: &str) -> Result<Option<UserId>, StoreError> {
    let user: Option<String> = known_devices::table
        .find(token_hash)
        .select(known_devices::user_id)
        .first(conn)
        .optional()?;
    user.as_deref().map(parse).transpose()
}

/// Forgets every device of a user (after a password change).
pub fn forget_all(conn: &mut DbConnection, user: UserId) -> Result<(), StoreError> {
    diesel::delete(known_devices::table.filter(known_devices::user_id.eq(user.to_string())))
        .execute(conn)?;
    Ok(())
}

/// Records that a known device signed in again at `now`.
pub fn touch(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(known_devices::table.find(token_hash))
        .set(known_devices::last_used_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// Forgets devices not used since `cutoff`.
pub fn prune(conn: &mut DbConnection, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(known_devices::table.filter(known_devices::last_used_at.lt(to_db(cutoff))))
            .execute(conn)?,
    )
}
