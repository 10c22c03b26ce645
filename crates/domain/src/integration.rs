//! Integration webhooks: an admin points Kefu at another system (a CRM, a data warehouse, a
//! chat bot) and chooses which events it hears of — tickets made and changed, messages,
//! chats, escalations, calls. Each call is signed like a vendor's (see [`crate::webhook`]),
//! written in the event's own transaction and delivered with retries.

use crate::DomainError;
use crate::ids::IntegrationId;
use crate::string_enum::string_enum;
use crate::webhook::WebhookUrl;

/// The longest integration name, in characters.
pub const NAME_MAX: usize = 120;
/// The most integration webhooks a helpdesk has.
pub const INTEGRATIONS_MAX: usize = 50;
/// How much of a receiver's answer the delivery log keeps, in bytes.
pub const RESPONSE_MAX: usize = 2_000;

string_enum! {
    /// What an integration webhook can be told of.
    "integration event", IntegrationEvent {
        /// A ticket was opened, on any channel.
        TicketCreated => "ticket.created",
        /// A ticket's status, priority, team, agent or tags changed.
        TicketUpdated => "ticket.updated",
        /// A reply, note or chat line was written on a ticket.
        MessageCreated => "message.created",
        /// A visitor started a live chat.
        ChatStarted => "chat.started",
        /// A live chat ended.
        ChatEnded => "chat.ended",
        /// A case was escalated to a vendor.
        EscalationCreated => "escalation.created",
        /// An escalation was moved (answered, closed, reopened, cancelled).
        EscalationUpdated => "escalation.updated",
        /// The business or the vendor wrote on an escalation.
        EscalationMessage => "escalation.message",
        /// A phone call was logged on a ticket (by an agent or the telephony webhook).
        CallLogged => "call.logged",
        /// A trigger's `call_webhook` action ran.
        TriggerFired => "trigger.fired",
        /// An admin asked for a test event.
        Ping => "ping",
    }
}

impl IntegrationEvent {
    /// The events an admin may subscribe to (every one but `ping`, which is sent on request).
    pub fn subscribable() -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied().filter(|e| *e != Self::Ping)
    }
}

/// An integration webhook as an admin set it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    /// Its id.
    pub id: IntegrationId,
    /// What the admin calls it.
    pub name: String,
    /// Where its calls go.
    pub url: String,
    /// The events it hears of.
    pub events: Vec<IntegrationEvent>,
    /// Whether it is called at all.
    pub active: bool,
    /// Whether it may be called on a private, loopback or link-local address.
    pub allow_private: bool,
}

impl Integration {
    /// Whether a call for `event` goes to it.
    pub fn wants(&self, event: IntegrationEvent) -> bool {
        self.active && self.events.contains(&event)
    }

    /// Checks what an admin typed, trimming the name, reading the address and keeping each
    /// event once in the order of [`IntegrationEvent::ALL`].
    pub fn check(&mut self) -> Result<(), DomainError> {
        let invalid = |why: &str| DomainError::InvalidWebhook(why.to_owned());
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() {
            return Err(invalid("an integration needs a name"));
        }
        if self.name.chars().count() > NAME_MAX {
            return Err(invalid("an integration's name is at most 120 characters"));
        }
        self.url = WebhookUrl::parse(&self.url)?.as_str().to_owned();
        if self.events.contains(&IntegrationEvent::Ping) {
            return Err(invalid(
                "ping is sent with the test button, not subscribed to",
            ));
        }
        self.events = IntegrationEvent::subscribable()
            .filter(|e| self.events.contains(e))
            .collect();
        if self.events.is_empty() {
            return Err(invalid("choose at least one event to send"));
        }
        Ok(())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn hook(events: Vec<IntegrationEvent>) -> Integration {
        Integration {
            id: IntegrationId::new(),
            name: "  CRM  ".into(),
            url: "https://crm.example/hooks".into(),
            events,
            active: true,
            allow_private: false,
        }
    }

    #[test]
    fn a_hook_hears_only_what_it_chose_while_active() {
        let mut h = hook(vec![
            IntegrationEvent::MessageCreated,
            IntegrationEvent::TicketCreated,
            IntegrationEvent::TicketCreated,
        ]);
        h.check().unwrap();
        assert_eq!(h.name, "CRM");
        assert_eq!(
            h.events,
            vec![
                IntegrationEvent::TicketCreated,
                IntegrationEvent::MessageCreated
            ]
        );
        assert!(h.wants(IntegrationEvent::TicketCreated));
        assert!(!h.wants(IntegrationEvent::ChatEnded));
        h.active = false;
        assert!(!h.wants(IntegrationEvent::TicketCreated));
    }

    #[test]
    fn checks_refuse_what_cannot_be_called() {
        assert!(hook(vec![]).check().is_err());
        assert!(hook(vec![IntegrationEvent::Ping]).check().is_err());
        let mut bad = hook(vec![IntegrationEvent::TicketCreated]);
        bad.url = "ftp://crm.example/".into();
        assert!(bad.check().is_err());
        let mut unnamed = hook(vec![IntegrationEvent::TicketCreated]);
        unnamed.name = " ".into();
        assert!(unnamed.check().is_err());
        assert_eq!(IntegrationEvent::subscribable().count(), 10);
    }
}
