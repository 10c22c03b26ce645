//! Field-service visits: agents schedule and change them on after-sale tickets and read the
//! calendar; a service partner's users read theirs and record how each ended.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::visits::{
    ChangeVisitRequest, ScheduleVisitRequest, VisitList, VisitQuery, VisitResponse,
};
use kefu_app::tickets::TicketRef;
use kefu_app::visits::{calendar, change, schedule};
use kefu_domain::ids::VisitId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/tickets/{id}/visits", web::get().to(for_ticket))
        .route("/tickets/{id}/visits", web::post().to(create))
        .route("/visits", web::get().to(list))
        .route("/visits/{id}", web::get().to(show))
        .route("/visits/{id}", web::patch().to(update));
}

fn visit_id(path: &str) -> Result<VisitId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("visit"))
}

/// A ticket's visits (agents).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/visits", operation_id = "list_ticket_visits", tag = "visits",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = VisitList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn for_ticket(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VisitList>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        calendar::for_ticket(&state.app, auth.actor, reference).await?,
    ))
}

/// Schedule a visit on an after-sale ticket (agents); the customer is mailed with a calendar
/// invitation.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/visits", operation_id = "schedule_visit", tag = "visits",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = ScheduleVisitRequest,
    responses(
        (status = 201, body = VisitResponse), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<ScheduleVisitRequest>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let changed = schedule::schedule(&state.app, auth.actor, reference, body.into_inner()).await?;
    let created = state.app.published(changed);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/visits/{}", created.id)))
        .json(created))
}

/// The visits over a period: agents see every technician's (or one's); a service partner's
/// users see their organisation's.
#[utoipa::path(
    get, path = "/api/v1/visits", operation_id = "visit_calendar", tag = "visits",
    params(VisitQuery),
    responses((status = 200, body = VisitList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<VisitQuery>,
) -> Result<web::Json<VisitList>, ApiError> {
    Ok(web::Json(
        calendar::calendar(&state.app, auth.actor, query.into_inner()).await?,
    ))
}

/// One visit.
#[utoipa::path(
    get, path = "/api/v1/visits/{id}", operation_id = "get_visit", tag = "visits",
    params(("id" = String, Path)),
    responses((status = 200, body = VisitResponse), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VisitResponse>, ApiError> {
    let id = visit_id(&path)?;
    Ok(web::Json(calendar::show(&state.app, auth.actor, id).await?))
}

/// Move a visit, give it a new window (agents), or record how it ended (the technician).
#[utoipa::path(
    patch, path = "/api/v1/visits/{id}", operation_id = "change_visit", tag = "visits",
    params(("id" = String, Path)),
    request_body = ChangeVisitRequest,
    responses(
        (status = 200, body = VisitResponse), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<ChangeVisitRequest>,
) -> Result<web::Json<VisitResponse>, ApiError> {
    let id = visit_id(&path)?;
    let changed =
        change::change(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}
