//! How far each side of a chat has read: the number of the last line each side saw, kept so a
//! side that reloads is shown the other's marks again.

use diesel::prelude::*;
use kefu_domain::chat::Sequence;
use kefu_domain::ids::TicketId;

use crate::schema::conversations;
use crate::{DbConnection, StoreError};

/// A side of a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The visitor.
    Visitor,
    /// The agent (whoever serves the chat).
    Agent,
}

/// Both sides' marks: 0 until a side has read anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadMarks {
    /// The last line the visitor read.
    pub visitor: Sequence,
    /// The last line an agent read.
    pub agent: Sequence,
}

impl ReadMarks {
    /// The mark of `side`.
    pub fn of(&self, side: Side) -> Sequence {
        match side {
            Side::Visitor => self.visitor,
            Side::Agent => self.agent,
        }
    }
}

fn column(seq: Sequence) -> i64 {
    i64::try_from(seq.get()).unwrap_or(i64::MAX)
}

fn sequence(value: i64) -> Result<Sequence, StoreError> {
    u64::try_from(value)
        .map(Sequence::new)
        .map_err(|_| StoreError::Corrupt(format!("chat read mark {value}")))
}

/// The read marks of the chat on `ticket`, if it is a chat.
pub fn get(conn: &mut DbConnection, ticket: TicketId) -> Result<Option<ReadMarks>, StoreError> {
    let row: Option<(i64, i64)> = conversations::table
        .find(ticket.to_string())
        .select((
            conversations::visitor_read_up_to,
            conversations::agent_read_up_to,
        ))
        .first(conn)
        .optional()?;
    row.map(|(visitor, agent)| {
        Ok(ReadMarks {
            visitor: sequence(visitor)?,
            agent: sequence(agent)?,
        })
    })
    .transpose()
}

/// Moves `side`'s mark on `ticket` up to `up_to`, never back; whether it moved.
pub fn advance(
    conn: &mut DbConnection,
    ticket: TicketId,
    side: Side,
    up_to: Sequence,
) -> Result<bool, StoreError> {
    let (id, up_to) = (ticket.to_string(), column(up_to));
    let moved = match side {
        Side::Visitor => diesel::update(
            conversations::table
                .find(id)
                .filter(conversations::visitor_read_up_to.lt(up_to)),
        )
        .set(conversations::visitor_read_up_to.eq(up_to))
        .execute(conn)?,
        Side::Agent => diesel::update(
            conversations::table
                .find(id)
                .filter(conversations::agent_read_up_to.lt(up_to)),
        )
        .set(conversations::agent_read_up_to.eq(up_to))
        .execute(conn)?,
    };
    Ok(moved > 0)
}
