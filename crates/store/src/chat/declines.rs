//! Who declined which chat: the router offers a chat to nobody who declined it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{TicketId, UserId};

use crate::convert::{parse, to_db};
use crate::schema::chat_declines;
use crate::{DbConnection, StoreError};

/// Records that `agent` declined the chat on `ticket` (again, if they had before).
pub fn record(
    conn: &mut DbConnection,
    ticket: TicketId,
    agent: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = (
        chat_declines::ticket_id.eq(ticket.to_string()),
        chat_declines::agent_id.eq(agent.to_string()),
        chat_declines::declined_at.eq(to_db(now)),
    );
    crate::with_backend!(conn, c => diesel::insert_into(chat_declines::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The agents who declined each of these chats, by chat.
pub fn of_chats(
    conn: &mut DbConnection,
    tickets: &[TicketId],
) -> Result<HashMap<TicketId, Vec<UserId>>, StoreError> {
    if tickets.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = tickets.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = chat_declines::table
        .filter(chat_declines::ticket_id.eq_any(&ids))
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
