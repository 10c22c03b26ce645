//! Running the triggers of an event on one ticket, in the transaction of the event: each
//! matching trigger's changes are saved, its notes and mails written, its run recorded on the
//! timeline with its name; a change of status it makes sets off the `status_changed` triggers
//! in turn, at most [`MAX_DEPTH`] deep, each trigger once per chain, and a ticket takes at
//! most [`MAX_RUNS_PER_HOUR`] runs an hour.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::ids::{MessageId, TriggerId};
use kefu_domain::locale::Locale;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::role::Role;
use kefu_domain::status;
use kefu_domain::ticket::{Status, Ticket};
use kefu_domain::triggers::{self, Action, MAX_DEPTH, MAX_RUNS_PER_HOUR, Trigger, TriggerEvent};
use kefu_store::{DbConnection, messages, teams, tickets, users};
use serde_json::json;

use crate::error::AppError;
use crate::integrations;
use crate::mail::ingest::system_event;
use crate::mail::notices;
use crate::mail::outgoing::{self, MailContext};
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;

/// What running triggers needs from the node: mail and the book of triggers.
pub type Context<'a> = (&'a MailContext, &'a BookCache);

/// Runs the triggers of `event` on `ticket` (written already); `key` names this event, so a
/// trigger acts on it once even when two nodes see it. Returns the ticket as they left it.
pub fn on(
    conn: &mut DbConnection,
    (mail, sla): Context<'_>,
    ticket: Ticket,
    event: TriggerEvent,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let book = sla.get(conn)?;
    if !book.triggers.iter().any(|t| t.active && t.event == event) {
        return Ok(ticket);
    }
    let mut ran: Vec<TriggerId> = Vec::new();
    let mut current = ticket;
    let mut pending = vec![(event, key.to_owned(), 1u8)];
    while !pending.is_empty() {
        let (event, key, depth) = pending.remove(0);
        let due: Vec<Trigger> = triggers::in_order(&book.triggers, event, &ran)
            .into_iter()
            .cloned()
            .collect();
        for trigger in due {
            // Earlier triggers of this event may have changed the ticket.
            if !trigger.matches(&current) || current.status == Status::Closed {
                continue;
            }
            if kefu_store::triggers::runs_since(conn, current.id, now - Duration::hours(1))?
                >= MAX_RUNS_PER_HOUR
            {
                messages::insert(conn, &capped(&current, &trigger, now))?;
                return Ok(current);
            }
            if !kefu_store::triggers::record_run(conn, trigger.id, current.id, &key, now)? {
                continue;
            }
            ran.push(trigger.id);
            let before = current.clone();
            current = act(conn, (mail, sla), &trigger, before.clone(), now)?;
            if current.status != before.status && depth < MAX_DEPTH {
                pending.push((
                    TriggerEvent::StatusChanged,
                    format!("status:{}:{}", trigger.id, now.timestamp_micros()),
                    depth + 1,
                ));
            }
        }
    }
    Ok(current)
}

/// Runs the `status_changed` triggers on `after` when its status differs from `before`'s;
/// returns the ticket as they left it.
pub(crate) fn on_status_change(
    conn: &mut DbConnection,
    context: Context<'_>,
    before: &Ticket,
    after: Ticket,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    if after.status == before.status {
        return Ok(after);
    }
    let key = status_key(before, &after, now);
    on(conn, context, after, TriggerEvent::StatusChanged, &key, now)
}

/// The key of a change of status from `before` to `after` at `now`.
pub fn status_key(before: &Ticket, after: &Ticket, now: DateTime<Utc>) -> String {
    format!(
        "status:{}>{}:{}",
        before.status.as_str(),
        after.status.as_str(),
        now.timestamp_micros()
    )
}

