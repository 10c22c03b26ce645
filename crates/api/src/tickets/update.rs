//! `PATCH /api/v1/tickets/{id}`: status through the state machine, and triage fields.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::{TicketResponse, UpdateTicketRequest};
use kefu_app::tickets::TicketRef;
use kefu_app::tickets::update::{TicketChange, update as update_ticket};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Change a ticket's status, priority, stage, subject, team, assignee or tags.
#[utoipa::path(
    patch, path = "/api/v1/tickets/{id}", operation_id = "update_ticket", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = UpdateTicketRequest,
    responses(
        (status = 200, description = "The ticket as it now is", body = TicketResponse),
        (status = 403, description = "Not allowed for this role", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The state machine has no such move, or the ticket is closed", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<UpdateTicketRequest>,
) -> Result<web::Json<TicketResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let change = TicketChange::parse(body.into_inner())?;
    let changed = update_ticket(&state.app, auth.actor, reference, change).await?;
    Ok(web::Json(state.app.published(changed)))
}
