//! An incoming RFC 5322 message, read once: who sent it to whom, the ids that thread it, its
//! text in any charset (GBK, GB18030, Big5, ISO-2022-JP, Shift_JIS, EUC-KR…), its reply
//! without quoted history, sanitised HTML, attachments, and whether a machine sent it.

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

use crate::automatic::{self, AutomaticReason, Bounce};
use crate::{MailError, headers, html, quotes};

/// A name and address from an address header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address as written.
    pub address: String,
}

/// A file carried by a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name the sender gave, if any.
    pub name: Option<String>,
    /// The type the sender declared (the bytes decide what Kefu believes).
    pub declared_type: String,
    /// The `Content-ID` an HTML body refers to with `cid:`.
    pub content_id: Option<String>,
    /// Whether it is shown within the body rather than attached.
    pub inline: bool,
    /// Its decoded bytes.
    pub bytes: Vec<u8>,
}

/// An incoming message, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMail {
    /// Its Message-ID, if it has a valid one.
    pub message_id: Option<String>,
    /// The Message-IDs it answers, newest last.
    pub in_reply_to: Vec<String>,
    /// The Message-IDs of its thread, oldest first.
    pub references: Vec<String>,
    /// Who sent it (From, else Reply-To, else Sender).
    pub from: Mailbox,
    /// Where replies should go, when not to the sender.
    pub reply_to: Option<Mailbox>,
    /// Its `To` recipients.
    pub to: Vec<Mailbox>,
    /// Its `Cc` recipients.
    pub cc: Vec<Mailbox>,
    /// Envelope recipients that MTAs record (`Delivered-To`, `X-Original-To`, `Envelope-To`).
    pub delivered_to: Vec<String>,
    /// Its subject on one line (empty when it had none).
    pub subject: String,
    /// When the sender says it was written.
    pub date: Option<DateTime<Utc>>,
    /// Its whole plain text (from the HTML when it has no text part).
    pub text: String,
    /// The text without quoted history: what the timeline shows.
    pub reply: String,
    /// The quoted history cut from `reply`.
    pub quoted: Option<String>,
    /// The HTML body, sanitised.
    pub html: Option<String>,
    /// Files, attached or inline.
    pub attachments: Vec<Attachment>,
    /// Why it counts as automatic, if it does.
    pub automatic: Option<AutomaticReason>,
    /// What it says about an address, if it is a delivery-status report.
    pub bounce: Option<Bounce>,
}

impl InboundMail {
    /// Every address the message was sent to: To, Cc and the envelope's.
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.to
            .iter()
            .chain(&self.cc)
            .map(|m| m.address.as_str())
            .chain(self.delivered_to.iter().map(String::as_str))
    }

    /// The Message-IDs that may name a known message, most telling first: `In-Reply-To`, then
    /// `References` from the newest.
    pub fn thread_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.in_reply_to.iter().rev().cloned().collect();
        for id in self.references.iter().rev() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    }
}

