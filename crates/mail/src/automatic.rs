//! Mail that no person wrote: auto-replies, out-of-office notices, mailing lists, system
//! senders, Kefu's own mail coming back, and delivery-status reports (bounces). Kefu never
//! answers such mail automatically, and reads a bounce as news about an address.

use mail_parser::{Message, MessagePart, MimeHeaders};
use serde::{Deserialize, Serialize};

use crate::headers;

/// Why a message counts as automatic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutomaticReason {
    /// `Auto-Submitted` other than `no`.
    AutoSubmitted,
    /// `Precedence: bulk`, `junk` or `list`.
    Precedence,
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress`.
    AutoReplyHeader,
    /// `List-Unsubscribe` or `List-Id`: a mailing list or newsletter.
    MailingList,
    /// `Return-Path: <>`: a bounce or other system notice.
    EmptyReturnPath,
    /// Sent by `mailer-daemon` or `postmaster`.
    SystemSender,
    /// Its Message-ID is in Kefu's own domain: Kefu's mail came back.
    OwnMessage,
    /// A delivery-status report.
    DeliveryReport,
}

/// What a delivery-status report says about one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounce {
    /// The address that could not be reached.
    pub recipient: String,
    /// Whether the failure is permanent (status 5.x.x): the address is undeliverable.
    pub permanent: bool,
    /// The status code, e.g. `5.1.1`.
    pub status: String,
    /// The receiving server's explanation.
    pub diagnostic: Option<String>,
    /// The Message-ID of the mail that bounced, when the report quotes it.
    pub original_message_id: Option<String>,
}

/// Why `message` is automatic, if it is. `own_domain` is the domain of Kefu's Message-IDs.
pub fn detect(message: &Message<'_>, own_domain: Option<&str>) -> Option<AutomaticReason> {
    let raw = |name: &'static str| message.header_raw(name).map(str::trim);
    if is_delivery_report(message) {
        return Some(AutomaticReason::DeliveryReport);
    }
    if let Some(value) = raw("Auto-Submitted")
        && !value.to_ascii_lowercase().starts_with("no")
    {
        return Some(AutomaticReason::AutoSubmitted);
    }
    if let Some(value) = raw("Precedence")
        && ["bulk", "junk", "list"].contains(&value.to_ascii_lowercase().as_str())
    {
        return Some(AutomaticReason::Precedence);
    }
    if ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"]
        .iter()
        .any(|h| raw(h).is_some())
    {
        return Some(AutomaticReason::AutoReplyHeader);
    }
    if raw("List-Unsubscribe").is_some() || raw("List-Id").is_some() {
        return Some(AutomaticReason::MailingList);
    }
    if let Some(path) = raw("Return-Path")
        && path.trim_matches(['<', '>', ' ']).is_empty()
    {
        return Some(AutomaticReason::EmptyReturnPath);
    }
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let local = sender.split('@').next().unwrap_or_default();
    if ["mailer-daemon", "postmaster"].contains(&local) {
        return Some(AutomaticReason::SystemSender);
    }
    if let (Some(domain), Some(id)) = (own_domain, message.message_id())
        && id
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain))
    {
        return Some(AutomaticReason::OwnMessage);
    }
    None
}

fn is_delivery_report(message: &Message<'_>) -> bool {
    message.root_part().content_type().is_some_and(|ct| {
        ct.c_type.eq_ignore_ascii_case("multipart")
            && ct
                .c_subtype
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    })
}

/// The failed recipient a delivery-status report names, if `message` is one.
pub fn bounce(message: &Message<'_>) -> Option<Bounce> {
    if !is_delivery_report(message) {
        return None;
    }
    let status_part = message
        .parts
        .iter()
        .find(|p| is_type(p, "message", "delivery-status"))?;
    let fields = String::from_utf8_lossy(status_part.contents()).into_owned();
    let field = |name: &str| {
        fields.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let recipient = field("Final-Recipient")
        .or_else(|| field("Original-Recipient"))
        .map(|r| r.rsplit(';').next().unwrap_or(&r).trim().to_owned())?;
    let status = field("Status").unwrap_or_default();
    let action = field("Action").unwrap_or_default().to_ascii_lowercase();
    let permanent = status.starts_with('5') || (action == "failed" && !status.starts_with('4'));
    let original_message_id = message
        .parts
        .iter()
        .filter(|p| is_type(p, "message", "rfc822") || is_type(p, "text", "rfc822-headers"))
        .find_map(|p| {
            String::from_utf8_lossy(p.contents())
                .lines()
                .find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.trim()
                        .eq_ignore_ascii_case("Message-ID")
                        .then(|| headers::message_id(value))
                        .flatten()
                })
        });
    Some(Bounce {
        recipient,
        permanent,
        status,
        diagnostic: field("Diagnostic-Code").map(|d| headers::one_line(&d)),
        original_message_id,
    })
}

fn is_type(part: &MessagePart<'_>, ty: &str, subtype: &str) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.c_type.eq_ignore_ascii_case(ty)
            && ct
                .c_subtype
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}
