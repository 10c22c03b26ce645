//! Taking in one mail, however it came (IMAP, raw MIME over HTTP, an MTA's pipe): read it,
//! keep the original and its attachments, thread it onto a ticket by the rules of
//! `kefu_mail::threading` (or open one), and record which rule did it. Mail that cannot be
//! taken is kept raw in the quarantine with the reason; nothing is dropped.

use chrono::{DateTime, Utc};
use kefu_api_types::files::ChatFile;
use kefu_api_types::mail::EmailParty;
use kefu_domain::email::EmailAddress;
use kefu_domain::file::{self, FileType};
use kefu_domain::ids::{FileId, MailboxId, MessageId, QuarantineId, TicketId};
use kefu_domain::integration::IntegrationEvent::TicketCreated;
use kefu_domain::locale::Locale;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::ticket::{Channel, Status, Ticket, TicketNumber};
use kefu_domain::triggers::TriggerEvent;
use kefu_domain::{status, text, time};
use kefu_mail::automatic::Bounce;
use kefu_mail::inbound::{self, InboundMail, Peeked};
use kefu_mail::outbound::Party;
use kefu_mail::reply_address::ReplyAddresses;
use kefu_mail::threading::{self, Candidate, Evidence, ThreadDecision, ThreadRule};
use kefu_mail::{MailError, headers};
use kefu_store::chat::files::{self as stored_files, StoredFile};
use kefu_store::mail::email_messages::{self, EmailRecord};
use kefu_store::mail::mailboxes as stored_mailboxes;
use kefu_store::mail::participants::{self, Participant};
use kefu_store::mail::quarantine::{self, Quarantined};
use kefu_store::mail::undeliverable;
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{DbConnection, StoreError, customers, dialect, messages, tickets};
use serde_json::json;

use crate::changes::{Change, ChangeKind, Changed};
use crate::customers::find_or_create::{self, RequesterSpec};
use crate::error::AppError;
use crate::escalations::by_mail;
use crate::files::FileStore;
use crate::integrations;
use crate::mail::outgoing::MailContext;
use crate::mail::{Recipients, mailboxes, notices};
use crate::routing::arrival::{self, Facts};
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;
use crate::triggers;
use crate::{App, chat};

/// How a mail reached Kefu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Fetched from an IMAP mailbox.
    Imap,
    /// Posted raw to `POST /api/v1/inbound/email`.
    Http,
    /// Piped to `kefu mail ingest` by an MTA.
    Pipe,
}

impl Source {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Imap => "imap",
            Self::Http => "http",
            Self::Pipe => "pipe",
        }
    }
}

/// One mail to take in.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The RFC 5322 message as received.
    pub raw: Vec<u8>,
    /// How it came.
    pub source: Source,
    /// The mailbox it came in on, when the way it came says so (IMAP, `--mailbox`); else it
    /// is found from the recipients.
    pub mailbox: Option<MailboxId>,
}

/// What became of a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ingested {
    /// It opened a ticket.
    Created {
        /// The ticket.
        ticket: TicketId,
        /// Its number.
        number: TicketNumber,
        /// The message.
        message: MessageId,
        /// `NewTicket`, or `FollowUp` when it answered a closed ticket.
        rule: ThreadRule,
    },
    /// It joined a ticket.
    Added {
        /// The ticket.
        ticket: TicketId,
        /// Its number.
        number: TicketNumber,
        /// The message.
        message: MessageId,
        /// The rule that attached it.
        rule: ThreadRule,
    },
    /// The mailbox had received it before (same Message-ID): nothing new was made.
    Duplicate {
        /// The ticket it is on.
        ticket: TicketId,
        /// The message it is.
        message: MessageId,
    },
    /// A delivery-status report: the address was marked undeliverable and the ticket whose
    /// mail bounced was told.
    Bounce {
        /// The address that failed.
        recipient: String,
        /// Whether the failure is permanent.
        permanent: bool,
        /// The ticket the bounced mail belonged to, if known.
        ticket: Option<TicketId>,
    },
    /// A vendor's reply, threaded into its escalation (never into the customer's thread).
    Escalation {
        /// The escalation.
        escalation: kefu_domain::ids::EscalationId,
        /// The thread entry it became (the one it became before, for a mail taken twice).
        entry: Option<kefu_domain::ids::EscalationMessageId>,
        /// The rule that found the escalation.
        rule: ThreadRule,
        /// The status its first word moved the escalation to, if it moved.
        status: Option<kefu_domain::escalation::EscalationStatus>,
    },
    /// It could not be taken and is kept raw in the quarantine.
    Quarantined {
        /// The quarantine entry.
        id: QuarantineId,
        /// Why, as a stable code (`too_big`, `not_a_message`, `no_sender`, `failed`).
        reason: &'static str,
        /// The explanation.
        detail: String,
    },
}

