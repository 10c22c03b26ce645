//! Moving an escalation through its lifecycle. The vendor acknowledges, works, answers, asks
//! or returns; the agent closes, reopens, sends again or cancels. A move that hands the case
//! back (answered, returned, information requested) brings the ticket back to `open`; a move
//! that hands it to the vendor again puts an open ticket back on hold.

use kefu_api_types::escalations::{EscalationDetail, MoveEscalationRequest};
use kefu_domain::audit::AuditAction;
use kefu_domain::escalation::{EntryKind, Escalation, EscalationStatus, Side};
use kefu_domain::ids::{EscalationId, TicketId};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::Status;
use kefu_domain::webhook::WebhookEvent;
use kefu_domain::{status, text, time};
use kefu_store::{DbConnection, dialect, escalations, messages, tickets, vendors};
use serde_json::json;

use super::{entry, load, reference, status_words, ticket_event};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::integrations;
use crate::mail::notices;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;
use kefu_domain::integration::IntegrationEvent;

/// Moves escalation `id` to the status `request` asks for, posting its reply first if it
/// carries one.
pub async fn move_to(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: EscalationId,
    request: MoveEscalationRequest,
) -> Result<Changed<EscalationDetail>, AppError> {
    let body = request
        .body
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .map(text::body)
        .transpose()?;
    let mail = app.mail_context().await?;
    let book = app.sla_book.clone();
    let (ticket, detail) = app
        .store
        .write(move |conn| {
            let now = time::now();
            super::side_of(&actor)?;
            let ticket_id = locked_ticket(conn, id)?;
            let (mut escalation, side) = load(conn, &actor, id, true)?;
            let from = escalation.move_to(request.status, side, now)?;
            let sent_again = from == EscalationStatus::Returned
                && escalation.status == EscalationStatus::Requested;
            if sent_again {
                // A case sent again is a new request: its clock starts now.
                let vendor = vendors::find(conn, escalation.vendor)?;
                let (acknowledge_by, answer_by) = vendor.targets.due_times(now);
                escalation.requested_at = now;
                escalation.acknowledge_by = acknowledge_by;
                escalation.answer_by = answer_by;
                notices::escalation_new(conn, &mail, &escalation, &vendor, now)?;
            }
            escalations::save(conn, &escalation)?;
            let mut thread = Vec::new();
            if let Some(body) = body.clone() {
                thread.push(entry(
                    id,
                    EntryKind::Reply,
                    Some((&actor, side)),
                    body,
                    None,
                    now,
                ));
            }
            thread.push(entry(
                id,
                EntryKind::Event,
                Some((&actor, side)),
                String::new(),
                Some(json!({ "from": from, "to": escalation.status })),
                now,
            ));
            escalations::insert_messages(conn, &thread)?;
            let step = Step {
                actor: Some(&actor),
                side,
                from,
                body: body.as_deref(),
            };
            follow_on_ticket(conn, (&mail, &book), &step, &escalation, now)?;
            if side == Side::Staff {
                crate::webhooks::announce(
                    conn,
                    &escalation,
                    WebhookEvent::StatusChanged,
                    body.as_deref(),
                    now,
                )?;
            }
            audit::record_by(
                conn,
                &origin,
                AuditAction::EscalationMoved,
                &actor,
                Some(Target::new("escalation", id, reference(id))),
                Some(json!({ "from": from, "to": escalation.status })),
                now,
            )?;
            let detail = super::show::detail(conn, escalation, side)?;
            Ok::<_, AppError>((ticket_id, detail))
        })
        .await?;
    Ok(Changed::ticket(detail, ticket, ChangeKind::Escalation))
}

/// Locks the ticket of escalation `id` before the escalation itself, so a change to the
/// ticket and one to its escalation never wait on each other in opposite orders.
pub(crate) fn locked_ticket(
    conn: &mut DbConnection,
    id: EscalationId,
) -> Result<TicketId, AppError> {
    let ticket = escalations::find(conn, id)
        .map_err(AppError::not_found_as("escalation"))?
        .ticket;
    dialect::lock_ticket(conn, &ticket.to_string())?;
    Ok(ticket)
}

