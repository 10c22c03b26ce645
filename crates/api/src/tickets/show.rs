//! `GET /api/v1/tickets/{id}`.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::TicketResponse;
use kefu_app::tickets::{TicketRef, show as use_case};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// One ticket, by id or number.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}", operation_id = "get_ticket", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = TicketResponse), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<TicketResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        use_case::show(&state.app, auth.actor, reference).await?,
    ))
}
