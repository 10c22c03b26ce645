//! What a use case changed, as values the caller publishes once the transaction committed.

use kefu_domain::ids::{CustomerId, TeamId, TicketId, UserId};
use serde::{Deserialize, Serialize};

/// One thing that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Change {
    /// A ticket, and what happened to it.
    Ticket { id: TicketId, kind: ChangeKind },
    /// A customer's record.
    Customer { id: CustomerId },
    /// A user's account (role, activation, password, profile).
    User { id: UserId },
    /// A team or its members.
    Team { id: TeamId },
}

/// What happened to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It was opened.
    Created,
    /// Its status or triage fields changed.
    Updated,
    /// A reply or note was added.
    MessagePosted,
    /// Chat lines were written through the gateway (their frames already went to the chat's
    /// sockets).
    ChatLine,
    /// A call was logged on it.
    CallLogged,
    /// One of its escalations changed: made, moved, or written in.
    Escalation,
    /// Its service-level clock moved: a policy applied anew, a near breach or breach fired.
    Sla,
}

/// A use case's result with the changes it committed.
#[derive(Debug)]
#[must_use = "publish the changes with `App::published`"]
pub struct Changed<T> {
    /// What the use case returns.
    pub value: T,
    /// What it changed, in order.
    pub changes: Vec<Change>,
}

impl<T> Changed<T> {
    /// A result with the changes it made.
    pub fn new(value: T, changes: Vec<Change>) -> Self {
        Self { value, changes }
    }

    /// A result of a ticket change.
    pub fn ticket(value: T, id: TicketId, kind: ChangeKind) -> Self {
        Self::new(value, vec![Change::Ticket { id, kind }])
    }
}