/// One step on an escalation: who took it, from which status, with what words.
pub(crate) struct Step<'a> {
    /// Who took it; `None` when the vendor acted by mail.
    pub actor: Option<&'a Actor>,
    /// Their side.
    pub side: Side,
    /// The status it left.
    pub from: EscalationStatus,
    /// The reply posted with it.
    pub body: Option<&'a str>,
}

/// What an escalation's move does to its ticket: an event on the timeline, the status change
/// the move implies, and mail to whoever waits on the other side.
pub(crate) fn follow_on_ticket(
    conn: &mut DbConnection,
    (mail, book): (&MailContext, &BookCache),
    step: &Step<'_>,
    escalation: &Escalation,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let Step {
        actor,
        side,
        from,
        body,
    } = *step;
    let before = tickets::find(conn, escalation.ticket)?;
    let vendor = vendors::find(conn, escalation.vendor)?;
    let mut after = before.clone();
    let to = escalation.status;
    let wanted = if side == Side::Vendor && to.hands_back() {
        Some(Status::Open)
    } else if side == Side::Staff && to.awaits_vendor() && before.status == Status::Open {
        Some(Status::OnHold)
    } else if to.is_final() && before.status == Status::OnHold && !others_await(conn, escalation)? {
        Some(Status::Open)
    } else {
        None
    };
    if let Some(next) = wanted.filter(|s| status::transition_exists(before.status, *s)) {
        after.status = next;
    }
    let event = ticket_event(
        &after,
        escalation,
        &vendor.name,
        actor,
        format!(
            "Escalation {reference} to {vendor}: {words}",
            reference = reference(escalation.id),
            vendor = vendor.name,
            words = status_words(to),
        ),
        json!({ "from": from, "to": to, "body": body }),
        now,
    );
    messages::insert(conn, &event)?;
    after.updated_at = now;
    if after.status != before.status {
        tickets::save(conn, &after)?;
        match actor {
            Some(actor) => crate::tickets::history::record(conn, actor, &before, &after, now)?,
            None => crate::tickets::history::record_as(
                conn,
                kefu_domain::message::AuthorKind::Vendor,
                None,
                &before,
                &after,
                now,
            )?,
        };
    } else {
        tickets::touch(conn, after.id, now)?;
    }
    integrations::updated(conn, book, &before, &after, now)?;
    let change = json!({ "from": from, "to": to, "by": side.as_str(), "body": body });
    integrations::escalation_event(
        conn,
        book,
        IntegrationEvent::EscalationUpdated,
        escalation,
        Some(("change", change)),
        now,
    )?;
    if side == Side::Staff
        && body.is_none()
        && to.is_final()
        && super::by_mail::works_by_mail(conn, &vendor)?
    {
        super::by_mail::send_ended(conn, mail, escalation, &vendor, now)?;
    }
    let handed_back = (side == Side::Vendor && to.hands_back()).then_some(to);
    if handed_back.is_some() || body.is_some() {
        tell_other_side(
            conn,
            mail,
            side,
            &after,
            escalation,
            &vendor.name,
            handed_back,
            body,
            now,
        )?;
    }
    Ok(())
}

/// Mails the other side of an escalation: the ticket's assignee when the vendor acted, the
/// vendor's portal users when an agent wrote. Each reader's own settings decide.
#[expect(clippy::too_many_arguments, reason = "one notice's parts")]
pub(crate) fn tell_other_side(
    conn: &mut DbConnection,
    mail: &MailContext,
    side: Side,
    ticket: &kefu_domain::ticket::Ticket,
    escalation: &Escalation,
    vendor: &str,
    status: Option<EscalationStatus>,
    body: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    match (side, body) {
        (Side::Vendor, _) => {
            notices::vendor_update(conn, mail, ticket, escalation, vendor, status, body, now)?;
        }
        (Side::Staff, Some(body)) => {
            notices::escalation_reply(conn, mail, escalation, body, now)?;
        }
        (Side::Staff, None) => {}
    }
    Ok(())
}

/// Whether another escalation of the same ticket still waits on its vendor.
fn others_await(conn: &mut DbConnection, escalation: &Escalation) -> Result<bool, AppError> {
    Ok(escalations::for_ticket(conn, escalation.ticket)?
        .iter()
        .any(|e| e.id != escalation.id && e.status.awaits_vendor()))
}
