//! Files in chats over HTTP: the widget (cross-origin, with its visitor token) or the
//! console (with its session) sends a file as a chat line; anyone holding a file's link
//! downloads it, served so that it can never run as a page of Kefu's.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::StreamExt;
use kefu_api_types::Problem;
use kefu_api_types::files::ChatFileSent;
use kefu_app::chat::files::{self, FileLine};
use kefu_app::chat::{Participant, identity};
use kefu_domain::ids::{FileId, TicketId};
use serde::Deserialize;

use crate::auth::session::Auth;
use crate::chat::visitors::origin_of;
use crate::error::ApiError;
use crate::state::AppState;

/// The path files are sent to (its body may be as large as `[files] max_bytes`).
pub const SEND_PATH: &str = "/api/v1/chat/files";

/// `POST /api/v1/chat/files` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SendQuery {
    /// The sender's own id for the line (1–64 visible ASCII characters); sent again, the
    /// file is stored once.
    pub client_id: String,
    /// The file's name.
    pub name: String,
    /// The conversation (agents: required; visitors: their current chat if absent).
    #[param(value_type = Option<String>)]
    pub ticket: Option<TicketId>,
}

/// `GET /api/v1/files/{id}` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// The file's key, as its link carries it.
    pub key: String,
}

fn visitor_token(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(identity::VISITOR_PREFIX))
        .map(str::to_owned)
}

/// Who is sending: a visitor by their session token (from one of their widget's websites,
/// if a browser says where it is), else a signed-in agent.
async fn sender(state: &AppState, request: &HttpRequest) -> Result<Participant, ApiError> {
    let origin = origin_of(request);
    if let Some(token) = visitor_token(request) {
        let participant = identity::authenticate(&state.app, &token).await?;
        if let (Participant::Visitor(visitor), Some(origin)) = (&participant, &origin) {
            let widget = visitor.widget.ok_or(ApiError::Unauthenticated)?;
            identity::widget_for(&state.app, widget, origin)
                .await
                .map_err(|_| {
                    ApiError::Forbidden("this page is not one of the widget's websites".into())
                })?;
        }
        return Ok(participant);
    }
    let auth = Auth::extract(request).await?;
    let agent = identity::agent_of(&state.app, auth.actor, auth.user.name).await?;
    Ok(Participant::Agent(agent))
}

/// Send a file as a chat line (visitors with their session token, agents with their session).
/// The body is the file's bytes; its type is read from them.
#[utoipa::path(
    post, path = "/api/v1/chat/files", operation_id = "send_chat_file", tag = "chat",
    params(SendQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = ChatFileSent),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem),
    ),
    security(("visitor" = []), ("session" = []))
)]
pub async fn send(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let mut response = send_line(&state, &request, body)
        .await
        .unwrap_or_else(|error| error.error_response());
    allow_origin(&request, &mut response);
    response
}

/// Lets the widget's page read the answer, refusals included (so it can say why a file was
/// not sent). No credentials are allowed: the visitor's token is what lets a request in.
pub fn allow_origin(request: &HttpRequest, response: &mut HttpResponse) {
    if let Some(origin) = origin_of(request).and_then(|o| header::HeaderValue::from_str(&o).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::VARY, header::HeaderValue::from_static("Origin"));
    }
}

async fn send_line(
    state: &AppState,
    request: &HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let query = web::Query::<SendQuery>::from_query(request.query_string()).map_err(|e| {
        ApiError::BadRequest {
            code: "invalid_query",
            message: e.to_string(),
        }
    })?;
    // The body deadline has read the whole body already, within `[files] max_bytes`.
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "invalid_body",
            message: format!("the body could not be read: {e}"),
        })?;
        bytes.extend_from_slice(&chunk);
    }
    let from = sender(state, request).await?;
    let query = query.into_inner();
    let outcome = files::send_file(
        &state.app,
        FileLine {
            from,
            ticket: query.ticket,
            client_id: query.client_id,
            name: query.name,
            bytes,
        },
    )
    .await?;
    let (posted, file) = state.app.announce(outcome);
    let mut response = if posted.duplicate {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(response.json(ChatFileSent {
        ticket: posted.ticket,
        seq: posted.seq.get(),
        duplicate: posted.duplicate,
        file,
    }))
}

/// The browser's CORS preflight for sending a file. Any page may ask: the request itself is
/// let in only with a visitor token from one of its widget's websites (no cookies are sent).
pub async fn preflight(request: HttpRequest) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    if let Some(origin) = origin_of(&request) {
        response
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::VARY, "Origin"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST"))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "authorization, content-type",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
    }
    response.finish()
}

/// Download a file sent in a chat (whoever holds its link).
#[utoipa::path(
    get, path = "/api/v1/files/{id}", operation_id = "download_file", tag = "chat",
    params(("id" = String, Path), DownloadQuery),
    responses((status = 200, description = "The file's bytes"), (status = 404, body = Problem))
)]
pub async fn download(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &request, &path, &query.key, false).await
}

/// Download a picture's thumbnail (whoever holds its link).
#[utoipa::path(
    get, path = "/api/v1/files/{id}/thumbnail", operation_id = "download_thumbnail", tag = "chat",
    params(("id" = String, Path), DownloadQuery),
    responses((status = 200, description = "A JPEG or PNG at most 320 pixels on its longest side"), (status = 404, body = Problem))
)]
pub async fn thumbnail(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &request, &path, &query.key, true).await
}

async fn serve(
    state: &AppState,
    request: &HttpRequest,
    id: &str,
    key: &str,
    thumbnail: bool,
) -> Result<HttpResponse, ApiError> {
    let id: FileId = id.parse().map_err(|_| ApiError::NotFound("file"))?;
    let found = files::download(&state.app, id, key, thumbnail).await?;
    respond(request, found).await
}

/// Sends a kept file back, so that it can never run as a page of Kefu's.
pub(crate) async fn respond(
    request: &HttpRequest,
    found: files::Download,
) -> Result<HttpResponse, ApiError> {
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == found.etag));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, found.etag.clone()))
        // The link holds the key: private caches only, and the bytes never change.
        .insert_header((
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        ))
        // Shown in the widget on the business's websites.
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        // Whatever the bytes are, they never run as a page of this origin.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header(ContentDisposition {
            disposition: if found.inline {
                DispositionType::Inline
            } else {
                DispositionType::Attachment
            },
            parameters: vec![DispositionParam::FilenameExt(
                actix_web::http::header::ExtendedValue {
                    charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: found.name.clone().into_bytes(),
                },
            )],
        });
    if unchanged {
        return Ok(response.finish());
    }
    let path = found.path.clone();
    let bytes = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
        .map_err(|e| {
            tracing::warn!(path = %found.path.display(), error = %e, "a kept file is missing");
            ApiError::NotFound("file")
        })?;
    Ok(response
        .insert_header((header::CONTENT_TYPE, found.content_type))
        .body(bytes))
}
