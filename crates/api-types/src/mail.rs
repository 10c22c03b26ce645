//! The email channel's HTTP bodies: mailboxes (admins), raw mail taken over HTTP, the
//! quarantine, and the email details of timeline entries.

use chrono::{DateTime, Utc};
use kefu_domain::ids::UserId;
use kefu_domain::ids::{MailboxId, MessageId, QuarantineId, TeamId, TicketId};
use kefu_domain::mail::{AfterFetch, ImapSecurity, TemplateKind};
use kefu_domain::ticket::Stage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a mailbox's mail is fetched over IMAP.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImapRequest {
    /// The server's host name.
    #[schema(min_length = 1, max_length = 253)]
    pub host: String,
    /// Its port (993 for TLS, 143 for STARTTLS).
    pub port: u16,
    /// `tls`, `starttls` or `none`.
    #[schema(value_type = String, example = "tls")]
    pub security: ImapSecurity,
    /// The login.
    pub username: String,
    /// The password; leave it out when changing other settings to keep the stored one.
    #[serde(default)]
    pub password: Option<String>,
    /// The folder mail arrives in (`INBOX` if not given).
    #[serde(default)]
    pub folder: Option<String>,
    /// `flag` (mark taken mail `\Seen`) or `move` (to `move_to`); `flag` if not given.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "flag")]
    pub after_fetch: Option<AfterFetch>,
    /// The folder taken mail is moved to.
    #[serde(default)]
    pub move_to: Option<String>,
}

/// `POST /api/v1/mailboxes` and `PUT /api/v1/mailboxes/{id}` (admins): a mailbox's setup.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxRequest {
    /// A name for admins ("After-sales support").
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The address (`support@shop.example`).
    pub address: String,
    /// The team new tickets from it go to.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// The stage new tickets from it get (pre-sale if not given).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Stage>)]
    pub stage: Option<Stage>,
    /// Whether mail is fetched from it (yes if not given).
    #[serde(default)]
    pub active: Option<bool>,
    /// Whether a customer whose mail opens a ticket gets an automatic acknowledgement (yes if
    /// not given).
    #[serde(default)]
    pub acknowledge: Option<bool>,
    /// IMAP fetching; leave it out for mailboxes fed over HTTP or a pipe.
    #[serde(default)]
    pub imap: Option<ImapRequest>,
}

/// A mailbox's IMAP settings as shown: never the password.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ImapResponse {
    /// The server's host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// `tls`, `starttls` or `none`.
    #[schema(value_type = String)]
    pub security: ImapSecurity,
    /// The login.
    pub username: String,
    /// The folder mail arrives in.
    pub folder: String,
    /// `flag` or `move`.
    #[schema(value_type = String)]
    pub after_fetch: AfterFetch,
    /// The folder taken mail is moved to.
    pub move_to: Option<String>,
    /// When the folder was last checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Why the last check failed, if it did.
    pub last_error: Option<String>,
}

/// A mailbox.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MailboxResponse {
    /// Its id.
    #[schema(value_type = crate::schema::MailboxId)]
    pub id: MailboxId,
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: String,
    /// The team new tickets from it go to.
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// The stage new tickets from it get.
    #[schema(value_type = crate::schema::Stage)]
    pub stage: Stage,
    /// Whether mail is fetched from it.
    pub active: bool,
    /// Whether new tickets from it get an automatic acknowledgement.
    pub acknowledge: bool,
    /// IMAP fetching, if set up.
    pub imap: Option<ImapResponse>,
}

/// How a connection test went.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConnectionCheck {
    /// Whether Kefu signed in and opened the folder.
    pub ok: bool,
    /// Messages in the folder, when it opened.
    pub messages: Option<u32>,
    /// What went wrong, when it did.
    pub error: Option<String>,
}

/// `POST /api/v1/inbound/email`: what became of the mail.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InboundResult {
    /// `created`, `added`, `duplicate`, `bounce`, `escalation` (a vendor's reply, threaded
    /// into its escalation) or `quarantined`.
    pub outcome: String,
    /// The ticket it is on, if any.
    #[schema(value_type = Option<crate::schema::TicketId>)]
    pub ticket_id: Option<TicketId>,
    /// The ticket's number, if any.
    pub ticket_number: Option<i64>,
    /// The timeline entry it became, if any.
    #[schema(value_type = Option<crate::schema::MessageId>)]
    pub message_id: Option<MessageId>,
    /// The rule that threaded it (`reply_address`, `headers`, `subject_tag`, `new_ticket`,
    /// `follow_up`).
    pub rule: Option<String>,
    /// The quarantine entry, when it was quarantined.
    #[schema(value_type = Option<crate::schema::QuarantineId>)]
    pub quarantine_id: Option<QuarantineId>,
    /// Why it was quarantined.
    pub reason: Option<String>,
    /// The escalation a vendor's reply joined.
    #[schema(value_type = Option<crate::schema::EscalationId>)]
    pub escalation_id: Option<kefu_domain::ids::EscalationId>,
}

