//! Single-use tickets an agent's console trades its session for, to open a chat socket
//! without putting the session in a URL or a frame.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::UserId;

use crate::convert::{parse, to_db};
use crate::schema::socket_tickets;
use crate::{DbConnection, StoreError};

/// Stores a ticket's hash for `user`, valid until `expires_at`.
pub fn insert(
    conn: &mut DbConnection,
    user: UserId,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(socket_tickets::table)
        .values((
            socket_tickets::token_hash.eq(token_hash),
            socket_tickets::user_id.eq(user.to_string()),
            socket_tickets::created_at.eq(to_db(now)),
            socket_tickets::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses up the ticket hashing to `token_hash`: its user if it was unused and unexpired. A
/// ticket is deleted as it is read, so it opens one socket at most, whichever node reads it.
pub fn redeem(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let taken: Option<(String, chrono::NaiveDateTime)> = crate::with_backend!(conn, c =>
        diesel::delete(socket_tickets::table.find(token_hash))
            .returning((socket_tickets::user_id, socket_tickets::expires_at))
            .get_result(c)
            .optional())?;
    taken
        .filter(|(_, expires)| *expires > to_db(now))
        .map(|(user, _)| parse(&user))
        .transpose()
}

/// Forgets expired tickets; returns how many.
pub fn purge(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(socket_tickets::table.filter(socket_tickets::expires_at.le(to_db(now))))
            .execute(conn)?,
    )
}
