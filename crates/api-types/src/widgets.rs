//! Live chat's HTTP bodies: chat widgets and each team's chat settings (admins), the
//! visitor sessions widgets open, agents' socket tickets, who is online to pass a chat to, and
//! what agents see of a chat on its ticket.

use chrono::{DateTime, Utc};
use kefu_domain::chat::{ChatSource, ConversationState};
use kefu_domain::ids::{TeamId, UserId, WidgetId};
use kefu_domain::ticket::Stage;
use kefu_domain::widget::WidgetPosition;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/v1/widgets` and `PUT /api/v1/widgets/{id}` (admins): a widget's whole setup.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetRequest {
    /// A name for admins ("Main shop").
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The websites it may run on, as origins (`https://shop.example.com`).
    #[schema(min_items = 1, max_items = 20)]
    pub origins: Vec<String>,
    /// Its accent colour, `#rrggbb`.
    #[serde(default)]
    #[schema(pattern = "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    pub colour: Option<String>,
    /// Which corner its launcher sits in (right if not given).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::WidgetPosition>)]
    pub position: Option<WidgetPosition>,
    /// The greeting above the pre-chat form, in English.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub greeting_zh: Option<String>,
    /// The team for chats before buying.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub pre_sale_team_id: Option<TeamId>,
    /// The team for chats about an order in progress.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub in_sale_team_id: Option<TeamId>,
    /// The team for help after buying.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub after_sale_team_id: Option<TeamId>,
}

/// A chat widget.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WidgetResponse {
    /// Its id.
    #[schema(value_type = crate::schema::WidgetId)]
    pub id: WidgetId,
    /// Its name.
    pub name: String,
    /// The websites it may run on.
    pub origins: Vec<String>,
    /// Its accent colour.
    pub colour: String,
    /// Which corner its launcher sits in.
    #[schema(value_type = crate::schema::WidgetPosition)]
    pub position: WidgetPosition,
    /// The greeting in English.
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    pub greeting_zh: Option<String>,
    /// The team for chats before buying.
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub pre_sale_team_id: Option<TeamId>,
    /// The team for chats about an order in progress.
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub in_sale_team_id: Option<TeamId>,
    /// The team for help after buying.
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub after_sale_team_id: Option<TeamId>,
    /// The `<script>` tag that embeds it.
    pub snippet: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/widgets`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WidgetList {
    /// Every widget, oldest first.
    pub items: Vec<WidgetResponse>,
}

/// `PUT /api/v1/teams/{id}/chat-settings` (admins), and what `GET` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatSettingsBody {
    /// Whether visitors may start chats with the team.
    pub open: bool,
    /// Chats one agent serves at once, 1 to 20.
    #[schema(minimum = 1, maximum = 20)]
    pub capacity: u32,
    /// Seconds an agent who disconnects or goes away keeps their chats, 0 to 600.
    #[schema(minimum = 0, maximum = 600)]
    pub grace_seconds: u32,
    /// The greeting when a chat starts, in English.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub greeting_zh: Option<String>,
    /// The text above the offline form, in English.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub offline_en: Option<String>,
    /// The offline text in Chinese.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub offline_zh: Option<String>,
}

/// `POST /api/v1/widgets/{id}/visitor-sessions`: the widget trades its browser key for a
/// session token (called cross-origin from the widget's websites).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorSessionRequest {
    /// The random key the widget keeps in the browser (32 to 128 URL-safe characters).
    #[schema(min_length = 32, max_length = 128, pattern = "^[A-Za-z0-9_-]{32,128}$")]
    pub key: String,
}

/// A visitor's session, with what the widget shows.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VisitorSessionResponse {
    /// The token for the socket's `hello`.
    pub token: String,
    /// When it stops opening sockets.
    pub expires_at: DateTime<Utc>,
    /// The chat gateway's WebSocket address.
    pub socket_url: String,
    /// The widget's looks and texts.
    pub widget: WidgetLook,
}

/// What a widget shows before a chat starts.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WidgetLook {
    /// Its accent colour.
    pub colour: String,
    /// Which corner its launcher sits in.
    #[schema(value_type = crate::schema::WidgetPosition)]
    pub position: WidgetPosition,
    /// The greeting in English, if set.
    pub greeting_en: Option<String>,
    /// The greeting in Chinese, if set.
    pub greeting_zh: Option<String>,
    /// The stages the pre-chat form offers.
    #[schema(value_type = Vec<crate::schema::Stage>)]
    pub stages: Vec<Stage>,
    /// The stages someone can chat about now; the others get the offline form.
    #[schema(value_type = Vec<crate::schema::Stage>)]
    pub open_stages: Vec<Stage>,
    /// Each stage's team texts, for the stages whose team set any.
    pub stage_texts: Vec<StageTexts>,
}

/// The greeting and offline texts of the team a stage's chats go to, as its admins set them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StageTexts {
    /// The stage.
    #[schema(value_type = crate::schema::Stage)]
    pub stage: Stage,
    /// The greeting in English, when a chat about this stage can start.
    pub greeting_en: Option<String>,
    /// The greeting in Chinese.
    pub greeting_zh: Option<String>,
    /// Above the offline form in English, when nobody of the team can chat.
    pub offline_en: Option<String>,
    /// The offline text in Chinese.
    pub offline_zh: Option<String>,
}

/// `POST /api/v1/chat/socket-tickets`: a single-use ticket for an agent's next socket.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SocketTicketResponse {
    /// The ticket, for the socket's `hello` (never in the URL).
    pub token: String,
    /// When it can no longer be used.
    pub expires_at: DateTime<Utc>,
    /// The chat gateway's WebSocket address.
    pub socket_url: String,
}

/// An agent online now, who can be passed a chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OnlineAgent {
    /// The agent.
    #[schema(value_type = crate::schema::UserId)]
    pub id: UserId,
    /// Their display name.
    pub name: String,
    /// Chats they are offered or serve now.
    pub chats: u32,
    /// Their teams.
    #[schema(value_type = Vec<crate::schema::TeamId>)]
    pub teams: Vec<TeamId>,
}

/// `GET /api/v1/chat/online-agents`: every agent online now, by name.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OnlineAgentList {
    /// By name.
    pub items: Vec<OnlineAgent>,
}

/// How a chat ticket came in, for agents (`GET /api/v1/tickets/{id}/chat`): a live chat or a
/// message left on the widget's offline form, and where the visitor was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketChatResponse {
    /// A live chat with an agent, or a message left on the offline form.
    #[schema(value_type = crate::schema::ChatSource)]
    pub source: ChatSource,
    /// Where a live chat stands (absent for a message left).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::ConversationState>)]
    pub state: Option<ConversationState>,
    /// The agent serving the chat, or offered it and not yet accepting (see `state`); absent
    /// while it waits and once it ended (the ticket's assignee is who answered it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<crate::accounts::UserSummary>,
    /// The page the visitor was on, as their browser reported it (not checked: show it as
    /// text): the latest a live chat's widget reported, or where they left the message.
    pub page_url: Option<String>,
    /// The visitor's browser language.
    pub language: Option<String>,
    /// The visitor's browser and system ("Chrome 131 · Android"), when it said.
    pub browser: Option<String>,
    /// When the chat started or the message was left.
    pub started_at: DateTime<Utc>,
    /// When the chat ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
}
