//! What a finished call does to its ticket: a customer's missed call owes them a call back (a
//! tag, a timeline entry and the `call_back` service-level target); a conversation, or any
//! call an agent makes, settles it. A conversation is also an answer, and the agent who had it
//! owns a ticket nobody had.

use chrono::{DateTime, Utc};
use kefu_domain::call::{CallDetails, CallDirection, CallOutcome};
use kefu_domain::ids::UserId;
use kefu_domain::message::AuthorKind;
use kefu_domain::status;
use kefu_domain::tag::Tag;
use kefu_domain::telephony::{self as rules, CALL_BACK_TAG, CallBack, CallState};
use kefu_domain::ticket::Ticket;
use kefu_store::{DbConnection, customers, messages, tickets};
use serde_json::json;

use crate::error::AppError;
use crate::integrations;
use crate::mail::ingest::system_event;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;
use crate::triggers;

/// A finished call, as its ticket needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts<'a> {
    /// Who called whom.
    pub direction: CallDirection,
    /// `ended` (somebody talked) or `missed`.
    pub state: CallState,
    /// The agent on it.
    pub agent: Option<UserId>,
    /// The calling number.
    pub number: &'a str,
    /// The customer's name.
    pub name: &'a str,
}

/// Follows a call an agent logged by hand on `before`: an inbound call nobody took (missed, a
/// voicemail, a request to call back) owes a call back; a conversation or any outbound call
/// settles it.
pub(crate) fn after_logged(
    conn: &mut DbConnection,
    context: (&MailContext, &BookCache),
    before: Ticket,
    (details, agent): (&CallDetails, UserId),
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let name = customers::find(conn, before.requester)?.name;
    let facts = Facts {
        direction: details.direction,
        state: match details.outcome {
            CallOutcome::Answered => CallState::Ended,
            _ => CallState::Missed,
        },
        agent: Some(agent),
        number: details.customer_number().as_str(),
        name: &name,
    };
    follow(conn, context, before, &facts, now)
}

/// Owes or settles the call back on `before` after the call, and saves the ticket.
pub(crate) fn follow(
    conn: &mut DbConnection,
    (mail, book): (&MailContext, &BookCache),
    before: Ticket,
    call: &Facts<'_>,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let mut after = before.clone();
    let tag = Tag::parse(CALL_BACK_TAG)?;
    let owed = rules::call_back(call.direction, call.state);
    let activity = match owed {
        Some(CallBack::Owed) => {
            if !after.tags.contains(&tag) {
                after.tags.push(tag);
            }
            after.status = status::after_customer_reply(before.status).unwrap_or(before.status);
            let number = call.number;
            messages::insert(
                conn,
                &system_event(
                    &after,
                    format!(
                        "Missed call from {name} ({number}): call them back / 未接来电：{name}（{number}），请回电",
                        name = call.name
                    ),
                    json!({ "call_back": { "number": number } }),
                    now,
                ),
            )?;
            Activity::CallMissed
        }
        Some(CallBack::Settled) => {
            after.tags.retain(|t| *t != tag);
            Activity::CalledBack
        }
        None => Activity::Quiet,
    };
    // Somebody talked with the customer: that is an answer, and the agent who took it owns
    // a ticket nobody had.
    let talked = call.state == CallState::Ended;
    if talked {
        after.stamp_milestones(before.status, true, now);
        if after.assignee.is_none() && call.agent.is_some() {
            after.assignee = call.agent;
            after.status = status::after_assignment(after.status);
        }
    }
    after.updated_at = now;
    if talked {
        let mut answered = before.clone();
        clock::follow(
            conn,
            book,
            &before,
            &mut answered,
            Activity::StaffAnswered,
            now,
        )?;
    }
    clock::follow(conn, book, &before, &mut after, activity, now)?;
    tickets::save(conn, &after)?;
    history::record_as(conn, AuthorKind::System, None, &before, &after, now)?;
    integrations::updated(conn, book, &before, &after, now)?;
    triggers::run::on_status_change(conn, (mail, book), &before, after, now)
}
