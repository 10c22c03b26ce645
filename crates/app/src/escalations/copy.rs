//! Copying a vendor's reply into a public reply to the customer (agents): deliberate, one
//! action, and recorded on both sides (the reply names the escalation entry it came from, the
//! escalation's thread says it was copied).

use kefu_api_types::escalations::CopyToReplyRequest;
use kefu_api_types::tickets::MessageResponse;
use kefu_domain::escalation::{EntryKind, Side};
use kefu_domain::ids::{EscalationId, EscalationMessageId};
use kefu_domain::message::{AuthorKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::{escalations, messages, tickets, vendors};
use serde_json::json;

use super::moves::locked_ticket;
use super::{entry, load, reference, ticket_event};
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::post_message::{self, PostMessage};
use crate::{App, view};

/// Posts the vendor's reply `entry_id` of escalation `id` (or the agent's edit of it) as a
/// public reply on the ticket.
pub async fn copy_to_reply(
    app: &App,
    actor: Actor,
    id: EscalationId,
    entry_id: EscalationMessageId,
    request: CopyToReplyRequest,
) -> Result<Changed<MessageResponse>, AppError> {
    actor.may_work_tickets()?;
    let edited = request
        .body
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .map(text::body)
        .transpose()?;
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let (ticket, reply) = app
        .store
        .write(move |conn| {
            let now = time::now();
            super::side_of(&actor)?;
            locked_ticket(conn, id)?;
            let (escalation, side) = load(conn, &actor, id, true)?;
            debug_assert_eq!(side, Side::Staff);
            let source = escalations::thread(conn, id)?
                .into_iter()
                .find(|m| m.id == entry_id)
                .filter(|m| m.kind == EntryKind::Reply && m.author_kind == AuthorKind::Vendor)
                .ok_or_else(|| {
                    AppError::invalid(
                        "invalid_copy",
                        "only a vendor's reply in this escalation can be copied to the customer",
                    )
                })?;
            let command = PostMessage {
                body: edited.unwrap_or(source.body),
                visibility: Visibility::Public,
                status: None,
                channel: None,
                recipients: None,
            };
            // The customer's reply carries nothing of the escalation: the copy is recorded in
            // an internal event beside it, and in the escalation's thread.
            let (ticket, message) = post_message::write(
                conn,
                &actor,
                TicketRef::Id(escalation.ticket),
                command,
                (&mail, &sla),
                None,
            )?;
            let after = tickets::find(conn, ticket)?;
            let vendor = vendors::find(conn, escalation.vendor)?;
            let noted = ticket_event(
                &after,
                &escalation,
                &vendor.name,
                Some(&actor),
                format!(
                    "Copied {vendor}'s answer ({r}) into a reply / 已将 {vendor} 的答复（{r}）复制到回复中",
                    vendor = vendor.name,
                    r = reference(id),
                ),
                json!({ "copied_from": { "entry": entry_id, "message": message.id } }),
                now,
            );
            messages::insert(conn, &noted)?;
            let copied = entry(
                id,
                EntryKind::Event,
                Some((&actor, Side::Staff)),
                String::new(),
                Some(json!({ "copied": { "entry": entry_id } })),
                now,
            );
            escalations::insert_messages(conn, &[copied])?;
            let reply = view::messages(conn, vec![message], region)?
                .pop()
                .ok_or_else(|| AppError::internal("the reply went missing"))?;
            Ok::<_, AppError>((ticket, reply))
        })
        .await?;
    Ok(Changed::ticket(reply, ticket, ChangeKind::MessagePosted))
}
