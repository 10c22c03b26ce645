//! Outbound mail: a reply (or notice) built with lettre, carrying what threads it in every
//! client — `Message-ID`, `In-Reply-To`, `References`, the ticket's reply address, the subject
//! tag and Outlook's `Thread-Topic` / `Thread-Index` — with every header value on one line and
//! bodies in base64, which neither header injection nor SMTP dot-stuffing can break.

use base64::Engine;
use chrono::{DateTime, Utc};
use kefu_domain::ticket::TicketNumber;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox as LettreMailbox, MultiPart, SinglePart};

use crate::{MailError, headers, threading};

/// A name and address to send to or from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Party {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address.
    pub address: String,
}

/// Everything an outbound message says, as the outbox keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outbound {
    /// Its Message-ID, without brackets (`<uuid>@<domain>`).
    pub message_id: String,
    /// The sender: the mailbox the ticket came in on.
    pub from: Party,
    /// Where the customer's answer should go: the ticket's signed reply address.
    pub reply_to: Option<String>,
    /// Recipients.
    pub to: Vec<Party>,
    /// Copied recipients.
    pub cc: Vec<Party>,
    /// The subject, tag included.
    pub subject: String,
    /// The Message-ID this answers.
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first.
    pub references: Vec<String>,
    /// Outlook's conversation topic: the subject without prefixes or tag.
    pub thread_topic: String,
    /// Outlook's conversation index, base64.
    pub thread_index: String,
    /// Whether a machine sends it (acknowledgements, notifications): marked
    /// `Auto-Submitted: auto-replied` so other systems do not answer it.
    pub automatic: bool,
    /// The plain-text body.
    pub text: String,
    /// The HTML body, if any.
    pub html: Option<String>,
    /// When it was written.
    pub date: DateTime<Utc>,
    /// Files sent with it (an iCalendar invitation), kept in the outbox with the mail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<OutboundFile>,
}

/// A small file sent with a mail, its content kept with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutboundFile {
    /// Its name.
    pub name: String,
    /// Its MIME type (`text/calendar; method=REQUEST`).
    pub content_type: String,
    /// Its text.
    pub content: String,
}

impl Outbound {
    /// The message as lettre builds it.
    pub fn build(&self) -> Result<lettre::Message, MailError> {
        let mut builder = lettre::Message::builder()
            .from(mailbox(&self.from)?)
            .subject(headers::one_line(&self.subject))
            .message_id(Some(format!("<{}>", self.message_id)))
            .date(self.date.into());
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(mailbox(&Party {
                name: self.from.name.clone(),
                address: reply_to.clone(),
            })?);
        }
        for to in &self.to {
            builder = builder.to(mailbox(to)?);
        }
        for cc in &self.cc {
            builder = builder.cc(mailbox(cc)?);
        }
        if let Some(id) = self.in_reply_to.as_deref().and_then(headers::message_id) {
            builder = builder.in_reply_to(format!("<{id}>"));
        }
        let references: Vec<String> = self
            .references
            .iter()
            .filter_map(|r| headers::message_id(r))
            .map(|r| format!("<{r}>"))
            .collect();
        if !references.is_empty() {
            builder = builder.references(references.join(" "));
        }
        if !self.thread_index.is_empty() {
            builder = builder
                .raw_header(raw("Thread-Topic", &headers::one_line(&self.thread_topic))?)
                .raw_header(raw("Thread-Index", &headers::one_line(&self.thread_index))?);
        }
        builder = builder.raw_header(raw("X-Mailer", "Kefu")?);
        if self.automatic {
            builder = builder
                .raw_header(raw("Auto-Submitted", "auto-replied")?)
                .raw_header(raw("X-Auto-Response-Suppress", "All")?);
        }
        let text = SinglePart::builder()
            .content_type(ContentType::TEXT_PLAIN)
            .body(
                Body::new_with_encoding(self.text.clone(), ContentTransferEncoding::Base64)
                    .map_err(|_| MailError::Build("the text body".into()))?,
            );
        let body = match &self.html {
            Some(html) => {
                let html = SinglePart::builder()
                    .content_type(ContentType::TEXT_HTML)
                    .body(
                        Body::new_with_encoding(html.clone(), ContentTransferEncoding::Base64)
                            .map_err(|_| MailError::Build("the HTML body".into()))?,
                    );
                Some(
                    MultiPart::alternative()
                        .singlepart(text.clone())
                        .singlepart(html),
                )
            }
            None => None,
        };
        let message = if self.attachments.is_empty() {
            match body {
                Some(alternative) => builder.multipart(alternative),
                None => builder.singlepart(text),
            }
        } else {
            let mut mixed = match body {
                Some(alternative) => MultiPart::mixed().multipart(alternative),
                None => MultiPart::mixed().singlepart(text),
            };
            for file in &self.attachments {
                let kind = ContentType::parse(&headers::one_line(&file.content_type))
                    .map_err(|_| MailError::Build(format!("the type of {}", file.name)))?;
                let name = headers::one_line(&file.name);
                mixed = mixed.singlepart(
                    lettre::message::Attachment::new(name).body(
                        Body::new_with_encoding(
                            file.content.clone(),
                            ContentTransferEncoding::Base64,
                        )
                        .map_err(|_| MailError::Build(format!("the file {}", file.name)))?,
                        kind,
                    ),
                );
            }
            builder.multipart(mixed)
        };
        message.map_err(|e| MailError::Build(e.to_string()))
    }

    /// The message as RFC 5322 bytes (what an `.eml` file or an SMTP server receives).
    pub fn to_bytes(&self) -> Result<Vec<u8>, MailError> {
        Ok(self.build()?.formatted())
    }
}