/// Takes in one mail. An error means not even the quarantine could keep it (the database or
/// the files directory is unavailable): the caller must keep the mail and try again later.
pub async fn ingest(app: &App, delivery: Delivery) -> Result<Changed<Ingested>, AppError> {
    ingest_as(app, delivery, None).await
}

/// Takes in a mail again: the quarantined entry `retry` is removed when it is taken, or
/// updated with the new reason when it still cannot be.
pub(crate) async fn ingest_as(
    app: &App,
    delivery: Delivery,
    retry: Option<QuarantineId>,
) -> Result<Changed<Ingested>, AppError> {
    let files = app.files()?.clone();
    let own_domain = app.mail().config.domain.clone();
    let max_bytes = app.mail().config.max_bytes;
    let context = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let Delivery {
        raw,
        source,
        mailbox,
    } = delivery;
    // Reading and keeping files is blocking work: off the async threads, with the write. The
    // raw mail is kept first; whatever happens to the rest, it can be quarantined.
    let prepared = tokio::task::spawn_blocking(move || {
        let raw_sha256 = files.keep_raw(&raw)?;
        let size = raw.len();
        let read = || {
            if size as u64 > max_bytes {
                return Err(MailError::TooBig {
                    size,
                    max: usize::try_from(max_bytes).unwrap_or(usize::MAX),
                });
            }
            let mail = inbound::parse(&raw, Some(&own_domain))?;
            let kept = keep_attachments(&files, &mail)
                .map_err(|e| MailError::Unreadable(e.to_string()))?;
            Ok((mail, kept))
        };
        // A fault in reading one mail must not lose it: it is caught and the mail quarantined.
        let parsed =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
                Err(MailError::Unreadable(
                    "reading it failed unexpectedly".into(),
                ))
            });
        let peeked = match &parsed {
            Ok(_) => Peeked::default(),
            Err(_) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inbound::peek(&raw)))
                    .unwrap_or_default()
            }
        };
        Ok::<_, AppError>((raw_sha256, size, parsed, peeked))
    })
    .await
    .map_err(|e| AppError::Internal(Box::new(e)))??;
    let (raw_sha256, size, parsed, peeked) = prepared;
    let (mail, kept) = match parsed {
        Ok(read) => read,
        Err(error) => {
            let reason = match error {
                MailError::TooBig { .. } => "too_big",
                MailError::NoSender => "no_sender",
                MailError::Unreadable(_) => "failed",
                _ => "not_a_message",
            };
            // The sender of mail too big to take is told (once, not on a retry).
            let tell =
                (reason == "too_big" && retry.is_none()).then(|| (context.clone(), peeked.clone()));
            return quarantine_mail(
                app,
                Kept {
                    mailbox,
                    source,
                    raw_sha256,
                    size,
                    sender: peeked.sender,
                    subject: peeked.subject,
                },
                reason,
                error.to_string(),
                retry,
                tell,
            )
            .await;
        }
    };
    let raw_for_quarantine = Kept {
        mailbox,
        source,
        raw_sha256: raw_sha256.clone(),
        size,
        sender: Some(mail.from.address.clone()),
        subject: Some(mail.subject.clone()),
    };
    let again = (
        mailbox,
        mail.message_id.clone(),
        mail.recipients().map(str::to_owned).collect::<Vec<_>>(),
    );
    let written = app
        .store
        .write(move |conn| {
            let ingested = take(conn, (&context, &sla), mailbox, mail, raw_sha256, kept)?;
            if let Some(id) = retry {
                quarantine::delete(conn, id)?;
            }
            Ok::<_, AppError>(ingested)
        })
        .await;
    match written {
        Ok(changed) => Ok(changed),
        // The database is down: the caller keeps the mail and tries again.
        Err(AppError::Unavailable(e)) => Err(AppError::Unavailable(e)),
        Err(error) => {
            // Another node or delivery took the same mail at the same moment.
            if let Some(taken) = duplicate_of(app, &again).await {
                tracing::debug!(%error, "the same mail was taken twice at once");
                return Ok(Changed::new(taken, Vec::new()));
            }
            tracing::warn!(%error, "a mail could not be stored; it is kept in quarantine");
            quarantine_mail(
                app,
                raw_for_quarantine,
                "failed",
                error.to_string(),
                retry,
                None,
            )
            .await
        }
    }
}

