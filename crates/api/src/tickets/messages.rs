//! `GET|POST /api/v1/tickets/{id}/messages`: the timeline, and replies and notes on it.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::queries::TimelineQuery;
use kefu_api_types::tickets::{MessageList, PostMessageRequest};
use kefu_app::tickets::post_message::{self, PostMessage};
use kefu_app::tickets::{TicketRef, timeline};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// A ticket's timeline, oldest first; requesters see public entries only.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/messages", operation_id = "list_messages", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number"), TimelineQuery),
    responses((status = 200, body = MessageList), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    query: web::Query<TimelineQuery>,
) -> Result<web::Json<MessageList>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let page = timeline::page(&state.app, auth.actor, reference, query.into_inner()).await?;
    Ok(web::Json(page))
}

/// Add a public reply or an internal note, optionally setting the status with it. A
/// requester's reply reopens a solved ticket and ends waiting on them.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/messages", operation_id = "post_message", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number")),
    request_body = PostMessageRequest,
    responses(
        (status = 201, description = "The new entry", body = kefu_api_types::tickets::MessageResponse),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The ticket is closed, or the status move is invalid", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn post(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<PostMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let command = PostMessage::parse(body.into_inner())?;
    let changed = post_message::post(&state.app, auth.actor, reference, command).await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}

/// `GET /api/v1/tickets/{id}/messages/{message}/html` query.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HtmlQuery {
    /// Load the mail's remote images (off by default: they tell the sender it was read).
    #[serde(default)]
    pub remote_images: bool,
}

/// A mail's sanitised HTML as its own document, for a sandboxed frame: it runs nothing, loads
/// nothing remote unless `remote_images` is asked for, and may only be framed by the console.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/messages/{message}/html", operation_id = "get_message_html", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number"), ("message" = String, Path), HtmlQuery),
    responses((status = 200, description = "The sanitised HTML document", content_type = "text/html"), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn html(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    query: web::Query<HtmlQuery>,
) -> Result<HttpResponse, ApiError> {
    let (ticket, message) = path.into_inner();
    let reference = TicketRef::parse(&ticket)?;
    let message = message.parse().map_err(|_| ApiError::NotFound("mail"))?;
    let document =
        kefu_app::mail::view::html_of(&state.app, auth.actor, reference, message).await?;
    let images = if query.remote_images {
        "img-src 'self' data: https: http:"
    } else {
        "img-src 'self' data:"
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            format!("default-src 'none'; {images}; style-src 'unsafe-inline'; sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'"),
        ))
        .insert_header(("X-Frame-Options", "SAMEORIGIN"))
        .insert_header((actix_web::http::header::REFERRER_POLICY, "no-referrer"))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(document))
}
