//! Routing rules and automatic assignment.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{CustomerId, MailboxId, RoutingRuleId, TeamId, UserId};
use kefu_domain::routing::AssignmentMode;
use kefu_domain::ticket::{Channel, Priority, Stage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a new ticket must be for a rule to apply; every listed condition must hold, and an
/// empty list asks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionsBody {
    /// One of these stages.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Stage>)]
    pub stages: Vec<Stage>,
    /// One of these channels.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::Channel>)]
    pub channels: Vec<Channel>,
    /// Arrived at one of these mailboxes (email).
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::MailboxId>)]
    pub mailboxes: Vec<MailboxId>,
    /// One of these words or phrases in the subject or first message (any case; Chinese
    /// matched as written, full-width letters as ordinary ones).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// From one of these customers.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::CustomerId>)]
    pub customers: Vec<CustomerId>,
    /// From a customer of one of these organisations (any case).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// From a customer writing in one of these languages: `en`, `zh-CN`.
    #[serde(default)]
    pub languages: Vec<String>,
}

/// What a rule sets; leave a field out to leave it as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionsBody {
    /// The team.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// The priority.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Priority>)]
    pub priority: Option<Priority>,
    /// Tags to add.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The agent (tickets only; chats are offered by the chat router).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::UserId>)]
    pub assignee_id: Option<UserId>,
}

/// `POST /api/v1/routing-rules` and `PUT /api/v1/routing-rules/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// What admins call it; shown on the timeline of the tickets it routes.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Where it stands in the order (lowest first); last if left out.
    #[serde(default)]
    pub position: Option<i32>,
    /// Whether it is tried; `true` if left out.
    #[serde(default)]
    pub active: Option<bool>,
    /// What a ticket must be.
    #[serde(default)]
    pub conditions: ConditionsBody,
    /// What the rule sets.
    pub actions: ActionsBody,
    /// Skip the rules after this one when it matches.
    #[serde(default)]
    pub stop: bool,
}

/// A routing rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleResponse {
    /// Its id.
    #[schema(value_type = crate::schema::RoutingRuleId)]
    pub id: RoutingRuleId,
    /// Its name.
    pub name: String,
    /// Its place in the order.
    pub position: i32,
    /// Whether it is tried.
    pub active: bool,
    /// What a ticket must be.
    pub conditions: ConditionsBody,
    /// What it sets.
    pub actions: ActionsBody,
    /// Whether the rules after it are skipped when it matches.
    pub stop: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every rule, in the order they are tried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleList {
    /// The rules.
    pub items: Vec<RuleResponse>,
}

/// `POST /api/v1/routing-rules/test`: a ticket as it might arrive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTestRequest {
    /// Its stage.
    #[schema(value_type = crate::schema::Stage)]
    pub stage: Stage,
    /// Its channel.
    #[schema(value_type = crate::schema::Channel)]
    pub channel: Channel,
    /// The mailbox it arrives at.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::MailboxId>)]
    pub mailbox_id: Option<MailboxId>,
    /// Its subject.
    #[serde(default)]
    pub subject: String,
    /// Its first message.
    #[serde(default)]
    pub body: String,
    /// Its customer; a new one if left out.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::CustomerId>)]
    pub customer_id: Option<CustomerId>,
    /// Its customer's organisation (read from the customer when left out).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Its customer's language, `en` or `zh-CN`; guessed from the text when left out.
    #[serde(default)]
    pub language: Option<String>,
}

/// What the rules would set on such a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RouteTestResponse {
    /// The rules that match, in order.
    pub matched: Vec<MatchedRule>,
    /// What they set together.
    pub result: ActionsBody,
}

/// A rule that matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatchedRule {
    /// Its id.
    #[schema(value_type = crate::schema::RoutingRuleId)]
    pub id: RoutingRuleId,
    /// Its name.
    pub name: String,
}

/// How many open tickets of each channel an agent is given automatically, at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacitiesBody {
    /// Email tickets.
    #[schema(minimum = 0, maximum = 500)]
    pub email: u32,
    /// Phone tickets.
    #[schema(minimum = 0, maximum = 500)]
    pub phone: u32,
    /// Web-form and portal tickets.
    #[schema(minimum = 0, maximum = 500)]
    pub web: u32,
    /// Tickets from other systems.
    #[schema(minimum = 0, maximum = 500)]
    pub api: u32,
}

/// `PUT /api/v1/teams/{id}/assignment`: how a team hands out its new tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentBody {
    /// `off`, `round_robin` or `least_busy`.
    #[schema(value_type = crate::schema::AssignmentMode)]
    pub mode: AssignmentMode,
    /// Per agent, per channel.
    pub capacities: CapacitiesBody,
}

/// A team's automatic assignment and its agents as it sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssignmentResponse {
    /// The team.
    #[schema(value_type = crate::schema::TeamId)]
    pub team_id: TeamId,
    /// Its name.
    pub team_name: String,
    /// How it hands out tickets.
    #[schema(value_type = crate::schema::AssignmentMode)]
    pub mode: AssignmentMode,
    /// Per agent, per channel.
    pub capacities: CapacitiesBody,
    /// Its unassigned tickets that need work.
    pub waiting: i64,
}

/// Every team's automatic assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssignmentList {
    /// One per team.
    pub items: Vec<AssignmentResponse>,
}
