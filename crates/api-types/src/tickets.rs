//! Tickets, their timelines and call logs.

use chrono::{DateTime, Utc};
use kefu_domain::call::{CallDirection, CallOutcome};
use kefu_domain::ids::{CallId, CustomerId, MessageId, TeamId, TicketId, UserId};
use kefu_domain::message::{AuthorKind, MessageKind, Visibility};
use kefu_domain::ticket::{Channel, Priority, Stage, Status, TicketNumber};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{TeamSummary, UserSummary};
use crate::customers::CustomerSummary;

/// Who a new ticket is for: an existing customer, or contact details to find or create one.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterInput {
    /// An existing customer; the other fields are then ignored.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::CustomerId>)]
    pub id: Option<CustomerId>,
    /// The name for a new customer.
    #[serde(default)]
    #[schema(
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// Found by this address, or created with it.
    #[serde(default)]
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    /// Found by this number, or created with it; any common format.
    #[serde(default)]
    #[schema(pattern = "^\\+?[0-9][0-9 ().-]{2,30}$")]
    pub phone: Option<String>,
    /// The company, for a new customer.
    #[serde(default)]
    #[schema(
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub organisation: Option<String>,
}

/// The first entry of a new ticket.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstMessage {
    /// What the customer asked, or the agent's summary.
    #[schema(
        min_length = 1,
        max_length = 65536,
        pattern = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*\\S[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
    )]
    pub body: String,
    /// `public` (default) or `internal`.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Visibility>)]
    pub visibility: Option<Visibility>,
    /// Who wrote it: `customer` (default; the requester's words) or `agent`.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::AuthorKind>)]
    pub author: Option<AuthorKind>,
}

/// A phone call's details.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    /// `inbound` (the customer called) or `outbound`.
    #[schema(value_type = crate::schema::CallDirection)]
    pub direction: CallDirection,
    /// The calling number, any common format; stored as E.164. It must be a number some
    /// country dials (national numbers are read in the default region), not the called one.
    #[schema(pattern = "^\\+?[0-9][0-9 ().-]{2,30}$", example = "+86 138 0013 8000")]
    pub from: String,
    /// The called number, any common format; stored as E.164.
    #[schema(pattern = "^\\+?[0-9][0-9 ().-]{2,30}$", example = "+86 21 6123 4567")]
    pub to: String,
    /// When the call began; now if absent.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// How long it lasted, in seconds.
    #[serde(deserialize_with = "crate::whole::number")]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration_seconds: i32,
    /// How it ended.
    #[schema(value_type = crate::schema::CallOutcome)]
    pub outcome: CallOutcome,
    /// What was said or agreed.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
}

/// `POST /api/v1/tickets`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicketRequest {
    /// One line saying what it is about.
    #[schema(
        min_length = 1,
        max_length = 250,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub subject: String,
    /// How it came in; customers may only open `web` tickets.
    #[schema(value_type = crate::schema::Channel)]
    pub channel: Channel,
    /// Where in the sale the customer is; `pre_sale` if absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Stage>)]
    pub stage: Option<Stage>,
    /// `normal` if absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Priority>)]
    pub priority: Option<Priority>,
    /// The team (queue) to put it in.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// The agent to assign it to.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::UserId>)]
    pub assignee_id: Option<UserId>,
    /// Tags to put on it.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    /// Who asked; for customers, always themselves. For a phone ticket without one, the
    /// customer with the caller's number (created if unknown).
    #[serde(default, deserialize_with = "crate::object::optional")]
    pub requester: Option<RequesterInput>,
    /// The first entry on the timeline.
    #[serde(default, deserialize_with = "crate::object::optional")]
    pub message: Option<FirstMessage>,
    /// The call, for tickets on the `phone` channel (required there).
    #[serde(default, deserialize_with = "crate::object::optional")]
    pub call: Option<CallInput>,
}

