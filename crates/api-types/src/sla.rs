//! Service levels: business calendars, SLA policies, and a ticket's clock.

use chrono::{DateTime, NaiveDate, Utc};
use kefu_domain::ids::{CalendarId, SlaPolicyId, TeamId};
use kefu_domain::sla::{AlertKind, Target};
use kefu_domain::ticket::{Channel, Priority, Stage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One range of working time, local to the calendar's zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    /// When work starts, `HH:MM`.
    #[schema(example = "09:00")]
    pub start: String,
    /// When work stops, `HH:MM` (`24:00` for midnight at the day's end).
    #[schema(example = "18:00")]
    pub end: String,
}

/// A holiday (no hours) or a working day (with hours) on one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionBody {
    /// The local date.
    pub date: NaiveDate,
    /// What it is ("National Day", "Working Saturday").
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The hours worked that day; empty for a holiday. A working day sent without hours
    /// (`null`) works the calendar's usual weekday hours.
    #[serde(default)]
    pub hours: Option<Vec<HoursBody>>,
    /// `true` for a working day on a date that is normally closed; leave out for a holiday.
    #[serde(default)]
    pub working: bool,
}

/// `POST /api/v1/calendars` and `PUT /api/v1/calendars/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarRequest {
    /// What admins call it.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// An IANA time zone, e.g. `Asia/Shanghai`.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    /// Seven days of ranges, Monday first; an empty day is closed.
    #[schema(min_items = 7, max_items = 7)]
    pub week: Vec<Vec<HoursBody>>,
    /// Holidays, closures and working days.
    #[serde(default)]
    pub exceptions: Vec<ExceptionBody>,
}

/// A business calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarResponse {
    /// Its id.
    #[schema(value_type = crate::schema::CalendarId)]
    pub id: CalendarId,
    /// Its name.
    pub name: String,
    /// Its IANA time zone.
    pub time_zone: String,
    /// Seven days of ranges, Monday first.
    pub week: Vec<Vec<HoursBody>>,
    /// Holidays and working days, in date order.
    pub exceptions: Vec<ExceptionBody>,
    /// How many SLA policies count on it.
    pub policies: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every business calendar.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarList {
    /// By name.
    pub items: Vec<CalendarResponse>,
}

/// `GET /api/v1/calendars/{id}/due`: when a target starting `from` falls due.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// When the target starts (RFC 3339).
    pub from: DateTime<Utc>,
    /// Its length in business minutes (1 to 527,040).
    pub minutes: i64,
}

/// When a target falls due on a calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DueResponse {
    /// When the target starts.
    pub from: DateTime<Utc>,
    /// Its length in business minutes.
    pub minutes: i64,
    /// When it falls due.
    pub due_at: DateTime<Utc>,
    /// The due time on the calendar's wall clock, `YYYY-MM-DD HH:MM` in its zone.
    pub due_local: String,
    /// Whether the business is working at `from`.
    pub open_at_start: bool,
    /// Calendar minutes from `from` to the due time (business and closed time together).
    pub elapsed_minutes: i64,
}

/// `POST /api/v1/calendars/{id}/import`: holidays and working days from an iCalendar file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportCalendarRequest {
    /// The `.ics` file's text (at most 1 MiB).
    pub ics: String,
    /// `true` to replace the calendar's exceptions; else the file's are added, and a date
    /// already listed takes the file's entry.
    #[serde(default)]
    pub replace: bool,
}

/// What an import took and left.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportCalendarResponse {
    /// The calendar as it now is.
    pub calendar: CalendarResponse,
    /// How many dates the file gave.
    pub imported: usize,
    /// Events not taken, with why.
    pub skipped: Vec<String>,
}

/// Which tickets a policy covers; empty lists mean any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeBody {
    /// Only these stages.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Stage>)]
    pub stages: Vec<Stage>,
    /// Only these priorities.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Priority>)]
    pub priorities: Vec<Priority>,
    /// Only these channels.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Channel>)]
    pub channels: Vec<Channel>,
    /// Only these teams.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::TeamId>)]
    pub teams: Vec<TeamId>,
}