/// What a mail that was just refused had become already, if the refusal was because the same
/// mail was being taken at the same moment.
async fn duplicate_of(
    app: &App,
    again: &(Option<MailboxId>, Option<String>, Vec<String>),
) -> Option<Ingested> {
    let (hint, header_id, recipients) = again.clone();
    let header_id = header_id?;
    app.store
        .read(move |conn| {
            // A vendor's mail another delivery threaded into its escalation.
            if let Some(taken) = kefu_store::mail::escalation_emails::received(conn, &header_id)? {
                return Ok::<_, AppError>(Some(Ingested::Escalation {
                    escalation: taken.escalation,
                    entry: taken.entry,
                    rule: ThreadRule::parse(&taken.thread_rule).unwrap_or(ThreadRule::Headers),
                    status: None,
                }));
            }
            let keys: Vec<String> = recipients
                .iter()
                .map(|r| kefu_mail::reply_address::base_address(r))
                .collect();
            let mut candidates: Vec<MailboxId> = hint.into_iter().collect();
            candidates.extend(
                kefu_store::mail::mailboxes::by_address_keys(conn, &keys)?
                    .into_iter()
                    .map(|m| m.id),
            );
            candidates.extend(
                kefu_store::mail::mailboxes::list(conn)?
                    .into_iter()
                    .next()
                    .map(|m| m.id),
            );
            for mailbox in candidates {
                if let Some((message, ticket)) =
                    email_messages::received(conn, mailbox, &header_id)?
                {
                    return Ok(Some(Ingested::Duplicate { ticket, message }));
                }
            }
            Ok(None)
        })
        .await
        .ok()
        .flatten()
}

/// A raw mail kept in the files directory, and what could be read of it.
struct Kept {
    mailbox: Option<MailboxId>,
    source: Source,
    raw_sha256: String,
    size: usize,
    sender: Option<String>,
    subject: Option<String>,
}

async fn quarantine_mail(
    app: &App,
    kept: Kept,
    reason: &'static str,
    detail: String,
    retry: Option<QuarantineId>,
    tell: Option<(MailContext, Peeked)>,
) -> Result<Changed<Ingested>, AppError> {
    let (id, shown) = app
        .store
        .write(move |conn| {
            let now = time::now();
            let mut detail = detail;
            if let Some((context, peeked)) = &tell {
                let mailbox = match kept.mailbox {
                    Some(id) => stored_mailboxes::find(conn, id)?,
                    None => None,
                };
                if notices::tell_oversized(conn, context, mailbox, peeked, now)? {
                    detail.push_str("; the sender was told");
                }
            }
            let shown = detail.clone();
            if let Some(id) = retry {
                quarantine::record_retry(conn, id, reason, &detail, now)?;
                return Ok::<_, AppError>((id, shown));
            }
            let id = QuarantineId::new();
            quarantine::insert(
                conn,
                &Quarantined {
                    id,
                    mailbox: kept.mailbox,
                    source: kept.source.as_str().to_owned(),
                    raw_sha256: kept.raw_sha256,
                    size: kept.size as u64,
                    reason: reason.to_owned(),
                    detail,
                    sender: kept.sender.map(|s| headers::one_line(&s)),
                    subject: kept.subject.map(|s| headers::one_line(&s)),
                    attempts: 1,
                    created_at: now,
                    last_tried_at: now,
                },
            )?;
            Ok((id, shown))
        })
        .await?;
    Ok(Changed::new(
        Ingested::Quarantined {
            id,
            reason,
            detail: shown,
        },
        Vec::new(),
    ))
}

/// An attachment kept in the files directory, ready to be recorded on its message.
#[derive(Clone, Debug)]
pub(crate) struct KeptFile {
    /// How the timeline lists it.
    pub(crate) shown: ChatFile,
    /// Its bytes' SHA-256 in the files directory.
    pub(crate) sha256: String,
    thumbnail: bool,
    access_key: String,
    content_id: Option<String>,
    inline: bool,
}

