//! Mail Kefu sends on its own: the acknowledgement of a ticket a customer's mail opened, the
//! answer to mail too big to take, agents' notifications (assigned to you, customer replied)
//! as each agent chose, and password-reset links. Each is written from its template in its
//! reader's language. Automatic mail to customers is never sent to an address that bounced
//! and is capped per address, so Kefu cannot ping-pong with another helpdesk.

use chrono::{DateTime, Utc};
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::escalation::{Escalation, EscalationStatus, Reminder};
use kefu_domain::ids::UserId;
use kefu_domain::locale::Locale;
use kefu_domain::mail::{self as rules, Mailbox, TemplateKind};
use kefu_domain::message::Message;
use kefu_domain::role::Role;
use kefu_domain::ticket::Ticket;
use kefu_mail::inbound::Peeked;
use kefu_mail::outbound::{Outbound, Party};
use kefu_mail::templates::Rendered;
use kefu_store::mail::mailboxes as stored_mailboxes;
use kefu_store::mail::outbox;
use kefu_store::mail::undeliverable;
use kefu_store::{DbConnection, customers, messages, notification_settings, users};
use serde_json::json;

use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::mail::outgoing::{self, CustomerMail, MailContext};
use crate::mail::templates;

/// Whether automatic mail may go to `address` now: it never bounced and has not had its
/// share of automatic mail in the window.
fn may_mail_automatically(
    conn: &mut DbConnection,
    address: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !undeliverable::among(conn, std::slice::from_ref(address))?.is_empty() {
        return Ok(false);
    }
    let recent = outbox::automatic_to(conn, &address.lookup_key(), now - rules::AUTOMATIC_WINDOW)?;
    Ok(rules::may_send_automatic(recent))
}

/// Mails the customer whose mail opened `ticket` that it was received, with its number —
/// when the mailbox says so and the cap allows; the timeline says it was sent, or why not.
pub(crate) fn acknowledge(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    mailbox: &Mailbox,
    to: Party,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !mailbox.acknowledge {
        return Ok(false);
    }
    let address = EmailAddress::from_stored(to.address.clone());
    if !may_mail_automatically(conn, &address, now)? {
        let shown = address.as_str();
        messages::insert(
            conn,
            &system_event(
                ticket,
                format!(
                    "No acknowledgement was mailed: {shown} bounced before or had too much automatic mail. / 未发送确认邮件：{shown} 曾退信或自动邮件过多。"
                ),
                json!({ "not_acknowledged": shown }),
                now,
            ),
        )?;
        return Ok(false);
    }
    let locale = outgoing::customer_locale(conn, ticket)?;
    let rendered = templates::render(
        conn,
        TemplateKind::Acknowledgement,
        locale,
        &json!({
            "customer": { "name": to.name.clone().unwrap_or_else(|| address.as_str().to_owned()) },
            "ticket": { "number": ticket.number.get(), "subject": ticket.subject },
            "mailbox": { "name": mailbox.name },
        }),
    )?;
    let shown = address.as_str();
    let event = system_event(
        ticket,
        format!("Acknowledgement mailed to {shown} / 已向 {shown} 发送确认邮件"),
        json!({ "acknowledged": shown }),
        now,
    );
    messages::insert(conn, &event)?;
    outgoing::to_customer(
        conn,
        context,
        CustomerMail {
            ticket,
            mailbox,
            to: vec![to],
            cc: Vec::new(),
            rendered,
            automatic: true,
            message: Some(event.id),
            record: true,
            attachments: Vec::new(),
        },
        now,
    )?;
    Ok(true)
}

