//! Field-service visits.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{UserId, VendorId, VisitId};
use kefu_domain::visit::VisitStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::escalations::EscalationTicket;

/// Who does a visit: a service partner (`vendor`) or one of the business's own technicians
/// (`user`, an agent) — exactly one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicianRequest {
    /// A service partner.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::VendorId>)]
    pub vendor: Option<VendorId>,
    /// An agent.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::UserId>)]
    pub user: Option<UserId>,
}

/// `POST /api/v1/tickets/{id}/visits`: schedule a visit on an after-sale ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleVisitRequest {
    /// Who does it.
    pub technician: TechnicianRequest,
    /// Where (the customer's address).
    #[schema(min_length = 1, max_length = 2000)]
    pub address: String,
    /// When the window starts.
    pub start: DateTime<Utc>,
    /// When it ends (at most 12 hours later).
    pub end: DateTime<Utc>,
    /// What to do.
    #[schema(min_length = 1, max_length = 2000)]
    pub task: String,
    /// Whether the time is already agreed with the customer (`confirmed`); else `proposed`.
    #[serde(default)]
    pub confirmed: bool,
}

/// What the technician recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitOutcomeBody {
    /// The work done (or, for a no-show, what happened).
    #[schema(min_length = 1, max_length = 2000)]
    pub work: String,
    /// Parts used.
    #[serde(default)]
    pub parts: Option<String>,
    /// The name of the person who signed for the work.
    #[serde(default)]
    pub signed_by: Option<String>,
}

/// `PATCH /api/v1/visits/{id}`: move a visit, give it a new window, or record how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeVisitRequest {
    /// The status to move to.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::VisitStatus>)]
    pub status: Option<VisitStatus>,
    /// A new window start (agents, before the technician sets out; with `end`).
    #[serde(default)]
    pub start: Option<DateTime<Utc>>,
    /// A new window end.
    #[serde(default)]
    pub end: Option<DateTime<Utc>>,
    /// The outcome (with `done` or `no_show`).
    #[serde(default)]
    pub outcome: Option<VisitOutcomeBody>,
}

/// Who does a visit, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitTechnician {
    /// `vendor` or `user`.
    pub kind: String,
    /// The vendor's or user's id.
    pub id: String,
    /// Their name.
    pub name: String,
}

/// How a visit ended, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitOutcome {
    /// The work done.
    pub work: String,
    /// Parts used.
    pub parts: Option<String>,
    /// Who signed for it.
    pub signed_by: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitResponse {
    /// Its id.
    #[schema(value_type = crate::schema::VisitId)]
    pub id: VisitId,
    /// The ticket (agents only; `null` for a service partner).
    pub ticket: Option<EscalationTicket>,
    /// Who does it.
    pub technician: VisitTechnician,
    /// Where.
    pub address: String,
    /// When the window starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// What to do.
    pub task: String,
    /// Where it stands.
    #[schema(value_type = crate::schema::VisitStatus)]
    pub status: VisitStatus,
    /// How it ended, once recorded.
    pub outcome: Option<VisitOutcome>,
    /// The statuses the asker may move it to now.
    #[schema(value_type = Vec<crate::schema::VisitStatus>)]
    pub moves: Vec<VisitStatus>,
    /// When it was scheduled.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A list of visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitList {
    /// The visits, earliest first.
    pub items: Vec<VisitResponse>,
}

/// `GET /api/v1/visits`: the calendar.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VisitQuery {
    /// From (default: the start of today, UTC).
    pub from: Option<DateTime<Utc>>,
    /// To (default: 7 days after `from`; at most 62 days after it).
    pub to: Option<DateTime<Utc>>,
    /// Only this service partner's visits (agents).
    pub vendor: Option<String>,
    /// Only this agent's visits.
    pub technician: Option<String>,
}
