//! `PATCH /api/v1/users/{id}` (admins): rename, change role, deactivate, reset a password.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::accounts::{UpdateUserRequest, UserResponse};
use kefu_app::accounts::update_user;
use kefu_domain::ids::UserId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Change an account. Deactivating it or setting its password ends its sessions.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", operation_id = "update_user", tag = "users",
    params(("id" = String, Path)),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = UserResponse),
        (status = 403, description = "Admins only", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "It would leave no active admin", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let id: UserId = path.parse().map_err(|_| ApiError::NotFound("user"))?;
    let body = body.into_inner();
    if body.password.is_some() {
        // Setting passwords is for an admin at the console, not for a script's token.
        auth.session()?;
    }
    let changed = update_user::update(&state.app, auth.actor, auth.origin(), id, body).await?;
    Ok(web::Json(state.app.published(changed)))
}
