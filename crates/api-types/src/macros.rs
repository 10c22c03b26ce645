//! Macros and canned replies.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{MacroId, TeamId};
use kefu_domain::ticket::{Priority, Status};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::tickets::TicketResponse;

/// What a macro changes on the ticket; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroChangesBody {
    /// The new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Status>)]
    pub status: Option<Status>,
    /// The new priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::Priority>)]
    pub priority: Option<Priority>,
    /// The new team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::schema::TeamId>)]
    pub team_id: Option<TeamId>,
    /// Who it assigns the ticket to: `me` (the agent applying it), `nobody`, or a user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<String>,
    /// Tags to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_tags: Vec<String>,
    /// Tags to take off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tags: Vec<String>,
}

/// `POST /api/v1/macros` and `PUT /api/v1/macros/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroRequest {
    /// What it is called in the picker.
    #[schema(min_length = 1, max_length = 120)]
    pub title: String,
    /// The word typed after `/` to find it, e.g. `refund`.
    #[serde(default)]
    pub shortcut: Option<String>,
    /// The reply in English; placeholders: `{{customer.name}}`, `{{customer.email}}`,
    /// `{{ticket.number}}`, `{{ticket.subject}}`, `{{agent.name}}`.
    #[serde(default)]
    pub text_en: Option<String>,
    /// The reply in Simplified Chinese, with the same placeholders.
    #[serde(default)]
    pub text_zh: Option<String>,
    /// What it changes on the ticket.
    #[serde(default)]
    pub changes: MacroChangesBody,
    /// `true` for everyone's (admins only); else the caller's own.
    #[serde(default)]
    pub shared: bool,
}

/// A macro or canned reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MacroResponse {
    /// Its id.
    #[schema(value_type = crate::schema::MacroId)]
    pub id: MacroId,
    /// Its title.
    pub title: String,
    /// Its shortcut.
    pub shortcut: Option<String>,
    /// The reply in English.
    pub text_en: Option<String>,
    /// The reply in Simplified Chinese.
    pub text_zh: Option<String>,
    /// What it changes.
    pub changes: MacroChangesBody,
    /// Whether it is everyone's.
    pub shared: bool,
    /// Whether the caller may change it (their own, or a shared one for admins).
    pub editable: bool,
    /// How often agents applied it.
    pub uses: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The macros the caller may apply: everyone's and their own, most used first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MacroList {
    /// Most used first.
    pub items: Vec<MacroResponse>,
}

/// `GET /api/v1/macros?q=`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MacroQuery {
    /// Words (or `/shortcut`) found in the shortcut, title or texts.
    pub q: Option<String>,
}

/// What applying a macro did: the ticket as it now is, and the reply to put in the reply box,
/// its placeholders filled in the customer's language.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AppliedMacro {
    /// The ticket after the macro's changes.
    pub ticket: TicketResponse,
    /// The reply, ready to edit and send; absent for a macro that only changes fields.
    pub text: Option<String>,
    /// The language it is in (`en` or `zh-CN`).
    pub locale: String,
}