/// Keeps each attachment by its bytes: types Kefu reads get their own type (and images a
/// thumbnail), any other is kept as `application/octet-stream`. Files over the size cap stay
/// only in the original.
fn keep_attachments(files: &FileStore, mail: &InboundMail) -> Result<Vec<KeptFile>, AppError> {
    let mut kept = Vec::new();
    for attachment in &mail.attachments {
        if attachment.bytes.is_empty() || attachment.bytes.len() as u64 > files.max_bytes {
            continue;
        }
        let (sha256, content_type, dimensions, thumbnail, name) =
            match FileType::sniff(&attachment.bytes) {
                Some(kind) => {
                    let k = files.keep(&attachment.bytes)?;
                    let name = file::clean_name(attachment.name.as_deref().unwrap_or(""), kind);
                    (
                        k.sha256,
                        kind.mime().to_owned(),
                        k.dimensions,
                        k.thumbnail,
                        name,
                    )
                }
                None => {
                    let sha256 = files.keep_raw(&attachment.bytes)?;
                    let name = unknown_name(attachment.name.as_deref());
                    (
                        sha256,
                        "application/octet-stream".to_owned(),
                        None,
                        false,
                        name,
                    )
                }
            };
        let id = FileId::new();
        let access_key = crate::tokens::generate();
        kept.push(KeptFile {
            shown: ChatFile {
                id,
                name,
                content_type,
                size: attachment.bytes.len() as u64,
                width: dimensions.map(|d| d.0),
                height: dimensions.map(|d| d.1),
                url: chat::files::url_of(id, &access_key),
                thumbnail_url: thumbnail.then(|| chat::files::thumbnail_url_of(id, &access_key)),
            },
            sha256,
            thumbnail,
            access_key,
            content_id: attachment.content_id.clone(),
            inline: attachment.inline,
        });
    }
    Ok(kept)
}

/// A safe download name for a file of a type Kefu does not read: the last path segment, one
/// line, at most [`file::NAME_MAX`] characters.
fn unknown_name(raw: Option<&str>) -> String {
    let last = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = headers::one_line(last)
        .chars()
        .filter(|c| !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|'))
        .take(file::NAME_MAX)
        .collect();
    let clean = clean.trim_start_matches('.').trim().to_owned();
    if clean.is_empty() {
        "attachment.bin".to_owned()
    } else {
        clean
    }
}

/// What the timeline shows of a mail: its reply without quoted history, free of control
/// characters, cut to [`text::BODY_MAX`]; a mail with no text says so.
fn timeline_text(mail: &InboundMail) -> String {
    let cleaned: String = mail
        .reply
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return if mail.attachments.is_empty() {
            "(no text)".to_owned()
        } else {
            "(attachments only)".to_owned()
        };
    }
    if trimmed.chars().count() > text::BODY_MAX {
        let cut: String = trimmed.chars().take(text::BODY_MAX - 80).collect();
        return format!("{cut}\n\n[… cut here; the whole mail is in the original]");
    }
    trimmed.to_owned()
}

/// The ticket's subject for a new mail: without prefixes and tag, one line, cut to fit.
fn ticket_subject(mail: &InboundMail) -> String {
    let clean = threading::clean_subject(&mail.subject);
    let clean: String = clean
        .chars()
        .filter(|c| !c.is_control())
        .take(text::SUBJECT_MAX)
        .collect();
    if clean.trim().is_empty() {
        "(no subject)".to_owned()
    } else {
        clean.trim().to_owned()
    }
}

