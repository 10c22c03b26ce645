//! Single-use password-reset links. Only a hash of each link's token is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::UserId;

use crate::convert::{parse, to_db};
use crate::schema::password_resets;
use crate::{DbConnection, StoreError};

/// Stores a reset token for `user`, valid until `expires_at`; earlier unused ones are dropped,
/// so only the newest link works.
pub fn issue(
    conn: &mut DbConnection,
    token_hash: &str,
    user: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(password_resets::table.filter(password_resets::user_id.eq(user.to_string())))
        .execute(conn)?;
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(token_hash),
            password_resets::user_id.eq(user.to_string()),
            password_resets::created_at.eq(to_db(now)),
            password_resets::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the token would be accepted at `now` (unused, unexpired), without using it.
pub fn is_redeemable(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        password_resets::table
            .find(token_hash)
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(to_db(now))),
    ))
    .get_result(conn)?)
}

/// Uses the token: the user it was issued for, if it is unused and unexpired at `now`. It
/// cannot be used again.
pub fn redeem(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let used = diesel::update(
        password_resets::table
            .find(token_hash)
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(to_db(now))),
    )
    .set(password_resets::used_at.eq(to_db(now)))
    .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    let user: String = password_resets::table
        .find(token_hash)
        .select(password_resets::user_id)
        .first(conn)?;
    Ok(Some(parse(&user)?))
}

/// Removes links that can no longer be used (expired before `cutoff`, or used).
pub fn prune(conn: &mut DbConnection, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        password_resets::table.filter(
            password_resets::expires_at
                .lt(to_db(cutoff))
                .or(password_resets::used_at.is_not_null()),
        ),
    )
    .execute(conn)?)
}
