//! `GET|POST /api/v1/me/tokens`, `DELETE /api/v1/me/tokens/{id}`: personal API tokens.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::auth::{
    ApiTokenList, ApiTokenResponse, CreateApiTokenRequest, CreatedApiTokenResponse,
};
use kefu_app::accounts::api_tokens;
use kefu_domain::ids::ApiTokenId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Your personal API tokens, newest first (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/me/tokens", operation_id = "list_api_tokens", tag = "auth",
    responses((status = 200, body = ApiTokenList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<ApiTokenList>, ApiError> {
    Ok(web::Json(api_tokens::list(&state.app, auth.actor).await?))
}

/// Create a personal API token for scripts and integrations; its secret is shown this once.
#[utoipa::path(
    post, path = "/api/v1/me/tokens", operation_id = "create_api_token", tag = "auth",
    request_body = CreateApiTokenRequest,
    responses(
        (status = 201, description = "Created; keep `token`, it is not shown again", body = CreatedApiTokenResponse),
        (status = 403, description = "Only agents and admins hold tokens, made in a signed-in session", body = Problem),
        (status = 409, description = "Too many live tokens", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CreateApiTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    // A token cannot mint tokens: a leaked one would outlive its own revocation.
    auth.session()?;
    let changed =
        api_tokens::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}

/// Revoke one of your tokens; it stops working at once.
#[utoipa::path(
    delete, path = "/api/v1/me/tokens/{id}", operation_id = "revoke_api_token", tag = "auth",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "Revoked", body = ApiTokenResponse),
        (status = 403, body = Problem), (status = 404, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<ApiTokenResponse>, ApiError> {
    let id: ApiTokenId = path.parse().map_err(|_| ApiError::NotFound("token"))?;
    let changed = api_tokens::revoke(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(web::Json(state.app.published(changed)))
}
