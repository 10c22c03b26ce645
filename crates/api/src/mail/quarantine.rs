//! The quarantine (admins): mail that could not be taken, kept raw, to download, take in
//! again or delete.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::mail::{InboundResult, QuarantinePage};
use kefu_app::mail::quarantine;
use kefu_domain::ids::QuarantineId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

fn quarantine_id(path: &str) -> Result<QuarantineId, ApiError> {
    path.parse()
        .map_err(|_| ApiError::NotFound("quarantined mail"))
}

/// `GET /api/v1/mail/quarantine` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Entries per page (1 to 100, 50 if not given).
    pub limit: Option<i64>,
}

/// Quarantined mail, newest first (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/quarantine", operation_id = "list_quarantine", tag = "mail",
    params(PageQuery),
    responses((status = 200, body = QuarantinePage), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PageQuery>,
) -> Result<web::Json<QuarantinePage>, ApiError> {
    let PageQuery { cursor, limit } = query.into_inner();
    Ok(web::Json(
        quarantine::list(&state.app, auth.actor, cursor, limit).await?,
    ))
}

/// Download a quarantined mail as it came (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/quarantine/{id}/raw", operation_id = "download_quarantined", tag = "mail",
    params(("id" = String, Path)),
    responses((status = 200, description = "The raw mail (message/rfc822), as a download"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn raw(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = quarantine_id(&path)?;
    let bytes = quarantine::raw(&state.app, auth.actor, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("message/rfc822")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!("{id}.eml"))],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// Take a quarantined mail in again (admins): it leaves the quarantine when taken.
#[utoipa::path(
    post, path = "/api/v1/mail/quarantine/{id}/retry", operation_id = "retry_quarantined", tag = "mail",
    params(("id" = String, Path)),
    responses((status = 200, body = InboundResult), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn retry(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<InboundResult>, ApiError> {
    let id = quarantine_id(&path)?;
    let outcome = state
        .app
        .published(quarantine::retry(&state.app, Some((auth.actor, auth.origin())), id).await?);
    Ok(web::Json(super::inbound::result_of(outcome)))
}

/// Delete a quarantined mail for good (admins).
#[utoipa::path(
    delete, path = "/api/v1/mail/quarantine/{id}", operation_id = "delete_quarantined", tag = "mail",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    quarantine::delete(&state.app, auth.actor, auth.origin(), quarantine_id(&path)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
