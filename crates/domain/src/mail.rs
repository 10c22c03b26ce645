//! Mailboxes (the addresses Kefu receives mail on, each mapped to a team and a stage), how
//! their mail is fetched, and the rules of sending: automatic mail is capped per ticket, and
//! retries back off.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::email::EmailAddress;
use crate::ids::{MailboxId, TeamId};
use crate::string_enum::string_enum;
use crate::ticket::Stage;

/// An address Kefu receives mail on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// Its id.
    pub id: MailboxId,
    /// What admins call it ("After-sales support").
    pub name: String,
    /// The address (`support@shop.example`); replies are sent from it.
    pub address: EmailAddress,
    /// The team new tickets from it go to.
    pub team: Option<TeamId>,
    /// The stage new tickets from it get.
    pub stage: Stage,
    /// Whether mail is fetched from it.
    pub active: bool,
    /// Whether a customer whose mail opens a ticket gets an automatic acknowledgement.
    pub acknowledge: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

string_enum! {
    /// The mails Kefu writes from a template, each in English and Chinese.
    "mail template", TemplateKind {
        /// An agent's reply to a customer.
        Reply => "reply",
        /// The automatic answer to a customer's mail that opened a ticket.
        Acknowledgement => "acknowledgement",
        /// The automatic answer to mail too big to take.
        Oversized => "oversized",
        /// Tells an agent a ticket was assigned to them.
        Assigned => "assigned",
        /// Tells an agent the customer answered on their ticket.
        CustomerReplied => "customer_replied",
        /// A password-reset link.
        PasswordReset => "password_reset",
        /// Tells an agent a vendor answered, asked, returned or wrote on their ticket's
        /// escalation.
        VendorUpdate => "vendor_update",
        /// Tells a vendor user a new case was escalated to their organisation.
        EscalationNew => "escalation_new",
        /// Tells a vendor user the business wrote on one of their cases.
        EscalationReply => "escalation_reply",
        /// Hands a case to a vendor who works by mail: everything shared, and how to reply.
        EscalationMail => "escalation_mail",
        /// The business's reply on a case, to a vendor who works by mail.
        EscalationMailReply => "escalation_mail_reply",
        /// Reminds a vendor that a case is nearly due, or overdue.
        EscalationReminder => "escalation_reminder",
        /// Tells a customer of a field-service visit: proposed, confirmed, moved or cancelled,
        /// with a calendar invitation.
        Visit => "visit",
        /// Asks a customer whose ticket was solved how it went, with a single-use link.
        Survey => "survey",
    }
}

impl TemplateKind {
    /// Whether the mail goes to a customer (rather than to an agent or user).
    pub fn to_customer(self) -> bool {
        matches!(
            self,
            Self::Reply | Self::Acknowledgement | Self::Oversized | Self::Visit
        )
    }

    /// Whether a machine sends it on its own (marked `Auto-Submitted`, capped per ticket).
    pub fn automatic(self) -> bool {
        !matches!(
            self,
            Self::Reply | Self::EscalationMail | Self::EscalationMailReply
        )
    }
}

string_enum! {
    /// How the IMAP connection is secured.
    "IMAP security", ImapSecurity {
        /// TLS from the first byte (port 993).
        Tls => "tls",
        /// Plain, then upgraded with STARTTLS (port 143).
        Starttls => "starttls",
        /// No encryption: only for servers on the same machine.
        None => "none",
    }
}

string_enum! {
    /// What happens to a message in the mailbox once Kefu has taken it.
    "after fetch", AfterFetch {
        /// It is flagged `\Seen` and stays in the folder.
        Flag => "flag",
        /// It is moved to another folder.
        Move => "move",
    }
}