/// Mails the customer of a solved `ticket` the survey link `url` (good for `days`), in their
/// language, unless their address bounced or had its share of automatic mail; the timeline
/// says which. Returns whether a mail was written.
pub(crate) fn survey(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    (url, days): (&str, u32),
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(requester) = customers::summaries(conn, &[ticket.requester])?.pop() else {
        return Ok(false);
    };
    let Some(address) = requester.email.clone() else {
        return Ok(false);
    };
    let address = EmailAddress::from_stored(address);
    let shown = address.as_str().to_owned();
    if !may_mail_automatically(conn, &address, now)? {
        messages::insert(
            conn,
            &system_event(
                ticket,
                format!(
                    "No survey was mailed: {shown} bounced before or had too much automatic mail. / 未发送满意度调查：{shown} 曾退信或自动邮件过多。"
                ),
                json!({ "survey_not_mailed": shown }),
                now,
            ),
        )?;
        return Ok(false);
    }
    let mailbox = outgoing::ticket_mailbox(conn, context, ticket, now)?;
    let locale = outgoing::customer_locale(conn, ticket)?;
    let rendered = templates::render(
        conn,
        TemplateKind::Survey,
        locale,
        &json!({
            "customer": { "name": requester.name },
            "ticket": { "number": ticket.number.get(), "subject": ticket.subject },
            "survey": { "url": url, "days": days },
            "mailbox": { "name": mailbox.name },
        }),
    )?;
    let event = system_event(
        ticket,
        format!("Satisfaction survey mailed to {shown} / 已向 {shown} 发送满意度调查"),
        json!({ "survey_mailed": shown }),
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
                name: Some(requester.name),
                address: shown,
            }],
            cc: Vec::new(),
            rendered,
            automatic: true,
            message: Some(event.id),
            record: false,
            attachments: Vec::new(),
        },
        now,
    )?;
    Ok(true)
}

/// Tells the sender of a mail too big to take that it was not taken (unless a machine sent
/// it, or the cap says no). Returns whether a mail was written.
pub(crate) fn tell_oversized(
    conn: &mut DbConnection,
    context: &MailContext,
    mailbox: Option<Mailbox>,
    peeked: &Peeked,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if peeked.automatic {
        return Ok(false);
    }
    let Some(address) = peeked
        .sender
        .as_deref()
        .and_then(|s| EmailAddress::parse(s).ok())
    else {
        return Ok(false);
    };
    if !may_mail_automatically(conn, &address, now)? {
        return Ok(false);
    }
    let from = match mailbox {
        Some(mailbox) => party_of(&mailbox),
        None => sender_of(conn, context)?,
    };
    let subject = peeked.subject.clone().unwrap_or_default();
    let locale = Locale::guess(&subject);
    let rendered = templates::render(
        conn,
        TemplateKind::Oversized,
        locale,
        &json!({
            "sender": { "name": peeked.sender_name.clone().unwrap_or_else(|| address.as_str().to_owned()) },
            "original": { "subject": subject },
            "limit_megabytes": context.max_megabytes(),
            "mailbox": { "name": from.name.clone().unwrap_or_default() },
        }),
    )?;
    let to = Party {
        name: peeked.sender_name.clone(),
        address: address.as_str().to_owned(),
    };
    enqueue_plain(conn, context, true, from, to, rendered, None, now)?;
    Ok(true)
}

/// Tells `assignee` that `by` (Kefu's automatic assignment when `None`) assigned them
/// `ticket`, if they want such mail.
pub(crate) fn assigned(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    assignee: UserId,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if by == Some(assignee) {
        return Ok(false);
    }
    let Some(agent) = staff(conn, assignee)? else {
        return Ok(false);
    };
    if !notification_settings::of(conn, assignee)?.assigned {
        return Ok(false);
    }
    let locale = user_locale(&agent);
    let assigned_by = match by {
        Some(by) => users::find(conn, by)?.name,
        None => match locale {
            Locale::En => "Kefu (automatic assignment)".to_owned(),
            Locale::ZhCn => "Kefu（自动分配）".to_owned(),
        },
    };
    let customer = customer_name(conn, ticket)?;
    let rendered = templates::render(
        conn,
        TemplateKind::Assigned,
        locale,
        &json!({
            "agent": { "name": agent.name },
            "assigned_by": { "name": assigned_by },
            "customer": { "name": customer },
            "ticket": ticket_values(context, ticket),
        }),
    )?;
    notify_staff(conn, context, &agent, rendered, ticket, now)?;
    Ok(true)
}

