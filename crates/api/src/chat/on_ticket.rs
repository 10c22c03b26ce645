//! `GET /api/v1/tickets/{id}/chat`: how a chat ticket came in, for the agents answering it.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::widgets::TicketChatResponse;
use kefu_app::chat::on_ticket;
use kefu_app::tickets::TicketRef;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The chat a ticket came from: a live chat's state and agent, or a message left on the
/// offline form, and the visitor's page, language and browser (agents; 404 for a ticket that
/// came another way).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/chat", operation_id = "get_ticket_chat", tag = "chat",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = TicketChatResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<TicketChatResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        on_ticket::show(&state.app, auth.actor, reference).await?,
    ))
}
