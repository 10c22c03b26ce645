//! `POST /api/v1/tickets/{id}/seen`: an agent opened the ticket.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_app::tickets::{TicketRef, mark_seen};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Mark a ticket as seen by you now, so the queue stops marking it as updated.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/seen", operation_id = "mark_ticket_seen", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number")),
    responses((status = 204, description = "Marked"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn mark(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    mark_seen::mark_seen(&state.app, auth.actor, reference).await?;
    Ok(HttpResponse::NoContent().finish())
}