/// A ticket as listed and shown. Its requester sees the subject, channel, status and times;
/// the fields marked "staff only" are absent for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketResponse {
    /// The ticket's id.
    #[schema(value_type = crate::schema::TicketId)]
    pub id: TicketId,
    /// Its human number (`1042`, shown `#1042`).
    #[schema(value_type = crate::schema::TicketNumber)]
    pub number: TicketNumber,
    /// What it is about.
    pub subject: String,
    /// Where in the sale the customer is (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Stage>)]
    pub stage: Option<Stage>,
    /// How it came in.
    #[schema(value_type = crate::schema::Channel)]
    pub channel: Channel,
    /// Where it stands.
    #[schema(value_type = crate::schema::Status)]
    pub status: Status,
    /// How urgent it is (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Priority>)]
    pub priority: Option<Priority>,
    /// Who asked.
    pub requester: CustomerSummary,
    /// Who works it (staff only; absent also when nobody does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<UserSummary>,
    /// Which queue it is in (staff only; absent also when it is in none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamSummary>,
    /// Its tags (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When anything on it last changed.
    pub updated_at: DateTime<Utc>,
    /// When an agent first answered in public (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_responded_at: Option<DateTime<Utc>>,
    /// When it was last solved.
    pub solved_at: Option<DateTime<Utc>>,
    /// When its soonest running service-level target falls due (staff only; absent while no
    /// clock runs: no policy covers it, or it is pending, solved or closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_due_at: Option<DateTime<Utc>>,
    /// For agents: whether it changed since they last opened it (or they never have).
    pub unread: Option<bool>,
    /// In search results: where the words were found, with them marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
}

/// Where a search's words were found in a ticket: part of the matching message (or of the
/// subject), in pieces, the matching words marked. Plain text: render it as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Snippet {
    /// The message the text comes from; absent when it is the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::MessageId>)]
    pub message_id: Option<MessageId>,
    /// The text, in order.
    pub parts: Vec<SnippetPart>,
}

/// A piece of a snippet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it is one of the words searched for.
    pub highlight: bool,
}

/// A page of the queue.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketList {
    /// The tickets, in the order asked for.
    pub items: Vec<TicketResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `PATCH /api/v1/tickets/{id}`; absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTicketRequest {
    /// A new status, through the state machine.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Status>)]
    pub status: Option<Status>,
    /// A new priority.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Priority>)]
    pub priority: Option<Priority>,
    /// A new stage.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Stage>)]
    pub stage: Option<Stage>,
    /// A new subject.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 250,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub subject: Option<String>,
    /// A new team, or `null` for none.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub team_id: Option<Option<TeamId>>,
    /// A new assignee, or `null` to unassign.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assignee_id: Option<Option<UserId>>,
    /// The complete new set of tags.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// Tags to add.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub add_tags: Vec<String>,
    /// Tags to remove.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub remove_tags: Vec<String>,
}

/// `POST /api/v1/tickets/bulk`: the same change to many tickets.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkUpdateRequest {
    /// The tickets to change (at most 100).
    #[schema(value_type = Vec<crate::schema::TicketId>, min_items = 1, max_items = 100)]
    pub ids: Vec<TicketId>,
    /// The change.
    #[serde(deserialize_with = "crate::object::required")]
    pub changes: UpdateTicketRequest,
}

/// What happened to each ticket of a bulk change.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkUpdateResponse {
    /// The tickets changed.
    pub updated: Vec<TicketResponse>,
    /// The tickets not changed, and why.
    pub failed: Vec<BulkFailure>,
}

/// One ticket a bulk change could not be made to.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkFailure {
    /// The ticket.
    #[schema(value_type = crate::schema::TicketId)]
    pub id: TicketId,
    /// The problem's stable code.
    pub code: String,
    /// What went wrong.
    pub detail: String,
}