/// Mails `agent` a trigger's words about `ticket` (English and Chinese; theirs first), with a
/// link to it. Returns whether a mail was written (not to inactive staff).
pub(crate) fn trigger_mail(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    agent: UserId,
    (en, zh): (&str, &str),
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(user) = staff(conn, agent)? else {
        return Ok(false);
    };
    let words = crate::triggers::run::pick(user_locale(&user), en, zh);
    let url = context.ticket_url(ticket.number);
    let rendered = Rendered {
        subject: format!("[#{}] {}", ticket.number.get(), ticket.subject),
        text: format!("{words}\n\n{url}\n"),
        html: format!(
            "<!doctype html><html><body>{}<p><a href=\"{}\">#{}</a></p></body></html>",
            kefu_mail::templates::paragraphs(&words),
            templates::escape(&url),
            ticket.number.get()
        ),
    };
    notify_staff(conn, context, &user, rendered, ticket, now)?;
    Ok(true)
}

/// The assignee of `ticket`, when they are active staff who want this notification.
fn assignee_wanting(
    conn: &mut DbConnection,
    ticket: &Ticket,
    wants: fn(&notification_settings::NotificationSettings) -> bool,
) -> Result<Option<User>, AppError> {
    let Some(assignee) = ticket.assignee else {
        return Ok(None);
    };
    let Some(agent) = staff(conn, assignee)? else {
        return Ok(None);
    };
    Ok(wants(&notification_settings::of(conn, assignee)?).then_some(agent))
}

/// Tells the assignee of `ticket` the customer answered with `message`, if they want such
/// mail.
pub(crate) fn customer_replied(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(agent) = assignee_wanting(conn, ticket, |s| s.customer_replied)? else {
        return Ok(false);
    };
    let customer = customer_name(conn, ticket)?;
    let locale = user_locale(&agent);
    let rendered = templates::render(
        conn,
        TemplateKind::CustomerReplied,
        locale,
        &json!({
            "agent": { "name": agent.name },
            "customer": { "name": customer },
            "ticket": ticket_values(context, ticket),
            "message": { "body": message.body },
        }),
    )?;
    notify_staff(conn, context, &agent, rendered, ticket, now)?;
    Ok(true)
}

/// Mails `user` a password-reset link valid for `minutes`.
pub(crate) fn reset_link(
    conn: &mut DbConnection,
    context: &MailContext,
    user: &User,
    url: &str,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rendered = templates::render(
        conn,
        TemplateKind::PasswordReset,
        user_locale(user),
        &json!({
            "user": { "name": user.name },
            "reset": { "url": url, "minutes": minutes },
        }),
    )?;
    let from = sender_of(conn, context)?;
    let to = Party {
        name: Some(user.name.clone()),
        address: user.email.as_str().to_owned(),
    };
    enqueue_plain(conn, context, false, from, to, rendered, None, now)?;
    Ok(())
}

/// Writes a test mail from `admin` to `to` (the console's "send a test mail").
pub(crate) fn test_mail(
    conn: &mut DbConnection,
    context: &MailContext,
    admin: &User,
    to: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let name = templates::escape(&admin.name);
    let rendered = Rendered {
        subject: "Kefu test mail / Kefu 测试邮件".to_owned(),
        text: format!(
            "{} sent this test mail from Kefu's console: mail leaves Kefu the way it is set up.\n\n{} 从 Kefu 控制台发送了这封测试邮件：邮件能按当前设置从 Kefu 发出。\n",
            admin.name, admin.name
        ),
        html: format!(
            "<!doctype html><html><body><p>{name} sent this test mail from Kefu's console: mail leaves Kefu the way it is set up.</p><p>{name} 从 Kefu 控制台发送了这封测试邮件：邮件能按当前设置从 Kefu 发出。</p></body></html>"
        ),
    };
    let from = sender_of(conn, context)?;
    let to = Party {
        name: None,
        address: to.as_str().to_owned(),
    };
    enqueue_plain(conn, context, false, from, to, rendered, None, now)
}

