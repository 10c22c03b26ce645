//! Macros and canned replies: agents list, add, change and remove theirs (admins the shared
//! ones too), and apply any they may see to a ticket.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::macros::{AppliedMacro, MacroList, MacroQuery, MacroRequest, MacroResponse};
use kefu_app::macros::{apply, manage};
use kefu_app::tickets::TicketRef;
use kefu_domain::ids::MacroId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/macros", web::get().to(list))
        .route("/macros", web::post().to(create))
        .route("/macros/{id}", web::get().to(show))
        .route("/macros/{id}", web::put().to(update))
        .route("/macros/{id}", web::delete().to(delete))
        .route(
            "/tickets/{id}/macros/{macro_id}",
            web::post().to(apply_to_ticket),
        );
}

fn macro_id(path: &str) -> Result<MacroId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("macro"))
}

/// The macros the caller may apply — everyone's and their own — most used first (agents).
#[utoipa::path(
    get, path = "/api/v1/macros", operation_id = "list_macros", tag = "macros",
    params(MacroQuery),
    responses((status = 200, body = MacroList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<MacroQuery>,
) -> Result<web::Json<MacroList>, ApiError> {
    Ok(web::Json(
        manage::list(&state.app, auth.actor, query.into_inner()).await?,
    ))
}

/// One macro the caller may apply (agents).
#[utoipa::path(
    get, path = "/api/v1/macros/{id}", operation_id = "get_macro", tag = "macros",
    params(("id" = String, Path)),
    responses((status = 200, body = MacroResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<MacroResponse>, ApiError> {
    let id = macro_id(&path)?;
    Ok(web::Json(manage::show(&state.app, auth.actor, id).await?))
}

/// Add a macro: the caller's own, or with `shared`, everyone's (admins).
#[utoipa::path(
    post, path = "/api/v1/macros", operation_id = "create_macro", tag = "macros",
    request_body = MacroRequest,
    responses((status = 201, body = MacroResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<MacroRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = manage::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/macros/{}", created.id)))
        .json(created))
}

/// Change a macro: the caller's own, or a shared one (admins).
#[utoipa::path(
    put, path = "/api/v1/macros/{id}", operation_id = "update_macro", tag = "macros",
    params(("id" = String, Path)),
    request_body = MacroRequest,
    responses((status = 200, body = MacroResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<MacroRequest>,
) -> Result<web::Json<MacroResponse>, ApiError> {
    let id = macro_id(&path)?;
    Ok(web::Json(
        manage::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove a macro: the caller's own, or a shared one (admins).
#[utoipa::path(
    delete, path = "/api/v1/macros/{id}", operation_id = "delete_macro", tag = "macros",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = macro_id(&path)?;
    manage::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Apply a macro to a ticket (agents): its changes are made now, and its reply comes back
/// filled in for the customer, to edit and send.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/macros/{macro_id}", operation_id = "apply_macro", tag = "macros",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`"), ("macro_id" = String, Path)),
    responses((status = 200, body = AppliedMacro), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn apply_to_ticket(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> Result<web::Json<AppliedMacro>, ApiError> {
    let (ticket, id) = path.into_inner();
    let reference = TicketRef::parse(&ticket)?;
    let id = macro_id(&id)?;
    let changed = apply::apply(&state.app, auth.actor, reference, id).await?;
    Ok(web::Json(state.app.published(changed)))
}
