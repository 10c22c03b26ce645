//! Integration webhooks: each event an integration subscribed to becomes a signed call of
//! its address, written in the event's own transaction (so a call is never sent for work that
//! was rolled back, nor lost for work that was kept) and delivered by the notification role
//! with the vendors' retries and backoff.

pub mod manage;
pub mod payload;

use chrono::{DateTime, Utc};
use kefu_domain::escalation::{Escalation, Side};
use kefu_domain::ids::{IntegrationId, WebhookDeliveryId};
use kefu_domain::integration::{Integration, IntegrationEvent};
use kefu_domain::message::Message;
use kefu_domain::ticket::Ticket;
use kefu_store::DbConnection;
use kefu_store::webhooks::Receiver;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::sla::book::BookCache;

/// Writes a call of every active integration subscribed to `event`, carrying `data`, which
/// is made only when one is.
pub(crate) fn publish(
    conn: &mut DbConnection,
    book: &BookCache,
    event: IntegrationEvent,
    data: impl FnOnce(&mut DbConnection) -> Result<Value, AppError>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let book = book.get(conn)?;
    let hearing: Vec<&Integration> = book
        .integrations
        .iter()
        .filter(|i| i.wants(event))
        .collect();
    if hearing.is_empty() {
        return Ok(());
    }
    let data = data(conn)?;
    for integration in hearing {
        call(conn, integration, event, &data, now)?;
    }
    Ok(())
}

/// `data` with `extra` (a name and a value) beside what it holds.
fn with_extra(mut data: Value, extra: Option<(&str, Value)>) -> Value {
    if let (Some((name, value)), Some(map)) = (extra, data.as_object_mut()) {
        map.insert(name.to_owned(), value);
    }
    data
}

/// Writes the ticket event `event` for every integration subscribed to it; `extra` (a name
/// and a value) goes beside the ticket in `data`.
pub(crate) fn ticket_event(
    conn: &mut DbConnection,
    book: &BookCache,
    event: IntegrationEvent,
    ticket: &Ticket,
    extra: Option<(&str, Value)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    publish(
        conn,
        book,
        event,
        |conn| {
            let ticket = payload::ticket(conn, ticket)?;
            Ok(with_extra(json!({ "ticket": ticket }), extra))
        },
        now,
    )
}

/// Writes the escalation event `event` for every integration subscribed to it, with the
/// escalation as agents see it; `extra` (a name and a value) goes beside it in `data`.
pub(crate) fn escalation_event(
    conn: &mut DbConnection,
    book: &BookCache,
    event: IntegrationEvent,
    escalation: &Escalation,
    extra: Option<(&str, Value)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    publish(
        conn,
        book,
        event,
        |conn| {
            let seen = crate::escalations::response(conn, escalation.clone(), Side::Staff, now)?;
            Ok(with_extra(json!({ "escalation": seen }), extra))
        },
        now,
    )
}

/// Whether any active integration subscribed to `event`.
fn anyone_wants(
    conn: &mut DbConnection,
    book: &BookCache,
    event: IntegrationEvent,
) -> Result<bool, AppError> {
    Ok(book.get(conn)?.integrations.iter().any(|i| i.wants(event)))
}

/// Writes `message.created` for every integration subscribed to it.
pub(crate) fn message_created(
    conn: &mut DbConnection,
    book: &BookCache,
    ticket: &Ticket,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Every chat line passes here: build its payload only when somebody listens.
    if !anyone_wants(conn, book, IntegrationEvent::MessageCreated)? {
        return Ok(());
    }
    let message = payload::message(message);
    ticket_event(
        conn,
        book,
        IntegrationEvent::MessageCreated,
        ticket,
        Some(("message", message)),
        now,
    )
}

/// Writes `ticket.updated` (with what changed) for every integration subscribed to it, when
/// anything an integration sees changed between `before` and `after`.
pub(crate) fn updated(
    conn: &mut DbConnection,
    book: &BookCache,
    before: &Ticket,
    after: &Ticket,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Every change of a ticket passes here (chat lines included): compare only when somebody
    // listens.
    if !anyone_wants(conn, book, IntegrationEvent::TicketUpdated)? {
        return Ok(());
    }
    let changes = payload::changes(before, after);
    if changes.as_object().is_none_or(serde_json::Map::is_empty) {
        return Ok(());
    }
    ticket_event(
        conn,
        book,
        IntegrationEvent::TicketUpdated,
        after,
        Some(("changes", changes)),
        now,
    )
}

/// Writes a `trigger.fired` call of integration `id` about `ticket`, whatever it subscribed to,
/// if it is active; `false` when it is not (gone or paused).
pub(crate) fn trigger_call(
    conn: &mut DbConnection,
    book: &BookCache,
    id: IntegrationId,
    trigger: &str,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let book = book.get(conn)?;
    let Some(integration) = book.integrations.iter().find(|i| i.id == id && i.active) else {
        return Ok(false);
    };
    let data = json!({
        "trigger": { "name": trigger },
        "ticket": payload::ticket(conn, ticket)?,
    });
    call(
        conn,
        integration,
        IntegrationEvent::TriggerFired,
        &data,
        now,
    )?;
    Ok(true)
}

/// Writes one call of `integration`.
pub(crate) fn call(
    conn: &mut DbConnection,
    integration: &Integration,
    event: IntegrationEvent,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<WebhookDeliveryId, AppError> {
    let id = WebhookDeliveryId::new();
    let body = json!({
        "id": id,
        "type": event.as_str(),
        "created_at": now,
        "data": data,
    });
    crate::webhooks::enqueue(
        conn,
        Receiver::Integration(integration.id),
        None,
        id,
        event.as_str(),
        &integration.url,
        &body,
        now,
    )?;
    Ok(id)
}