fn mailbox(party: &Party) -> Result<LettreMailbox, MailError> {
    let address = party
        .address
        .parse()
        .map_err(|_| MailError::Build(format!("`{}` is not an address", party.address)))?;
    Ok(LettreMailbox::new(
        party
            .name
            .as_deref()
            .map(headers::one_line)
            .filter(|n| !n.is_empty()),
        address,
    ))
}

fn raw(name: &'static str, value: &str) -> Result<HeaderValue, MailError> {
    let name = HeaderName::new_from_ascii_str(name);
    Ok(HeaderValue::new(name, value.to_owned()))
}

/// The subject of a reply on ticket `number`: its tag, then the ticket's subject without
/// prefixes or an older tag (`[#1042] Printer jams`).
pub fn tagged_subject(number: TicketNumber, subject: &str) -> String {
    let topic = threading::clean_subject(subject);
    headers::one_line(&format!("[#{}] {topic}", number.get()))
}

/// Outlook's `Thread-Index` for the `reply`-th message of a thread that began at `started`:
/// a 22-byte header (the start time and a GUID, here the ticket's id) and one 5-byte block
/// for each later message, base64-encoded.
pub fn thread_index(ticket: uuid::Uuid, started: DateTime<Utc>, sent: DateTime<Utc>) -> String {
    // FILETIME: 100 ns units since 1601-01-01.
    let filetime = |t: DateTime<Utc>| -> u64 {
        let since_1601 = t.timestamp() + 11_644_473_600;
        (since_1601.max(0) as u64) * 10_000_000 + u64::from(t.timestamp_subsec_nanos() / 100)
    };
    let start = filetime(started);
    let mut bytes = Vec::with_capacity(27);
    bytes.extend_from_slice(&start.to_be_bytes()[..6]);
    bytes.extend_from_slice(ticket.as_bytes());
    if sent > started {
        // The child block: the time since the start in units of 2^18 × 100 ns, in 31 bits,
        // then a byte of sequence.
        let delta = ((filetime(sent).saturating_sub(start)) >> 18).min(0x7fff_ffff) as u32;
        bytes.extend_from_slice(&(delta << 1).to_be_bytes());
        bytes.push(0);
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Outbound {
        Outbound {
            message_id: "0190-abc@mail.shop.example".into(),
            from: Party {
                name: Some("Shop Support".into()),
                address: "support@shop.example".into(),
            },
            reply_to: Some("support+t1042-0123456789@shop.example".into()),
            to: vec![Party {
                name: Some("李雷".into()),
                address: "lilei@example.cn".into(),
            }],
            cc: vec![],
            subject: "[#1042] 打印机卡纸".into(),
            in_reply_to: Some("CAF=abc@mail.gmail.com".into()),
            references: vec!["CAF=abc@mail.gmail.com".into()],
            thread_topic: "打印机卡纸".into(),
            thread_index: "AQ==".into(),
            automatic: false,
            text: ".\nA line that is only a dot, above.\n".into(),
            html: None,
            date: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            attachments: Vec::new(),
        }
    }

    fn header<'a>(formatted: &'a str, name: &str) -> Option<&'a str> {
        formatted
            .split("\r\n\r\n")
            .next()
            .and_then(|h| h.lines().find(|l| l.starts_with(&format!("{name}: "))))
    }

    #[test]
    fn a_reply_carries_every_threading_header() {
        let bytes = sample().to_bytes().unwrap_or_default();
        let formatted = String::from_utf8_lossy(&bytes);
        assert_eq!(
            header(&formatted, "Message-ID"),
            Some("Message-ID: <0190-abc@mail.shop.example>")
        );
        assert_eq!(
            header(&formatted, "In-Reply-To"),
            Some("In-Reply-To: <CAF=abc@mail.gmail.com>")
        );
        assert!(header(&formatted, "References").is_some());
        assert!(header(&formatted, "Thread-Topic").is_some());
        assert!(header(&formatted, "Thread-Index").is_some());
        assert!(
            header(&formatted, "Reply-To").is_some_and(|r| r.contains("support+t1042-")),
            "{formatted}"
        );
        assert!(header(&formatted, "Auto-Submitted").is_none());
        let parsed = crate::inbound::parse(&bytes, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.subject, "[#1042] 打印机卡纸");
        assert_eq!(parsed.text, ".\nA line that is only a dot, above.");
    }

    #[test]
    fn automatic_mail_says_so() {
        let mut mail = sample();
        mail.automatic = true;
        let bytes = mail.to_bytes().unwrap_or_default();
        let formatted = String::from_utf8_lossy(&bytes);
        assert_eq!(
            header(&formatted, "Auto-Submitted"),
            Some("Auto-Submitted: auto-replied")
        );
    }

    #[test]
    fn the_subject_gets_one_tag_and_no_prefixes() {
        let n = TicketNumber::new(1042).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tagged_subject(n, "Re: [#1042] Printer"), "[#1042] Printer");
        assert_eq!(tagged_subject(n, "回复：打印机"), "[#1042] 打印机");
    }

    #[test]
    fn thread_indexes_share_the_thread_header() {
        let id = uuid::Uuid::now_v7();
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let first = thread_index(id, start, start);
        let later = thread_index(id, start, start + chrono::Duration::hours(2));
        let decode = |s: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .unwrap_or_default()
        };
        assert_eq!(decode(&first).len(), 22);
        assert_eq!(decode(&later).len(), 27);
        assert_eq!(decode(&first)[..], decode(&later)[..22]);
    }
}
