//! Telephony: the provider's signed call events, and the admins' setup of the webhook.

use actix_web::{HttpRequest, web};
use kefu_api_types::Problem;
use kefu_api_types::telephony::{
    CallEventRequest, CallEventResponse, TelephonyRequest, TelephonyResponse,
};
use kefu_app::telephony::{events, settings};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/telephony/events", web::post().to(receive))
        .route("/telephony", web::get().to(show))
        .route("/telephony", web::put().to(update));
}

/// Take a call event from a PBX or telephony provider (`call.ringing`, `call.answered`,
/// `call.ended`, `call.missed`), signed with the webhook's secret:
/// `Kefu-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. A stale or
/// replayed signature is refused; a repeated event id changes nothing.
#[utoipa::path(
    post, path = "/api/v1/telephony/events", operation_id = "receive_call_event", tag = "telephony",
    request_body = CallEventRequest,
    params(("Kefu-Signature" = String, Header, description = "t=<Unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> under the webhook's secret")),
    responses(
        (status = 200, body = CallEventResponse),
        (status = 401, body = Problem, description = "No, a wrong, a stale or a replayed signature"),
        (status = 404, body = Problem, description = "The telephony webhook is off"),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
    )
)]
pub async fn receive(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<web::Json<CallEventResponse>, ApiError> {
    let signature = request
        .headers()
        .get("kefu-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let outcome = events::take(&state.app, signature, body.to_vec()).await?;
    Ok(web::Json(state.app.announce(outcome)))
}

/// How the telephony webhook is set up, without its secret (admins).
#[utoipa::path(
    get, path = "/api/v1/telephony", operation_id = "get_telephony", tag = "telephony",
    responses((status = 200, body = TelephonyResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<TelephonyResponse>, ApiError> {
    Ok(web::Json(settings::show(&state.app, auth.actor).await?))
}

/// Set up the telephony webhook: on or off, where new callers' tickets go, each agent's
/// extension; the answer carries a new secret, shown this once (admins, audited).
#[utoipa::path(
    put, path = "/api/v1/telephony", operation_id = "update_telephony", tag = "telephony",
    request_body = TelephonyRequest,
    responses((status = 200, body = TelephonyResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<TelephonyRequest>,
) -> Result<web::Json<TelephonyResponse>, ApiError> {
    Ok(web::Json(
        settings::update(&state.app, auth.actor, auth.origin(), body.into_inner()).await?,
    ))
}
