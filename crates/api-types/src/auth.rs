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
}

/// A new session.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// The session token, for `Authorization: Bearer`; browsers use the cookie instead.
    pub token: String,
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
    /// The session's CSRF token, for a page that was reloaded.
    pub csrf_token: String,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
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
    pub new_password: String,
}

/// `PATCH /api/v1/me`: what users change about themselves.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// A new display name.
    #[serde(default)]
    pub name: Option<String>,
    /// A preferred language (`en`, `zh-CN`), or `null` to follow the browser.
    #[serde(default, with = "crate::nullable")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
}