/// A mail in quarantine.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QuarantinedMail {
    /// Its id.
    #[schema(value_type = crate::schema::QuarantineId)]
    pub id: QuarantineId,
    /// The mailbox it came in on, if known.
    #[schema(value_type = Option<crate::schema::MailboxId>)]
    pub mailbox_id: Option<MailboxId>,
    /// `imap`, `http` or `pipe`.
    pub source: String,
    /// Its size in bytes.
    pub size: u64,
    /// Why it was not taken: `too_big`, `not_a_message`, `no_sender` or `failed`.
    pub reason: String,
    /// The explanation.
    pub detail: String,
    /// Its sender, if one could be read.
    pub sender: Option<String>,
    /// Its subject, if one could be read.
    pub subject: Option<String>,
    /// How often it was tried.
    pub attempts: i32,
    /// When it came.
    pub created_at: DateTime<Utc>,
    /// When it was last tried.
    pub last_tried_at: DateTime<Utc>,
    /// Where the raw mail is downloaded (admins).
    pub raw_url: String,
}

/// A page of the quarantine, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QuarantinePage {
    /// The mails.
    pub items: Vec<QuarantinedMail>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

/// A name and address on a mail.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct EmailParty {
    /// The display name.
    pub name: Option<String>,
    /// The address.
    pub address: String,
}

/// The email behind a timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmailDetails {
    /// Received (`inbound`) or sent (`outbound`).
    pub direction: String,
    /// Its Message-ID.
    pub message_id: String,
    /// The sender.
    pub from: EmailParty,
    /// Its recipients.
    pub to: Vec<EmailParty>,
    /// Its copied recipients.
    pub cc: Vec<EmailParty>,
    /// Its subject.
    pub subject: String,
    /// Why it is on this ticket: `reply_address`, `headers`, `subject_tag`, `new_ticket`,
    /// `follow_up`, `moved`, `split`, or `sent` for Kefu's own mail.
    pub thread_rule: String,
    /// The sanitised HTML body, if it had one.
    pub html: Option<String>,
    /// The quoted history cut from the text.
    pub quoted: Option<String>,
    /// Why it counts as automatic (auto-reply, list, bounce…), if it does.
    pub automatic: Option<String>,
    /// How delivery went, for mail Kefu sent: `pending`, `sent` or `failed`.
    pub delivery: Option<String>,
    /// Why delivery failed, if it did.
    pub delivery_error: Option<String>,
}

/// `PUT /api/v1/mail/templates/{kind}/{locale}` and its preview: a template's three parts,
/// in MiniJinja (`{{ ticket.number }}`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailTemplateRequest {
    /// The subject line.
    #[schema(max_length = 65536)]
    pub subject: String,
    /// The plain-text body.
    #[schema(max_length = 65536)]
    pub text: String,
    /// The HTML body: what goes inside `<body>`; values are HTML-escaped in it.
    #[schema(max_length = 65536)]
    pub html: String,
}

/// A mail template as admins edit it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MailTemplateResponse {
    /// Which mail it writes.
    #[schema(value_type = crate::schema::TemplateKind)]
    pub kind: TemplateKind,
    /// Its language (`en`, `zh-CN`).
    pub locale: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// Whether an admin changed it (otherwise it is the one Kefu ships).
    pub customized: bool,
    /// The variables it may use.
    pub variables: Vec<String>,
    /// Who changed it last.
    #[schema(value_type = Option<crate::schema::UserId>)]
    pub updated_by: Option<UserId>,
    /// When.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A template rendered with sample values.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MailTemplatePreview {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The whole HTML document.
    pub html: String,
}

/// `POST /api/v1/tickets/{id}/messages/{message}/move`: where a customer's mail belongs.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RethreadRequest {
    /// The ticket it belongs on (id, or number as `1042` or `#1042`); leave it out to split
    /// the mail off into a new ticket.
    #[serde(default)]
    pub to_ticket: Option<String>,
}

/// Where a mail went.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RethreadResponse {
    /// The ticket it is on now.
    #[schema(value_type = crate::schema::TicketId)]
    pub ticket_id: TicketId,
    /// That ticket's number.
    pub ticket_number: i64,
    /// Whether that ticket was made for it (a split).
    pub created: bool,
}

/// `PUT /api/v1/mail/smtp` (admins): the SMTP server mail goes out through, set in the console
/// (it wins over `[smtp]` in the configuration file).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpRequest {
    /// Its host name.
    #[schema(min_length = 1, max_length = 253)]
    pub host: String,
    /// Its port (587 for STARTTLS, 465 for TLS, 25 for a relay).
    pub port: u16,
    /// `starttls`, `tls` or `none` (only for a relay on the same machine).
    #[schema(example = "starttls")]
    pub security: String,
    /// The login, if the server asks for one.
    #[serde(default)]
    pub username: Option<String>,
    /// The password; leave it out to keep the saved one (same server and login only).
    #[serde(default)]
    pub password: Option<String>,
}

/// The outgoing SMTP server as admins see it (the password never comes back).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SmtpResponse {
    /// Whether it was set in the console; otherwise the notify role uses `[smtp]` from its
    /// configuration file, or writes `.eml` files.
    pub set_in_console: bool,
    /// Its host name.
    pub host: Option<String>,
    /// Its port.
    pub port: Option<u16>,
    /// `starttls`, `tls` or `none`.
    pub security: Option<String>,
    /// The login.
    pub username: Option<String>,
    /// Whether a password is saved.
    pub password_set: bool,
    /// When it was last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/mail/smtp/test` (admins): send a test mail.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpTestRequest {
    /// Where to send it.
    #[schema(max_length = 254)]
    pub to: String,
}
