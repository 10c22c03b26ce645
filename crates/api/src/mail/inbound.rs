//! `POST /api/v1/inbound/email`: an RFC 5322 message as the body, from an MTA or a mail
//! provider that forwards mail. The caller proves itself with the shared secret
//! (`Authorization: Bearer <secret>`) or an HMAC of the body (`X-Kefu-Signature:
//! t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, five minutes' tolerance). With no
//! `[mail] inbound_secret` configured the endpoint is off.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use kefu_api_types::Problem;
use kefu_api_types::mail::InboundResult;
use kefu_app::mail::ingest::{self, Delivery, Ingested, Source};
use sha2::Sha256;

use crate::error::ApiError;
use crate::state::AppState;

/// The endpoint's path.
pub const PATH: &str = "/api/v1/inbound/email";
/// The endpoint's path within the `/api/v1` scope.
pub const PATH_IN_SCOPE: &str = "/inbound/email";
/// How far a signature's time may be from now, in seconds.
const SIGNATURE_TOLERANCE: u64 = 300;

/// The most bytes taken: twice the mail limit, so a mail somewhat over it is still kept (in
/// quarantine) and its sender told.
pub fn body_limit(state: &AppState) -> usize {
    usize::try_from(state.app.mail().config.max_bytes.saturating_mul(2)).unwrap_or(usize::MAX)
}

/// Take in a raw mail (MTAs and mail providers, with the shared secret or a signature).
#[utoipa::path(
    post, path = "/api/v1/inbound/email", operation_id = "receive_email", tag = "mail",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The RFC 5322 message as received; any Content-Type is taken (`message/rfc822` is usual)"),
    responses(
        (status = 200, body = InboundResult, description = "Taken, a duplicate, or a delivery report"),
        (status = 202, body = InboundResult, description = "Kept in quarantine: it could not be taken"),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 503, body = Problem, description = "Nothing could keep it; send it again later"),
    ),
    security(("inbound_secret" = []))
)]
pub async fn receive(
    state: web::Data<AppState>,
    request: HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(secret) = state.app.mail().config.inbound_secret.clone() else {
        return Err(ApiError::NotFound(
            "inbound mail over HTTP (set [mail] inbound_secret)",
        ));
    };
    // The body deadline has read the whole body already, within `body_limit`.
    let mut raw = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "invalid_body",
            message: format!("the body could not be read: {e}"),
        })?;
        raw.extend_from_slice(&chunk);
    }
    if !authorised(&request, &secret, &raw) {
        return Err(ApiError::Unauthenticated);
    }
    let outcome = state.app.published(
        ingest::ingest(
            &state.app,
            Delivery {
                raw,
                source: Source::Http,
                mailbox: None,
            },
        )
        .await?,
    );
    let quarantined = matches!(outcome, Ingested::Quarantined { .. });
    let result = result_of(outcome);
    Ok(if quarantined {
        HttpResponse::Accepted().json(result)
    } else {
        HttpResponse::Ok().json(result)
    })
}

/// The answer for what became of a mail.
pub fn result_of(outcome: Ingested) -> InboundResult {
    let mut result = InboundResult {
        outcome: String::new(),
        ticket_id: None,
        ticket_number: None,
        message_id: None,
        rule: None,
        quarantine_id: None,
        reason: None,
        escalation_id: None,
    };
    match outcome {
        Ingested::Created {
            ticket,
            number,
            message,
            rule,
        }
        | Ingested::Added {
            ticket,
            number,
            message,
            rule,
        } => {
            result.outcome = if rule.as_str() == "new_ticket" || rule.as_str() == "follow_up" {
                "created"
            } else {
                "added"
            }
            .into();
            result.ticket_id = Some(ticket);
            result.ticket_number = Some(number.get());
            result.message_id = Some(message);
            result.rule = Some(rule.as_str().into());
        }
        Ingested::Duplicate { ticket, message } => {
            result.outcome = "duplicate".into();
            result.ticket_id = Some(ticket);
            result.message_id = Some(message);
        }
        Ingested::Bounce { ticket, .. } => {
            result.outcome = "bounce".into();
            result.ticket_id = ticket;
        }
        Ingested::Escalation {
            escalation, rule, ..
        } => {
            result.outcome = "escalation".into();
            result.escalation_id = Some(escalation);
            result.rule = Some(rule.as_str().into());
        }
        Ingested::Quarantined { id, reason, .. } => {
            result.outcome = "quarantined".into();
            result.quarantine_id = Some(id);
            result.reason = Some(reason.into());
        }
    }
    result
}

/// Whether the request carries the shared secret or a fresh, valid signature of `body`.
fn authorised(request: &HttpRequest, secret: &str, body: &[u8]) -> bool {
    let headers = request.headers();
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return kefu_app::tokens::equal(bearer.trim(), secret);
    }
    let Some(signature) = headers
        .get("X-Kefu-Signature")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let field = |name: &str| {
        signature
            .split(',')
            .find_map(|part| part.trim().strip_prefix(name)?.strip_prefix('='))
    };
    let (Some(time), Some(given)) = (field("t"), field("v1")) else {
        return false;
    };
    let Ok(seconds) = time.parse::<i64>() else {
        return false;
    };
    if chrono::Utc::now().timestamp().abs_diff(seconds) > SIGNATURE_TOLERANCE {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(time.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    kefu_app::tokens::equal(&given.to_ascii_lowercase(), &expected)
}
