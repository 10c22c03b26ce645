//! Visitor sessions: the widget, running on one of its websites, trades the key it keeps in
//! the browser for a session token. Called cross-origin, so it answers CORS for the widget's
//! own websites only; a page from anywhere else is told the widget does not exist.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::widgets::{VisitorSessionRequest, VisitorSessionResponse, WidgetLook};
use kefu_app::chat::{availability, identity};

use crate::auth::session::client_address;
use crate::chat::widgets::widget_id;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// The page's origin a browser sent, if any.
pub(crate) fn origin_of(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// CORS headers for `origin`, once it is known to be one of the widget's websites.
fn allow(response: &mut actix_web::HttpResponseBuilder, origin: &str) {
    response
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned()))
        .insert_header((header::VARY, "Origin"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
}

/// Start a visitor session for a widget (called by the widget, from one of its websites).
#[utoipa::path(
    post, path = "/api/v1/widgets/{id}/visitor-sessions", operation_id = "start_visitor_session", tag = "chat",
    params(("id" = String, Path)),
    request_body = VisitorSessionRequest,
    responses(
        (status = 201, body = VisitorSessionResponse),
        (status = 404, description = "No such widget, or not on this website", body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem),
    )
)]
pub async fn start(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    body: Object<VisitorSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = widget_id(&path)?;
    let origin = origin_of(&request).ok_or(ApiError::NotFound("widget"))?;
    let address = client_address(&request, &state);
    let session = identity::start_visitor_session_from(
        &state.app,
        id,
        &body.into_inner().key,
        &origin,
        Some(&address),
    )
    .await?;
    let open_stages = availability::open_stages(&state.app, id).await?;
    let stage_texts = availability::stage_texts(&state.app, id).await?;
    let widget = &session.widget;
    let mut response = HttpResponse::Created();
    allow(&mut response, &origin);
    Ok(response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(VisitorSessionResponse {
            token: session.token,
            expires_at: session.expires_at,
            socket_url: state.chat_socket_url.clone(),
            widget: WidgetLook {
                colour: widget.colour.as_str().to_owned(),
                position: widget.position,
                greeting_en: widget.greeting_en.clone(),
                greeting_zh: widget.greeting_zh.clone(),
                stages: widget.teams.stages(),
                open_stages,
                stage_texts,
            },
        }))
}

/// The browser's CORS preflight: allowed for the widget's own websites only.
pub async fn preflight(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = widget_id(&path)?;
    let origin = origin_of(&request).ok_or(ApiError::NotFound("widget"))?;
    identity::widget_for(&state.app, id, &origin).await?;
    let mut response = HttpResponse::NoContent();
    allow(&mut response, &origin);
    Ok(response.finish())
}