/// Does what `trigger` says to `before`; returns the ticket after.
pub(crate) fn act(
    conn: &mut DbConnection,
    (mail, sla): Context<'_>,
    trigger: &Trigger,
    before: Ticket,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let mut after = trigger.change(&before);
    let mut skipped: Vec<String> = Vec::new();
    if after.status != before.status
        && status::check_transition(before.status, after.status, Role::Admin).is_err()
    {
        skipped.push(format!("status {}", after.status.as_str()));
        after.status = before.status;
    }
    if let Some(team) = after.team
        && after.team != before.team
        && !teams::exists(conn, team)?
    {
        skipped.push(format!("team {team}"));
        after.team = before.team;
    }
    if let Some(agent) = after.assignee
        && after.assignee != before.assignee
    {
        match users::find(conn, agent) {
            Ok(user) if user.active && user.role.is_staff() => {
                if after.status == before.status {
                    after.status = status::after_assignment(before.status);
                }
            }
            _ => {
                skipped.push(format!("agent {agent}"));
                after.assignee = before.assignee;
            }
        }
    }
    after.stamp_milestones(before.status, false, now);
    // A run is activity: a scheduled trigger waits for a new quiet spell.
    after.updated_at = now;
    clock::follow(conn, sla, &before, &mut after, Activity::Quiet, now)?;
    tickets::save(conn, &after)?;
    history::record_as(conn, AuthorKind::System, None, &before, &after, now)?;
    if (&after.team, after.stage) != (&before.team, before.stage) {
        history::reindex(conn, &after)?;
    }
    integrations::updated(conn, sla, &before, &after, now)?;
    let mut done: Vec<&str> = Vec::new();
    for action in &trigger.actions {
        match action {
            Action::Note { text_en, text_zh } => {
                let written = note(&after, both(text_en, text_zh), now);
                messages::insert(conn, &written)?;
                integrations::message_created(conn, sla, &after, &written, now)?;
                done.push("note");
            }
            Action::EmailRequester { text_en, text_zh } => {
                let locale = outgoing::customer_locale(conn, &after)?;
                let reply = public_reply(&after, pick(locale, text_en, text_zh), now);
                messages::insert(conn, &reply)?;
                integrations::message_created(conn, sla, &after, &reply, now)?;
                if outgoing::reply_by_mail(conn, mail, &after, &reply, None, now)? {
                    done.push("email_requester");
                }
            }
            Action::EmailAssignee { text_en, text_zh } => {
                if let Some(agent) = after.assignee
                    && notices::trigger_mail(conn, mail, &after, agent, (text_en, text_zh), now)?
                {
                    done.push("email_assignee");
                }
            }
            Action::CallWebhook { integration } => {
                if integrations::trigger_call(conn, sla, *integration, &trigger.name, &after, now)?
                {
                    done.push("call_webhook");
                } else {
                    skipped.push(format!("integration {integration}"));
                }
            }
            _ => {}
        }
    }
    if let Some(agent) = after.assignee
        && after.assignee != before.assignee
    {
        notices::assigned(conn, mail, &after, agent, None, now)?;
    }
    crate::surveys::invite::on_solved(conn, mail, (&before, &after), now)?;
    let name = &trigger.name;
    messages::insert(
        conn,
        &system_event(
            &after,
            format!("Trigger “{name}” ran / 触发器“{name}”已执行"),
            json!({ "trigger": {
                "id": trigger.id,
                "name": name,
                "event": trigger.event.as_str(),
                "mailed": done,
                "skipped": skipped,
            } }),
            now,
        ),
    )?;
    Ok(after)
}

/// "English / 中文", or the one given.
fn both(en: &str, zh: &str) -> String {
    match (en.trim(), zh.trim()) {
        ("", zh) => zh.to_owned(),
        (en, "") => en.to_owned(),
        (en, zh) => format!("{en} / {zh}"),
    }
}

/// The text in `locale`, else the other.
pub(crate) fn pick(locale: Locale, en: &str, zh: &str) -> String {
    let (first, second) = match locale {
        Locale::En => (en, zh),
        Locale::ZhCn => (zh, en),
    };
    if first.trim().is_empty() {
        second
    } else {
        first
    }
    .to_owned()
}

fn note(ticket: &Ticket, body: String, now: DateTime<Utc>) -> Message {
    Message {
        id: MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Note,
        visibility: Visibility::Internal,
        author_kind: AuthorKind::System,
        author_user: None,
        author_customer: None,
        channel: ticket.channel,
        body,
        data: None,
        created_at: now,
    }
}

fn public_reply(ticket: &Ticket, body: String, now: DateTime<Utc>) -> Message {
    Message {
        kind: MessageKind::Reply,
        visibility: Visibility::Public,
        ..note(ticket, body, now)
    }
}

/// The timeline entry saying the ticket had its share of trigger runs this hour.
fn capped(ticket: &Ticket, trigger: &Trigger, now: DateTime<Utc>) -> Message {
    let name = &trigger.name;
    system_event(
        ticket,
        format!(
            "Trigger “{name}” did not run: this ticket had {MAX_RUNS_PER_HOUR} trigger runs in the last hour. / 触发器“{name}”未执行：本工单在过去一小时内已执行 {MAX_RUNS_PER_HOUR} 次触发器。"
        ),
        json!({ "trigger_capped": { "id": trigger.id, "name": name } }),
        now,
    )
}
