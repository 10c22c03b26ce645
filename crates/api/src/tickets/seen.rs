//! `POST /api/v1/tickets/{id}/seen`: an agent opened the ticket.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_store::reads;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_visible};

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
    auth.actor.may_work_tickets()?;
    let reference = TicketRef::parse(&path)?;
    let actor = auth.actor;
    state
        .store
        .write(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            reads::mark_seen(conn, actor.user, ticket.id, kefu_domain::time::now())?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
