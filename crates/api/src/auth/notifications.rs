//! `GET` and `PUT /api/v1/me/notifications`: the mail notifications the signed-in agent gets.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::auth::NotificationSettingsBody;
use kefu_app::accounts::notifications;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Which mail notifications the signed-in agent gets (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/me/notifications", operation_id = "get_notification_settings", tag = "auth",
    responses((status = 200, body = NotificationSettingsBody), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<NotificationSettingsBody>, ApiError> {
    Ok(web::Json(
        notifications::show(&state.app, auth.actor).await?,
    ))
}

/// Choose which mail notifications the signed-in agent gets (agents and admins).
#[utoipa::path(
    put, path = "/api/v1/me/notifications", operation_id = "set_notification_settings", tag = "auth",
    request_body = NotificationSettingsBody,
    responses((status = 200, body = NotificationSettingsBody), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn save(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<NotificationSettingsBody>,
) -> Result<web::Json<NotificationSettingsBody>, ApiError> {
    Ok(web::Json(
        notifications::save(&state.app, auth.actor, body.into_inner()).await?,
    ))
}
