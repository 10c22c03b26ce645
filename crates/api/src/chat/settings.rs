//! A team's live-chat settings: open or not, capacity, grace period, greeting and offline
//! texts in both languages.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::widgets::ChatSettingsBody;
use kefu_app::chat::admin;
use kefu_domain::ids::TeamId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

fn team_id(path: &str) -> Result<TeamId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("team"))
}

/// A team's chat settings (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/teams/{id}/chat-settings", operation_id = "get_chat_settings", tag = "chat",
    params(("id" = String, Path)),
    responses((status = 200, body = ChatSettingsBody), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<ChatSettingsBody>, ApiError> {
    Ok(web::Json(
        admin::chat_settings(&state.app, auth.actor, team_id(&path)?).await?,
    ))
}

/// Replace a team's chat settings (admins).
#[utoipa::path(
    put, path = "/api/v1/teams/{id}/chat-settings", operation_id = "update_chat_settings", tag = "chat",
    params(("id" = String, Path)),
    request_body = ChatSettingsBody,
    responses((status = 200, body = ChatSettingsBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<ChatSettingsBody>,
) -> Result<web::Json<ChatSettingsBody>, ApiError> {
    let team = team_id(&path)?;
    let changed = admin::set_chat_settings(
        &state.app,
        auth.actor,
        auth.origin(),
        team,
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(state.app.published(changed)))
}