/// The write: everything about one mail, in one transaction.
fn take(
    conn: &mut DbConnection,
    (context, sla): (&MailContext, &BookCache),
    hint: Option<MailboxId>,
    mail: InboundMail,
    raw_sha256: String,
    kept: Vec<KeptFile>,
) -> Result<Changed<Ingested>, AppError> {
    let now = time::now();
    let replies = context.replies();
    let mailbox = mailboxes::resolve(conn, hint, &mail, context.fallback(), now)?;
    // Mail without a Message-ID gets one from its bytes, so delivering it again is noticed.
    let header_id = mail
        .message_id
        .clone()
        .unwrap_or_else(|| format!("{raw_sha256}@no-message-id.invalid"));
    if let Some((message, ticket)) = email_messages::received(conn, mailbox.id, &header_id)? {
        return Ok(Changed::new(
            Ingested::Duplicate { ticket, message },
            Vec::new(),
        ));
    }
    if let Some(bounce) = &mail.bounce
        && let Some(ticket) = bounced_mail(conn, bounce)?
    {
        return record_bounce(conn, bounce, ticket, now);
    }
    if let Some(found) = by_mail::escalation_of(conn, replies, &mail)? {
        let vendor_mail = by_mail::VendorMail {
            escalation: found,
            mail: &mail,
            header_id,
            raw_sha256,
            kept: &kept,
            body: timeline_text(&mail),
        };
        return by_mail::take(conn, (context, sla), vendor_mail, now);
    }
    let sender = EmailAddress::parse(&mail.from.address)
        .map_err(|_| AppError::invalid("no_sender", "the sender's address cannot be read"))?;
    let decision = threading::decide(evidence(conn, replies, &mail, &sender)?);
    let requester_spec = RequesterSpec::Contact {
        name: mail
            .from
            .name
            .clone()
            .map(|n| n.chars().take(text::NAME_MAX).collect()),
        email: Some(sender.clone()),
        phone: None,
        organisation: None,
    };
    let customer = find_or_create::resolve(conn, requester_spec, now)?;
    let (mut ticket, created, before) = match decision {
        ThreadDecision::Join { ticket, .. } => {
            // Locked, so an agent's change at the same moment is not overwritten.
            dialect::lock_ticket(conn, &ticket.to_string())?;
            let before = tickets::find(conn, ticket)?;
            let mut after = before.clone();
            after.status = status::after_customer_reply(before.status).unwrap_or(Status::Open);
            after.updated_at = now;
            clock::follow(conn, sla, &before, &mut after, Activity::CustomerWrote, now)?;
            tickets::save(conn, &after)?;
            (after, false, Some(before))
        }
        ThreadDecision::New { follow_up_of } => {
            let number = dialect::next_ticket_numbers(conn, 1)?
                .pop()
                .ok_or_else(|| AppError::internal("no ticket number was reserved"))?;
            let mut ticket = Ticket::opened_by_customer(
                TicketNumber::new(number)?,
                ticket_subject(&mail),
                mailbox.stage,
                Channel::Email,
                customer.id,
                mailbox.team,
                now,
            );
            let body = timeline_text(&mail);
            let facts = Facts {
                mailbox: Some(mailbox.id),
                body: &body,
                ..Facts::default()
            };
            let routing = arrival::route(conn, sla, &mut ticket, facts, now)?;
            clock::start(conn, sla, &mut ticket, now)?;
            tickets::insert(conn, &ticket)?;
            routing.record(conn, context, &ticket, now)?;
            if let Some(closed) = follow_up_of {
                let closed = tickets::find(conn, closed)?;
                messages::insert(
                    conn,
                    &system_event(
                        &ticket,
                        format!(
                            "Follow-up of closed ticket #{} / 已关闭工单 #{} 的后续",
                            closed.number.get(),
                            closed.number.get()
                        ),
                        json!({ "follow_up_of": closed.id, "follow_up_of_number": closed.number.get() }),
                        now,
                    ),
                )?;
            }
            (ticket, true, None)
        }
    };
    let files_data: Vec<&ChatFile> = kept.iter().map(|k| &k.shown).collect();
    let message = Message::from_customer(
        ticket.id,
        customer.id,
        Channel::Email,
        timeline_text(&mail),
        (!files_data.is_empty()).then(|| json!({ "files": files_data })),
        now,
    );
    messages::insert(conn, &message)?;
    let stored: Vec<StoredFile> = kept
        .iter()
        .map(|k| StoredFile {
            id: k.shown.id,
            ticket: ticket.id,
            message: message.id,
            sha256: k.sha256.clone(),
            size: k.shown.size,
            content_type: k.shown.content_type.clone(),
            name: k.shown.name.clone(),
            width: k.shown.width,
            height: k.shown.height,
            thumbnail: k.thumbnail,
            access_key: k.access_key.clone(),
            created_at: now,
            content_id: k.content_id.clone(),
            inline: k.inline,
        })
        .collect();
    stored_files::insert_many(conn, &stored)?;
    let html = mail
        .html
        .as_deref()
        .map(|html| link_inline_images(html, &kept));
    email_messages::insert(
        conn,
        &EmailRecord {
            message: message.id,
            ticket: ticket.id,
            mailbox: mailbox.id,
            inbound: true,
            header_id,
            from_address: sender.as_str().to_owned(),
            from_name: mail.from.name.clone(),
            recipients: recipients_json(&mail),
            subject: mail.subject.clone(),
            thread_rule: decision.rule().as_str().to_owned(),
            html,
            quoted: mail.quoted.clone(),
            raw_sha256: Some(raw_sha256),
            automatic: mail
                .automatic
                .and_then(|a| serde_json::to_value(a).ok())
                .and_then(|v| v.as_str().map(str::to_owned)),
            created_at: now,
        },
    )?;
    // Everyone else on the mail takes part from now on (their replies thread, and they
    // receive the agents' replies) — but only when the mail proved where it belongs: a new
    // ticket, the signed reply address, or a Message-ID of the thread. A subject tag is easy
    // to guess, and a sender easy to forge, so such a mail adds nobody.
    let proven = matches!(
        decision.rule(),
        ThreadRule::NewTicket
            | ThreadRule::FollowUp
            | ThreadRule::ReplyAddress
            | ThreadRule::Headers
    );
    let copied: Vec<Participant> = mail
        .to
        .iter()
        .chain(&mail.cc)
        .filter_map(|m| {
            let email = EmailAddress::parse(&m.address).ok()?;
            let ours = kefu_mail::reply_address::base_address(email.as_str())
                == mailbox.address.lookup_key()
                || replies.ticket_of(email.as_str()).is_some();
            (!ours && email.lookup_key() != sender.lookup_key()).then(|| Participant {
                email,
                name: m.name.clone(),
            })
        })
        .collect();
    let copied = if proven { copied } else { Vec::new() };
    if !created && proven && ticket.requester != customer.id {
        // Someone other than the requester answered (a CC'd colleague): they take part.
        {
            participants::add(
                conn,
                ticket.id,
                &[Participant {
                    email: sender.clone(),
                    name: mail.from.name.clone(),
                }],
                now,
            )?;
        }
    }
    participants::add(conn, ticket.id, &copied, now)?;
    // Mail from an address proves it works again.
    undeliverable::clear(conn, &sender)?;
    // What people write, not what machines send, answers Kefu's mail and tells agents.
    let from_a_person = mail.automatic.is_none() && mail.bounce.is_none();
    if from_a_person {
        let locale = Locale::guess(&format!("{}\n{}", mail.subject, mail.reply));
        customers::learn_locale(conn, customer.id, locale.as_str())?;
        if created {
            notices::acknowledge(
                conn,
                context,
                &ticket,
                &mailbox,
                Party {
                    name: mail.from.name.clone(),
                    address: sender.as_str().to_owned(),
                },
                now,
            )?;
        } else {
            notices::customer_replied(conn, context, &ticket, &message, now)?;
        }
    }
    if created {
        let texts = vec![(
            message.id.to_string(),
            message.visibility,
            message.body.clone(),
        )];
        search_index::write(conn, &SearchEntry::all_of(&ticket, &texts)?)?;
        let opening = ("message", integrations::payload::message(&message));
        integrations::ticket_event(conn, sla, TicketCreated, &ticket, Some(opening), now)?;
    } else {
        history::index_message(conn, &ticket, &message)?;
        integrations::message_created(conn, sla, &ticket, &message, now)?;
    }
    if let Some(before) = &before {
        integrations::updated(conn, sla, before, &ticket, now)?;
    }
    // Machines' mail sets off nothing: a trigger that mails the customer must not answer an
    // auto-responder.
    if from_a_person {
        let (event, key) = if created {
            (TriggerEvent::TicketCreated, "created".to_owned())
        } else {
            (
                TriggerEvent::CustomerReplied,
                format!("reply:{}", message.id),
            )
        };
        ticket = triggers::run::on(conn, (context, sla), ticket, event, &key, now)?;
    }
    let value = if created {
        Ingested::Created {
            ticket: ticket.id,
            number: ticket.number,
            message: message.id,
            rule: decision.rule(),
        }
    } else {
        Ingested::Added {
            ticket: ticket.id,
            number: ticket.number,
            message: message.id,
            rule: decision.rule(),
        }
    };
    let kind = if created {
        ChangeKind::Created
    } else {
        ChangeKind::MessagePosted
    };
    Ok(Changed::new(
        value,
        vec![Change::Ticket {
            id: ticket.id,
            kind,
        }],
    ))
}

