//! Integration webhooks: admins point Kefu at other systems, test them and read their
//! delivery logs.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::integrations::{
    IntegrationDeliveries, IntegrationList, IntegrationRequest, IntegrationResponse,
};
use kefu_app::integrations::manage;
use kefu_domain::ids::{IntegrationId, WebhookDeliveryId};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/integrations", web::get().to(list))
        .route("/integrations", web::post().to(create))
        .route("/integrations/{id}", web::get().to(show))
        .route("/integrations/{id}", web::put().to(update))
        .route("/integrations/{id}", web::delete().to(delete))
        .route("/integrations/{id}/ping", web::post().to(ping))
        .route("/integrations/{id}/deliveries", web::get().to(deliveries))
        .route(
            "/integrations/{id}/deliveries/{delivery}/redeliver",
            web::post().to(redeliver),
        );
}

fn integration_id(path: &str) -> Result<IntegrationId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("integration"))
}

/// Every integration webhook, by name (admins).
#[utoipa::path(
    get, path = "/api/v1/integrations", operation_id = "list_integrations", tag = "integrations",
    responses((status = 200, body = IntegrationList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<IntegrationList>, ApiError> {
    Ok(web::Json(manage::list(&state.app, auth.actor).await?))
}

/// One integration webhook, without its secret (admins).
#[utoipa::path(
    get, path = "/api/v1/integrations/{id}", operation_id = "get_integration", tag = "integrations",
    params(("id" = String, Path)),
    responses((status = 200, body = IntegrationResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<IntegrationResponse>, ApiError> {
    let id = integration_id(&path)?;
    Ok(web::Json(manage::show(&state.app, auth.actor, id).await?))
}

/// Add an integration webhook; the answer carries its signing secret, shown this once
/// (admins, audited).
#[utoipa::path(
    post, path = "/api/v1/integrations", operation_id = "create_integration", tag = "integrations",
    request_body = IntegrationRequest,
    responses((status = 201, body = IntegrationResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<IntegrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = manage::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/integrations/{}", created.id),
        ))
        .json(created))
}

/// Change an integration webhook; with `new_secret` the answer carries a new secret (admins,
/// audited).
#[utoipa::path(
    put, path = "/api/v1/integrations/{id}", operation_id = "update_integration", tag = "integrations",
    params(("id" = String, Path)),
    request_body = IntegrationRequest,
    responses((status = 200, body = IntegrationResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<IntegrationRequest>,
) -> Result<web::Json<IntegrationResponse>, ApiError> {
    let id = integration_id(&path)?;
    Ok(web::Json(
        manage::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove an integration webhook and its delivery log (admins, audited).
#[utoipa::path(
    delete, path = "/api/v1/integrations/{id}", operation_id = "delete_integration", tag = "integrations",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = integration_id(&path)?;
    manage::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a test event (`ping`) now, paused or not; answers the delivery log (admins).
#[utoipa::path(
    post, path = "/api/v1/integrations/{id}/ping", operation_id = "ping_integration", tag = "integrations",
    params(("id" = String, Path)),
    responses((status = 200, body = IntegrationDeliveries), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn ping(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<IntegrationDeliveries>, ApiError> {
    let id = integration_id(&path)?;
    Ok(web::Json(manage::ping(&state.app, auth.actor, id).await?))
}

/// The integration's latest 50 calls, newest first, with the answers they got (admins).
#[utoipa::path(
    get, path = "/api/v1/integrations/{id}/deliveries", operation_id = "list_integration_deliveries", tag = "integrations",
    params(("id" = String, Path)),
    responses((status = 200, body = IntegrationDeliveries), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn deliveries(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<IntegrationDeliveries>, ApiError> {
    let id = integration_id(&path)?;
    Ok(web::Json(
        manage::deliveries(&state.app, auth.actor, id).await?,
    ))
}

/// Send a delivered or failed call again, as it was; answers the delivery log (admins).
#[utoipa::path(
    post, path = "/api/v1/integrations/{id}/deliveries/{delivery}/redeliver", operation_id = "redeliver_integration_call", tag = "integrations",
    params(("id" = String, Path), ("delivery" = String, Path)),
    responses((status = 200, body = IntegrationDeliveries), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn redeliver(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<web::Json<IntegrationDeliveries>, ApiError> {
    let (id, delivery) = path.into_inner();
    let id = integration_id(&id)?;
    let delivery: WebhookDeliveryId = delivery
        .parse()
        .map_err(|_| ApiError::NotFound("delivery"))?;
    Ok(web::Json(
        manage::redeliver(&state.app, auth.actor, id, delivery).await?,
    ))
}
