//! Vendor organisations.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{UserId, VendorId};
use kefu_domain::vendor::VendorKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How quickly a vendor promises to respond, in wall-clock minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseTargetsBody {
    /// Acknowledge a new escalation within this many minutes (1 to 129600).
    #[schema(minimum = 1, maximum = 129600)]
    pub acknowledge_minutes: i32,
    /// Answer within this many minutes of the escalation (1 to 129600, not less than the
    /// acknowledge target).
    #[schema(minimum = 1, maximum = 129600)]
    pub answer_minutes: i32,
}

/// A vendor organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorResponse {
    /// Its id.
    #[schema(value_type = crate::schema::VendorId)]
    pub id: VendorId,
    /// Its name.
    pub name: String,
    /// What it is to the business.
    #[schema(value_type = crate::schema::VendorKind)]
    pub kind: VendorKind,
    /// Where its escalations are mailed when it has no portal users.
    pub contacts: Vec<String>,
    /// The products or categories it covers.
    pub coverage: Vec<String>,
    /// How quickly it promises to respond.
    pub targets: ResponseTargetsBody,
    /// Whether the customer's name and contact details are shared by default.
    pub share_contact_by_default: bool,
    /// Whether it takes new escalations.
    pub active: bool,
    /// How many active portal users it has; with none, escalations go by email.
    pub portal_users: i64,
    /// For the escalation form of a ticket: how many of its products or categories the
    /// ticket names (0 when no ticket was given or none fit).
    pub fit: usize,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// A vendor as shown beside an escalation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorSummary {
    /// Its id.
    #[schema(value_type = crate::schema::VendorId)]
    pub id: VendorId,
    /// Its name.
    pub name: String,
    /// What it is to the business.
    #[schema(value_type = crate::schema::VendorKind)]
    pub kind: VendorKind,
}

/// `GET /api/v1/vendors`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorList {
    /// The vendors: by fit to the ticket asked about (best first), then by name.
    pub items: Vec<VendorResponse>,
}

/// `POST /api/v1/vendors` (admins).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVendorRequest {
    /// Its name; unique regardless of case.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// What it is to the business.
    #[schema(value_type = crate::schema::VendorKind)]
    pub kind: VendorKind,
    /// Contact addresses (at most 10).
    #[serde(default)]
    pub contacts: Vec<String>,
    /// Products or categories it covers (at most 50, each up to 60 characters).
    #[serde(default)]
    pub coverage: Vec<String>,
    /// Response targets; one business day to acknowledge and three to answer if absent.
    #[serde(default)]
    pub targets: Option<ResponseTargetsBody>,
    /// Whether the customer's name and contact details are shared by default (no if absent).
    #[serde(default)]
    pub share_contact_by_default: bool,
}

/// `PATCH /api/v1/vendors/{id}` (admins); absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVendorRequest {
    /// A new name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// A new kind.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::VendorKind>)]
    pub kind: Option<VendorKind>,
    /// New contact addresses (replacing the old ones).
    #[serde(default)]
    pub contacts: Option<Vec<String>>,
    /// New products or categories (replacing the old ones).
    #[serde(default)]
    pub coverage: Option<Vec<String>>,
    /// New response targets.
    #[serde(default)]
    pub targets: Option<ResponseTargetsBody>,
    /// Whether the customer's details are shared by default.
    #[serde(default)]
    pub share_contact_by_default: Option<bool>,
    /// Whether it takes new escalations.
    #[serde(default)]
    pub active: Option<bool>,
}

/// One of a vendor's users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorUserResponse {
    /// Their account.
    #[schema(value_type = crate::schema::UserId)]
    pub id: UserId,
    /// Their name.
    pub name: String,
    /// Their sign-in address.
    pub email: String,
    /// Whether they may sign in.
    pub active: bool,
}

/// `GET /api/v1/vendors/{id}/users` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorUserList {
    /// The vendor's users, by name.
    pub items: Vec<VendorUserResponse>,
}

/// `GET /api/v1/vendor-scorecard` (and `.csv`): the period and vendor.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// The period's start (RFC 3339); 30 days before `to` if absent.
    pub from: Option<DateTime<Utc>>,
    /// The period's end, exclusive (RFC 3339); now if absent.
    pub to: Option<DateTime<Utc>>,
    /// Only this vendor.
    pub vendor: Option<String>,
}

/// One vendor's figures over the escalations made in the period (cancelled ones count as
/// opened only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VendorScoreBody {
    /// The vendor.
    pub vendor: VendorSummary,
    /// Escalations made in the period.
    pub opened: i64,
    /// Of those not cancelled, how many the vendor acknowledged.
    pub acknowledged: i64,
    /// Of those not cancelled, how many the vendor answered.
    pub answered: i64,
    /// Median minutes to acknowledge.
    pub acknowledge_median_minutes: Option<f64>,
    /// 90th percentile minutes to acknowledge.
    pub acknowledge_p90_minutes: Option<f64>,
    /// Median minutes to the first answer.
    pub answer_median_minutes: Option<f64>,
    /// 90th percentile minutes to the first answer.
    pub answer_p90_minutes: Option<f64>,
    /// Share (0 to 1) of the escalations not cancelled that were answered by their answer-by
    /// time; `null` with none.
    pub answered_within_target: Option<f64>,
    /// Share of the escalations not cancelled that the vendor returned.
    pub returned: Option<f64>,
    /// Share of the answered ones whose answer the agent reopened.
    pub reopened_after_answer: Option<f64>,
}

/// The vendor scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScorecardResponse {
    /// The period's start.
    pub from: DateTime<Utc>,
    /// The period's end (exclusive).
    pub to: DateTime<Utc>,
    /// Every vendor (or the one asked for), by name.
    pub items: Vec<VendorScoreBody>,
}

/// `PUT /api/v1/vendors/{id}/webhook`: where to call the vendor's own helpdesk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// The address called on each escalation event (`https://…`).
    #[schema(max_length = 2000)]
    pub url: String,
    /// Whether a private, loopback or link-local target is allowed (for a helpdesk on the
    /// business's own network); no if absent.
    #[serde(default)]
    pub allow_private: bool,
    /// Whether to make a new signing secret; a webhook set for the first time always gets one.
    #[serde(default)]
    pub new_secret: bool,
}

/// One call of a vendor's webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    /// Its id, sent as `Kefu-Delivery`.
    #[schema(value_type = String)]
    pub id: kefu_domain::ids::WebhookDeliveryId,
    /// The event.
    pub event: String,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// The HTTP status of the last answer, if one came.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The start of the receiver's last answer (up to 2,000 bytes).
    pub last_response: Option<String>,
    /// When it is next tried, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/vendors/{id}/webhook`: the vendor's webhook (without its secret) and its
/// latest calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookResponse {
    /// The address called, if one is set.
    pub url: Option<String>,
    /// Whether a private target is allowed.
    pub allow_private: bool,
    /// The signing secret: only in the answer that made it.
    pub secret: Option<String>,
    /// The latest 20 calls, newest first.
    pub deliveries: Vec<WebhookDeliveryResponse>,
}

/// `GET/POST /api/v1/vendors/{id}/api-key`: the vendor's API key. The key itself is in the
/// answer that made it, and never again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VendorApiKeyResponse {
    /// Whether the vendor holds a live key.
    pub active: bool,
    /// The key (`Authorization: Bearer …`): only in the answer that made it.
    pub key: Option<String>,
    /// When the live key was made.
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}
