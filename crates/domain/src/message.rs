//! Entries on a ticket's timeline.

use chrono::{DateTime, Utc};

use crate::ids::{CustomerId, MessageId, TicketId, UserId};
use crate::string_enum::string_enum;
use crate::ticket::Channel;

string_enum! {
    /// What a timeline entry is.
    "message kind", MessageKind {
        /// A reply: from the customer, an agent or a vendor, on any channel.
        Reply => "reply",
        /// An internal note between agents.
        Note => "note",
        /// A phone call; its details are in the call log.
        Call => "call",
        /// Something that changed on the ticket (status, assignee, tags, …).
        Event => "event",
    }
}

string_enum! {
    /// Who may read a timeline entry.
    "visibility", Visibility {
        /// The requester sees it too.
        Public => "public",
        /// Agents and admins only.
        Internal => "internal",
    }
}

string_enum! {
    /// Who wrote a timeline entry.
    "author kind", AuthorKind {
        /// An agent or admin.
        Agent => "agent",
        /// The requester.
        Customer => "customer",
        /// A vendor user.
        Vendor => "vendor",
        /// Kefu itself or an integration.
        System => "system",
    }
}

impl MessageKind {
    /// The visibility an entry of this kind gets unless the author chooses.
    pub fn default_visibility(self) -> Visibility {
        match self {
            MessageKind::Reply => Visibility::Public,
            MessageKind::Note | MessageKind::Call | MessageKind::Event => Visibility::Internal,
        }
    }
}

/// One entry on a ticket's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The entry's id.
    pub id: MessageId,
    /// The ticket it is on.
    pub ticket: TicketId,
    /// What it is.
    pub kind: MessageKind,
    /// Who may read it.
    pub visibility: Visibility,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The user who wrote it, if any.
    pub author_user: Option<UserId>,
    /// The customer who wrote it, if any.
    pub author_customer: Option<CustomerId>,
    /// The channel it came or went by.
    pub channel: Channel,
    /// Its text.
    pub body: String,
    /// Structured details: for events, what changed.
    pub data: Option<serde_json::Value>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl Message {
    /// A public reply the customer wrote, on `channel`.
    pub fn from_customer(
        ticket: TicketId,
        customer: CustomerId,
        channel: Channel,
        body: String,
        data: Option<serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: MessageId::new(),
            ticket,
            kind: MessageKind::Reply,
            visibility: Visibility::Public,
            author_kind: AuthorKind::Customer,
            author_user: None,
            author_customer: Some(customer),
            channel,
            body,
            data,
            created_at: now,
        }
    }
}
