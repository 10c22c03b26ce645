//! `POST /api/v1/users` (admins).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::{CreateUserRequest, UserResponse};
use kefu_app::accounts::create_user::create_user;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Create an account.
#[utoipa::path(
    post, path = "/api/v1/users", operation_id = "create_user", tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserResponse),
        (status = 403, description = "Admins only", body = Problem),
        (status = 409, description = "The email address is taken", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .app
        .published(create_user(&state.app, auth.actor, auth.origin(), body.into_inner()).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .json(user))
}
