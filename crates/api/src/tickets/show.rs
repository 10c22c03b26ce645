//! `GET /api/v1/tickets/{id}`.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::TicketResponse;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_visible};
use crate::view;

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
    let actor = auth.actor;
    let ticket = state
        .store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            Ok::<_, ApiError>(view::ticket(conn, ticket, Some(&actor))?)
        })
        .await?;
    Ok(web::Json(ticket))
}
