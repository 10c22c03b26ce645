//! Finding the ticket a caller names (a UUID, `#1042` or `1042`) and deciding what the caller
//! sees of it.

use kefu_domain::ids::TicketId;
use kefu_domain::permissions::{Actor, TicketAccess};
use kefu_domain::ticket::{Ticket, TicketNumber};
use kefu_store::{DbConnection, StoreError, dialect, tickets};

use crate::error::AppError;

/// How a caller names a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketRef {
    /// By id.
    Id(TicketId),
    /// By human number.
    Number(TicketNumber),
}

impl TicketRef {
    /// Reads an id or a number; anything else names no ticket.
    pub fn parse(segment: &str) -> Result<Self, AppError> {
        if let Ok(id) = segment.parse::<TicketId>() {
            return Ok(TicketRef::Id(id));
        }
        segment
            .parse::<TicketNumber>()
            .map(TicketRef::Number)
            .map_err(|_| AppError::NotFound("ticket"))
    }
}

pub(crate) fn find(conn: &mut DbConnection, reference: TicketRef) -> Result<Ticket, AppError> {
    let found = match reference {
        TicketRef::Id(id) => tickets::find(conn, id),
        TicketRef::Number(number) => tickets::find_by_number(conn, number),
    };
    found.map_err(|e| match e {
        StoreError::NotFound => AppError::NotFound("ticket"),
        other => other.into(),
    })
}

/// Loads the ticket and decides the caller's access; a ticket the caller may not see is
/// "not found", exactly like one that does not exist.
pub fn load_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    reference: TicketRef,
) -> Result<(Ticket, TicketAccess), AppError> {
    let ticket = find(conn, reference)?;
    let access = actor
        .ticket_access(ticket.requester)
        .map_err(|_| AppError::NotFound("ticket"))?;
    Ok((ticket, access))
}

/// Like [`load_visible`], for a change: the ticket's row stays locked until the transaction
/// ends, so concurrent changes to one ticket apply one after the other instead of overwriting
/// each other.
pub fn load_for_update(
    conn: &mut DbConnection,
    actor: &Actor,
    reference: TicketRef,
) -> Result<(Ticket, TicketAccess), AppError> {
    let id = match reference {
        TicketRef::Id(id) => id,
        TicketRef::Number(_) => find(conn, reference)?.id,
    };
    dialect::lock_ticket(conn, &id.to_string())?;
    load_visible(conn, actor, TicketRef::Id(id))
}
