//! Triggers and scheduled automations: admins keep them, agents read them.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::triggers::{TriggerList, TriggerRequest, TriggerResponse};
use kefu_app::triggers::manage;
use kefu_domain::ids::TriggerId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/triggers", web::get().to(list))
        .route("/triggers", web::post().to(create))
        .route("/triggers/{id}", web::get().to(show))
        .route("/triggers/{id}", web::put().to(update))
        .route("/triggers/{id}", web::delete().to(delete));
}

fn trigger_id(path: &str) -> Result<TriggerId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("trigger"))
}

/// Every trigger and scheduled automation, by event and position (agents).
#[utoipa::path(
    get, path = "/api/v1/triggers", operation_id = "list_triggers", tag = "triggers",
    responses((status = 200, body = TriggerList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<TriggerList>, ApiError> {
    Ok(web::Json(manage::list(&state.app, auth.actor).await?))
}

/// One trigger (agents).
#[utoipa::path(
    get, path = "/api/v1/triggers/{id}", operation_id = "get_trigger", tag = "triggers",
    params(("id" = String, Path)),
    responses((status = 200, body = TriggerResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<TriggerResponse>, ApiError> {
    let id = trigger_id(&path)?;
    Ok(web::Json(manage::show(&state.app, auth.actor, id).await?))
}

/// Add a trigger or scheduled automation (admins, audited).
#[utoipa::path(
    post, path = "/api/v1/triggers", operation_id = "create_trigger", tag = "triggers",
    request_body = TriggerRequest,
    responses((status = 201, body = TriggerResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<TriggerRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = manage::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/triggers/{}", created.id)))
        .json(created))
}

/// Change a trigger (admins, audited).
#[utoipa::path(
    put, path = "/api/v1/triggers/{id}", operation_id = "update_trigger", tag = "triggers",
    params(("id" = String, Path)),
    request_body = TriggerRequest,
    responses((status = 200, body = TriggerResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<TriggerRequest>,
) -> Result<web::Json<TriggerResponse>, ApiError> {
    let id = trigger_id(&path)?;
    Ok(web::Json(
        manage::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove a trigger (admins, audited); what it did stays on the timelines.
#[utoipa::path(
    delete, path = "/api/v1/triggers/{id}", operation_id = "delete_trigger", tag = "triggers",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = trigger_id(&path)?;
    manage::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}
