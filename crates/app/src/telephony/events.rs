//! Taking one signed call event: checked (signature, freshness, replay, every field), then in
//! one transaction the call moves on, lands on the caller's ticket, is logged when it ends —
//! a missed customer call owing a call back, a conversation or a call back settling it — and
//! pops up in the console of the agent whose extension rings.

use chrono::{DateTime, Duration, Utc};
use kefu_api_types::telephony::{CallEventRequest, CallEventResponse};
use kefu_domain::call::{CallDetails, CallDirection};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{CallId, UserId};
use kefu_domain::phone::{PhoneNumber, PhoneRegion};
use kefu_domain::telephony::{
    self as rules, CallEventKind, CallState, EVENTS_KEPT_HOURS, Extension,
};
use kefu_domain::ticket::Ticket;
use kefu_domain::time;
use kefu_store::telephony::{self, PhoneCall, Taken};
use kefu_store::{DbConnection, StoreError, customers, dialect, tickets, users};

use super::settings::{self, Stored};
use super::{call_back, pop, ticket};
use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::outcome::Outcome;
use crate::error::AppError;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;
use crate::tickets::{history, log_call};
use crate::webhooks::sign;

/// The node's mail and book, which filing a call needs.
type Context<'a> = (&'a MailContext, &'a BookCache);

/// A call event, every field checked.
#[derive(Clone, Debug)]
struct Event {
    id: String,
    kind: CallEventKind,
    call_id: String,
    direction: CallDirection,
    from: PhoneNumber,
    to: PhoneNumber,
    extension: Option<Extension>,
    agent_email: Option<EmailAddress>,
    at: DateTime<Utc>,
    duration_seconds: Option<i32>,
    recording_url: Option<String>,
}

impl Event {
    fn check(
        r: CallEventRequest,
        region: Option<PhoneRegion>,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        rules::check_id("id", &r.id)?;
        rules::check_id("call_id", &r.call_id)?;
        let from = PhoneNumber::parse(&r.from, region)?;
        let to = PhoneNumber::parse(&r.to, region)?;
        if from == to {
            return Err(AppError::invalid(
                "invalid_call",
                "the calling and the called number are the same",
            ));
        }
        if r.duration_seconds
            .is_some_and(|d| !(0..=kefu_domain::call::MAX_DURATION_SECONDS).contains(&d))
        {
            return Err(AppError::invalid(
                "invalid_call",
                "`duration_seconds` is between 0 and 86400",
            ));
        }
        Ok(Self {
            id: r.id,
            kind: r.kind,
            call_id: r.call_id,
            direction: r.direction,
            from,
            to,
            extension: r.extension.as_deref().map(Extension::parse).transpose()?,
            agent_email: r
                .agent_email
                .as_deref()
                .map(EmailAddress::parse)
                .transpose()?,
            at: rules::occurred_at(r.occurred_at, now),
            duration_seconds: r.duration_seconds,
            recording_url: r
                .recording_url
                .as_deref()
                .map(rules::recording_url)
                .transpose()?,
        })
    }

    /// The customer's number: the caller on inbound calls, the called party on outbound.
    fn customer_number(&self) -> &PhoneNumber {
        match self.direction {
            CallDirection::Inbound => &self.from,
            CallDirection::Outbound => &self.to,
        }
    }
}

/// Checks `Kefu-Signature` (`t=<Unix seconds>,v1=<hex>`) over `body` under `secret`: fresh,
/// and the HMAC of `<t>.<body>`. Answers the signature, which a replay would repeat.
fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let bad = |why: &'static str| AppError::BadSignature(why.into());
    let header = header.ok_or_else(|| {
        bad("sign the request: Kefu-Signature: t=<Unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">")
    })?;
    let (mut t, mut v1) = (None, None);
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = Some(value),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return Err(bad(
            "Kefu-Signature reads t=<Unix seconds>,v1=<hex HMAC-SHA256>",
        ));
    };
    if !rules::fresh(t, now) {
        return Err(bad(
            "the signature's timestamp is more than 5 minutes from now: sign each request as it is sent",
        ));
    }
    let expected = sign::digest(secret, t, body);
    if !crate::tokens::equal(&expected, v1) {
        return Err(bad("the signature does not match the body"));
    }
    Ok(expected)
}

/// Takes one event from the provider: `signature` is the `Kefu-Signature` header, `body` the
/// raw request body.
pub async fn take(
    app: &App,
    signature: Option<String>,
    body: Vec<u8>,
) -> Result<Outcome<CallEventResponse>, AppError> {
    let stored = app.store.read(settings::read).await?;
    let Some(secret) = &stored.secret else {
        return Err(AppError::NotFound("telephony webhook"));
    };
    let digest = verify(secret, signature.as_deref(), &body, time::now())?;
    let request: CallEventRequest = serde_json::from_slice(&body).map_err(|e| {
        AppError::invalid(
            "invalid_event",
            format!("the call event cannot be read: {e}"),
        )
    })?;
    let region = app.phone_region().await?;
    let event = Event::check(request, region, time::now())?;
    let mail = app.mail_context().await?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let now = time::now();
            let forget = now - Duration::hours(EVENTS_KEPT_HOURS);
            match telephony::take_event(conn, &event.id, &digest, now, forget)? {
                Taken::Replayed => Err(AppError::BadSignature(
                    "this signed request was taken before; a replay is refused".into(),
                )),
                Taken::Repeat => repeat(conn, &event),
                Taken::New => apply(conn, (&mail, &book), &stored, event, now),
            }
        })
        .await
}

