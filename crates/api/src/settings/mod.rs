//! `GET|PATCH /api/v1/settings`: the helpdesk's settings (staff read them, admins change them).

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::accounts::{SettingsResponse, UpdateSettingsRequest};
use kefu_app::settings;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/settings", web::get().to(show))
        .route("/settings", web::patch().to(update));
}

/// The settings as they apply now (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/settings", operation_id = "get_settings", tag = "settings",
    responses((status = 200, body = SettingsResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<SettingsResponse>, ApiError> {
    Ok(web::Json(settings::show(&state.app, auth.actor).await?))
}

/// Change the settings (admins): the phone region national numbers are read and shown in.
#[utoipa::path(
    patch, path = "/api/v1/settings", operation_id = "update_settings", tag = "settings",
    request_body = UpdateSettingsRequest,
    responses(
        (status = 200, body = SettingsResponse),
        (status = 403, description = "Admins only", body = Problem),
        (status = 422, description = "Not a known region code", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<UpdateSettingsRequest>,
) -> Result<web::Json<SettingsResponse>, ApiError> {
    let changed =
        settings::update(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}