/// Where and how a mailbox's mail is fetched over IMAP.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSettings {
    /// The server's host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// TLS, STARTTLS or none.
    pub security: ImapSecurity,
    /// The login.
    pub username: String,
    /// The password (never shown by the API).
    pub password: String,
    /// The folder mail arrives in.
    pub folder: String,
    /// What happens to a message once taken.
    pub after_fetch: AfterFetch,
    /// The folder taken mail is moved to, with [`AfterFetch::Move`].
    pub move_to: Option<String>,
}

impl std::fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("folder", &self.folder)
            .field("after_fetch", &self.after_fetch)
            .field("move_to", &self.move_to)
            .finish_non_exhaustive()
    }
}

impl ImapSettings {
    /// Checks the fields: a host name without spaces, a folder name, a target folder when
    /// mail is moved.
    pub fn check(&self) -> Result<(), DomainError> {
        let invalid = |why: &str| DomainError::InvalidText {
            field: "imap",
            problem: why.to_owned(),
        };
        if self.host.is_empty()
            || self.host.len() > 253
            || self
                .host
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '/')
        {
            return Err(invalid("the host is a name or address without spaces"));
        }
        if self.port == 0 {
            return Err(invalid("the port is between 1 and 65535"));
        }
        if self.username.is_empty() || self.username.chars().any(char::is_control) {
            return Err(invalid("the user name is required"));
        }
        let folder_ok =
            |f: &str| !f.is_empty() && f.len() <= 200 && !f.chars().any(char::is_control);
        if !folder_ok(&self.folder) {
            return Err(invalid("the folder is required"));
        }
        if self.after_fetch == AfterFetch::Move && !self.move_to.as_deref().is_some_and(folder_ok) {
            return Err(invalid("say which folder taken mail is moved to"));
        }
        Ok(())
    }
}

/// The most people copied on one ticket: a mail copying thousands must not turn every reply
/// into bulk mail.
pub const MAX_PARTICIPANTS: usize = 20;

/// How many automatic mails (acknowledgements, notices) one address may receive in
/// [`AUTOMATIC_WINDOW`]: more means two systems are answering each other.
pub const AUTOMATIC_CAP: i64 = 10;

/// The window of [`AUTOMATIC_CAP`].
pub const AUTOMATIC_WINDOW: Duration = Duration::minutes(10);

/// Whether another automatic mail may go to an address that received `recent` in the window.
pub fn may_send_automatic(recent: i64) -> bool {
    recent < AUTOMATIC_CAP
}

/// Attempts before a delivery that keeps failing for a passing reason is given up.
pub const DELIVERY_ATTEMPTS: i32 = 8;

/// When to try again after `attempts` failed deliveries: 30 s, 1 min, 2, 4 … capped at an
/// hour, so eight attempts span about two hours.
pub fn retry_after(attempts: i32, now: DateTime<Utc>) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    let seconds = (30_i64 << exponent).min(3_600);
    now + Duration::seconds(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let wait = |n| (retry_after(n, now) - now).num_seconds();
        assert_eq!(
            [1, 2, 3, 4, 8, 20].map(wait),
            [30, 60, 120, 240, 3_600, 3_600]
        );
    }

    #[test]
    fn automatic_mail_stops_at_the_cap() {
        assert!(may_send_automatic(AUTOMATIC_CAP - 1));
        assert!(!may_send_automatic(AUTOMATIC_CAP));
    }

    #[test]
    fn imap_settings_are_checked() {
        let good = ImapSettings {
            host: "imap.shop.example".into(),
            port: 993,
            security: ImapSecurity::Tls,
            username: "support".into(),
            password: "pw".into(),
            folder: "INBOX".into(),
            after_fetch: AfterFetch::Flag,
            move_to: None,
        };
        assert!(good.check().is_ok());
        let moving = ImapSettings {
            after_fetch: AfterFetch::Move,
            ..good.clone()
        };
        assert!(moving.check().is_err());
        let spaced = ImapSettings {
            host: "imap shop".into(),
            ..good.clone()
        };
        assert!(spaced.check().is_err());
        assert!(
            !format!("{good:?}").contains("pw"),
            "the password is never logged"
        );
    }
}
