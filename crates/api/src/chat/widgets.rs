//! Chat widgets: the websites they run on, their looks, the team for each stage, and the
//! `<script>` snippet that embeds them.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::widgets::{WidgetList, WidgetRequest, WidgetResponse};
use kefu_app::chat::admin;
use kefu_domain::ids::WidgetId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Reads a widget id from the path.
pub fn widget_id(path: &str) -> Result<WidgetId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("widget"))
}

fn response(state: &AppState, widget: &kefu_domain::widget::Widget) -> WidgetResponse {
    admin::widget_response(widget, &state.config.public_url())
}

/// Every widget (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/widgets", operation_id = "list_widgets", tag = "chat",
    responses((status = 200, body = WidgetList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<WidgetList>, ApiError> {
    let items = admin::list_widgets(&state.app, auth.actor).await?;
    Ok(web::Json(WidgetList {
        items: items.iter().map(|w| response(&state, w)).collect(),
    }))
}

/// One widget, with its snippet.
#[utoipa::path(
    get, path = "/api/v1/widgets/{id}", operation_id = "get_widget", tag = "chat",
    params(("id" = String, Path)),
    responses((status = 200, body = WidgetResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<WidgetResponse>, ApiError> {
    let widget = admin::show_widget(&state.app, auth.actor, widget_id(&path)?).await?;
    Ok(web::Json(response(&state, &widget)))
}

/// Set up a widget (admins).
#[utoipa::path(
    post, path = "/api/v1/widgets", operation_id = "create_widget", tag = "chat",
    request_body = WidgetRequest,
    responses((status = 201, body = WidgetResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<WidgetRequest>,
) -> Result<HttpResponse, ApiError> {
    let widget =
        admin::create_widget(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/widgets/{}", widget.id)))
        .json(response(&state, &widget)))
}

/// Replace a widget's setup (admins).
#[utoipa::path(
    put, path = "/api/v1/widgets/{id}", operation_id = "update_widget", tag = "chat",
    params(("id" = String, Path)),
    request_body = WidgetRequest,
    responses((status = 200, body = WidgetResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<WidgetRequest>,
) -> Result<web::Json<WidgetResponse>, ApiError> {
    let id = widget_id(&path)?;
    let widget =
        admin::update_widget(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?;
    Ok(web::Json(response(&state, &widget)))
}

/// Delete a widget (admins); its visitors' tickets stay.
#[utoipa::path(
    delete, path = "/api/v1/widgets/{id}", operation_id = "delete_widget", tag = "chat",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin::delete_widget(&state.app, auth.actor, auth.origin(), widget_id(&path)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
