//! Whether the visitors of waiting chats are still there: each gateway node renews, every few
//! seconds, the chats whose visitor holds a socket on it; a chat nobody renewed for a while
//! has lost its visitor.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::chat::ConversationState;
use kefu_domain::ids::TicketId;

use crate::convert::{parse, to_db};
use crate::schema::conversations;
use crate::{DbConnection, StoreError};

/// The states in which a chat waits for an agent, as stored.
const WAITING: [&str; 2] = [
    ConversationState::Waiting.as_str(),
    ConversationState::Offered.as_str(),
];

/// Those of `tickets` whose chat waits.
pub fn waiting_among(
    conn: &mut DbConnection,
    tickets: &[TicketId],
) -> Result<Vec<TicketId>, StoreError> {
    let mut waiting = Vec::new();
    for chunk in tickets.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let found: Vec<String> = conversations::table
            .filter(conversations::ticket_id.eq_any(ids))
            .filter(conversations::state.eq_any(WAITING))
            .select(conversations::ticket_id)
            .load(conn)?;
        for id in found {
            waiting.push(parse(&id)?);
        }
    }
    Ok(waiting)
}

/// Marks the visitors of `tickets` as here until `until`, for those chats that wait. Their
/// rows are taken in id order (PostgreSQL), as a group commit of chat lines takes them, so the
/// two never wait on each other in a circle.
pub fn renew(
    conn: &mut DbConnection,
    tickets: &[TicketId],
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut ids: Vec<String> = tickets.iter().map(ToString::to_string).collect();
    ids.sort_unstable();
    for ids in ids.chunks(500) {
        if let DbConnection::Postgres(pg) = conn {
            conversations::table
                .filter(conversations::ticket_id.eq_any(ids))
                .filter(conversations::state.eq_any(WAITING))
                .order(conversations::ticket_id)
                .select(conversations::ticket_id)
                .for_no_key_update()
                .load::<String>(pg)?;
        }
        diesel::update(
            conversations::table
                .filter(conversations::ticket_id.eq_any(ids))
                .filter(conversations::state.eq_any(WAITING)),
        )
        .set(conversations::visitor_here_until.eq(Some(to_db(until))))
        .execute(conn)?;
    }
    Ok(())
}

/// The waiting chats whose visitor nobody has held a socket of since `before` (a chat never
/// renewed counts from when it began waiting).
pub fn gone(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<Vec<TicketId>, StoreError> {
    let before = to_db(before);
    let ids: Vec<String> = conversations::table
        .filter(conversations::state.eq_any(WAITING))
        .filter(
            conversations::visitor_here_until
                .lt(before)
                .or(conversations::visitor_here_until
                    .is_null()
                    .and(conversations::waiting_since.lt(before))),
        )
        .select(conversations::ticket_id)
        .load(conn)?;
    ids.iter().map(|id| parse(id)).collect()
}