/// What each threading rule finds for `mail`.
fn evidence(
    conn: &mut DbConnection,
    replies: &ReplyAddresses,
    mail: &InboundMail,
    sender: &EmailAddress,
) -> Result<Evidence, AppError> {
    let candidate =
        |conn: &mut DbConnection, number: TicketNumber| match tickets::find_by_number(conn, number)
        {
            Ok(t) => Ok(Some(Candidate {
                ticket: t.id,
                closed: t.status == Status::Closed,
            })),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        };
    let mut found = Evidence::default();
    if let Some(number) = mail.recipients().find_map(|r| replies.ticket_of(r)) {
        found.reply_address = candidate(conn, number)?;
    }
    if let Some((ticket, closed)) = email_messages::ticket_of_ids(conn, &mail.thread_ids())? {
        found.headers = Some(Candidate { ticket, closed });
    }
    if let Some(number) = threading::subject_tag(&mail.subject)
        && let Some(c) = candidate(conn, number)?
    {
        let takes_part = participants::takes_part(conn, c.ticket, sender)?;
        found.subject_tag = Some((c, takes_part));
    }
    Ok(found)
}

/// The ticket of the mail a delivery report is about: only a report on a mail Kefu sent, to
/// the address it names, counts (anyone can write a report; it must not switch mail off).
fn bounced_mail(conn: &mut DbConnection, bounce: &Bounce) -> Result<Option<TicketId>, AppError> {
    let Some(id) = &bounce.original_message_id else {
        return Ok(None);
    };
    let Some(sent) = email_messages::sent(conn, id)? else {
        return Ok(None);
    };
    let recipients = Recipients::from_json(&sent.recipients);
    let named = recipients
        .to
        .iter()
        .chain(&recipients.cc)
        .any(|p| p.address.eq_ignore_ascii_case(&bounce.recipient));
    Ok(named.then_some(sent.ticket))
}

