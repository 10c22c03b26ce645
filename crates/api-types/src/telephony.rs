//! Telephony: the provider's signed call events, and how admins set the webhook up.

use chrono::{DateTime, Utc};
use kefu_domain::call::CallDirection;
use kefu_domain::ids::{CallId, TeamId, TicketId, UserId};
use kefu_domain::telephony::{CallEventKind, CallState};
use kefu_domain::ticket::Stage;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/v1/telephony/events`: one call event from a PBX or telephony provider, signed
/// with `Kefu-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallEventRequest {
    /// The provider's id for this event: a repeat with the same id changes nothing.
    #[schema(min_length = 1, max_length = 200)]
    pub id: String,
    /// `call.ringing`, `call.answered`, `call.ended` or `call.missed`.
    #[serde(rename = "type")]
    #[schema(value_type = crate::schema::CallEventKind)]
    pub kind: CallEventKind,
    /// The provider's id for the call, the same on all its events.
    #[schema(min_length = 1, max_length = 200)]
    pub call_id: String,
    /// `inbound` (the customer calls) or `outbound` (an agent calls).
    #[schema(value_type = crate::schema::CallDirection)]
    pub direction: CallDirection,
    /// The calling number (E.164, or national in the helpdesk's region).
    pub from: String,
    /// The called number.
    pub to: String,
    /// The agent's extension the call rings or was made on.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub extension: Option<String>,
    /// The agent by their sign-in address, when the provider knows it instead.
    #[serde(default)]
    pub agent_email: Option<String>,
    /// When it happened; now if left out.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// On `call.ended`: how long the talk lasted, in seconds.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 86400)]
    pub duration_seconds: Option<i32>,
    /// On `call.ended`: where the provider keeps the recording (`https://`).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub recording_url: Option<String>,
}

/// What Kefu made of a call event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallEventResponse {
    /// The call.
    #[schema(value_type = crate::schema::CallId)]
    pub call_id: CallId,
    /// The ticket it is on.
    #[schema(value_type = crate::schema::TicketId)]
    pub ticket_id: TicketId,
    /// That ticket's number.
    pub ticket_number: i64,
    /// Where the call stands now.
    #[schema(value_type = crate::schema::CallState)]
    pub state: CallState,
    /// Whether this event was taken before (a retry): it changed nothing.
    pub repeat: bool,
}

/// An agent's extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// The agent.
    #[schema(value_type = crate::schema::UserId)]
    pub user_id: UserId,
    /// The extension that rings on their desk.
    #[schema(min_length = 1, max_length = 20)]
    pub extension: String,
}

/// `PUT /api/v1/telephony`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TelephonyRequest {
    /// Whether the webhook takes events; turning it off forgets the secret.
    pub enabled: bool,
    /// The stage of a ticket opened for a caller with none open.
    #[schema(value_type = crate::schema::Stage)]
    pub stage: Stage,
    /// Its team (routing rules may change it).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// Every agent's extension (replacing those before).
    #[serde(default)]
    pub extensions: Vec<ExtensionBody>,
    /// Make a new signing secret.
    #[serde(default)]
    pub new_secret: bool,
}

/// An agent's extension, with their name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExtensionResponse {
    /// The agent.
    #[schema(value_type = crate::schema::UserId)]
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Their extension.
    pub extension: String,
}

/// `GET /api/v1/telephony`: how the telephony webhook is set up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TelephonyResponse {
    /// Whether the webhook takes events.
    pub enabled: bool,
    /// Where the provider sends events.
    pub events_url: String,
    /// The stage of a ticket opened for a caller with none open.
    #[schema(value_type = crate::schema::Stage)]
    pub stage: Stage,
    /// Its team.
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// Every agent's extension, by extension.
    pub extensions: Vec<ExtensionResponse>,
    /// The signing secret: only in the answer that made it.
    pub secret: Option<String>,
}
