//! `POST /api/v1/auth/forgot-password`: mail a reset link to an account's address.

use actix_web::{HttpRequest, HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::auth::ForgotPasswordRequest;
use kefu_app::accounts::password_reset;
use kefu_app::audit::Origin;

use crate::auth::session::client_address;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Mail a password-reset link (valid 30 minutes, single use) to the account with this address.
/// The answer is the same whether or not there is such an account.
#[utoipa::path(
    post, path = "/api/v1/auth/forgot-password", operation_id = "forgot_password", tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If an active account has this address, a reset link is on its way to it"),
        (status = 429, description = "Too many requests from this address", body = Problem),
    )
)]
pub async fn forgot(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: Object<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::client(client_address(&request, &state));
    password_reset::mail_link(&state.app, origin, &body.into_inner().email).await?;
    Ok(HttpResponse::Accepted().finish())
}
