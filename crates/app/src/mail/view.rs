//! The email behind timeline entries, as shown: addresses, sanitised HTML, quoted history,
//! why it is on its ticket, and how its delivery went.

use std::collections::HashMap;

use kefu_api_types::mail::{EmailDetails, EmailParty};
use kefu_domain::ids::MessageId;
use kefu_store::mail::email_messages;
use kefu_store::mail::outbox::{self, DeliveryState};
use kefu_store::{DbConnection, StoreError};

use crate::mail::Recipients;

/// The email details of these messages (those that are mail).
pub fn details(
    conn: &mut DbConnection,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, EmailDetails>, StoreError> {
    let records = email_messages::of_messages(conn, messages)?;
    if records.is_empty() {
        return Ok(HashMap::new());
    }
    let sent: Vec<MessageId> = records
        .values()
        .filter(|r| !r.inbound)
        .map(|r| r.message)
        .collect();
    let deliveries: HashMap<MessageId, outbox::OutboxEntry> = outbox::of_messages(conn, &sent)?
        .into_iter()
        .filter_map(|e| e.message.map(|m| (m, e)))
        .collect();
    Ok(records
        .into_iter()
        .map(|(id, record)| {
            let recipients = Recipients::from_json(&record.recipients);
            let delivery = deliveries.get(&id);
            let details = EmailDetails {
                direction: if record.inbound {
                    "inbound"
                } else {
                    "outbound"
                }
                .to_owned(),
                message_id: record.header_id,
                from: EmailParty {
                    name: record.from_name,
                    address: record.from_address,
                },
                to: recipients.to,
                cc: recipients.cc,
                subject: record.subject,
                thread_rule: record.thread_rule,
                html: record.html,
                quoted: record.quoted,
                automatic: record.automatic,
                delivery: delivery.map(|d| {
                    match d.state {
                        DeliveryState::Pending => "pending",
                        DeliveryState::Sent => "sent",
                        DeliveryState::Failed => "failed",
                    }
                    .to_owned()
                }),
                delivery_error: delivery.and_then(|d| d.last_error.clone()),
            };
            (id, details)
        })
        .collect())
}

/// The sanitised HTML of a mail on a ticket the caller may see, as a whole document (the
/// console shows it in a sandboxed frame).
pub async fn html_of(
    app: &crate::App,
    actor: kefu_domain::permissions::Actor,
    reference: crate::tickets::TicketRef,
    message: MessageId,
) -> Result<String, crate::AppError> {
    app.store
        .read(move |conn| {
            let (ticket, _) = crate::tickets::reference::load_visible(conn, &actor, reference)?;
            let html = email_messages::of_messages(conn, &[message])?
                .remove(&message)
                .filter(|record| record.ticket == ticket.id)
                .and_then(|record| record.html)
                .ok_or(crate::AppError::NotFound("mail"))?;
            Ok::<_, crate::AppError>(format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\"><style>body{{font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;margin:8px;color:#222;word-wrap:break-word}}img{{max-width:100%;height:auto}}blockquote{{border-left:3px solid #ccc;margin:0 0 0 4px;padding-left:8px;color:#555}}</style></head><body>{html}</body></html>"
            ))
        })
        .await
}
