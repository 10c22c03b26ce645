//! `POST /api/v1/auth/password-reset`: set a new password with a reset link.

use actix_web::{HttpRequest, HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::auth::ResetPasswordRequest;
use kefu_app::accounts::password_reset;
use kefu_app::audit::Origin;

use crate::auth::session::client_address;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Set a new password with the token of a reset link (single use, 30 minutes); every session of
/// the account ends.
#[utoipa::path(
    post, path = "/api/v1/auth/password-reset", operation_id = "reset_password", tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        (status = 422, description = "The link is used, expired or replaced, or the password is too weak", body = Problem),
    )
)]
pub async fn reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: Object<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ResetPasswordRequest {
        token,
        new_password,
    } = body.into_inner();
    let origin = Origin::client(client_address(&request, &state));
    let changed = password_reset::reset(&state.app, origin, &token, &new_password).await?;
    state.app.published(changed);
    Ok(HttpResponse::NoContent().finish())
}
