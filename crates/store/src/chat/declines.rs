//! Who declined which chat, and when: the router offers a chat to nobody who declined it
//! lately, nor back to the agent who passed it on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::chat::ConversationState;
use kefu_domain::ids::{TeamId, TicketId, UserId};

use crate::convert::{parse, to_db};
use crate::schema::{chat_declines, conversations};
use crate::{DbConnection, StoreError};

/// Records that `agent` declined the chat on `ticket` at `now` (again, if they had before:
/// the latest time counts).
pub fn record(
    conn: &mut DbConnection,
    ticket: TicketId,
    agent: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    insert(conn, ticket, agent, now, false)
}

/// Records that `agent` passed the chat on `ticket` on: it is not offered back to them while
/// it waits, however long.
pub fn passed_on(
    conn: &mut DbConnection,
    ticket: TicketId,
    agent: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    insert(conn, ticket, agent, now, true)
}

fn insert(
    conn: &mut DbConnection,
    ticket: TicketId,
    agent: UserId,
    now: DateTime<Utc>,
    passed_on: bool,
) -> Result<(), StoreError> {
    let row = (
        chat_declines::ticket_id.eq(ticket.to_string()),
        chat_declines::agent_id.eq(agent.to_string()),
        chat_declines::declined_at.eq(to_db(now)),
        chat_declines::passed_on.eq(passed_on),
    );
    crate::with_backend!(conn, c => diesel::insert_into(chat_declines::table)
        .values(row)
        .on_conflict((chat_declines::ticket_id, chat_declines::agent_id))
        .do_update()
        .set((
            chat_declines::declined_at.eq(to_db(now)),
            chat_declines::passed_on.eq(passed_on),
        ))
        .execute(c))?;
    Ok(())
}

/// Forgets who declined the chat on `ticket` (it is served, or starts a new stay in a queue).
pub fn forget(conn: &mut DbConnection, ticket: TicketId) -> Result<(), StoreError> {
    diesel::delete(chat_declines::table.filter(chat_declines::ticket_id.eq(ticket.to_string())))
        .execute(conn)?;
    Ok(())
}

/// The agents who declined each waiting chat of `team` at `since` or later, or passed it on,
/// by chat.
pub fn of_waiting(
    conn: &mut DbConnection,
    team: TeamId,
    since: DateTime<Utc>,
) -> Result<HashMap<TicketId, Vec<UserId>>, StoreError> {
    let rows: Vec<(String, String)> = chat_declines::table
        .inner_join(conversations::table)
        .filter(conversations::team_id.eq(team.to_string()))
        .filter(
            chat_declines::declined_at
                .ge(to_db(since))
                .or(chat_declines::passed_on),
        )
        .filter(conversations::state.eq(ConversationState::Waiting.as_str()))
        .select((chat_declines::ticket_id, chat_declines::agent_id))
        .load(conn)?;
    let mut declined: HashMap<TicketId, Vec<UserId>> = HashMap::new();
    for (ticket, agent) in rows {
        declined
            .entry(parse(&ticket)?)
            .or_default()
            .push(parse(&agent)?);
    }
    Ok(declined)
}
