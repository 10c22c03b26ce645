//! Reports: first response, resolution, service levels, backlog, volume per day, satisfaction
//! and vendor turnaround over a period, per team, agent, stage or channel.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `GET /api/v1/reports`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The first day (UTC), `YYYY-MM-DD`; 30 days before `to` if left out.
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// The last day, included; today if left out. At most 366 days after `from`.
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Rows per `team` (the default), `agent`, `stage` or `channel`.
    #[serde(default)]
    pub by: Option<String>,
    /// Only this team's tickets.
    #[serde(default)]
    #[param(value_type = Option<String>, format = Uuid)]
    pub team_id: Option<String>,
}

/// One row of a report: a team, agent, stage or channel, or the total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportRow {
    /// The group's key (a team or agent id, a stage, a channel); `null` for tickets in no team
    /// or with no agent, and for the total.
    pub key: Option<String>,
    /// What the console shows for it.
    pub label: String,
    /// Tickets created in the period.
    pub created: i64,
    /// Tickets solved in the period.
    pub solved: i64,
    /// Average minutes from opening to the first public answer (tickets created in the period).
    pub first_response_minutes: Option<f64>,
    /// Average hours from opening to solving (tickets solved in the period).
    pub resolution_hours: Option<f64>,
    /// Tickets created in the period under an SLA policy.
    pub sla_tickets: i64,
    /// The share of those that met every target, in percent.
    pub sla_met_percent: Option<f64>,
    /// Unsolved tickets now.
    pub backlog: i64,
    /// Their average age, in days.
    pub backlog_age_days: Option<f64>,
    /// The share of them older than a week, in percent.
    pub backlog_over_week_percent: Option<f64>,
    /// Satisfaction ratings given in the period.
    pub ratings: i64,
    /// Their average score, 1 to 5.
    pub rating_average: Option<f64>,
    /// CSAT: the share of 4s and 5s, in percent.
    pub csat_percent: Option<f64>,
    /// The expectation gap: −1 (all worse than expected) to +1 (all better).
    pub expectation_gap: Option<f64>,
}

/// Tickets created and solved on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportDay {
    /// The day (UTC), `YYYY-MM-DD`.
    pub day: String,
    /// Created that day.
    pub created: i64,
    /// Solved that day.
    pub solved: i64,
}

/// How fast one vendor answered escalations requested in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VendorTurnaround {
    /// The vendor's id.
    pub vendor_id: String,
    /// Its name.
    pub vendor_name: String,
    /// Escalations requested.
    pub escalations: i64,
    /// The share answered, in percent.
    pub answered_percent: f64,
    /// Average hours to the answer (of those answered).
    pub turnaround_hours: Option<f64>,
}

/// A report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// The first day.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// The last day, included.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// What rows are per.
    pub by: String,
    /// One row per group, busiest first.
    pub rows: Vec<ReportRow>,
    /// Everything together.
    pub total: ReportRow,
    /// Created and solved per day, every day of the period.
    pub days: Vec<ReportDay>,
    /// Vendor turnaround, slowest first.
    pub vendors: Vec<VendorTurnaround>,
}
