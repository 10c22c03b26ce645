//! Reports for staff, as JSON for the console's charts and as CSV to download.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::reports::{Report, ReportQuery};
use kefu_app::reports;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/reports", web::get().to(report))
        .route("/reports.csv", web::get().to(report_csv));
}

/// First response, resolution, SLA attainment, backlog, volume per day, CSAT and the
/// expectation gap, and vendor turnaround, over a period, per team, agent, stage or channel
/// (agents).
#[utoipa::path(
    get, path = "/api/v1/reports", operation_id = "get_report", tag = "reports",
    params(ReportQuery),
    responses((status = 200, body = Report), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn report(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ReportQuery>,
) -> Result<web::Json<Report>, ApiError> {
    Ok(web::Json(
        reports::report(&state.app, auth.actor, query.into_inner()).await?,
    ))
}

/// The same report's rows as CSV (agents).
#[utoipa::path(
    get, path = "/api/v1/reports.csv", operation_id = "get_report_csv", tag = "reports",
    params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn report_csv(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let report = reports::report(&state.app, auth.actor, query.into_inner()).await?;
    let name = format!(
        "kefu-report-{}-{}-by-{}.csv",
        report.from, report.to, report.by
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(reports::csv::render(&report)))
}
