//! Logging a phone call on an existing ticket (agents).

use chrono::{DateTime, Utc};
use kefu_api_types::tickets::{CallInput, MessageResponse};
use kefu_domain::call::{CallDetails, CallLog};
use kefu_domain::ids::{CallId, MessageId, UserId};
use kefu_domain::integration::IntegrationEvent;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::phone::{PhoneNumber, PhoneRegion};
use kefu_domain::ticket::{Channel, Status, Ticket};
use kefu_domain::{DomainError, time};
use kefu_store::{DbConnection, calls, messages, reads};

use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::integrations;
use crate::sla::book::BookCache;
use crate::telephony::call_back;
use crate::tickets::history;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::{App, view};

/// Parses a call's numbers and checks its details fit together.
pub fn parse_call(
    input: CallInput,
    region: Option<PhoneRegion>,
    now: DateTime<Utc>,
) -> Result<CallDetails, AppError> {
    Ok(CallDetails {
        direction: input.direction,
        from: PhoneNumber::parse(&input.from, region)?,
        to: PhoneNumber::parse(&input.to, region)?,
        started_at: input.started_at.unwrap_or(now),
        duration_seconds: input.duration_seconds,
        outcome: input.outcome,
        notes: input.notes,
    }
    .validated(now)?)
}

/// The timeline entry and call log for a call on `ticket`, logged by `agent` (Kefu itself when
/// none); the entry is internal, since call notes are written for agents.
pub(crate) fn entries(
    ticket: &Ticket,
    details: CallDetails,
    agent: Option<UserId>,
    now: DateTime<Utc>,
) -> (Message, CallLog) {
    let message = Message {
        id: MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Call,
        visibility: Visibility::Internal,
        author_kind: if agent.is_some() {
            AuthorKind::Agent
        } else {
            AuthorKind::System
        },
        author_user: agent,
        author_customer: None,
        channel: Channel::Phone,
        body: details.notes.clone().unwrap_or_default(),
        data: None,
        created_at: now,
    };
    let call = CallLog {
        id: CallId::new(),
        ticket: ticket.id,
        message: message.id,
        details,
        logged_by: agent,
        created_at: now,
    };
    (message, call)
}

/// Stores a call's entry and log on `ticket`, and tells the integrations that hear of calls.
pub(crate) fn insert(
    conn: &mut DbConnection,
    book: &BookCache,
    ticket: &Ticket,
    (message, call): (&Message, &CallLog),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    messages::insert(conn, message)?;
    calls::insert(conn, call)?;
    let call = integrations::payload::call(call);
    integrations::ticket_event(
        conn,
        book,
        IntegrationEvent::CallLogged,
        ticket,
        Some(("call", call)),
        now,
    )
}

/// Logs the call on the ticket as `actor`.
pub async fn log(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    input: CallInput,
) -> Result<Changed<MessageResponse>, AppError> {
    actor.may_work_tickets()?;
    let region = app.phone_region().await?;
    let call = parse_call(input, region, time::now())?;
    let book = app.sla_book.clone();
    let mail = app.mail_context().await?;
    let (ticket, entry) = app
        .store
        .write(move |conn| {
            let (ticket, _) = load_for_update(conn, &actor, reference)?;
            let now = time::now();
            if ticket.status == Status::Closed {
                return Err(DomainError::TicketClosed.into());
            }
            let (message, log) = entries(&ticket, call, Some(actor.user), now);
            insert(conn, &book, &ticket, (&message, &log), now)?;
            let ticket = call_back::after_logged(
                conn,
                (&mail, &book),
                ticket,
                (&log.details, actor.user),
                now,
            )?;
            reads::mark_seen(conn, actor.user, ticket.id, now)?;
            history::index_message(conn, &ticket, &message)?;
            let entry = view::messages(conn, vec![message], region)?
                .pop()
                .ok_or_else(|| AppError::internal("the call entry went missing"))?;
            Ok::<_, AppError>((ticket.id, entry))
        })
        .await?;
    Ok(Changed::ticket(entry, ticket, ChangeKind::CallLogged))
}
