//! `POST /api/v1/tickets/bulk`: the same change to many tickets (agents' bulk actions).

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::{BulkFailure, BulkUpdateRequest, BulkUpdateResponse};
use kefu_domain::time;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::tickets::update::{TicketChange, apply};
use crate::view;

/// The most tickets one bulk change may touch.
pub const MAX_TICKETS: usize = 100;

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
    body: web::Json<BulkUpdateRequest>,
) -> Result<web::Json<BulkUpdateResponse>, ApiError> {
    auth.actor.may_work_tickets()?;
    let BulkUpdateRequest { mut ids, changes } = body.into_inner();
    ids.sort();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_TICKETS {
        return Err(ApiError::invalid(
            "invalid_bulk",
            format!("give between 1 and {MAX_TICKETS} ticket ids"),
        ));
    }
    let change = TicketChange::parse(changes)?;
    let actor = auth.actor;
    let mut response = BulkUpdateResponse {
        updated: Vec::new(),
        failed: Vec::new(),
    };
    for id in ids {
        let change = change.clone();
        let outcome = state
            .store
            .write(move |conn| {
                let (before, access) = load_for_update(conn, &actor, TicketRef::Id(id))?;
                let after = apply(conn, &actor, before, access, &change, time::now())?;
                Ok::<_, ApiError>(view::ticket(conn, after, Some(&actor))?)
            })
            .await;
        match outcome {
            Ok(ticket) => response.updated.push(ticket),
            Err(error @ (ApiError::Unavailable(_) | ApiError::Internal(_))) => return Err(error),
            Err(error) => response.failed.push(BulkFailure {
                id,
                code: error.code().into(),
                detail: error.to_string(),
            }),
        }
    }
    Ok(web::Json(response))
}
