//! `POST /api/v1/tickets`: agents open tickets on any channel (phone tickets with their call);
//! customers open web tickets for themselves.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{CreateTicketRequest, TicketResponse};
use kefu_app::tickets::create::{CreateTicket, create as create_ticket};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Open a ticket.
#[utoipa::path(
    post, path = "/api/v1/tickets", operation_id = "create_ticket", tag = "tickets",
    request_body = CreateTicketRequest,
    responses(
        (status = 201, description = "Created; `Location` names it", body = TicketResponse),
        (status = 400, description = "Unreadable body", body = Problem),
        (status = 403, description = "Not allowed for this role or channel", body = Problem),
        (status = 422, description = "A value is not acceptable", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CreateTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let region = state.app.phone_region().await?;
    let command = CreateTicket::parse(body.into_inner(), region)?;
    let changed = create_ticket(&state.app, auth.actor, command).await?;
    let ticket = state.app.published(changed);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", ticket.id)))
        .json(ticket))
}
