//! Service levels: business calendars and SLA policies (admins change them, agents read them),
//! the due-time preview, and a ticket's clock.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::sla::{
    CalendarList, CalendarRequest, CalendarResponse, DueQuery, DueResponse, ImportCalendarRequest,
    ImportCalendarResponse, PolicyList, PolicyRequest, PolicyResponse, ReapplyResponse,
    TicketSlaResponse,
};
use kefu_app::sla::{calendars, policies, ticket};
use kefu_app::tickets::TicketRef;
use kefu_domain::ids::{CalendarId, SlaPolicyId};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/calendars", web::get().to(list_calendars))
        .route("/calendars", web::post().to(create_calendar))
        .route("/calendars/{id}", web::get().to(show_calendar))
        .route("/calendars/{id}", web::put().to(update_calendar))
        .route("/calendars/{id}", web::delete().to(delete_calendar))
        .route("/calendars/{id}/due", web::get().to(due))
        .route("/calendars/{id}/import", web::post().to(import_calendar))
        .route("/sla-policies", web::get().to(list_policies))
        .route("/sla-policies", web::post().to(create_policy))
        .route("/sla-policies/apply", web::post().to(reapply))
        .route("/sla-policies/{id}", web::get().to(show_policy))
        .route("/sla-policies/{id}", web::put().to(update_policy))
        .route("/sla-policies/{id}", web::delete().to(delete_policy))
        .route("/tickets/{id}/sla", web::get().to(ticket_sla));
}

fn calendar_id(path: &str) -> Result<CalendarId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("calendar"))
}

fn policy_id(path: &str) -> Result<SlaPolicyId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("SLA policy"))
}

/// Every business calendar (agents).
#[utoipa::path(
    get, path = "/api/v1/calendars", operation_id = "list_calendars", tag = "service levels",
    responses((status = 200, body = CalendarList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list_calendars(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<CalendarList>, ApiError> {
    Ok(web::Json(calendars::list(&state.app, auth.actor).await?))
}

/// One business calendar (agents).
#[utoipa::path(
    get, path = "/api/v1/calendars/{id}", operation_id = "get_calendar", tag = "service levels",
    params(("id" = String, Path)),
    responses((status = 200, body = CalendarResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show_calendar(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<CalendarResponse>, ApiError> {
    let id = calendar_id(&path)?;
    Ok(web::Json(
        calendars::show(&state.app, auth.actor, id).await?,
    ))
}

/// Add a business calendar (admins).
#[utoipa::path(
    post, path = "/api/v1/calendars", operation_id = "create_calendar", tag = "service levels",
    request_body = CalendarRequest,
    responses((status = 201, body = CalendarResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create_calendar(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CalendarRequest>,
) -> Result<HttpResponse, ApiError> {
    let created =
        calendars::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/calendars/{}", created.id),
        ))
        .json(created))
}

/// Replace a business calendar's name, zone, hours and holidays (admins).
#[utoipa::path(
    put, path = "/api/v1/calendars/{id}", operation_id = "update_calendar", tag = "service levels",
    params(("id" = String, Path)),
    request_body = CalendarRequest,
    responses((status = 200, body = CalendarResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update_calendar(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<CalendarRequest>,
) -> Result<web::Json<CalendarResponse>, ApiError> {
    let id = calendar_id(&path)?;
    Ok(web::Json(
        calendars::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove a business calendar no policy or open ticket counts on (admins).
#[utoipa::path(
    delete, path = "/api/v1/calendars/{id}", operation_id = "delete_calendar", tag = "service levels",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete_calendar(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = calendar_id(&path)?;
    calendars::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// When a target of `minutes` business minutes starting at `from` falls due on the calendar
/// (agents): the policy editor's preview.
#[utoipa::path(
    get, path = "/api/v1/calendars/{id}/due", operation_id = "calendar_due", tag = "service levels",
    params(("id" = String, Path), DueQuery),
    responses((status = 200, body = DueResponse), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn due(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    query: web::Query<DueQuery>,
) -> Result<web::Json<DueResponse>, ApiError> {
    let id = calendar_id(&path)?;
    Ok(web::Json(
        calendars::due(&state.app, auth.actor, id, query.into_inner()).await?,
    ))
}

/// Add (or replace) the calendar's holidays and working days from an iCalendar file (admins).
#[utoipa::path(
    post, path = "/api/v1/calendars/{id}/import", operation_id = "import_calendar", tag = "service levels",
    params(("id" = String, Path)),
    request_body = ImportCalendarRequest,
    responses((status = 200, body = ImportCalendarResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn import_calendar(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<ImportCalendarRequest>,
) -> Result<web::Json<ImportCalendarResponse>, ApiError> {
    let id = calendar_id(&path)?;
    Ok(web::Json(
        calendars::import(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Every SLA policy, in the order they are tried (agents).
#[utoipa::path(
    get, path = "/api/v1/sla-policies", operation_id = "list_sla_policies", tag = "service levels",
    responses((status = 200, body = PolicyList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list_policies(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<PolicyList>, ApiError> {
    Ok(web::Json(policies::list(&state.app, auth.actor).await?))
}

/// One SLA policy (agents).
#[utoipa::path(
    get, path = "/api/v1/sla-policies/{id}", operation_id = "get_sla_policy", tag = "service levels",
    params(("id" = String, Path)),
    responses((status = 200, body = PolicyResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show_policy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<PolicyResponse>, ApiError> {
    let id = policy_id(&path)?;
    Ok(web::Json(policies::show(&state.app, auth.actor, id).await?))
}

/// Add an SLA policy (admins); it covers tickets opened from now on, and with
/// `apply_to_open`, the open ones.
#[utoipa::path(
    post, path = "/api/v1/sla-policies", operation_id = "create_sla_policy", tag = "service levels",
    request_body = PolicyRequest,
    responses((status = 201, body = PolicyResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create_policy(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<PolicyRequest>,
) -> Result<HttpResponse, ApiError> {
    let created =
        policies::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/sla-policies/{}", created.id),
        ))
        .json(created))
}

/// Change an SLA policy (admins); open tickets keep their targets unless `apply_to_open`.
#[utoipa::path(
    put, path = "/api/v1/sla-policies/{id}", operation_id = "update_sla_policy", tag = "service levels",
    params(("id" = String, Path)),
    request_body = PolicyRequest,
    responses((status = 200, body = PolicyResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update_policy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<PolicyRequest>,
) -> Result<web::Json<PolicyResponse>, ApiError> {
    let id = policy_id(&path)?;
    Ok(web::Json(
        policies::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove an SLA policy no ticket runs under (admins); deactivate one in use instead.
#[utoipa::path(
    delete, path = "/api/v1/sla-policies/{id}", operation_id = "delete_sla_policy", tag = "service levels",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete_policy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = policy_id(&path)?;
    policies::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put every open ticket under the policy that covers it now, with today's targets (admins).
#[utoipa::path(
    post, path = "/api/v1/sla-policies/apply", operation_id = "apply_sla_policies", tag = "service levels",
    responses((status = 200, body = ReapplyResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn reapply(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<ReapplyResponse>, ApiError> {
    Ok(web::Json(
        policies::reapply(&state.app, auth.actor, auth.origin(), true).await?,
    ))
}

/// A ticket's service-level clock: each target's warning and due time, the alerts fired,
/// and while on hold, the vendors' own due times (agents).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/sla", operation_id = "get_ticket_sla", tag = "service levels",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = TicketSlaResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn ticket_sla(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<TicketSlaResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        ticket::show(&state.app, auth.actor, reference).await?,
    ))
}
