//! Escalations: cases handed to vendors, what is shared with them, and their threads.

use chrono::{DateTime, Utc};
use kefu_domain::escalation::{EntryKind, EscalationStatus};
use kefu_domain::ids::{EscalationId, EscalationMessageId, FileId, MessageId, TicketId, VendorId};
use kefu_domain::message::AuthorKind;
use kefu_domain::ticket::TicketNumber;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::vendors::VendorSummary;

/// What the agent chooses to share with the vendor beyond the brief.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareChoice {
    /// Ticket messages (public replies or internal notes) to share, redacted.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::MessageId>)]
    pub messages: Vec<MessageId>,
    /// Files of the ticket to share.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::FileId>)]
    pub files: Vec<FileId>,
    /// Whether the customer's name, email address and phone number are shared (and left
    /// unmasked in the shared text); the vendor's default if absent.
    #[serde(default)]
    pub contact: Option<bool>,
    /// Whether order and invoice numbers are left unmasked (no if absent).
    #[serde(default)]
    pub order_numbers: bool,
}

/// `POST /api/v1/tickets/{id}/escalations` and its `/preview`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEscalationRequest {
    /// The vendor to hand the case to.
    #[schema(value_type = crate::schema::VendorId)]
    pub vendor: VendorId,
    /// What the customer needs, what was tried, and what is asked of the vendor.
    #[schema(min_length = 1, max_length = 65536)]
    pub brief: String,
    /// What else is shared.
    #[serde(default)]
    pub share: ShareChoice,
    /// Whether the ticket goes `on_hold` while the vendor works (yes if absent).
    #[serde(default)]
    pub hold_ticket: Option<bool>,
}

/// How many things redaction masked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaskCounts {
    /// Email addresses.
    pub emails: usize,
    /// Phone numbers.
    pub phones: usize,
    /// Order and invoice numbers.
    pub order_numbers: usize,
    /// Mentions of the customer's name.
    pub names: usize,
}

/// The customer's details, as shared with a vendor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SharedContactBody {
    /// Their name.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
}

/// A file the vendor may read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationFile {
    /// Its id within the escalation.
    #[schema(value_type = crate::schema::FileId)]
    pub id: FileId,
    /// Its name.
    pub name: String,
    /// Its type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Where to download it (for the vendor as for the agent).
    pub url: String,
}

/// A ticket message as the vendor will see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SharedEntry {
    /// The ticket message it copies.
    #[schema(value_type = crate::schema::MessageId)]
    pub message: MessageId,
    /// Its text, redacted.
    pub body: String,
    /// When the original was written.
    pub written_at: DateTime<Utc>,
}

/// `POST /api/v1/tickets/{id}/escalations/preview`: exactly what the vendor will see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationPreview {
    /// The vendor.
    pub vendor: VendorSummary,
    /// The title, from the ticket's subject, redacted.
    pub subject: String,
    /// The brief, redacted.
    pub brief: String,
    /// The customer's details, if shared.
    pub contact: Option<SharedContactBody>,
    /// The shared messages, redacted.
    pub shared: Vec<SharedEntry>,
    /// The shared files: name, type and size.
    pub files: Vec<EscalationFile>,
    /// How much was masked.
    pub masked: MaskCounts,
    /// `portal` when the vendor has active portal users, otherwise `email` (to its contact
    /// addresses).
    pub delivery: String,
    /// When the vendor would be due to acknowledge.
    pub acknowledge_by: DateTime<Utc>,
    /// When the vendor would be due to answer.
    pub answer_by: DateTime<Utc>,
}

/// The ticket an escalation was made from (shown to agents only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationTicket {
    /// Its id.
    #[schema(value_type = crate::schema::TicketId)]
    pub id: TicketId,
    /// Its number.
    #[schema(value_type = crate::schema::TicketNumber)]
    pub number: TicketNumber,
    /// Its subject.
    pub subject: String,
}

