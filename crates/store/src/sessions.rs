//! Signed-in sessions. Only a hash of each session token is stored.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::account::User;
use kefu_domain::ids::{CustomerId, SessionId, UserId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{customers, sessions, users};
use crate::users::UserRow;
use crate::{DbConnection, StoreError};

/// A row of `sessions`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A session as the API uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The session's id.
    pub id: SessionId,
    /// Whose session it is.
    pub user: UserId,
    /// The token cookie-authenticated writes must echo in a header.
    pub csrf_token: String,
    /// When it was signed in.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_seen_at: DateTime<Utc>,
    /// When it ends regardless of use.
    pub expires_at: DateTime<Utc>,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, StoreError> {
        Ok(Session {
            id: parse(&row.id)?,
            user: parse(&row.user_id)?,
            csrf_token: row.csrf_token,
            created_at: from_db(row.created_at),
            last_seen_at: from_db(row.last_seen_at),
            expires_at: from_db(row.expires_at),
        })
    }
}

/// A session to store.
pub struct NewSession<'a> {
    /// The session.
    pub session: &'a Session,
    /// SHA-256 of the token, hex.
    pub token_hash: &'a str,
    /// The client's address.
    pub ip: Option<&'a str>,
    /// The client's `User-Agent`.
    pub user_agent: Option<&'a str>,
}

/// Stores a new session.
pub fn insert(conn: &mut DbConnection, new: NewSession<'_>) -> Result<(), StoreError> {
    let s = new.session;
    diesel::insert_into(sessions::table)
        .values(SessionRow {
            id: s.id.to_string(),
            user_id: s.user.to_string(),
            token_hash: new.token_hash.to_owned(),
            csrf_token: s.csrf_token.clone(),
            created_at: to_db(s.created_at),
            last_seen_at: to_db(s.last_seen_at),
            expires_at: to_db(s.expires_at),
            ip: new.ip.map(str::to_owned),
            user_agent: new.user_agent.map(|ua| ua.chars().take(512).collect()),
        })
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash, its user and, for a customer login, the customer record
/// it speaks for: everything authentication needs, in one query.
pub fn find_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(Session, User, Option<CustomerId>)>, StoreError> {
    let found = sessions::table
        .inner_join(users::table)
        .left_join(customers::table.on(customers::user_id.eq(users::id.nullable())))
        .filter(sessions::token_hash.eq(token_hash))
        .select((
            SessionRow::as_select(),
            UserRow::as_select(),
            customers::id.nullable(),
        ))
        .first::<(SessionRow, UserRow, Option<String>)>(conn)
        .optional()?;
    found
        .map(|(session, user, customer)| {
            Ok((
                session.try_into()?,
                user.try_into()?,
                parse_opt(customer.as_deref())?,
            ))
        })
        .transpose()
}

/// Records that a session was used at `now`.
pub fn touch(conn: &mut DbConnection, id: SessionId, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(id.to_string()))
        .set(sessions::last_seen_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// Ends one session.
pub fn delete(conn: &mut DbConnection, id: SessionId) -> Result<(), StoreError> {
    diesel::delete(sessions::table.find(id.to_string())).execute(conn)?;
    Ok(())
}

/// Ends every session of `user` except `keep`; returns how many ended.
pub fn delete_for_user(
    conn: &mut DbConnection,
    user: UserId,
    keep: Option<SessionId>,
) -> Result<usize, StoreError> {
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user.to_string()))
            .filter(sessions::id.ne(keep)),
    )
    .execute(conn)?)
}

/// Removes sessions past their absolute end or idle since before `idle_cutoff`.
pub fn delete_expired(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(to_db(now))
                .or(sessions::last_seen_at.lt(to_db(idle_cutoff))),
        ),
    )
    .execute(conn)?)
}
