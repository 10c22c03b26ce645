//! When each agent last looked at each ticket (read back with the ticket's names, see
//! [`crate::ticket_names`]).

use chrono::{DateTime, Utc};
use kefu_domain::ids::{TicketId, UserId};

use crate::convert::to_db;
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
