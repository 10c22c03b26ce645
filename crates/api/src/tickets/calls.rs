//! `POST /api/v1/tickets/{id}/calls`: logging a phone call on a ticket.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{CallInput, MessageResponse, PostCallRequest};
use kefu_domain::call::{CallDetails, CallLog};
use kefu_domain::ids::{CallId, MessageId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::phone::{PhoneNumber, PhoneRegion};
use kefu_domain::ticket::Ticket;
use kefu_store::{DbConnection, StoreError, calls, messages, reads, tickets};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::tickets::search_document;
use crate::view;

/// Parses a call's numbers and checks its details fit together.
pub fn parse(
    input: CallInput,
    region: Option<PhoneRegion>,
    now: DateTime<Utc>,
) -> Result<CallDetails, ApiError> {
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

/// The timeline entry and call log for a call on `ticket`; the entry is internal, since call
/// notes are written for agents.
pub fn entries(
    ticket: &Ticket,
    details: CallDetails,
    actor: &Actor,
    now: DateTime<Utc>,
) -> (Message, CallLog) {
    let message = Message {
        id: MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Call,
        visibility: Visibility::Internal,
        author_kind: AuthorKind::Agent,
        author_user: Some(actor.user),
        author_customer: None,
        channel: kefu_domain::ticket::Channel::Phone,
        body: details.notes.clone().unwrap_or_default(),
        data: None,
        created_at: now,
    };
    let call = CallLog {
        id: CallId::new(),
        ticket: ticket.id,
        message: message.id,
        details,
        logged_by: Some(actor.user),
        created_at: now,
    };
    (message, call)
}

/// Stores a call's entry and log.
pub fn insert(
    conn: &mut DbConnection,
    message: &Message,
    call: &CallLog,
) -> Result<(), StoreError> {
    messages::insert(conn, message)?;
    calls::insert(conn, call)
}

/// Log a phone call on an existing ticket (agents).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/calls", operation_id = "log_call", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = PostCallRequest,
    responses(
        (status = 201, description = "The call's timeline entry", body = MessageResponse),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn post(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<PostCallRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.actor.may_work_tickets()?;
    let reference = TicketRef::parse(&path)?;
    let now = kefu_domain::time::now();
    let details = parse(body.into_inner().call, state.phone_region, now)?;
    let actor = auth.actor;
    let entry = state
        .store
        .write(move |conn| {
            let (ticket, _) = load_for_update(conn, &actor, reference)?;
            let now = kefu_domain::time::now();
            if ticket.status == kefu_domain::ticket::Status::Closed {
                return Err(kefu_domain::DomainError::TicketClosed.into());
            }
            let (message, call) = entries(&ticket, details, &actor, now);
            insert(conn, &message, &call)?;
            tickets::touch(conn, ticket.id, now)?;
            reads::mark_seen(conn, actor.user, ticket.id, now)?;
            search_document::refresh(conn, &ticket)?;
            Ok::<_, ApiError>(view::messages(conn, vec![message])?)
        })
        .await?;
    let entry = entry
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal("the call entry went missing".into()))?;
    Ok(HttpResponse::Created().json(entry))
}