/// An active agent or admin, who can be sent notifications.
fn staff(conn: &mut DbConnection, id: UserId) -> Result<Option<User>, AppError> {
    let user = users::find(conn, id)?;
    Ok((user.active && matches!(user.role, Role::Agent | Role::Admin)).then_some(user))
}

fn user_locale(user: &User) -> Locale {
    user.locale
        .as_deref()
        .and_then(|tag| Locale::parse(tag).ok())
        .unwrap_or(Locale::En)
}

fn customer_name(conn: &mut DbConnection, ticket: &Ticket) -> Result<String, AppError> {
    Ok(customers::summaries(conn, &[ticket.requester])?
        .pop()
        .map(|c| c.name)
        .unwrap_or_default())
}

fn ticket_values(context: &MailContext, ticket: &Ticket) -> serde_json::Value {
    json!({
        "number": ticket.number.get(),
        "subject": ticket.subject,
        "url": context.ticket_url(ticket.number),
    })
}

fn party_of(mailbox: &Mailbox) -> Party {
    Party {
        name: Some(mailbox.name.clone()),
        address: mailbox.address.as_str().to_owned(),
    }
}

/// Who Kefu's own mail comes from: the first mailbox, else `[mail] default_address`.
pub(crate) fn sender_of(conn: &mut DbConnection, context: &MailContext) -> Result<Party, AppError> {
    Ok(match stored_mailboxes::list(conn)?.into_iter().next() {
        Some(mailbox) => party_of(&mailbox),
        None => Party {
            name: Some("Kefu".to_owned()),
            address: context.fallback().to_owned(),
        },
    })
}

fn notify_staff(
    conn: &mut DbConnection,
    context: &MailContext,
    agent: &User,
    rendered: Rendered,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let from = sender_of(conn, context)?;
    let to = Party {
        name: Some(agent.name.clone()),
        address: agent.email.as_str().to_owned(),
    };
    enqueue_plain(conn, context, false, from, to, rendered, Some(ticket), now)
}

/// Writes a mail that threads on nothing (a notice) to the outbox, marked automatic; a
/// `capped` one (to a customer) counts against its recipient's cap.
#[expect(clippy::too_many_arguments, reason = "one mail's parts")]
fn enqueue_plain(
    conn: &mut DbConnection,
    context: &MailContext,
    capped: bool,
    from: Party,
    to: Party,
    rendered: Rendered,
    ticket: Option<&Ticket>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let recipient = EmailAddress::from_stored(to.address.clone()).lookup_key();
    let mail = Outbound {
        message_id: format!(
            "{}@{}",
            kefu_domain::ids::MessageId::new(),
            context.domain()
        ),
        from,
        reply_to: None,
        to: vec![to],
        cc: Vec::new(),
        subject: rendered.subject,
        in_reply_to: None,
        references: Vec::new(),
        thread_topic: String::new(),
        thread_index: String::new(),
        automatic: true,
        text: rendered.text,
        html: Some(rendered.html),
        date: now,
        attachments: Vec::new(),
    };
    let payload = serde_json::to_string(&mail).map_err(|e| AppError::Internal(Box::new(e)))?;
    outbox::enqueue(
        conn,
        ticket.map(|t| t.id),
        None,
        capped.then_some(recipient.as_str()),
        &payload,
        true,
        now,
    )?;
    Ok(())
}

/// What a vendor did, as the agent's notification says it.
fn vendor_action(status: Option<EscalationStatus>, locale: Locale) -> &'static str {
    let zh = locale == Locale::ZhCn;
    match status {
        Some(EscalationStatus::Answered) if zh => "已答复",
        Some(EscalationStatus::Answered) => "answered",
        Some(EscalationStatus::Returned) if zh => "退回了案例",
        Some(EscalationStatus::Returned) => "returned the case",
        Some(EscalationStatus::InfoRequested) if zh => "请求补充信息",
        Some(EscalationStatus::InfoRequested) => "asked for information",
        _ if zh => "留言了",
        _ => "wrote",
    }
}