/// A phone call as logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallResponse {
    /// The call's id.
    #[schema(value_type = crate::schema::CallId)]
    pub id: CallId,
    /// Who called whom.
    #[schema(value_type = crate::schema::CallDirection)]
    pub direction: CallDirection,
    /// The calling number, E.164.
    pub from: String,
    /// The called number, E.164.
    pub to: String,
    /// The calling number as people read it.
    pub from_display: String,
    /// The called number as people read it.
    pub to_display: String,
    /// When the call began.
    pub started_at: DateTime<Utc>,
    /// How long it lasted, in seconds.
    pub duration_seconds: i32,
    /// How it ended.
    #[schema(value_type = crate::schema::CallOutcome)]
    pub outcome: CallOutcome,
    /// What was said or agreed.
    pub notes: Option<String>,
}

/// Who wrote a timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorResponse {
    /// Agent, customer, vendor or system.
    #[schema(value_type = crate::schema::AuthorKind)]
    pub kind: AuthorKind,
    /// The user's or customer's id.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<String>,
    /// Their name.
    pub name: String,
}

/// One entry on a ticket's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageResponse {
    /// The entry's id.
    #[schema(value_type = crate::schema::MessageId)]
    pub id: MessageId,
    /// Reply, note, call or event.
    #[schema(value_type = crate::schema::MessageKind)]
    pub kind: MessageKind,
    /// Public or internal.
    #[schema(value_type = crate::schema::Visibility)]
    pub visibility: Visibility,
    /// Who wrote it.
    pub author: AuthorResponse,
    /// The channel it came or went by.
    #[schema(value_type = crate::schema::Channel)]
    pub channel: Channel,
    /// Its text.
    pub body: String,
    /// For events, what changed: `{"changes": [{"field", "from", "to"}]}`.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
    /// Files sent with it (chat lines).
    #[serde(default)]
    pub files: Vec<crate::files::ChatFile>,
    /// For call entries, the call.
    pub call: Option<CallResponse>,
    /// For mail received or sent, the mail: addresses, HTML, quoted history, and why it is
    /// on this ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<crate::mail::EmailDetails>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A page of a ticket's timeline, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MessageList {
    /// The entries.
    pub items: Vec<MessageResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/tickets/{id}/messages`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessageRequest {
    /// The text.
    #[schema(
        min_length = 1,
        max_length = 65536,
        pattern = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*\\S[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
    )]
    pub body: String,
    /// `public` (a reply the requester sees; default) or `internal` (a note for agents).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Visibility>)]
    pub visibility: Option<Visibility>,
    /// The status to set with it, e.g. `pending` for "reply and wait for the customer".
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Status>)]
    pub status: Option<Status>,
    /// Who a public reply is mailed to, instead of the ticket's usual recipients (agents;
    /// new addresses are copied on the ticket from then on).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub mail_to: Option<Vec<String>>,
    /// Who a public reply is copied to by mail, with `mail_to`.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub mail_cc: Option<Vec<String>>,
}

/// `GET /api/v1/tickets/{id}/mail-recipients`: who a public reply would be mailed to.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MailRecipients {
    /// Whether public replies on the ticket go by mail at all.
    pub by_mail: bool,
    /// Its recipients.
    pub to: Vec<crate::mail::EmailParty>,
    /// Its copied recipients.
    pub cc: Vec<crate::mail::EmailParty>,
    /// Addresses among them that bounced before: mail to them is not sent.
    pub undeliverable: Vec<String>,
}

/// `POST /api/v1/tickets/{id}/calls`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostCallRequest {
    /// The call.
    #[serde(flatten)]
    pub call: CallInput,
}

/// The queue views and their counts, for the console's sidebar.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ViewCounts {
    /// One count per view.
    pub items: Vec<ViewCount>,
    /// Counts stop here; a count equal to it means "this many or more".
    pub cap: i64,
}

/// How many tickets one queue view holds, and how to list them.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ViewCount {
    /// The view's key: `mine`, `unassigned`, `team:<id>`, `stage:<stage>`, `pending`,
    /// `on_hold` or `solved_recently`.
    pub view: String,
    /// For team views, the team's name.
    pub name: Option<String>,
    /// The query string that lists the view's tickets with `GET /api/v1/tickets`.
    pub query: String,
    /// Tickets in it, up to the cap.
    pub count: i64,
}
