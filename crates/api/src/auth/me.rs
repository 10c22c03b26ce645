//! `GET /api/v1/me`, `PATCH /api/v1/me` and `POST /api/v1/me/password`.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::UserResponse;
use kefu_api_types::auth::{ChangePasswordRequest, MeResponse, UpdateMeRequest};
use kefu_app::accounts::authenticate::Credential;
use kefu_app::accounts::{change_password as password, update_profile};
use kefu_app::view;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// The signed-in user and their session.
#[utoipa::path(
    get, path = "/api/v1/me", operation_id = "get_me", tag = "auth",
    responses(
        (status = 200, body = MeResponse),
        (status = 401, description = "Not signed in or session ended", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(auth: Auth) -> Result<web::Json<MeResponse>, ApiError> {
    let (csrf_token, expires_at) = match auth.credential {
        Credential::Session(session) => (Some(session.csrf_token), Some(session.expires_at)),
        Credential::Token(token) => (None, token.expires_at),
    };
    Ok(web::Json(MeResponse {
        user: view::user(&auth.user),
        csrf_token,
        expires_at,
        customer_id: auth.actor.customer,
    }))
}

/// Change your own name or language.
#[utoipa::path(
    patch, path = "/api/v1/me", operation_id = "update_me", tag = "auth",
    request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<UpdateMeRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let changed = update_profile::update(&state.app, auth.actor, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}

/// Change your password; every other session of yours ends.
#[utoipa::path(
    post, path = "/api/v1/me/password", operation_id = "change_password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 403, description = "The current password is wrong, or the request used an API token", body = Problem),
        (status = 422, description = "The new password is too weak", body = Problem),
        (status = 429, description = "Too many wrong current passwords; see Retry-After", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let session = auth.session()?.id;
    let changed = password::change_password(
        &state.app,
        auth.actor,
        auth.origin(),
        session,
        current_password,
        new_password,
    )
    .await?;
    state.app.published(changed);
    Ok(HttpResponse::NoContent().finish())
}
