//! A ticket's mail, for agents: `POST /api/v1/tickets/{id}/messages/{message}/move` moves a
//! customer's mail to the ticket it belongs on (or splits it off into a new one), and
//! `GET /api/v1/tickets/{id}/mail-recipients` says who a reply would be mailed to.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::mail::{RethreadRequest, RethreadResponse};
use kefu_api_types::tickets::MailRecipients;
use kefu_app::mail::outgoing;
use kefu_app::mail::rethread;
use kefu_app::tickets::TicketRef;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Move a customer's mail to another ticket, or split it off into a new one (agents and
/// admins); both timelines say who did it, and the mail's threading reason becomes `moved`
/// or `split`.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/messages/{message}/move", operation_id = "move_message", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number"), ("message" = String, Path)),
    request_body = RethreadRequest,
    responses((status = 200, body = RethreadResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn rethread(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: Object<RethreadRequest>,
) -> Result<web::Json<RethreadResponse>, ApiError> {
    let (ticket, message) = path.into_inner();
    let reference = TicketRef::parse(&ticket)?;
    let message = message.parse().map_err(|_| ApiError::NotFound("message"))?;
    let moved = rethread::rethread(
        &state.app,
        auth.actor,
        reference,
        message,
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(state.app.published(moved)))
}

/// Who a public reply on the ticket would be mailed to, and which of them bounced before
/// (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/mail-recipients", operation_id = "get_mail_recipients", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number")),
    responses((status = 200, body = MailRecipients), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn recipients(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<MailRecipients>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        outgoing::reply_recipients(&state.app, auth.actor, reference).await?,
    ))
}
