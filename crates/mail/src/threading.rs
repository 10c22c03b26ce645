//! Which ticket an incoming message joins, and by which rule. The rules, in order:
//! 1. the signed per-ticket reply address it was sent to;
//! 2. its `In-Reply-To` / `References` against the Message-IDs Kefu sent or received;
//! 3. the subject tag `[#1042]`, only when the sender already takes part in that ticket.
//!
//! Otherwise it opens a new ticket. A message that would join a closed ticket opens a
//! follow-up instead, which names the closed one.

use kefu_domain::ids::TicketId;
use kefu_domain::ticket::TicketNumber;
use serde::{Deserialize, Serialize};

/// The rule that attached a message to its ticket, as shown to agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadRule {
    /// Sent to the ticket's signed reply address.
    ReplyAddress,
    /// `In-Reply-To` or `References` named a message of the ticket.
    Headers,
    /// The subject carried the ticket's tag and the sender takes part in it.
    SubjectTag,
    /// Nothing matched: a new ticket.
    NewTicket,
    /// It answered a closed ticket, so it opened a new one that names it.
    FollowUp,
    /// An agent moved it here by hand.
    Moved,
    /// An agent split it into a new ticket by hand.
    Split,
}

impl ThreadRule {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReplyAddress => "reply_address",
            Self::Headers => "headers",
            Self::SubjectTag => "subject_tag",
            Self::NewTicket => "new_ticket",
            Self::FollowUp => "follow_up",
            Self::Moved => "moved",
            Self::Split => "split",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::ReplyAddress,
            Self::Headers,
            Self::SubjectTag,
            Self::NewTicket,
            Self::FollowUp,
            Self::Moved,
            Self::Split,
        ]
        .into_iter()
        .find(|rule| rule.as_str() == value)
    }
}

/// A ticket one rule points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The ticket.
    pub ticket: TicketId,
    /// Whether it is closed (a reply then opens a follow-up).
    pub closed: bool,
}

/// What each rule found for one message, looked up by the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The ticket of a valid reply address among the recipients.
    pub reply_address: Option<Candidate>,
    /// The ticket of the newest known Message-ID in `In-Reply-To`, then `References`.
    pub headers: Option<Candidate>,
    /// The ticket of the subject tag, with whether the sender takes part in it.
    pub subject_tag: Option<(Candidate, bool)>,
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadDecision {
    /// Onto an existing ticket.
    Join {
        /// The ticket.
        ticket: TicketId,
        /// Why.
        rule: ThreadRule,
    },
    /// A new ticket; `follow_up_of` names the closed ticket it answers, if any.
    New {
        /// The closed ticket it answered.
        follow_up_of: Option<TicketId>,
    },
}

impl ThreadDecision {
    /// The rule recorded on the message.
    pub fn rule(self) -> ThreadRule {
        match self {
            Self::Join { rule, .. } => rule,
            Self::New {
                follow_up_of: Some(_),
            } => ThreadRule::FollowUp,
            Self::New { follow_up_of: None } => ThreadRule::NewTicket,
        }
    }
}

/// Applies the rules in order.
pub fn decide(evidence: Evidence) -> ThreadDecision {
    let found = evidence
        .reply_address
        .map(|c| (c, ThreadRule::ReplyAddress))
        .or(evidence.headers.map(|c| (c, ThreadRule::Headers)))
        .or(evidence
            .subject_tag
            .filter(|(_, participant)| *participant)
            .map(|(c, _)| (c, ThreadRule::SubjectTag)));
    match found {
        Some((candidate, _)) if candidate.closed => ThreadDecision::New {
            follow_up_of: Some(candidate.ticket),
        },
        Some((candidate, rule)) => ThreadDecision::Join {
            ticket: candidate.ticket,
            rule,
        },
        None => ThreadDecision::New { follow_up_of: None },
    }
}

