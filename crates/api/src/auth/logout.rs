//! `POST /api/v1/auth/logout`.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_app::accounts::sign_out::sign_out;

use crate::auth::session::{Auth, cleared_session_cookie};
use crate::error::ApiError;
use crate::state::AppState;

/// End the current session.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", operation_id = "logout", tag = "auth",
    responses(
        (status = 204, description = "Signed out; the session cookie is removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "An API token is revoked, not signed out", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn logout(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let session = auth.session()?.id;
    let changed = sign_out(&state.app, auth.actor, auth.origin(), session).await?;
    state.app.published(changed);
    Ok(HttpResponse::NoContent()
        .cookie(cleared_session_cookie(&state.config))
        .finish())
}
