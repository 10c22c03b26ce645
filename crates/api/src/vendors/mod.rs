//! Vendor organisations: agents list them to escalate, admins add and change them and
//! connect their own systems ([`systems`]).

pub mod systems;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::vendors::{
    CreateVendorRequest, ScorecardQuery, ScorecardResponse, UpdateVendorRequest, VendorList,
    VendorResponse, VendorUserList,
};
use kefu_app::escalations::scorecard as card;
use kefu_app::tickets::TicketRef;
use kefu_app::vendors::manage;
use kefu_domain::ids::VendorId;
use serde::Deserialize;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/vendor-scorecard", web::get().to(scorecard))
        .route("/vendor-scorecard.csv", web::get().to(scorecard_csv))
        .route("/vendors", web::get().to(list))
        .route("/vendors", web::post().to(create))
        .route("/vendors/{id}", web::get().to(show))
        .route("/vendors/{id}", web::patch().to(update))
        .route("/vendors/{id}/users", web::get().to(users))
        .route(
            "/vendors/{id}/webhook",
            web::get().to(systems::show_webhook),
        )
        .route("/vendors/{id}/webhook", web::put().to(systems::set_webhook))
        .route(
            "/vendors/{id}/webhook",
            web::delete().to(systems::remove_webhook),
        )
        .route(
            "/vendors/{id}/webhook/ping",
            web::post().to(systems::ping_webhook),
        )
        .route(
            "/vendors/{id}/api-key",
            web::get().to(systems::show_api_key),
        )
        .route(
            "/vendors/{id}/api-key",
            web::post().to(systems::create_api_key),
        )
        .route(
            "/vendors/{id}/api-key",
            web::delete().to(systems::revoke_api_key),
        );
}

pub(crate) fn vendor_id(path: &str) -> Result<VendorId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("vendor"))
}

/// `GET /api/v1/vendors` query.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VendorQuery {
    /// A ticket (id or number): vendors whose products or categories it names come first.
    pub ticket: Option<String>,
}

/// Every vendor (agents), best fit to `ticket` first.
#[utoipa::path(
    get, path = "/api/v1/vendors", operation_id = "list_vendors", tag = "vendors",
    params(VendorQuery),
    responses((status = 200, body = VendorList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<VendorQuery>,
) -> Result<web::Json<VendorList>, ApiError> {
    let ticket = query.ticket.as_deref().map(TicketRef::parse).transpose()?;
    Ok(web::Json(
        manage::list(&state.app, auth.actor, ticket).await?,
    ))
}

/// One vendor (agents).
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}", operation_id = "get_vendor", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 200, body = VendorResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VendorResponse>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(manage::show(&state.app, auth.actor, id).await?))
}

/// Add a vendor organisation (admins).
#[utoipa::path(
    post, path = "/api/v1/vendors", operation_id = "create_vendor", tag = "vendors",
    request_body = CreateVendorRequest,
    responses(
        (status = 201, body = VendorResponse), (status = 403, body = Problem),
        (status = 409, description = "The name is taken", body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CreateVendorRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = manage::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/vendors/{}", created.id)))
        .json(created))
}

/// Change a vendor organisation (admins).
#[utoipa::path(
    patch, path = "/api/v1/vendors/{id}", operation_id = "update_vendor", tag = "vendors",
    params(("id" = String, Path)),
    request_body = UpdateVendorRequest,
    responses(
        (status = 200, body = VendorResponse), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<UpdateVendorRequest>,
) -> Result<web::Json<VendorResponse>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(
        manage::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// A vendor organisation's portal users (admins).
#[utoipa::path(
    get, path = "/api/v1/vendors/{id}/users", operation_id = "list_vendor_users", tag = "vendors",
    params(("id" = String, Path)),
    responses((status = 200, body = VendorUserList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn users(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<VendorUserList>, ApiError> {
    let id = vendor_id(&path)?;
    Ok(web::Json(manage::users(&state.app, auth.actor, id).await?))
}

/// The vendor scorecard over a period (agents): escalations opened, time to acknowledge and
/// to answer (median and 90th percentile), answered within target, returned, reopened.
#[utoipa::path(
    get, path = "/api/v1/vendor-scorecard", operation_id = "vendor_scorecard", tag = "vendors",
    params(ScorecardQuery),
    responses((status = 200, body = ScorecardResponse), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn scorecard(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ScorecardQuery>,
) -> Result<web::Json<ScorecardResponse>, ApiError> {
    Ok(web::Json(
        card::scorecard(&state.app, auth.actor, query.into_inner()).await?,
    ))
}

/// The vendor scorecard as CSV (agents), one line per vendor.
#[utoipa::path(
    get, path = "/api/v1/vendor-scorecard.csv", operation_id = "vendor_scorecard_csv", tag = "vendors",
    params(ScorecardQuery),
    responses((status = 200, description = "text/csv, UTF-8", content_type = "text/csv"), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn scorecard_csv(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ScorecardQuery>,
) -> Result<HttpResponse, ApiError> {
    let scores = card::scorecard(&state.app, auth.actor, query.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"vendor-scorecard-{}.csv\"",
                scores.to.format("%Y-%m-%d")
            ),
        ))
        .body(card::csv(&scores)))
}
