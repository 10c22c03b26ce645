//! `GET /api/v1/users` and `GET /api/v1/users/{id}`.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::accounts::{UserList, UserResponse};
use kefu_api_types::queries::UserQuery;
use kefu_app::accounts::list_users;
use kefu_domain::ids::UserId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Accounts by name. Admins see everyone; agents see their colleagues (for assigning).
#[utoipa::path(
    get, path = "/api/v1/users", operation_id = "list_users", tag = "users",
    params(UserQuery),
    responses((status = 200, body = UserList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UserQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    let list = list_users::list(&state.app, auth.actor, query.into_inner()).await?;
    Ok(web::Json(list))
}

/// One account: admins see anyone, others only themselves.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", operation_id = "get_user", tag = "users",
    params(("id" = String, Path)),
    responses((status = 200, body = UserResponse), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let id: UserId = path.parse().map_err(|_| ApiError::NotFound("user"))?;
    Ok(web::Json(
        list_users::show(&state.app, auth.actor, id).await?,
    ))
}