/// An escalation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationResponse {
    /// Its id.
    #[schema(value_type = crate::schema::EscalationId)]
    pub id: EscalationId,
    /// A short reference for mail and phone: `E-` and the id's last eight characters.
    pub reference: String,
    /// Where it stands.
    #[schema(value_type = crate::schema::EscalationStatus)]
    pub status: EscalationStatus,
    /// The vendor.
    pub vendor: VendorSummary,
    /// The ticket; absent for vendor users, who never see tickets.
    pub ticket: Option<EscalationTicket>,
    /// Its title, as the vendor sees it.
    pub subject: String,
    /// The brief, as the vendor sees it.
    pub brief: String,
    /// The customer's details, if shared.
    pub contact: Option<SharedContactBody>,
    /// When it was handed over (or last sent again).
    pub requested_at: DateTime<Utc>,
    /// When the vendor is due to acknowledge.
    pub acknowledge_by: DateTime<Utc>,
    /// When the vendor is due to answer.
    pub answer_by: DateTime<Utc>,
    /// The next time the vendor is due to act; `null` when it is not in their hands.
    pub due_at: Option<DateTime<Utc>>,
    /// Whether the vendor is late.
    pub overdue: bool,
    /// When the vendor first responded.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the vendor first answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// How often the agent reopened an answer.
    pub reopened: i32,
    /// When anything last happened on it.
    pub updated_at: DateTime<Utc>,
}

/// A page of escalations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationList {
    /// The escalations: the next due first (overdue ones lead), then the rest, most recently
    /// changed first.
    pub items: Vec<EscalationResponse>,
    /// How many match in all.
    pub total: i64,
}

/// Who wrote an entry in an escalation's thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationAuthor {
    /// Agent, vendor or system.
    #[schema(value_type = crate::schema::AuthorKind)]
    pub kind: AuthorKind,
    /// Their name (an agent's or vendor user's; `Kefu` for events).
    pub name: String,
}

/// One entry in an escalation's thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EscalationEntry {
    /// Its id.
    #[schema(value_type = crate::schema::EscalationMessageId)]
    pub id: EscalationMessageId,
    /// Reply, note (vendor users only), event or shared.
    #[schema(value_type = crate::schema::EscalationEntryKind)]
    pub kind: EntryKind,
    /// Who wrote it.
    pub author: EscalationAuthor,
    /// Its text.
    pub body: String,
    /// For events, the move: `{"from", "to"}`; for copies into a customer reply, the
    /// ticket message.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// Files attached to it.
    pub files: Vec<EscalationFile>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/escalations/{id}`: an escalation with its thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EscalationDetail {
    /// The escalation.
    pub escalation: EscalationResponse,
    /// Its thread, oldest first (vendor notes only for vendor users).
    pub thread: Vec<EscalationEntry>,
    /// The statuses the asker may move it to now.
    #[schema(value_type = Vec<crate::schema::EscalationStatus>)]
    pub moves: Vec<EscalationStatus>,
}

/// `POST /api/v1/escalations/{id}/messages`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEscalationMessageRequest {
    /// The text.
    #[schema(min_length = 1, max_length = 65536)]
    pub body: String,
    /// `reply` (default: to the other side) or `note` (vendor users only: seen by their
    /// colleagues, never by the business).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::EscalationEntryKind>)]
    pub kind: Option<EntryKind>,
}

/// `POST /api/v1/escalations/{id}/status`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveEscalationRequest {
    /// The status to move to.
    #[schema(value_type = crate::schema::EscalationStatus)]
    pub status: EscalationStatus,
    /// A reply posted with the move: the answer, the question, why it is returned.
    #[serde(default)]
    #[schema(max_length = 65536)]
    pub body: Option<String>,
}

/// `POST /api/v1/escalations/{id}/messages/{entry}/copy`: a vendor's reply, copied into a
/// public reply to the customer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyToReplyRequest {
    /// The reply as the agent edited it; the vendor's text if absent.
    #[serde(default)]
    #[schema(max_length = 65536)]
    pub body: Option<String>,
}

/// Filters and page of an escalation queue. Lists are comma-separated.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EscalationQuery {
    /// Statuses, e.g. `requested,in_progress`; `open` (default) means all but closed and
    /// cancelled; `all` means every status.
    pub status: Option<String>,
    /// `true`: only those the vendor is late on.
    pub overdue: Option<bool>,
    /// Words to find in the title or brief.
    pub q: Option<String>,
    /// A vendor id (agents; vendor users always see only their own).
    pub vendor: Option<String>,
    /// Skip this many (for the next page).
    pub offset: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<i64>,
}