/// Tells the assignee of `ticket` that `vendor` moved its escalation to `status` (or, with
/// none, wrote on it), if they want such mail.
#[expect(clippy::too_many_arguments, reason = "one notice's parts")]
pub(crate) fn vendor_update(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    escalation: &Escalation,
    vendor: &str,
    status: Option<EscalationStatus>,
    body: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(agent) = assignee_wanting(conn, ticket, |s| s.vendor_update)? else {
        return Ok(false);
    };
    let locale = user_locale(&agent);
    let rendered = templates::render(
        conn,
        TemplateKind::VendorUpdate,
        locale,
        &json!({
            "agent": { "name": agent.name },
            "vendor": { "name": vendor },
            "escalation": {
                "reference": crate::escalations::reference(escalation.id),
                "status": vendor_action(status, locale),
            },
            "ticket": ticket_values(context, ticket),
            "message": { "body": body.unwrap_or_default() },
        }),
    )?;
    notify_staff(conn, context, &agent, rendered, ticket, now)?;
    Ok(true)
}

/// The vendor's active portal users who want this notification.
fn vendor_readers(
    conn: &mut DbConnection,
    users: Vec<kefu_store::vendors::VendorUser>,
    wants: fn(&notification_settings::NotificationSettings) -> bool,
) -> Result<Vec<kefu_store::vendors::VendorUser>, AppError> {
    let mut out = Vec::new();
    for user in users {
        if user.in_portal() && wants(&notification_settings::of(conn, user.id)?) {
            out.push(user);
        }
    }
    Ok(out)
}

fn vendor_party(user: &kefu_store::vendors::VendorUser) -> Party {
    Party {
        name: Some(user.name.clone()),
        address: user.email.as_str().to_owned(),
    }
}

fn escalation_url(context: &MailContext, escalation: &Escalation) -> String {
    format!("{}/vendor/{}", context.console_url(), escalation.id)
}

fn reader_locale(user: &kefu_store::vendors::VendorUser) -> Locale {
    user.locale
        .as_deref()
        .and_then(|tag| Locale::parse(tag).ok())
        .unwrap_or(Locale::En)
}

/// Mails `kind` to each of the escalation's vendor users who `wants` it, with the values
/// `values` gives for them; returns how many were mailed.
fn mail_readers(
    conn: &mut DbConnection,
    context: &MailContext,
    users: Vec<kefu_store::vendors::VendorUser>,
    wants: fn(&notification_settings::NotificationSettings) -> bool,
    kind: TemplateKind,
    values: impl Fn(&kefu_store::vendors::VendorUser) -> serde_json::Value,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let readers = vendor_readers(conn, users, wants)?;
    for user in &readers {
        let rendered = templates::render(conn, kind, reader_locale(user), &values(user))?;
        let from = sender_of(conn, context)?;
        enqueue_plain(
            conn,
            context,
            false,
            from,
            vendor_party(user),
            rendered,
            None,
            now,
        )?;
    }
    Ok(readers.len())
}

/// The values of the `escalation_new` template for `reader` at `vendor`.
fn new_case_values(
    context: &MailContext,
    escalation: &Escalation,
    reader: &str,
    vendor: &str,
) -> serde_json::Value {
    json!({
        "user": { "name": reader },
        "vendor": { "name": vendor },
        "escalation": {
            "reference": crate::escalations::reference(escalation.id),
            "subject": escalation.subject,
            "brief": escalation.brief,
            "answer_by": escalation.answer_by.format("%Y-%m-%d %H:%M UTC").to_string(),
            "url": escalation_url(context, escalation),
        },
    })
}

/// Tells the vendor's portal users a new case was escalated to them — or, when it has none,
/// mails the whole case to its contact addresses; returns how many were told.
pub(crate) fn escalation_new(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &kefu_domain::vendor::Vendor,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let users = kefu_store::vendors::users(conn, vendor.id)?;
    if !users.iter().any(kefu_store::vendors::VendorUser::in_portal) {
        return crate::escalations::by_mail::send_case(conn, context, escalation, vendor, now);
    }
    let values = |user: &kefu_store::vendors::VendorUser| {
        new_case_values(context, escalation, &user.name, &vendor.name)
    };
    let wants = |s: &notification_settings::NotificationSettings| s.escalation_new;
    mail_readers(
        conn,
        context,
        users,
        wants,
        TemplateKind::EscalationNew,
        values,
        now,
    )
}

