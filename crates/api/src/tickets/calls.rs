//! `POST /api/v1/tickets/{id}/calls`: logging a phone call on a ticket.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{MessageResponse, PostCallRequest};
use kefu_app::tickets::{TicketRef, log_call};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Log a phone call on an existing ticket (agents).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/calls", operation_id = "log_call", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = PostCallRequest,
    responses(
        (status = 201, description = "The call's timeline entry", body = MessageResponse),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn post(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<PostCallRequest>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let changed = log_call::log(&state.app, auth.actor, reference, body.into_inner().call).await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}
