//! `GET /api/v1/tickets`: the queue view, filtered, sorted and paged by cursor.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::queries::ListQuery;
use kefu_api_types::tickets::TicketList;
use kefu_app::tickets::list as use_case;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The queue: tickets matching the filters, one page at a time.
#[utoipa::path(
    get, path = "/api/v1/tickets", operation_id = "list_tickets", tag = "tickets",
    params(ListQuery),
    responses(
        (status = 200, body = TicketList),
        (status = 400, description = "A filter, sort or cursor is not valid", body = Problem),
        (status = 403, description = "Vendors see tickets only through escalations", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ListQuery>,
) -> Result<web::Json<TicketList>, ApiError> {
    Ok(web::Json(
        use_case::list(&state.app, auth.actor, query.into_inner()).await?,
    ))
}
