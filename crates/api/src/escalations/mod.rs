//! Escalations: agents escalate tickets and follow them; vendor users work their
//! organisation's queue. One set of endpoints; what each side sees is decided by the use
//! cases.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::escalations::{
    CopyToReplyRequest, CreateEscalationRequest, EscalationDetail, EscalationList,
    EscalationPreview, EscalationQuery, MoveEscalationRequest, PostEscalationMessageRequest,
};
use kefu_api_types::tickets::MessageResponse;
use kefu_app::escalations::{self as use_case, copy, create, moves, queue, show, thread};
use kefu_app::tickets::TicketRef;
use kefu_domain::ids::{EscalationId, EscalationMessageId, FileId};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/tickets/{id}/escalations", web::get().to(for_ticket))
        .route("/tickets/{id}/escalations", web::post().to(escalate))
        .route("/tickets/{id}/escalations/preview", web::post().to(preview))
        .route("/escalations", web::get().to(list))
        .route("/escalations/{id}", web::get().to(detail))
        .route("/escalations/{id}/messages", web::post().to(post_message))
        .route("/escalations/{id}/status", web::post().to(move_status))
        .route(
            "/escalations/{id}/messages/{entry}/copy",
            web::post().to(copy_to_reply),
        )
        .route("/escalations/{id}/files", web::post().to(attach))
        .route("/escalations/{id}/files/{file}", web::get().to(download));
}

fn escalation_id(path: &str) -> Result<EscalationId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("escalation"))
}

/// See exactly what a vendor would be shown if the ticket were escalated so (agents);
/// nothing is stored.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/escalations/preview", operation_id = "preview_escalation", tag = "escalations",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = CreateEscalationRequest,
    responses(
        (status = 200, body = EscalationPreview), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn preview(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<CreateEscalationRequest>,
) -> Result<web::Json<EscalationPreview>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        create::preview(&state.app, auth.actor, reference, body.into_inner()).await?,
    ))
}

/// Escalate a ticket to a vendor (agents): the brief and what was chosen are shared,
/// redacted as previewed.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/escalations", operation_id = "escalate_ticket", tag = "escalations",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = CreateEscalationRequest,
    responses(
        (status = 201, body = EscalationDetail), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn escalate(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<CreateEscalationRequest>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let changed = create::escalate(
        &state.app,
        auth.actor,
        auth.origin(),
        reference,
        body.into_inner(),
    )
    .await?;
    let created = state.app.published(changed);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/escalations/{}", created.escalation.id),
        ))
        .json(created))
}

/// A ticket's escalations, oldest first (agents).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/escalations", operation_id = "list_ticket_escalations", tag = "escalations",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    responses((status = 200, body = EscalationList), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn for_ticket(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<EscalationList>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    Ok(web::Json(
        queue::for_ticket(&state.app, auth.actor, reference).await?,
    ))
}

/// The escalation queue: a vendor user's organisation's, or (agents) every vendor's; the
/// next due first, so overdue ones lead.
#[utoipa::path(
    get, path = "/api/v1/escalations", operation_id = "list_escalations", tag = "escalations",
    params(EscalationQuery),
    responses((status = 200, body = EscalationList), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<EscalationQuery>,
) -> Result<web::Json<EscalationList>, ApiError> {
    Ok(web::Json(
        queue::list(&state.app, auth.actor, query.into_inner()).await?,
    ))
}

