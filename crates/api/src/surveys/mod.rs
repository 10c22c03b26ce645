//! Satisfaction surveys: the page behind a mailed link (no sign-in), customers rating their
//! own tickets, staff reading ratings, admins setting how surveys run.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::surveys::{
    RatingList, RatingRequest, RatingResponse, SurveyLinkResponse, SurveySettingsBody,
};
use kefu_app::surveys::{rate, settings};
use kefu_app::tickets::TicketRef;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/surveys/{token}", web::get().to(show_link))
        .route("/surveys/{token}", web::post().to(answer_link))
        .route("/tickets/{id}/rating", web::post().to(rate_ticket))
        .route("/tickets/{id}/ratings", web::get().to(ratings))
        .route("/survey-settings", web::get().to(show_settings))
        .route("/survey-settings", web::put().to(update_settings));
}

/// The token is checked by its hash; anything that is not one is simply not found.
fn token(path: &str) -> Result<String, ApiError> {
    let ok = path.len() == 43
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(path.to_owned())
    } else {
        Err(ApiError::NotFound("survey"))
    }
}

/// What the page behind a mailed survey link shows: the ticket and whether it can still be
/// answered (no sign-in; the link is the key).
#[utoipa::path(
    get, path = "/api/v1/surveys/{token}", operation_id = "get_survey", tag = "surveys",
    params(("token" = String, Path)),
    responses((status = 200, body = SurveyLinkResponse), (status = 404, body = Problem))
)]
pub async fn show_link(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<SurveyLinkResponse>, ApiError> {
    Ok(web::Json(rate::link(&state.app, token(&path)?).await?))
}

/// Answer a mailed survey: once, before the link expires, no sign-in.
#[utoipa::path(
    post, path = "/api/v1/surveys/{token}", operation_id = "answer_survey", tag = "surveys",
    params(("token" = String, Path)),
    request_body = RatingRequest,
    responses((status = 200, body = RatingResponse), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem))
)]
pub async fn answer_link(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Object<RatingRequest>,
) -> Result<web::Json<RatingResponse>, ApiError> {
    let changed = rate::by_link(&state.app, token(&path)?, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}

/// Rate your own solved ticket (customers, in the portal).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/rating", operation_id = "rate_ticket", tag = "surveys",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = RatingRequest,
    responses((status = 200, body = RatingResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn rate_ticket(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<RatingRequest>,
) -> Result<web::Json<RatingResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let changed = rate::by_customer(&state.app, auth.actor, reference, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}

/// A ticket's satisfaction ratings, newest first (staff, and the ticket's customer).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/ratings", operation_id = "list_ratings", tag = "surveys",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = RatingList), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn ratings(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<RatingList>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        rate::list(&state.app, auth.actor, reference).await?,
    ))
}

/// How surveys run (agents).
#[utoipa::path(
    get, path = "/api/v1/survey-settings", operation_id = "get_survey_settings", tag = "surveys",
    responses((status = 200, body = SurveySettingsBody), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show_settings(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<SurveySettingsBody>, ApiError> {
    Ok(web::Json(settings::show(&state.app, auth.actor).await?))
}

/// Set how surveys run (admins, audited).
#[utoipa::path(
    put, path = "/api/v1/survey-settings", operation_id = "set_survey_settings", tag = "surveys",
    request_body = SurveySettingsBody,
    responses((status = 200, body = SurveySettingsBody), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update_settings(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<SurveySettingsBody>,
) -> Result<web::Json<SurveySettingsBody>, ApiError> {
    Ok(web::Json(
        settings::update(&state.app, auth.actor, auth.origin(), body.into_inner()).await?,
    ))
}
