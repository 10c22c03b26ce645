//! Triggers and scheduled automations.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{IntegrationId, TeamId, TriggerId, UserId};
use kefu_domain::ticket::{Channel, Priority, Stage, Status};
use kefu_domain::triggers::TriggerEvent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a ticket must be for the trigger to run; every listed condition must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerConditionsBody {
    /// One of these statuses.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Status>)]
    pub statuses: Vec<Status>,
    /// One of these priorities.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Priority>)]
    pub priorities: Vec<Priority>,
    /// One of these stages.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Stage>)]
    pub stages: Vec<Stage>,
    /// One of these channels.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Channel>)]
    pub channels: Vec<Channel>,
    /// In one of these teams.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::TeamId>)]
    pub teams: Vec<TeamId>,
    /// Carries at least one of these tags.
    #[serde(default)]
    pub tags_any: Vec<String>,
    /// Carries none of these tags.
    #[serde(default)]
    pub tags_none: Vec<String>,
    /// Has an agent (`true`) or none (`false`).
    #[serde(default)]
    pub assigned: Option<bool>,
    /// Scheduled triggers only: hours without activity, 1 to 8,760.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 8760)]
    pub hours: Option<u32>,
}

/// One thing a trigger does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum TriggerActionBody {
    /// Sets the status.
    SetStatus {
        /// The new status.
        #[schema(value_type = crate::schema::Status)]
        status: Status,
    },
    /// Sets the priority.
    SetPriority {
        /// The new priority.
        #[schema(value_type = crate::schema::Priority)]
        priority: Priority,
    },
    /// Moves the ticket to a team.
    SetTeam {
        /// The team.
        #[schema(value_type = crate::schema::TeamId)]
        team_id: TeamId,
    },
    /// Assigns the ticket to an agent, or to nobody when `user_id` is null.
    Assign {
        /// The agent, or null for nobody.
        #[schema(value_type = Option<crate::schema::UserId>)]
        user_id: Option<UserId>,
    },
    /// Adds tags.
    AddTags {
        /// The tags.
        tags: Vec<String>,
    },
    /// Takes tags off.
    RemoveTags {
        /// The tags.
        tags: Vec<String>,
    },
    /// Writes an internal note.
    Note {
        /// In English.
        #[serde(default)]
        text_en: String,
        /// In Simplified Chinese.
        #[serde(default)]
        text_zh: String,
    },
    /// Mails the customer in their language, as a public reply from Kefu.
    EmailRequester {
        /// In English.
        #[serde(default)]
        text_en: String,
        /// In Simplified Chinese.
        #[serde(default)]
        text_zh: String,
    },
    /// Mails the ticket's agent in their language.
    EmailAssignee {
        /// In English.
        #[serde(default)]
        text_en: String,
        /// In Simplified Chinese.
        #[serde(default)]
        text_zh: String,
    },
    /// Calls an integration webhook with the ticket (`trigger.fired`).
    CallWebhook {
        /// The integration.
        #[schema(value_type = crate::schema::IntegrationId)]
        integration_id: IntegrationId,
    },
}

/// `POST /api/v1/triggers` and `PUT /api/v1/triggers/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerRequest {
    /// What admins call it; named on the timeline of every ticket it acts on.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// What sets it off.
    #[schema(value_type = crate::schema::TriggerEvent)]
    pub event: TriggerEvent,
    /// Its place among the triggers of its event (lowest first); last if left out.
    #[serde(default)]
    pub position: Option<i32>,
    /// Whether it runs; `true` if left out.
    #[serde(default)]
    pub active: Option<bool>,
    /// What the ticket must be.
    #[serde(default)]
    pub conditions: TriggerConditionsBody,
    /// What it does, in order (1 to 10).
    pub actions: Vec<TriggerActionBody>,
}

/// A trigger or scheduled automation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TriggerResponse {
    /// Its id.
    #[schema(value_type = crate::schema::TriggerId)]
    pub id: TriggerId,
    /// Its name.
    pub name: String,
    /// What sets it off.
    #[schema(value_type = crate::schema::TriggerEvent)]
    pub event: TriggerEvent,
    /// Its place among the triggers of its event.
    pub position: i32,
    /// Whether it runs.
    pub active: bool,
    /// What the ticket must be.
    pub conditions: TriggerConditionsBody,
    /// What it does.
    pub actions: Vec<TriggerActionBody>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every trigger, by event and position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TriggerList {
    /// The triggers.
    pub items: Vec<TriggerResponse>,
}
