//! Telling the customer of a visit: proposed, confirmed, moved or cancelled — a mail in their
//! language on the ticket's thread, with an iCalendar invitation their calendar adds, updates
//! or removes (the visit's id is its `UID`, each change raises its `SEQUENCE`).

use chrono::{DateTime, Utc};
use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;
use kefu_domain::ticket::Ticket;
use kefu_domain::visit::Visit;
use kefu_mail::ical::{Invitation, Method};
use kefu_mail::outbound::{OutboundFile, Party};
use kefu_store::{DbConnection, customers, messages};
use serde_json::json;

use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::mail::outgoing::{self, CustomerMail, MailContext};
use crate::mail::templates;

/// What the customer is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Told {
    /// A time is offered.
    Proposed,
    /// The time is agreed.
    Confirmed,
    /// It moved to another time.
    Moved,
    /// It is called off.
    Cancelled,
}

fn headline(told: Told, locale: Locale) -> &'static str {
    match (told, locale == Locale::ZhCn) {
        (Told::Proposed, false) => "We propose a visit",
        (Told::Proposed, true) => "我们建议的上门时间",
        (Told::Confirmed, false) => "Your visit is confirmed",
        (Told::Confirmed, true) => "上门服务已确认",
        (Told::Moved, false) => "Your visit has a new time",
        (Told::Moved, true) => "上门时间已变更",
        (Told::Cancelled, false) => "Your visit is cancelled",
        (Told::Cancelled, true) => "上门服务已取消",
    }
}

/// The window as the customer reads it.
fn window_words(visit: &Visit, locale: Locale) -> String {
    let (start, end) = (visit.window.start, visit.window.end);
    let same_day = start.date_naive() == end.date_naive();
    match (locale == Locale::ZhCn, same_day) {
        (true, true) => format!(
            "{}–{}（UTC）",
            start.format("%Y年%m月%d日 %H:%M"),
            end.format("%H:%M")
        ),
        (true, false) => format!(
            "{} – {}（UTC）",
            start.format("%Y年%m月%d日 %H:%M"),
            end.format("%Y年%m月%d日 %H:%M")
        ),
        (false, true) => format!(
            "{}–{} UTC",
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%H:%M")
        ),
        (false, false) => format!(
            "{} – {} UTC",
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%a %-d %b %Y, %H:%M")
        ),
    }
}

/// Mails the customer of `ticket` what `told` says about `visit` (done by `technician`);
/// without an address for them, the timeline says so. Returns whether a mail was written.
pub(crate) fn tell(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    visit: &Visit,
    technician: &str,
    told: Told,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let customer = customers::summaries(conn, &[ticket.requester])?.pop();
    let Some((name, address)) = customer.and_then(|c| c.email.map(|e| (c.name, e))) else {
        messages::insert(
            conn,
            &system_event(
                ticket,
                "The customer has no email address: tell them of the visit another way. / 客户没有邮箱地址：请用其他方式告知上门安排。".to_owned(),
                json!({ "visit_not_mailed": visit.id }),
                now,
            ),
        )?;
        return Ok(false);
    };
    let locale = outgoing::customer_locale(conn, ticket)?;
    let mailbox = outgoing::ticket_mailbox(conn, context, ticket, now)?;
    let words = headline(told, locale);
    let rendered = templates::render(
        conn,
        TemplateKind::Visit,
        locale,
        &json!({
            "customer": { "name": name },
            "ticket": { "number": ticket.number.get() },
            "visit": {
                "headline": words,
                "window": window_words(visit, locale),
                "address": visit.address,
                "technician": technician,
                "task": visit.task,
            },
            "mailbox": { "name": mailbox.name },
        }),
    )?;
    let uid = format!("visit-{}@{}", visit.id, context.domain());
    let organizer = context
        .replies()
        .address(mailbox.address.as_str(), ticket.number);
    let method = if told == Told::Cancelled {
        Method::Cancel
    } else {
        Method::Request
    };
    let summary = format!("{words} · #{}", ticket.number.get());
    let invitation = Invitation {
        uid: &uid,
        sequence: visit.sequence,
        method,
        window: (visit.window.start, visit.window.end),
        summary: &summary,
        location: &visit.address,
        description: &visit.task,
        organizer: &organizer,
        attendee: &address,
        stamp: now,
    };
    let ics = invitation.render();
    let method_name = if method == Method::Cancel {
        "CANCEL"
    } else {
        "REQUEST"
    };
    let event = system_event(
        ticket,
        format!("Visit mail sent to {address}: {words} / 已向 {address} 发送上门通知"),
        json!({ "visit_mailed": { "visit": visit.id, "to": address } }),
        now,
    );
    messages::insert(conn, &event)?;
    outgoing::to_customer(
        conn,
        context,
        CustomerMail {
            ticket,
            mailbox: &mailbox,
            to: vec![Party {
                name: Some(name),
                address,
            }],
            cc: Vec::new(),
            rendered,
            automatic: true,
            message: Some(event.id),
            record: false,
            attachments: vec![OutboundFile {
                name: "visit.ics".to_owned(),
                content_type: format!("text/calendar; charset=utf-8; method={method_name}"),
                content: ics,
            }],
        },
        now,
    )?;
    Ok(true)
}
