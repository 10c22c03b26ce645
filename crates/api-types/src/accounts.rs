//! Users and teams.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{TeamId, UserId, VendorId};
use kefu_domain::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserResponse {
    /// The account's id.
    #[schema(value_type = crate::schema::UserId)]
    pub id: UserId,
    /// The address they sign in with.
    pub email: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    #[schema(value_type = crate::schema::Role)]
    pub role: Role,
    /// Whether they may sign in.
    pub active: bool,
    /// Their preferred language, if chosen.
    pub locale: Option<String>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// A user as shown beside something they did or own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserSummary {
    /// The account's id.
    #[schema(value_type = crate::schema::UserId)]
    pub id: UserId,
    /// Their name.
    pub name: String,
}

/// `POST /api/v1/users` (admins).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// The address they will sign in with; unique.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// Their name.
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    /// What they may do.
    #[schema(value_type = crate::schema::Role)]
    pub role: Role,
    /// Their first password; without one the account cannot sign in until an admin sets it.
    #[serde(default)]
    #[schema(min_length = 8, max_length = 1024, pattern = "\\S")]
    pub password: Option<String>,
    /// Their preferred language: `en` or `zh-CN`.
    #[serde(default)]
    #[schema(pattern = "^(en|zh)([-_][A-Za-z]+)*$")]
    pub locale: Option<String>,
    /// For a vendor user (and only for one): the vendor organisation they work for.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::VendorId>)]
    pub vendor: Option<VendorId>,
}

/// `PATCH /api/v1/users/{id}` (admins); absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// A new name.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// A new role.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Role>)]
    pub role: Option<Role>,
    /// `false` deactivates the account and ends its sessions.
    #[serde(default)]
    pub active: Option<bool>,
    /// A new preferred language, or `null` to follow the browser.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
    /// A new password; ends the user's sessions.
    #[serde(default)]
    #[schema(min_length = 8, max_length = 1024, pattern = "\\S")]
    pub password: Option<String>,
}

/// A page of users.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    /// The users, by name.
    pub items: Vec<UserResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TeamResponse {
    /// The team's id.
    #[schema(value_type = crate::schema::TeamId)]
    pub id: TeamId,
    /// Its name.
    pub name: String,
    /// What it handles.
    pub description: Option<String>,
    /// Its own phone line, E.164: "our number" when its agents log calls.
    pub phone_line: Option<String>,
    /// The same number as people read it.
    pub phone_line_display: Option<String>,
    /// Whether an agent's public reply to an unassigned ticket of the team assigns it to them.
    pub assign_on_reply: bool,
    /// Its members.
    pub members: Vec<UserSummary>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A team as shown on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TeamSummary {
    /// The team's id.
    #[schema(value_type = crate::schema::TeamId)]
    pub id: TeamId,
    /// Its name.
    pub name: String,
}

/// `POST /api/v1/teams` (admins).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamRequest {
    /// Its name; unique regardless of case.
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    /// What it handles.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Its members: agents or admins.
    #[serde(default)]
    #[schema(value_type = Vec<crate::schema::UserId>, max_items = 200)]
    pub members: Vec<UserId>,
    /// Its own phone line, any common format; a number some country dials.
    #[serde(default)]
    #[schema(pattern = "^\\+?[0-9][0-9 ().-]{2,30}$", example = "+86 21 6123 4567")]
    pub phone_line: Option<String>,
    /// Whether an agent's public reply to an unassigned ticket of the team assigns it to them
    /// (default on).
    #[serde(default)]
    pub assign_on_reply: Option<bool>,
}

/// `PATCH /api/v1/teams/{id}` (admins); absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeamRequest {
    /// A new name.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// A new description, or `null` to remove it.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// The complete new list of members.
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::schema::UserId>>, max_items = 200)]
    pub members: Option<Vec<UserId>>,
    /// A new phone line, or `null` for none.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, pattern = "^\\+?[0-9][0-9 ().-]{2,30}$")]
    pub phone_line: Option<Option<String>>,
    /// Whether an agent's public reply to an unassigned ticket assigns it to them.
    #[serde(default)]
    pub assign_on_reply: Option<bool>,
}

/// Settings of the whole helpdesk (admins change them).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SettingsResponse {
    /// The region phone numbers without `+country` are read in (`CN`, `US`, …), and in which
    /// numbers are shown in national format; none means every number needs its `+country`.
    pub phone_region: Option<String>,
}

/// `PATCH /api/v1/settings` (admins); absent fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsRequest {
    /// An ISO 3166-1 alpha-2 region code, or `null` for none.
    #[serde(
        default,
        with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, pattern = "^[A-Za-z]{2}$")]
    pub phone_region: Option<Option<String>>,
}

/// Every team.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TeamList {
    /// The teams, by name.
    pub items: Vec<TeamResponse>,
}
