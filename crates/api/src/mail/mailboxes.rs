//! Mailboxes (admins): the addresses Kefu receives mail on, the team and stage of each, and
//! IMAP fetching (the password is never returned).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::mail::{ConnectionCheck, MailboxRequest, MailboxResponse};
use kefu_app::mail::mailboxes;
use kefu_domain::ids::MailboxId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

fn mailbox_id(path: &str) -> Result<MailboxId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("mailbox"))
}

/// Every mailbox (admins).
#[utoipa::path(
    get, path = "/api/v1/mailboxes", operation_id = "list_mailboxes", tag = "mail",
    responses((status = 200, body = Vec<MailboxResponse>), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<MailboxResponse>>, ApiError> {
    Ok(web::Json(mailboxes::list(&state.app, auth.actor).await?))
}

/// One mailbox (admins).
#[utoipa::path(
    get, path = "/api/v1/mailboxes/{id}", operation_id = "get_mailbox", tag = "mail",
    params(("id" = String, Path)),
    responses((status = 200, body = MailboxResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<MailboxResponse>, ApiError> {
    Ok(web::Json(
        mailboxes::show(&state.app, auth.actor, mailbox_id(&path)?).await?,
    ))
}

/// Add a mailbox (admins).
#[utoipa::path(
    post, path = "/api/v1/mailboxes", operation_id = "create_mailbox", tag = "mail",
    request_body = MailboxRequest,
    responses((status = 201, body = MailboxResponse), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<MailboxRequest>,
) -> Result<HttpResponse, ApiError> {
    let mailbox =
        mailboxes::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/mailboxes/{}", mailbox.id),
        ))
        .json(mailbox))
}

/// Replace a mailbox's setup (admins). Without `imap` it stops being fetched over IMAP; an
/// `imap` without `password` keeps the stored one.
#[utoipa::path(
    put, path = "/api/v1/mailboxes/{id}", operation_id = "update_mailbox", tag = "mail",
    params(("id" = String, Path)),
    request_body = MailboxRequest,
    responses((status = 200, body = MailboxResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<MailboxRequest>,
) -> Result<web::Json<MailboxResponse>, ApiError> {
    let id = mailbox_id(&path)?;
    Ok(web::Json(
        mailboxes::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Sign in to a mailbox's IMAP server and open its folder (admins): whether its settings work.
#[utoipa::path(
    post, path = "/api/v1/mailboxes/{id}/check", operation_id = "check_mailbox", tag = "mail",
    params(("id" = String, Path)),
    responses((status = 200, body = ConnectionCheck), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn check(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<ConnectionCheck>, ApiError> {
    let id = mailbox_id(&path)?;
    Ok(web::Json(
        kefu_app::mail::fetching::check_connection(&state.app, auth.actor, id).await?,
    ))
}
