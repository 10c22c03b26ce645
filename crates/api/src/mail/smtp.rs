//! The outgoing SMTP server (admins): set in the console (the password never comes back),
//! cleared back to the configuration file, and tried with a test mail.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::mail::{SmtpRequest, SmtpResponse, SmtpTestRequest};
use kefu_app::mail::smtp;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// The SMTP server mail goes out through, if set in the console (admins).
#[utoipa::path(
    get, path = "/api/v1/mail/smtp", operation_id = "get_smtp", tag = "mail",
    responses((status = 200, body = SmtpResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<SmtpResponse>, ApiError> {
    Ok(web::Json(smtp::show(&state.app, auth.actor).await?))
}

/// Set the SMTP server mail goes out through; it wins over the configuration file (admins).
#[utoipa::path(
    put, path = "/api/v1/mail/smtp", operation_id = "set_smtp", tag = "mail",
    request_body = SmtpRequest,
    responses((status = 200, body = SmtpResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn save(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<SmtpRequest>,
) -> Result<web::Json<SmtpResponse>, ApiError> {
    Ok(web::Json(
        smtp::save(&state.app, auth.actor, auth.origin(), body.into_inner()).await?,
    ))
}

/// Forget the SMTP server set in the console: mail goes as the configuration file says (admins).
#[utoipa::path(
    delete, path = "/api/v1/mail/smtp", operation_id = "clear_smtp", tag = "mail",
    responses((status = 200, body = SmtpResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn clear(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<SmtpResponse>, ApiError> {
    Ok(web::Json(
        smtp::clear(&state.app, auth.actor, auth.origin()).await?,
    ))
}

/// Send a test mail the way every mail leaves (admins).
#[utoipa::path(
    post, path = "/api/v1/mail/smtp/test", operation_id = "test_smtp", tag = "mail",
    request_body = SmtpTestRequest,
    responses((status = 202, description = "The test mail waits in the outbox"), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn test(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<SmtpTestRequest>,
) -> Result<HttpResponse, ApiError> {
    smtp::send_test(&state.app, auth.actor, &body.into_inner().to).await?;
    Ok(HttpResponse::Accepted().finish())
}
