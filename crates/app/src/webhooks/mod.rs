//! Vendor webhooks: each escalation event the business causes (a new case, a move, a reply,
//! a reminder) becomes a signed call of the vendor's own helpdesk, written in the event's
//! transaction and delivered by the notification role with retries. What a call carries is
//! what the vendor's portal users would see, nothing more.

pub mod delivery;
pub mod manage;
pub mod sign;

use chrono::{DateTime, Utc};
use kefu_domain::escalation::{Escalation, Side};
use kefu_domain::ids::WebhookDeliveryId;
use kefu_domain::webhook::WebhookEvent;
use kefu_store::webhooks::{self, Receiver, WebhookDelivery};
use kefu_store::{DbConnection, vendors};
use serde_json::json;

use crate::error::AppError;

/// Writes a call of `escalation`'s vendor's webhook for `event`, if the vendor has one; a
/// reply's text goes in `message`.
pub(crate) fn announce(
    conn: &mut DbConnection,
    escalation: &Escalation,
    event: WebhookEvent,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let message = message.map(|body| json!({ "body": body }));
    announce_with(conn, escalation, event, ("message", message), now)
}

/// Like [`announce`], with `extra` (a name and a value) beside the escalation in `data`.
pub(crate) fn announce_with(
    conn: &mut DbConnection,
    escalation: &Escalation,
    event: WebhookEvent,
    extra: (&str, Option<serde_json::Value>),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(target) = vendors::webhook(conn, escalation.vendor)? else {
        return Ok(());
    };
    let seen = crate::escalations::response(conn, escalation.clone(), Side::Vendor, now)?;
    let id = WebhookDeliveryId::new();
    let body = json!({
        "id": id,
        "type": event.as_str(),
        "created_at": now,
        "data": {
            "escalation": seen,
            extra.0: extra.1,
        },
    });
    enqueue(
        conn,
        Receiver::Vendor(escalation.vendor),
        Some(escalation.id),
        id,
        event.as_str(),
        &target.url,
        &body,
        now,
    )
}

/// Writes a call of `receiver`'s webhook at `url`, due now.
#[expect(clippy::too_many_arguments, reason = "one call's parts")]
pub(crate) fn enqueue(
    conn: &mut DbConnection,
    receiver: Receiver,
    escalation: Option<kefu_domain::ids::EscalationId>,
    id: WebhookDeliveryId,
    event: &str,
    url: &str,
    body: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    webhooks::enqueue(
        conn,
        &WebhookDelivery {
            id,
            receiver,
            escalation,
            event: event.to_owned(),
            url: url.to_owned(),
            body: body.to_string(),
            state: "pending".to_owned(),
            attempts: 0,
            next_attempt_at: now,
            last_status: None,
            last_error: None,
            last_response: None,
            sent_at: None,
            created_at: now,
        },
    )?;
    Ok(())
}
