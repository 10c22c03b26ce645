//! Entries on a ticket's timeline.

use crate::string_enum::string_enum;

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