/// Reads `raw`. `own_domain` is the domain of Kefu's own Message-IDs, so its mail coming
/// back is recognised.
pub fn parse(raw: &[u8], own_domain: Option<&str>) -> Result<InboundMail, MailError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(MailError::NotAMessage)?;
    // Text with no header a mail carries (From, To, Subject, Date, Message-ID) is not mail.
    let looks_like_mail = message.from().is_some()
        || message.to().is_some()
        || message.subject().is_some()
        || message.date().is_some()
        || message.message_id().is_some();
    if message.root_part().headers.is_empty() || !looks_like_mail {
        return Err(MailError::NotAMessage);
    }
    let from = first_mailbox(message.from())
        .or_else(|| first_mailbox(message.reply_to()))
        .or_else(|| first_mailbox(message.sender()))
        .ok_or(MailError::NoSender)?;
    let text_of = |id: &u32| -> Option<String> {
        match &message.parts.get(*id as usize)?.body {
            PartType::Text(text) => Some(text.to_string()),
            PartType::Html(html) => Some(html::to_text(html)),
            _ => None,
        }
    };
    let text = message
        .text_body
        .iter()
        .filter_map(text_of)
        .collect::<Vec<_>>()
        .join("\n\n")
        .replace("\r\n", "\n");
    let html_parts: Vec<String> = message
        .html_body
        .iter()
        .filter_map(|id| match &message.parts.get(*id as usize)?.body {
            PartType::Html(html) => Some(html::sanitise(html.as_ref())),
            _ => None,
        })
        .collect();
    let split = quotes::split(&text);
    let attachments = message
        .attachments
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .map(|part| {
            let declared_type = part.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                |ct| match ct.c_subtype.as_deref() {
                    Some(sub) => format!("{}/{}", ct.c_type, sub).to_ascii_lowercase(),
                    None => ct.c_type.to_ascii_lowercase(),
                },
            );
            let name = part.attachment_name().map(headers::one_line).or_else(|| {
                matches!(part.body, PartType::Message(_)).then(|| "message.eml".to_owned())
            });
            Attachment {
                name,
                declared_type,
                content_id: part.content_id().and_then(headers::message_id_like),
                inline: part.content_disposition().is_some_and(|d| d.is_inline())
                    || (part.content_id().is_some()
                        && part
                            .content_disposition()
                            .is_none_or(|d| !d.is_attachment())),
                bytes: part.contents().to_vec(),
            }
        })
        .collect();
    let ids_of = |value: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        match value {
            mail_parser::HeaderValue::Text(t) => headers::message_ids(t),
            mail_parser::HeaderValue::TextList(list) => {
                list.iter().flat_map(|t| headers::message_ids(t)).collect()
            }
            _ => Vec::new(),
        }
    };
    let delivered_to = ["Delivered-To", "X-Original-To", "Envelope-To"]
        .iter()
        .flat_map(|name| {
            message
                .header_values(*name)
                .filter_map(|v| v.as_text())
                .map(|v| v.trim().trim_matches(['<', '>']).to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|a| a.contains('@'))
        .collect();
    Ok(InboundMail {
        message_id: message.message_id().and_then(headers::message_id),
        in_reply_to: ids_of(message.in_reply_to()),
        references: ids_of(message.references()),
        reply_to: first_mailbox(message.reply_to()).filter(|r| r.address != from.address),
        from,
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        delivered_to,
        subject: message.subject().map(headers::one_line).unwrap_or_default(),
        date: message.date().and_then(|d| {
            Utc.timestamp_opt(d.to_timestamp(), 0)
                .single()
                .filter(|t| t.timestamp() > 0)
        }),
        text: text.trim().to_owned(),
        reply: split.reply.trim().to_owned(),
        quoted: split.quoted,
        html: (!html_parts.is_empty()).then(|| html_parts.join("\n<hr>\n")),
        attachments,
        automatic: automatic::detect(&message, own_domain),
        bounce: automatic::bounce(&message),
    })
}

/// What can be read of a mail that [`parse`] refused (its sender and subject), to show it in
/// the quarantine.
pub fn peek(raw: &[u8]) -> Peeked {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Peeked::default();
    };
    let sender = message
        .from()
        .or_else(|| message.sender())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(headers::one_line);
    let subject = message
        .subject()
        .map(headers::one_line)
        .filter(|s| !s.is_empty());
    let sender_name = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .map(headers::one_line)
        .filter(|n| !n.is_empty());
    Peeked {
        automatic: automatic::detect(&message, None).is_some()
            || automatic::bounce(&message).is_some(),
        sender,
        sender_name,
        subject,
    }
}

/// What could be read of a mail that was not taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peeked {
    /// The sender's address.
    pub sender: Option<String>,
    /// The sender's name.
    pub sender_name: Option<String>,
    /// The subject.
    pub subject: Option<String>,
    /// Whether a machine sent it (never answered).
    pub automatic: bool,
}

fn first_mailbox(address: Option<&Address<'_>>) -> Option<Mailbox> {
    mailboxes(address).into_iter().next()
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|a| {
            let email = a.address()?.trim();
            (email.contains('@') && !email.chars().any(|c| c.is_control() || c.is_whitespace()))
                .then(|| Mailbox {
                    name: a
                        .name()
                        .map(headers::one_line)
                        .filter(|n| !n.is_empty() && n != email),
                    address: email.to_owned(),
                })
        })
        .collect()
}
