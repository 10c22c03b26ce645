//! The query strings of Kefu's list endpoints.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters, order and page of the queue. Lists are comma-separated.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Statuses, e.g. `open,pending`; `unsolved` means new, open, pending and on hold.
    pub status: Option<String>,
    /// Stages: `pre_sale`, `in_sale`, `after_sale`.
    pub stage: Option<String>,
    /// Channels: `chat`, `email`, `phone`, `web`, `api`.
    pub channel: Option<String>,
    /// Priorities: `low`, `normal`, `high`, `urgent`.
    pub priority: Option<String>,
    /// A team id, or `none` for tickets in no team.
    pub team: Option<String>,
    /// A user id, `me`, or `unassigned`.
    pub assignee: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// A customer id: that customer's tickets.
    pub requester: Option<String>,
    /// Words to find in the subject or one message (Chinese included). Words match whole, in
    /// any form (`refund` finds "refunded"); `rout*` matches every word starting `rout`.
    /// Results carry a `snippet`.
    pub q: Option<String>,
    /// Only tickets updated since this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// `true`: only tickets with a running service-level target past its due time (agents).
    pub breached: Option<bool>,
    /// `updated` (default: newest update first), `updated_asc`, `created` (newest first),
    /// `created_asc`, `priority`, `due` (the soonest service-level due time first; agents),
    /// or with `q`, `relevance` (best match first, among the 200 newest matches).
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<i64>,
}

/// Paging through a timeline.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 100).
    pub limit: Option<i64>,
}

/// How to find customers; give one of the three.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// A phone number in any common format: the caller on the line.
    pub phone: Option<String>,
    /// An email address.
    pub email: Option<String>,
    /// The start of a name.
    pub q: Option<String>,
}

/// Filters and paging for the user list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Roles, comma-separated; agents may list only `admin` and `agent`.
    pub role: Option<String>,
    /// `true` for active accounts only, `false` for deactivated ones.
    pub active: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 100).
    pub limit: Option<i64>,
}

/// Paging through the audit log.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 100).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}
