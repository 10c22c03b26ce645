//! `POST /api/v1/tickets/bulk`: the same change to many tickets (agents' bulk actions).

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::{BulkUpdateRequest, BulkUpdateResponse};
use kefu_app::tickets::bulk;
use kefu_app::tickets::update::TicketChange;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Apply one change to up to 100 tickets; each ticket succeeds or fails on its own.
#[utoipa::path(
    post, path = "/api/v1/tickets/bulk", operation_id = "bulk_update_tickets", tag = "tickets",
    request_body = BulkUpdateRequest,
    responses(
        (status = 200, description = "What changed, and what could not be changed and why", body = BulkUpdateResponse),
        (status = 403, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<BulkUpdateRequest>,
) -> Result<web::Json<BulkUpdateResponse>, ApiError> {
    let BulkUpdateRequest { ids, changes } = body.into_inner();
    let change = TicketChange::parse(changes)?;
    let changed = bulk::update(&state.app, auth.actor, ids, change).await?;
    Ok(web::Json(state.app.published(changed)))
}
