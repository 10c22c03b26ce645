//! Escalations to a vendor who works by mail (one without active portal users). The case
//! goes to the vendor's contact addresses with everything shared and a signed reply address
//! of its own; the business's replies follow in the same thread. The vendor's replies come
//! back into the escalation — never the customer's thread, never a new ticket — by the reply
//! address or the Message-IDs Kefu sent, and a reply's first word may say what it is
//! (`#ack`, `#working`, `#question`, `#return`; an answer otherwise). An auto-reply is kept
//! in the thread and changes nothing.

use chrono::{DateTime, Utc};
use kefu_domain::audit::AuditAction;
use kefu_domain::email::EmailAddress;
use kefu_domain::escalation::{
    self as rules, EntryKind, Escalation, EscalationMessage, EscalationStatus, Side,
};
use kefu_domain::ids::{EscalationId, EscalationMessageId, FileId};
use kefu_domain::locale::Locale;
use kefu_domain::mail::TemplateKind;
use kefu_domain::message::AuthorKind;
use kefu_domain::vendor::Vendor;
use kefu_mail::inbound::InboundMail;
use kefu_mail::outbound::{Outbound, Party};
use kefu_mail::reply_address::ReplyAddresses;
use kefu_mail::threading::ThreadRule;
use kefu_store::escalations::EscalationFileRow;
use kefu_store::mail::escalation_emails::{self, EscalationEmail};
use kefu_store::mail::outbox;
use kefu_store::{DbConnection, escalations, messages, tickets, vendors};
use serde_json::json;

use super::moves::{Step, follow_on_ticket, tell_other_side};
use super::{reference, status_words, ticket_event};
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::ingest::{Ingested, KeptFile};
use crate::mail::notices::sender_of;
use crate::mail::outgoing::MailContext;
use crate::mail::templates;
use crate::sla::book::BookCache;
use kefu_domain::integration::IntegrationEvent;

/// The language of mail to a vendor's shared inbox: nobody there chose one.
const VENDOR_LOCALE: Locale = Locale::En;

/// Whether `vendor` works by mail: it has no active portal user.
pub(crate) fn works_by_mail(conn: &mut DbConnection, vendor: &Vendor) -> Result<bool, AppError> {
    Ok(!vendors::users(conn, vendor.id)?
        .iter()
        .any(vendors::VendorUser::in_portal))
}

/// Mails the case to the vendor's contact addresses: the brief, what was shared, the due
/// times and how to answer. Returns how many addresses it went to.
pub(crate) fn send_case(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &Vendor,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    if vendor.contacts.is_empty() {
        return Ok(0);
    }
    let shared = shared_text(conn, escalation)?;
    let rendered = templates::render(
        conn,
        TemplateKind::EscalationMail,
        VENDOR_LOCALE,
        &json!({
            "vendor": { "name": vendor.name },
            "escalation": {
                "reference": reference(escalation.id),
                "subject": escalation.subject,
                "brief": escalation.brief,
                "shared": shared,
                "acknowledge_by": stamp(escalation.acknowledge_by),
                "answer_by": stamp(escalation.answer_by),
            },
        }),
    )?;
    send(conn, context, escalation, vendor, None, rendered, now)
}

/// Mails the business's reply `body` (thread entry `entry`) to a vendor who works by mail.
pub(crate) fn send_reply(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &Vendor,
    entry: Option<EscalationMessageId>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let rendered = templates::render(
        conn,
        TemplateKind::EscalationMailReply,
        VENDOR_LOCALE,
        &json!({
            "escalation": {
                "reference": reference(escalation.id),
                "subject": escalation.subject,
                "status": status_name(escalation.status),
            },
            "message": { "body": body },
        }),
    )?;
    send(conn, context, escalation, vendor, entry, rendered, now)
}

/// Mails a reminder (already rendered) to a vendor who works by mail, in the case's thread.
pub(crate) fn send_reminder(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &Vendor,
    rendered: kefu_mail::templates::Rendered,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    send(conn, context, escalation, vendor, None, rendered, now)
}