/// Tells the vendor's portal users the business wrote `body` on their case — or, when it
/// has none, mails `body` to its contact addresses in the case's thread.
pub(crate) fn escalation_reply(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    body: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let url = escalation_url(context, escalation);
    let values = |user: &kefu_store::vendors::VendorUser| {
        json!({
            "user": { "name": user.name },
            "escalation": {
                "reference": crate::escalations::reference(escalation.id),
                "subject": escalation.subject,
                "url": url,
            },
            "message": { "body": body },
        })
    };
    let wants = |s: &notification_settings::NotificationSettings| s.escalation_reply;
    let users = kefu_store::vendors::users(conn, escalation.vendor)?;
    if !users.iter().any(kefu_store::vendors::VendorUser::in_portal) {
        let vendor = kefu_store::vendors::find(conn, escalation.vendor)?;
        return crate::escalations::by_mail::send_reply(
            conn, context, escalation, &vendor, None, body, now,
        );
    }
    mail_readers(
        conn,
        context,
        users,
        wants,
        TemplateKind::EscalationReply,
        values,
        now,
    )
}

/// The words of a reminder in `locale`: its headline and the step due ("acknowledged",
/// "answered").
fn reminder_words(
    reminder: Reminder,
    acknowledging: bool,
    locale: Locale,
) -> (&'static str, &'static str) {
    let zh = locale == Locale::ZhCn;
    let headline = match (reminder, zh) {
        (Reminder::DueSoon, false) => "Due soon",
        (Reminder::DueSoon, true) => "即将到期",
        (Reminder::Overdue, false) => "Overdue",
        (Reminder::Overdue, true) => "已逾期",
    };
    let step = match (acknowledging, zh) {
        (true, false) => "acknowledged",
        (true, true) => "确认",
        (false, false) => "answered",
        (false, true) => "答复",
    };
    (headline, step)
}

/// Reminds the vendor that `escalation` is nearly due or overdue: its portal users who want
/// new cases and reminders, or — for a vendor who works by mail — its contact addresses, in
/// the case's mail thread. Returns how many were told.
pub(crate) fn escalation_reminder(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &kefu_domain::vendor::Vendor,
    reminder: Reminder,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let acknowledging = escalation.status == EscalationStatus::Requested;
    let due_at = escalation
        .due_at()
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let values = |reader: &str, locale: Locale, how: String| {
        let (headline, step) = reminder_words(reminder, acknowledging, locale);
        json!({
            "user": { "name": reader },
            "vendor": { "name": vendor.name },
            "escalation": {
                "reference": crate::escalations::reference(escalation.id),
                "subject": escalation.subject,
            },
            "reminder": { "headline": headline, "step": step, "due_at": due_at, "how": how },
        })
    };
    let users = kefu_store::vendors::users(conn, vendor.id)?;
    if !users.iter().any(kefu_store::vendors::VendorUser::in_portal) {
        let rendered = templates::render(
            conn,
            TemplateKind::EscalationReminder,
            Locale::En,
            &values(
                &vendor.name,
                Locale::En,
                "Reply to this mail to answer.".to_owned(),
            ),
        )?;
        return crate::escalations::by_mail::send_reminder(
            conn, context, escalation, vendor, rendered, now,
        );
    }
    let url = escalation_url(context, escalation);
    let portal = move |user: &kefu_store::vendors::VendorUser| {
        let locale = reader_locale(user);
        let how = if locale == Locale::ZhCn {
            format!("在门户中打开：{url}")
        } else {
            format!("Open it in the portal: {url}")
        };
        values(&user.name, locale, how)
    };
    let wants = |s: &notification_settings::NotificationSettings| s.escalation_new;
    mail_readers(
        conn,
        context,
        users,
        wants,
        TemplateKind::EscalationReminder,
        portal,
        now,
    )
}
