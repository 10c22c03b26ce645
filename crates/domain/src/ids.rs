//! Typed ids: UUIDv7 newtypes, so a `TicketId` can never be passed where a `UserId` belongs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident;)+) => {$(
        #[$doc]
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (UUIDv7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID.
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| DomainError::InvalidId(s.to_owned()))
            }
        }
    )+};
}

id_type! {
    /// A user account: admin, agent, vendor user or customer login.
    UserId;
    /// A team (a queue of work).
    TeamId;
    /// A customer: a person who asks for help, with or without a login.
    CustomerId;
    /// A ticket.
    TicketId;
    /// One entry on a ticket's timeline.
    MessageId;
    /// A phone call logged on a ticket.
    CallId;
    /// A signed-in session.
    SessionId;
    /// A personal API token.
    ApiTokenId;
    /// An entry in the audit log.
    AuditEventId;
    /// A chat widget embedded on the business's websites.
    WidgetId;
    /// An anonymous visitor of a widget, known by a key their browser keeps.
    VisitorId;
    /// A file on a message: sent in a chat or attached to mail.
    FileId;
    /// An address Kefu receives mail on.
    MailboxId;
    /// Something waiting in the outbox to leave Kefu (an email).
    OutboxId;
    /// A raw mail kept in quarantine because it could not be taken.
    QuarantineId;
    /// A vendor organisation cases are escalated to.
    VendorId;
    /// A case handed to a vendor.
    EscalationId;
    /// One entry in an escalation's thread.
    EscalationMessageId;
    /// One call of a vendor's webhook.
    WebhookDeliveryId;
    /// A field-service visit.
    VisitId;
    /// A business calendar: a time zone, weekly hours and holidays.
    CalendarId;
    /// A service-level policy: response and resolution targets.
    SlaPolicyId;
    /// A macro or canned reply.
    MacroId;
    /// A routing rule: conditions on a new ticket and what to set on it.
    RoutingRuleId;
    /// A trigger or scheduled automation.
    TriggerId;
    /// A customer's satisfaction rating.
    RatingId;
    /// A webhook an admin set up for an integration.
    IntegrationId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_ordered() {
        let a = TicketId::new();
        let b = TicketId::new();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a < b, "later ids sort after earlier ones");
    }

    #[test]
    fn ids_round_trip_through_text() {
        let id = UserId::new();
        assert_eq!(id.to_string().parse::<UserId>(), Ok(id));
        assert!(matches!(
            "not-a-uuid".parse::<UserId>(),
            Err(DomainError::InvalidId(_))
        ));
    }
}
