//! `GET /api/v1/tickets/views`: the console's built-in queue views with capped counts.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::tickets::ViewCounts;
use kefu_app::tickets::views;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The built-in queue views with how many tickets each holds (up to the cap).
#[utoipa::path(
    get, path = "/api/v1/tickets/views", operation_id = "ticket_views", tag = "tickets",
    responses((status = 200, body = ViewCounts), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn counts(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<ViewCounts>, ApiError> {
    Ok(web::Json(views::counts(&state.app, auth.actor).await?))
}
