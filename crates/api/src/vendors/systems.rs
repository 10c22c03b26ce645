//! A vendor's own systems (admins): the signed webhook Kefu calls on each escalation event,
//! and the API key the vendor's helpdesk reads and answers its escalations with.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::vendors::{VendorApiKeyResponse, WebhookRequest, WebhookResponse};
use kefu_app::webhooks::manage;

use super::vendor_id;
use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// The vendor's webhook (without its secret) and its latest 20 calls (admins).
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}/webhook", operation_id = "get_vendor_webhook", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 200, body = WebhookResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show_webhook(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<WebhookResponse>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(manage::show(&state.app, auth.actor, id).await?))
}

/// Set or change the vendor's webhook (admins); the answer carries the signing secret when
/// one was made, and never again.
#[utoipa::path(
    put, path = "/api/v1/vendors/{id}/webhook", operation_id = "set_vendor_webhook", tag = "vendors",
    params(("id" = String, Path)),
    request_body = WebhookRequest,
    responses((status = 200, body = WebhookResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn set_webhook(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<WebhookRequest>,
) -> Result<web::Json<WebhookResponse>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(
        manage::set(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove the vendor's webhook (admins).
#[utoipa::path(
    delete, path = "/api/v1/vendors/{id}/webhook", operation_id = "remove_vendor_webhook", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn remove_webhook(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = vendor_id(&path)?;
    manage::remove(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send the webhook a `ping` call now (admins).
#[utoipa::path(
    post, path = "/api/v1/vendors/{id}/webhook/ping", operation_id = "ping_vendor_webhook", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 202, body = WebhookResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = vendor_id(&path)?;
    let shown = manage::ping(&state.app, auth.actor, id).await?;
    Ok(HttpResponse::Accepted().json(shown))
}

/// Whether the vendor holds a live API key, and when it was made and last used (admins).
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}/api-key", operation_id = "get_vendor_api_key", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 200, body = VendorApiKeyResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show_api_key(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VendorApiKeyResponse>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(
        manage::api_key(&state.app, auth.actor, id).await?,
    ))
}

/// Make the vendor's API key, revoking any before it (admins); the key is in this answer
/// only.
#[utoipa::path(
    post, path = "/api/v1/vendors/{id}/api-key", operation_id = "create_vendor_api_key", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 201, body = VendorApiKeyResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create_api_key(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = vendor_id(&path)?;
    let made = state
        .app
        .published(manage::create_api_key(&state.app, auth.actor, auth.origin(), id).await?);
    Ok(HttpResponse::Created().json(made))
}

/// Revoke the vendor's API key (admins).
#[utoipa::path(
    delete, path = "/api/v1/vendors/{id}/api-key", operation_id = "revoke_vendor_api_key", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 200, body = VendorApiKeyResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VendorApiKeyResponse>, ApiError> {
    let id = vendor_id(&path)?;
    let revoked = manage::revoke_api_key(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(web::Json(state.app.published(revoked)))
}