/// A bounce of Kefu's mail: the address is marked undeliverable (when permanent), and the
/// ticket gets an internal note saying so.
fn record_bounce(
    conn: &mut DbConnection,
    bounce: &Bounce,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> Result<Changed<Ingested>, AppError> {
    if bounce.permanent
        && let Ok(address) = EmailAddress::parse(&bounce.recipient)
    {
        undeliverable::record(
            conn,
            &address,
            &bounce.status,
            bounce.diagnostic.as_deref(),
            now,
        )?;
    }
    let found = tickets::find(conn, ticket)?;
    let body = format!(
        "Mail to {} could not be delivered ({}{}). / 发往 {} 的邮件无法投递。",
        bounce.recipient,
        bounce.status,
        bounce
            .diagnostic
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default(),
        bounce.recipient
    );
    messages::insert(
        conn,
        &system_event(&found, body, json!({ "bounce": bounce }), now),
    )?;
    tickets::touch(conn, ticket, now)?;
    Ok(Changed::new(
        Ingested::Bounce {
            recipient: bounce.recipient.clone(),
            permanent: bounce.permanent,
            ticket: Some(ticket),
        },
        vec![Change::Ticket {
            id: ticket,
            kind: ChangeKind::MessagePosted,
        }],
    ))
}

/// An internal note written by Kefu itself.
pub(crate) fn system_event(
    ticket: &Ticket,
    body: String,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Message {
    Message {
        id: MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Event,
        visibility: Visibility::Internal,
        author_kind: AuthorKind::System,
        author_user: None,
        author_customer: None,
        channel: ticket.channel,
        body,
        data: Some(data),
        created_at: now,
    }
}

/// The To and Cc of a mail, as stored.
fn recipients_json(mail: &InboundMail) -> String {
    let list = |boxes: &[kefu_mail::Mailbox]| {
        boxes
            .iter()
            .map(|m| EmailParty {
                name: m.name.clone(),
                address: m.address.clone(),
            })
            .collect()
    };
    Recipients {
        to: list(&mail.to),
        cc: list(&mail.cc),
    }
    .to_json()
}

/// The HTML with `cid:` sources pointing at the message's own files.
fn link_inline_images(html: &str, kept: &[KeptFile]) -> String {
    let mut html = html.to_owned();
    for file in kept {
        if let Some(cid) = &file.content_id {
            html = html.replace(&format!("cid:{cid}"), &file.shown.url);
        }
    }
    html
}
