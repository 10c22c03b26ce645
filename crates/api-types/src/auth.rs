//! Signing in and out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::UserResponse;

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The address the account signs in with.
    pub email: String,
    /// The account's password.
    pub password: String,
    /// `true` for a program that sends the session as `Authorization: Bearer`: the response
    /// then carries the token. Browsers leave it out and use the HttpOnly cookie alone.
    #[serde(default)]
    pub token: bool,
}

/// A new session.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// The session token for `Authorization: Bearer`, only when the request asked for it
    /// (`"token": true`); browsers get the HttpOnly cookie alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Cookie-authenticated writes send this in the `X-CSRF-Token` header.
    pub csrf_token: String,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub user: UserResponse,
}

/// `GET /api/v1/me`: the signed-in user and their session.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    /// The signed-in user.
    pub user: UserResponse,
    /// The session's CSRF token, for a page that was reloaded (none for an API token, which
    /// needs none).
    pub csrf_token: Option<String>,
    /// When the session or API token ends at the latest (none: a token that lives until it
    /// is revoked).
    pub expires_at: Option<DateTime<Utc>>,
    /// For a customer login, the customer record it speaks for.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub customer_id: Option<kefu_domain::ids::CustomerId>,
}

/// `POST /api/v1/me/password`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password: 8 characters or more.
    #[schema(min_length = 8, max_length = 1024, pattern = "\\S")]
    pub new_password: String,
}

/// `PATCH /api/v1/me`: what users change about themselves.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// A new display name.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: Option<String>,
    /// A preferred language (`en`, `zh-CN`), or `null` to follow the browser.
    #[serde(default, with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
}

/// `POST /api/v1/auth/password-reset`: set a new password with a reset link's token.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The token from the link (`/reset-password?token=…`).
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// The new password: 8 characters or more.
    #[schema(min_length = 8, max_length = 1024)]
    pub new_password: String,
}

/// What a personal API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScopeBody {
    /// `GET` requests only.
    Read,
    /// Everything its owner may do.
    ReadWrite,
}

/// `POST /api/v1/me/tokens`: a new personal API token.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenRequest {
    /// What it is for ("CRM sync").
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub name: String,
    /// What it may do.
    pub scope: TokenScopeBody,
    /// Days until it stops working, 1 to 365; leave out for a token that lives until revoked.
    #[serde(default, deserialize_with = "crate::whole::optional")]
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

/// A personal API token, without its secret.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiTokenResponse {
    /// The token's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: kefu_domain::ids::ApiTokenId,
    /// What it is for.
    pub name: String,
    /// What it may do.
    pub scope: TokenScopeBody,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether it still opens the API.
    pub live: bool,
}

/// A new token: its secret is shown this once and never again.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiTokenResponse {
    /// The secret, for `Authorization: Bearer`.
    pub token: String,
    /// The token.
    pub item: ApiTokenResponse,
}

/// Your personal API tokens, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiTokenList {
    /// The tokens, revoked and expired ones included.
    pub items: Vec<ApiTokenResponse>,
}

/// One entry of the audit log.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEventResponse {
    /// The entry's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: kefu_domain::ids::AuditEventId,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// What happened: `sign_in`, `sign_in_failed`, `sign_out`, `password_changed`,
    /// `password_set`, `password_reset_issued`, `password_reset`, `user_created`,
    /// `role_changed`, `user_deactivated`, `user_activated`, `token_created`,
    /// `token_revoked`, `team_created`, `team_updated`, `settings_changed`,
    /// `chat_settings_changed`, `widget_created`, `widget_updated`, `widget_deleted`.
    pub action: String,
    /// Who did it, if a user did.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub actor_id: Option<kefu_domain::ids::UserId>,
    /// Their name then, or what acted (`kefu CLI`).
    pub actor_name: Option<String>,
    /// What it was done to: `user`, `team`, `token`.
    pub target_kind: Option<String>,
    /// The target's id.
    pub target_id: Option<String>,
    /// The target's name or address then.
    pub target_label: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
    /// What changed, from what to what.
    pub detail: Option<serde_json::Value>,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    /// The entries.
    pub items: Vec<AuditEventResponse>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `GET` and `PUT /api/v1/me/notifications`: which mail notifications the signed-in agent
/// gets.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsBody {
    /// Mail when someone else assigns a ticket to them.
    pub assigned: bool,
    /// Mail when the customer answers on a ticket assigned to them.
    pub customer_replied: bool,
    /// Mail when a vendor answers, asks, returns or writes on the escalation of a ticket
    /// assigned to them (yes if absent).
    #[serde(default = "yes")]
    pub vendor_update: bool,
    /// (Vendor users) mail when a new case is escalated to their organisation (yes if absent).
    #[serde(default = "yes")]
    pub escalation_new: bool,
    /// (Vendor users) mail when the business writes on one of their cases (yes if absent).
    #[serde(default = "yes")]
    pub escalation_reply: bool,
}

fn yes() -> bool {
    true
}

/// `POST /api/v1/auth/forgot-password`: mail a reset link to this account's address.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// The account's email address.
    #[schema(max_length = 254)]
    pub email: String,
}