/// A policy's targets in business minutes; leave one out to promise nothing for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsBody {
    /// Minutes to the first public answer.
    #[serde(default)]
    pub first_response: Option<i64>,
    /// Minutes to answer each later customer message.
    #[serde(default)]
    pub next_response: Option<i64>,
    /// Minutes to solve the ticket.
    #[serde(default)]
    pub resolution: Option<i64>,
    /// Minutes to call the customer back after a missed call.
    #[serde(default)]
    pub call_back: Option<i64>,
}

/// `POST /api/v1/sla-policies` and `PUT /api/v1/sla-policies/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    /// What admins call it.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Where it stands in the order policies are tried (lowest first); new policies go last
    /// when left out.
    #[serde(default)]
    pub position: Option<i32>,
    /// The calendar its targets count on.
    #[schema(value_type = crate::schema::CalendarId)]
    pub calendar_id: CalendarId,
    /// The tickets it covers.
    #[serde(default)]
    pub scope: ScopeBody,
    /// What it promises.
    pub targets: TargetsBody,
    /// When a target warns, in percent of its time (50–99, default 80).
    #[serde(default)]
    pub warn_percent: Option<u8>,
    /// Whether new tickets can fall under it (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// On a change: also apply the policies anew to every open ticket now.
    #[serde(default)]
    pub apply_to_open: bool,
}

/// An SLA policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyResponse {
    /// Its id.
    #[schema(value_type = crate::schema::SlaPolicyId)]
    pub id: SlaPolicyId,
    /// Its name.
    pub name: String,
    /// Its place in the order.
    pub position: i32,
    /// The calendar it counts on.
    #[schema(value_type = crate::schema::CalendarId)]
    pub calendar_id: CalendarId,
    /// The calendar's name.
    pub calendar_name: String,
    /// The tickets it covers.
    pub scope: ScopeBody,
    /// What it promises.
    pub targets: TargetsBody,
    /// When a target warns, in percent of its time.
    pub warn_percent: u8,
    /// Whether new tickets can fall under it.
    pub active: bool,
    /// How many tickets' clocks run under it.
    pub tickets: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every SLA policy, in the order they are tried.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PolicyList {
    /// In order.
    pub items: Vec<PolicyResponse>,
}

/// What applying the policies anew changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReapplyResponse {
    /// Open tickets looked at.
    pub tickets: u64,
    /// Of those, how many now run under a policy.
    pub covered: u64,
}

/// One target of a ticket's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TargetClock {
    /// Which target.
    #[schema(value_type = crate::schema::SlaTarget)]
    pub target: Target,
    /// The promised business minutes.
    pub minutes: i64,
    /// When it warns, while it runs.
    pub warn_at: Option<DateTime<Utc>>,
    /// When it falls due, while it runs.
    pub due_at: Option<DateTime<Utc>>,
    /// `running`, `paused`, `met` (given, or not owed now), `not_due` (a next response or call
    /// back never owed yet) or `breached` (running past due).
    pub state: String,
}

/// A near breach or breach that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AlertResponse {
    /// Which target.
    #[schema(value_type = crate::schema::SlaTarget)]
    pub target: Target,
    /// Near breach or breach.
    #[schema(value_type = crate::schema::SlaAlertKind)]
    pub kind: AlertKind,
    /// The due time it was about.
    pub due_at: DateTime<Utc>,
    /// When it fired.
    pub fired_at: DateTime<Utc>,
}

/// A vendor's own due time on a ticket on hold with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorDue {
    /// The vendor.
    pub vendor: String,
    /// The escalation's status.
    pub status: String,
    /// When the vendor's next step falls due.
    pub due_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/tickets/{id}/sla`: the ticket's service-level clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketSlaResponse {
    /// The policy it runs under; absent when none covers the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::SlaPolicyId>)]
    pub policy_id: Option<SlaPolicyId>,
    /// The policy's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// The calendar's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_name: Option<String>,
    /// Since when the clock stands still (pending, solved or closed).
    pub paused_since: Option<DateTime<Utc>>,
    /// Each target the policy promises.
    pub targets: Vec<TargetClock>,
    /// Near breaches and breaches fired, oldest first.
    pub alerts: Vec<AlertResponse>,
    /// While the ticket is on hold: the vendors' own due times, shown beside the clock
    /// (which keeps running).
    pub vendors: Vec<VendorDue>,
}
