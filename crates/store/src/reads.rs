//! When each agent last looked at each ticket.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{TicketId, UserId};

use crate::convert::{from_db, parse, to_db};
use crate::schema::ticket_reads;
use crate::{DbConnection, StoreError};

/// Records that `user` saw `ticket` at `now`.
pub fn mark_seen(
    conn: &mut DbConnection,
    user: UserId,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::dialect::upsert_seen(conn, &user.to_string(), &ticket.to_string(), to_db(now))
}

/// When `user` last saw each of these tickets (tickets never seen are absent).
pub fn seen_at(
    conn: &mut DbConnection,
    user: UserId,
    tickets: &[TicketId],
) -> Result<HashMap<TicketId, DateTime<Utc>>, StoreError> {
    if tickets.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = tickets.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, chrono::NaiveDateTime)> = ticket_reads::table
        .filter(ticket_reads::user_id.eq(user.to_string()))
        .filter(ticket_reads::ticket_id.eq_any(keys))
        .select((ticket_reads::ticket_id, ticket_reads::seen_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(ticket, seen)| Ok((parse(&ticket)?, from_db(seen))))
        .collect()
}
