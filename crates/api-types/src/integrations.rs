//! Integration webhooks: where Kefu calls another system, and on which events.

use chrono::{DateTime, Utc};
use kefu_domain::ids::IntegrationId;
use kefu_domain::integration::IntegrationEvent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vendors::WebhookDeliveryResponse;

/// `POST /api/v1/integrations` and `PUT /api/v1/integrations/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationRequest {
    /// What admins call it.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Where calls go: `https://` (or `http://`), no user name or password.
    #[schema(max_length = 2000)]
    pub url: String,
    /// The events it is told of (at least one; not `ping`).
    #[schema(value_type = Vec<crate::schema::IntegrationEvent>)]
    pub events: Vec<IntegrationEvent>,
    /// Whether it is called; if left out, `true` for a new one and unchanged on a change.
    #[serde(default)]
    pub active: Option<bool>,
    /// Whether it may be called on a private, loopback or link-local address.
    #[serde(default)]
    pub allow_private: bool,
    /// Make a new signing secret (on a change; a new integration always gets one).
    #[serde(default)]
    pub new_secret: bool,
}

/// An integration webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IntegrationResponse {
    /// Its id.
    #[schema(value_type = crate::schema::IntegrationId)]
    pub id: IntegrationId,
    /// Its name.
    pub name: String,
    /// Where calls go.
    pub url: String,
    /// The events it is told of.
    #[schema(value_type = Vec<crate::schema::IntegrationEvent>)]
    pub events: Vec<IntegrationEvent>,
    /// Whether it is called.
    pub active: bool,
    /// Whether it may be called on a private address.
    pub allow_private: bool,
    /// The signing secret: only in the answer that made it.
    pub secret: Option<String>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every integration webhook, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IntegrationList {
    /// The integrations.
    pub items: Vec<IntegrationResponse>,
}

/// `GET /api/v1/integrations/{id}/deliveries`: the latest calls, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IntegrationDeliveries {
    /// The calls.
    pub items: Vec<WebhookDeliveryResponse>,
}