/// The answer to an event taken before: the call as it stands.
fn repeat(conn: &mut DbConnection, event: &Event) -> Result<Outcome<CallEventResponse>, AppError> {
    let call =
        telephony::find_for_update(conn, &event.call_id)?.ok_or(AppError::NotFound("call"))?;
    let ticket = tickets::find(conn, call.ticket)?;
    Ok(Outcome::quiet(answer(&call, &ticket, true)))
}

fn answer(call: &PhoneCall, ticket: &Ticket, repeat: bool) -> CallEventResponse {
    CallEventResponse {
        call_id: call.id,
        ticket_id: ticket.id,
        ticket_number: ticket.number.get(),
        state: call.state,
        repeat,
    }
}

/// The agent on the call: by extension, else by sign-in address (active staff only).
fn agent_of(conn: &mut DbConnection, event: &Event) -> Result<Option<UserId>, AppError> {
    if let Some(extension) = &event.extension
        && let Some(agent) = telephony::agent_at(conn, extension)?
    {
        return Ok(Some(agent));
    }
    if let Some(email) = &event.agent_email
        && let Some(found) = users::credentials(conn, email)?
        && found.user.active
        && found.user.role.is_staff()
    {
        return Ok(Some(found.user.id));
    }
    Ok(None)
}

/// Moves the call on with a new event.
fn apply(
    conn: &mut DbConnection,
    context: Context<'_>,
    stored: &Stored,
    event: Event,
    now: DateTime<Utc>,
) -> Result<Outcome<CallEventResponse>, AppError> {
    let existing = telephony::find_for_update(conn, &event.call_id)?;
    let Some(state) = CallState::after(existing.as_ref().map(|c| c.state), event.kind) else {
        // A late or repeated step: the call has moved past it.
        let call = existing.ok_or(AppError::NotFound("call"))?;
        let ticket = tickets::find(conn, call.ticket)?;
        return Ok(Outcome::quiet(answer(&call, &ticket, false)));
    };
    let agent = agent_of(conn, &event)?;
    let (mut call, ticket, name, new_ticket) = match existing {
        Some(call) => {
            dialect::lock_ticket(conn, &call.ticket.to_string())?;
            let ticket = tickets::find(conn, call.ticket)?;
            let name = customers::find(conn, call.customer)?.name;
            (call, ticket, name, false)
        }
        None => {
            let number = event.customer_number().clone();
            let (customer, ticket, new_ticket) =
                ticket::for_caller(conn, context, &stored.settings, &number, now)?;
            let call = PhoneCall {
                id: CallId::new(),
                provider_call_id: event.call_id.clone(),
                ticket: ticket.id,
                customer: customer.id,
                direction: event.direction,
                from: event.from.clone(),
                to: event.to.clone(),
                extension: event.extension.clone(),
                agent,
                state,
                started_at: event.at,
                answered_at: None,
                ended_at: None,
                duration_seconds: None,
                recording_url: None,
                created_at: now,
                updated_at: now,
            };
            match telephony::insert(conn, &call) {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => {
                    return Err(AppError::conflict(
                        "call_busy",
                        "another event of this call is being taken at this moment; send this one again",
                    ));
                }
                Err(error) => return Err(error.into()),
            }
            (call, ticket, customer.name, new_ticket)
        }
    };
    call.state = state;
    call.agent = agent.or(call.agent);
    call.extension = call.extension.or(event.extension);
    match state {
        CallState::Ringing => {}
        CallState::Answered => call.answered_at = Some(event.at),
        CallState::Ended | CallState::Missed => {
            call.ended_at = Some(event.at);
            let talked = call
                .answered_at
                .map_or(0, |a| (event.at - a).num_seconds())
                .clamp(0, i64::from(kefu_domain::call::MAX_DURATION_SECONDS));
            call.duration_seconds = Some(match state {
                CallState::Missed => 0,
                _ => event
                    .duration_seconds
                    .unwrap_or(i32::try_from(talked).unwrap_or(0)),
            });
            call.recording_url = event.recording_url.or(call.recording_url);
        }
    }
    call.updated_at = now;
    telephony::save(conn, &call)?;
    let mut changes = Vec::new();
    if new_ticket {
        changes.push(Change::Ticket {
            id: ticket.id,
            kind: ChangeKind::Created,
        });
    }
    let ticket = if state.is_final() {
        changes.push(Change::Ticket {
            id: ticket.id,
            kind: ChangeKind::CallLogged,
        });
        finish(conn, context, &call, ticket, &name, now)?
    } else {
        ticket
    };
    let events = pop::of(&call, &ticket, &name, new_ticket)
        .into_iter()
        .collect();
    Ok(Outcome::new(answer(&call, &ticket, false), events, changes))
}

/// Logs a finished call on its ticket, and owes or settles the call back.
fn finish(
    conn: &mut DbConnection,
    (mail, book): Context<'_>,
    call: &PhoneCall,
    before: Ticket,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let details = CallDetails {
        direction: call.direction,
        from: call.from.clone(),
        to: call.to.clone(),
        started_at: call.started_at,
        duration_seconds: call.duration_seconds.unwrap_or(0),
        outcome: call.state.outcome(),
        notes: call
            .recording_url
            .as_ref()
            .map(|url| format!("Recording / 录音：{url}")),
    }
    .validated(now)?;
    let (message, mut log) = log_call::entries(&before, details, call.agent, now);
    // The log keeps the call's own id, which its pops carried.
    log.id = call.id;
    log_call::insert(conn, book, &before, (&message, &log), now)?;
    history::index_message(conn, &before, &message)?;
    let facts = call_back::Facts {
        direction: call.direction,
        state: call.state,
        agent: call.agent,
        number: call.from.as_str(),
        name,
    };
    call_back::follow(conn, (mail, book), before, &facts, now)
}