/// One escalation with its thread.
#[utoipa::path(
    get, path = "/api/v1/escalations/{id}", operation_id = "get_escalation", tag = "escalations",
    params(("id" = String, Path)),
    responses((status = 200, body = EscalationDetail), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn detail(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<EscalationDetail>, ApiError> {
    let id = escalation_id(&path)?;
    Ok(web::Json(show::show(&state.app, auth.actor, id).await?))
}

/// Write in an escalation's thread: a reply to the other side, or (vendor users) a note for
/// colleagues.
#[utoipa::path(
    post, path = "/api/v1/escalations/{id}/messages", operation_id = "post_escalation_message", tag = "escalations",
    params(("id" = String, Path)),
    request_body = PostEscalationMessageRequest,
    responses(
        (status = 201, body = EscalationDetail), (status = 404, body = Problem),
        (status = 409, description = "The escalation is closed or cancelled", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn post_message(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<PostEscalationMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = escalation_id(&path)?;
    let changed =
        thread::post(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}

/// Move an escalation: vendors acknowledge, work, answer, ask or return; agents close,
/// reopen, send again or cancel.
#[utoipa::path(
    post, path = "/api/v1/escalations/{id}/status", operation_id = "move_escalation", tag = "escalations",
    params(("id" = String, Path)),
    request_body = MoveEscalationRequest,
    responses(
        (status = 200, body = EscalationDetail), (status = 403, description = "The other side makes this move", body = Problem),
        (status = 404, body = Problem), (status = 409, description = "The lifecycle has no such move", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn move_status(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<MoveEscalationRequest>,
) -> Result<web::Json<EscalationDetail>, ApiError> {
    let id = escalation_id(&path)?;
    let changed =
        moves::move_to(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?;
    Ok(web::Json(state.app.published(changed)))
}

/// Copy a vendor's reply into a public reply to the customer (agents); the copy is recorded.
#[utoipa::path(
    post, path = "/api/v1/escalations/{id}/messages/{entry}/copy", operation_id = "copy_escalation_reply", tag = "escalations",
    params(("id" = String, Path), ("entry" = String, Path)),
    request_body = CopyToReplyRequest,
    responses(
        (status = 201, description = "The customer reply", body = MessageResponse), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn copy_to_reply(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
    body: Object<CopyToReplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = escalation_id(&path.0)?;
    let entry: EscalationMessageId = path
        .1
        .parse()
        .map_err(|_| ApiError::NotFound("escalation entry"))?;
    let changed = copy::copy_to_reply(&state.app, auth.actor, id, entry, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}

/// Whether `path` is where files are attached to an escalation (its body may be as large as
/// `[files] max_bytes`).
pub fn is_attach_path(path: &str) -> bool {
    path.strip_prefix("/api/v1/escalations/")
        .and_then(|rest| rest.strip_suffix("/files"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// `POST /api/v1/escalations/{id}/files` query.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AttachQuery {
    /// The file's name.
    pub name: String,
    /// Words to go with it (else the file's name).
    #[serde(default)]
    pub body: Option<String>,
    /// `reply` (default) or `note` (vendor users only).
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub kind: Option<kefu_domain::escalation::EntryKind>,
}

/// Attach a file to an escalation as a reply (or a vendor's note). The body is the file's
/// bytes; its type is read from them.
#[utoipa::path(
    post, path = "/api/v1/escalations/{id}/files", operation_id = "attach_escalation_file", tag = "escalations",
    params(("id" = String, Path), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = EscalationDetail), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn attach(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    query: web::Query<AttachQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = escalation_id(&path)?;
    let query = query.into_inner();
    let request = PostEscalationMessageRequest {
        body: query.body.unwrap_or_default(),
        kind: query.kind,
    };
    let changed = thread::attach(
        &state.app,
        auth.actor,
        auth.origin(),
        id,
        &query.name,
        body.to_vec(),
        request,
    )
    .await?;
    Ok(HttpResponse::Created().json(state.app.published(changed)))
}

/// Download a file shared in or attached to an escalation.
#[utoipa::path(
    get, path = "/api/v1/escalations/{id}/files/{file}", operation_id = "download_escalation_file", tag = "escalations",
    params(("id" = String, Path), ("file" = String, Path)),
    responses((status = 200, description = "The file's bytes"), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn download(
    state: web::Data<AppState>,
    auth: Auth,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = escalation_id(&path.0)?;
    let file: FileId = path.1.parse().map_err(|_| ApiError::NotFound("file"))?;
    let found = use_case::download(&state.app, auth.actor, id, file).await?;
    crate::chat::files::respond(&request, found).await
}
