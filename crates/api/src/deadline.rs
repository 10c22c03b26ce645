//! A deadline on reading request bodies: a client that sends its headers and then stalls (or
//! trickles) its body is answered 408 instead of holding a connection and a worker forever.
//! Slow headers are cut by the server's own `client_request_timeout`. Files sent in chats
//! and escalations have their own size limit (`[files] max_bytes`) and deadline
//! (`api.upload_timeout_ms`).

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::BytesMut;
use actix_web::{HttpMessage, ResponseError, web};
use futures_util::StreamExt;

use crate::error::ApiError;
use crate::state::AppState;

/// Reads the whole body within the configured time (and size), then hands it on.
pub async fn read_body_in_time(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(request).await?.map_into_left_body());
    };
    let uploading = request.path() == crate::chat::files::SEND_PATH
        || (request.method() == actix_web::http::Method::POST
            && crate::escalations::is_attach_path(request.path()));
    if uploading && let Some(refusal) = refuse_upload_early(&request, &state) {
        let mut response = refusal.error_response();
        crate::chat::files::allow_origin(request.request(), &mut response);
        return Ok(request.into_response(response).map_into_right_body());
    }
    let (limit, deadline) = if uploading {
        // Files sent in chats: larger bodies, from phones on slow networks.
        let max = state
            .app
            .files()
            .map_or(0, |f| usize::try_from(f.max_bytes).unwrap_or(usize::MAX));
        (max, state.config.upload_timeout_ms)
    } else if request.path() == crate::mail::inbound::PATH {
        // Raw mail: as big as mail may be, and then some (kept in quarantine, sender told).
        (
            crate::mail::inbound::body_limit(&state),
            state.config.upload_timeout_ms,
        )
    } else {
        (state.config.max_body_bytes, state.config.body_timeout_ms)
    };
    let deadline = Duration::from_millis(deadline.max(1));
    let mut payload = request.take_payload();
    let read = async {
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::BadRequest {
                code: "invalid_body",
                message: format!("the body could not be read: {e}"),
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    let outcome = match tokio::time::timeout(deadline, read).await {
        Ok(outcome) => outcome,
        Err(_) => Err(ApiError::BodyTimeout {
            seconds: deadline.as_secs_f64(),
        }),
    };
    match outcome {
        Ok(body) => {
            request.set_payload(Payload::from(body));
            Ok(next.call(request).await?.map_into_left_body())
        }
        Err(error) => {
            let mut response = error.error_response();
            if uploading {
                crate::chat::files::allow_origin(request.request(), &mut response);
            }
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

/// Refuses a file before its body is read when it cannot be let in: no credentials at all,
/// or a declared size over the limit. (A file is buffered before the handler checks who
/// sends it, so strangers are not given the chance to make the server hold their bytes.)
fn refuse_upload_early(request: &ServiceRequest, state: &AppState) -> Option<ApiError> {
    let headers = request.headers();
    let credentials = headers.contains_key(actix_web::http::header::AUTHORIZATION)
        || request
            .cookie(crate::auth::session::SESSION_COOKIE)
            .is_some();
    if !credentials && request.method() == actix_web::http::Method::POST {
        return Some(ApiError::Unauthenticated);
    }
    let limit = state.app.files().map_or(0, |f| f.max_bytes);
    let declared = headers
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(size) if size > limit => Some(ApiError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }),
        _ => None,
    }
}