/// The ticket number in a subject's tag: `[#1042]` (also `[#1042]` written with a full-width
/// `＃`, as Chinese input methods do).
pub fn subject_tag(subject: &str) -> Option<TicketNumber> {
    let mut rest = subject;
    while let Some(start) = rest.find('[') {
        rest = &rest[start + 1..];
        let inner = rest
            .strip_prefix('#')
            .or_else(|| rest.strip_prefix('＃'))
            .unwrap_or("");
        let digits: &str = &inner[..inner
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(inner.len())];
        if !digits.is_empty()
            && inner[digits.len()..].starts_with(']')
            && let Ok(number) = digits.parse::<i64>()
            && let Ok(number) = TicketNumber::new(number)
        {
            return Some(number);
        }
    }
    None
}

/// Reply and forward prefixes mail clients add, in the languages Kefu's customers write.
const PREFIXES: &[&str] = &[
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "rif", "antw", "回复", "回覆", "答复", "转发",
    "轉寄", "转寄",
];

/// A subject without reply and forward prefixes (`Re:`, `Fwd:`, `回复：`, `转发:`) and without
/// Kefu's tag: the subject a new ticket gets.
pub fn clean_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let before = s;
        for prefix in PREFIXES {
            if let Some(head) = s.get(..prefix.len())
                && head.eq_ignore_ascii_case(prefix)
            {
                let tail = s[prefix.len()..].trim_start();
                let tail = tail.strip_prefix(':').or_else(|| tail.strip_prefix('：'));
                if let Some(tail) = tail {
                    s = tail.trim_start();
                    break;
                }
            }
        }
        if let Some(tag_end) = s.strip_prefix("[#").and_then(|t| t.find(']')) {
            s = s[tag_end + 3..].trim_start();
        }
        if s == before {
            break;
        }
    }
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(closed: bool) -> Candidate {
        Candidate {
            ticket: TicketId::new(),
            closed,
        }
    }

    #[test]
    fn the_reply_address_wins_over_headers_and_tags() {
        let by_address = candidate(false);
        let decision = decide(Evidence {
            reply_address: Some(by_address),
            headers: Some(candidate(false)),
            subject_tag: Some((candidate(false), true)),
        });
        assert_eq!(
            decision,
            ThreadDecision::Join {
                ticket: by_address.ticket,
                rule: ThreadRule::ReplyAddress
            }
        );
    }

    #[test]
    fn a_subject_tag_counts_only_for_participants() {
        let tagged = candidate(false);
        let stranger = decide(Evidence {
            subject_tag: Some((tagged, false)),
            ..Evidence::default()
        });
        assert_eq!(stranger, ThreadDecision::New { follow_up_of: None });
        let participant = decide(Evidence {
            subject_tag: Some((tagged, true)),
            ..Evidence::default()
        });
        assert_eq!(participant.rule(), ThreadRule::SubjectTag);
    }

    #[test]
    fn a_reply_to_a_closed_ticket_opens_a_follow_up() {
        let closed = candidate(true);
        let decision = decide(Evidence {
            headers: Some(closed),
            ..Evidence::default()
        });
        assert_eq!(
            decision,
            ThreadDecision::New {
                follow_up_of: Some(closed.ticket)
            }
        );
        assert_eq!(decision.rule(), ThreadRule::FollowUp);
    }

    #[test]
    fn subject_tags_are_found_anywhere_in_the_subject() {
        let n = |v| TicketNumber::new(v).ok();
        assert_eq!(subject_tag("Re: [#1042] Printer jams"), n(1042));
        assert_eq!(subject_tag("回复：[＃7] 打印机卡纸"), n(7));
        assert_eq!(subject_tag("[urgent] [#12] x"), n(12));
        assert_eq!(subject_tag("[#] [#abc] [#0]"), None);
        assert_eq!(subject_tag("no tag #1042"), None);
    }

    #[test]
    fn subjects_lose_their_prefixes_and_tag() {
        assert_eq!(clean_subject("Re: Fwd: [#12] Printer"), "Printer");
        assert_eq!(clean_subject("回复：转发: 打印机卡纸"), "打印机卡纸");
        assert_eq!(clean_subject("RE:AW: Order 55"), "Order 55");
        assert_eq!(clean_subject("Recipe for bread"), "Recipe for bread");
    }
}