/// Tells a vendor who works by mail that the business ended the case (closed or cancelled).
pub(crate) fn send_ended(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &Vendor,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let body = match escalation.status {
        EscalationStatus::Cancelled => {
            "We have withdrawn this case: no further answer is needed. Thank you."
        }
        _ => "We have closed this case with your answer. Thank you.",
    };
    send_reply(conn, context, escalation, vendor, None, body, now)
}

/// How a status reads in mail to a vendor.
fn status_name(status: EscalationStatus) -> &'static str {
    status_words(status).split(" / ").next().unwrap_or_default()
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// What the agent shared, as the case mail lists it: the customer's contact details when
/// shared, each shared message (already redacted) and the names of the shared files.
fn shared_text(conn: &mut DbConnection, escalation: &Escalation) -> Result<String, AppError> {
    let mut parts = Vec::new();
    if let Some(contact) = &escalation.contact {
        let lines: Vec<String> = [
            contact.name.as_ref().map(|v| format!("Name: {v}")),
            contact.email.as_ref().map(|v| format!("Email: {v}")),
            contact.phone.as_ref().map(|v| format!("Phone: {v}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !lines.is_empty() {
            parts.push(format!("The customer:\n{}", lines.join("\n")));
        }
    }
    for shared in escalations::thread(conn, escalation.id)?
        .into_iter()
        .filter(|m| m.kind == EntryKind::Shared)
    {
        parts.push(format!(
            "Shared from the case ({}):\n{}",
            shared.created_at.format("%Y-%m-%d"),
            shared.body
        ));
    }
    let files: Vec<String> = escalations::files(conn, escalation.id)?
        .into_iter()
        .map(|f| f.name)
        .collect();
    if !files.is_empty() {
        parts.push(format!(
            "Files we have for this case (ask for any you need): {}",
            files.join(", ")
        ));
    }
    Ok(parts.join("\n\n"))
}

/// Writes one mail of the escalation to the vendor's contact addresses into the outbox,
/// threaded on the ones before it, with the escalation's signed reply address, and records its
/// Message-ID. Returns how many addresses it went to (none when the vendor has none).
fn send(
    conn: &mut DbConnection,
    context: &MailContext,
    escalation: &Escalation,
    vendor: &Vendor,
    entry: Option<EscalationMessageId>,
    rendered: kefu_mail::templates::Rendered,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    if vendor.contacts.is_empty() {
        return Ok(0);
    }
    let from = sender_of(conn, context)?;
    let references = escalation_emails::thread_ids(conn, escalation.id)?;
    let header_id = format!(
        "{}@{}",
        entry.map_or_else(|| EscalationMessageId::new().to_string(), |e| e.to_string()),
        context.domain()
    );
    let mail = Outbound {
        message_id: header_id.clone(),
        reply_to: Some(
            context
                .replies()
                .escalation_address(&from.address, escalation.id),
        ),
        from: from.clone(),
        to: vendor
            .contacts
            .iter()
            .map(|address| Party {
                name: Some(vendor.name.clone()),
                address: address.as_str().to_owned(),
            })
            .collect(),
        cc: Vec::new(),
        subject: rendered.subject.clone(),
        in_reply_to: references.last().cloned(),
        references: references.iter().rev().take(20).rev().cloned().collect(),
        thread_topic: escalation.subject.clone(),
        thread_index: kefu_mail::outbound::thread_index(
            escalation.id.as_uuid(),
            escalation.requested_at,
            now,
        ),
        automatic: false,
        text: rendered.text,
        html: Some(rendered.html),
        date: now,
        attachments: Vec::new(),
    };
    let payload = serde_json::to_string(&mail).map_err(|e| AppError::Internal(Box::new(e)))?;
    escalation_emails::insert(
        conn,
        &EscalationEmail {
            escalation: escalation.id,
            entry,
            inbound: false,
            header_id,
            from_address: from.address,
            subject: mail.subject,
            thread_rule: "sent".to_owned(),
            automatic: None,
            raw_sha256: None,
            created_at: now,
        },
    )?;
    outbox::enqueue(conn, None, None, None, &payload, false, now)?;
    Ok(vendor.contacts.len())
}

/// The escalation a mail answers, and by which rule: its signed reply address among the
/// recipients, else a Message-ID of the mail Kefu sent for it in `In-Reply-To` /
/// `References`. A mail to a ticket's signed reply address is the ticket's, whatever else it
/// names.
pub(crate) fn escalation_of(
    conn: &mut DbConnection,
    replies: &ReplyAddresses,
    mail: &InboundMail,
) -> Result<Option<(EscalationId, ThreadRule)>, AppError> {
    if mail.recipients().any(|r| replies.ticket_of(r).is_some()) {
        return Ok(None);
    }
    if let Some(id) = mail.recipients().find_map(|r| replies.escalation_of(r))
        && escalations::find(conn, id).is_ok()
    {
        return Ok(Some((id, ThreadRule::ReplyAddress)));
    }
    Ok(
        escalation_emails::escalation_of_ids(conn, &mail.thread_ids())?
            .map(|id| (id, ThreadRule::Headers)),
    )
}

/// A vendor's mail, read and kept, ready to join its escalation.
pub(crate) struct VendorMail<'a> {
    /// The escalation and the rule that found it.
    pub escalation: (EscalationId, ThreadRule),
    /// The mail.
    pub mail: &'a InboundMail,
    /// Its Message-ID (made from its bytes when it had none).
    pub header_id: String,
    /// The SHA-256 of the original.
    pub raw_sha256: String,
    /// Its attachments, kept.
    pub kept: &'a [KeptFile],
    /// What the escalation's thread shows of it.
    pub body: String,
}

/// Takes a vendor's mail into its escalation: the reply (with its files) in the thread, the
/// move its first word asks for when the lifecycle allows it, the ticket's timeline and the
/// assignee told. Mail taken before is noticed and not taken again.
pub(crate) fn take(
    conn: &mut DbConnection,
    (context, book): (&MailContext, &BookCache),
    vendor_mail: VendorMail<'_>,
    now: DateTime<Utc>,
) -> Result<Changed<Ingested>, AppError> {
    let VendorMail {
        escalation: (id, rule),
        mail,
        header_id,
        raw_sha256,
        kept,
        body,
    } = vendor_mail;
    if let Some(before) = escalation_emails::received(conn, &header_id)? {
        return Ok(Changed::new(
            Ingested::Escalation {
                escalation: before.escalation,
                entry: before.entry,
                rule,
                status: None,
            },
            Vec::new(),
        ));
    }
    let ticket = super::moves::locked_ticket(conn, id)?;
    let mut escalation = escalations::find_for_update(conn, id)?;
    let automatic = mail.automatic.is_some() || mail.bounce.is_some();
    let sender = EmailAddress::parse(&mail.from.address)
        .map_or_else(|_| mail.from.address.clone(), |a| a.as_str().to_owned());
    let written = EscalationMessage {
        id: EscalationMessageId::new(),
        escalation: id,
        kind: EntryKind::Reply,
        author_kind: AuthorKind::Vendor,
        author_user: None,
        body: body.clone(),
        data: Some(json!({
            "email": {
                "from": sender,
                "name": mail.from.name,
                "subject": mail.subject,
                "thread_rule": rule.as_str(),
                "automatic": automatic,
            },
        })),
        source_message: None,
        created_at: now,
    };
    escalations::insert_messages(conn, std::slice::from_ref(&written))?;
    let files: Vec<EscalationFileRow> = kept
        .iter()
        .map(|k| EscalationFileRow {
            id: FileId::new().to_string(),
            escalation_id: id.to_string(),
            message_id: written.id.to_string(),
            source_file_id: None,
            sha256: k.sha256.clone(),
            size: i64::try_from(k.shown.size).unwrap_or(i64::MAX),
            content_type: k.shown.content_type.clone(),
            name: k.shown.name.clone(),
            created_at: now.naive_utc(),
        })
        .collect();
    escalations::insert_files(conn, &files)?;
    crate::integrations::escalation_event(
        conn,
        book,
        IntegrationEvent::EscalationMessage,
        &escalation,
        Some((
            "message",
            json!({ "id": written.id, "by": Side::Vendor.as_str(), "body": body }),
        )),
        now,
    )?;
    escalation_emails::insert(
        conn,
        &EscalationEmail {
            escalation: id,
            entry: Some(written.id),
            inbound: true,
            header_id,
            from_address: sender.clone(),
            subject: mail.subject.clone(),
            thread_rule: rule.as_str().to_owned(),
            automatic: mail
                .automatic
                .and_then(|a| serde_json::to_value(a).ok())
                .and_then(|v| v.as_str().map(str::to_owned)),
            raw_sha256: Some(raw_sha256),
            created_at: now,
        },
    )?;
    let mut moved = None;
    if !automatic {
        let vendor = vendors::find(conn, escalation.vendor)?;
        let from_vendor = from_the_vendor(&vendor, &sender);
        moved = answer(
            conn,
            (context, book),
            &mut escalation,
            &vendor,
            &body,
            from_vendor,
            now,
        )?;
        audit::record(
            conn,
            &Origin::mail(),
            AuditAction::EscalationVendorReply,
            None,
            Some(Target::new("escalation", id, reference(id))),
            Some(json!({ "from": sender, "entry": written.id, "moved_to": moved })),
            now,
        )?;
    }
    Ok(Changed::new(
        Ingested::Escalation {
            escalation: id,
            entry: Some(written.id),
            rule,
            status: moved,
        },
        vec![Change::Ticket {
            id: ticket,
            kind: ChangeKind::Escalation,
        }],
    ))
}

/// Whether `sender` is the vendor: one of its contact addresses, or at the domain of one. Only
/// the vendor's own mail moves its escalation; anyone else copied in only writes on it.
fn from_the_vendor(vendor: &Vendor, sender: &str) -> bool {
    let domain = |address: &str| {
        address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
    };
    vendor.contacts.iter().any(|c| {
        c.as_str().eq_ignore_ascii_case(sender)
            || (domain(c.as_str()).is_some() && domain(c.as_str()) == domain(sender))
    })
}

/// What a person's mail does to the escalation: the move its first word asks for when it came
/// from the vendor and the lifecycle allows it from here, else a reply the assignee hears of.
/// Returns the move made.
fn answer(
    conn: &mut DbConnection,
    (context, book): (&MailContext, &BookCache),
    escalation: &mut Escalation,
    vendor: &Vendor,
    body: &str,
    from_vendor: bool,
    now: DateTime<Utc>,
) -> Result<Option<EscalationStatus>, AppError> {
    let wanted = rules::mailed_move(body);
    if from_vendor
        && !escalation.status.is_final()
        && rules::check_move(escalation.status, wanted, Side::Vendor).is_ok()
    {
        let from = escalation.move_to(wanted, Side::Vendor, now)?;
        escalations::save(conn, escalation)?;
        let event = EscalationMessage {
            id: EscalationMessageId::new(),
            escalation: escalation.id,
            kind: EntryKind::Event,
            author_kind: AuthorKind::Vendor,
            author_user: None,
            body: String::new(),
            data: Some(json!({ "from": from, "to": escalation.status, "by": "email" })),
            source_message: None,
            created_at: now,
        };
        escalations::insert_messages(conn, &[event])?;
        let step = Step {
            actor: None,
            side: Side::Vendor,
            from,
            body: Some(body),
        };
        follow_on_ticket(conn, (context, book), &step, escalation, now)?;
        return Ok(Some(escalation.status));
    }
    if !escalation.status.is_final() {
        escalation.updated_at = now;
        escalations::save(conn, escalation)?;
    }
    let ticket = tickets::find(conn, escalation.ticket)?;
    let event = ticket_event(
        &ticket,
        escalation,
        &vendor.name,
        None,
        format!(
            "{v} wrote by mail on escalation {r} / {v} 通过邮件在升级 {r} 中留言",
            r = reference(escalation.id),
            v = vendor.name,
        ),
        json!({ "body": body }),
        now,
    );
    messages::insert(conn, &event)?;
    tickets::touch(conn, ticket.id, now)?;
    tell_other_side(
        conn,
        context,
        Side::Vendor,
        &ticket,
        escalation,
        &vendor.name,
        None,
        Some(body),
        now,
    )?;
    Ok(None)
}
