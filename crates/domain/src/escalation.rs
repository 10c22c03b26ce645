//! Escalations: cases handed to a vendor, their lifecycle and who may move it.
//!
//! ```text
//!  requested ──► acknowledged ──► in_progress ──► answered ──► closed
//!      │              │      ▲         │    ▲         │
//!      │              ▼      │         ▼    └─────────┘ (reopened by the agent)
//!      ├──────────► info_requested ◄───┘
//!      └──────────► returned ──► requested (sent again) / closed
//!  (any but closed) ──► cancelled (by the agent)
//! ```
//!
//! The vendor acknowledges, works, answers, asks for information or returns the case; the
//! agent closes it, reopens an answer, sends a returned case again or cancels it.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{EscalationId, EscalationMessageId, MessageId, TicketId, UserId, VendorId};
use crate::message::AuthorKind;
use crate::role::Role;
use crate::string_enum::string_enum;

string_enum! {
    /// Where an escalation stands.
    "escalation status", EscalationStatus {
        /// Handed to the vendor; they have not responded yet.
        Requested => "requested",
        /// The vendor has seen it.
        Acknowledged => "acknowledged",
        /// The vendor works on it.
        InProgress => "in_progress",
        /// The vendor asks the agent a question.
        InfoRequested => "info_requested",
        /// The vendor has answered.
        Answered => "answered",
        /// The vendor handed it back (for example: not their product).
        Returned => "returned",
        /// The agent accepted the answer; final.
        Closed => "closed",
        /// The agent withdrew it; final.
        Cancelled => "cancelled",
    }
}

string_enum! {
    /// What an entry in an escalation's thread is.
    "escalation entry kind", EntryKind {
        /// A message between the agent and the vendor.
        Reply => "reply",
        /// A note among the vendor's own users; agents never see it.
        Note => "note",
        /// A change of status or another step, written by Kefu.
        Event => "event",
        /// A redacted copy of a ticket message the agent shared.
        Shared => "shared",
    }
}

/// One entry in an escalation's thread.
#[derive(Clone, Debug, PartialEq)]
pub struct EscalationMessage {
    /// Its id.
    pub id: EscalationMessageId,
    /// The escalation it belongs to.
    pub escalation: EscalationId,
    /// What it is.
    pub kind: EntryKind,
    /// Who wrote it: an agent, a vendor user or Kefu.
    pub author_kind: AuthorKind,
    /// The user who wrote it, if a user did.
    pub author_user: Option<UserId>,
    /// Its text, as the vendor sees it.
    pub body: String,
    /// Details of an event (the move it records).
    pub data: Option<serde_json::Value>,
    /// For a shared entry, the ticket message it copies.
    pub source_message: Option<MessageId>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl EntryKind {
    /// Whether the agent's side sees entries of this kind.
    pub fn seen_by_staff(self) -> bool {
        self != EntryKind::Note
    }
}

/// Which side of an escalation someone is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The business: its agents and admins.
    Staff,
    /// The vendor's users (or its systems).
    Vendor,
}

impl Side {
    /// The side a role works on, or `None` for customers.
    pub fn of(role: Role) -> Option<Side> {
        match role {
            Role::Admin | Role::Agent => Some(Side::Staff),
            Role::Vendor => Some(Side::Vendor),
            Role::Customer => None,
        }
    }

    /// `staff` or `vendor`, as integrations are told.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Staff => "staff",
            Side::Vendor => "vendor",
        }
    }
}

impl EscalationStatus {
    /// Whether the escalation is over: nothing more happens on it.
    pub fn is_final(self) -> bool {
        matches!(self, EscalationStatus::Closed | EscalationStatus::Cancelled)
    }

    /// Whether the vendor is expected to act next.
    pub fn awaits_vendor(self) -> bool {
        use EscalationStatus::*;
        matches!(self, Requested | Acknowledged | InProgress)
    }

    /// Whether moving here hands the case back to the agent (and the ticket back to `open`).
    pub fn hands_back(self) -> bool {
        use EscalationStatus::*;
        matches!(self, Answered | Returned | InfoRequested)
    }

    /// The statuses a vendor's queue shows by default: everything not over.
    pub fn open() -> Vec<EscalationStatus> {
        EscalationStatus::ALL
            .iter()
            .copied()
            .filter(|s| !s.is_final())
            .collect()
    }
}

/// The side that may make the move from `from` to `to`, or `None` if the lifecycle has no
/// such move.
pub fn mover(from: EscalationStatus, to: EscalationStatus) -> Option<Side> {
    use EscalationStatus::*;
    match (from, to) {
        (Requested, Acknowledged) => Some(Side::Vendor),
        (Requested | Acknowledged | InfoRequested, InProgress) => Some(Side::Vendor),
        (Requested | Acknowledged | InProgress, Answered | InfoRequested | Returned) => {
            Some(Side::Vendor)
        }
        (InfoRequested, Returned) => Some(Side::Vendor),
        (Answered, InProgress | Closed) => Some(Side::Staff),
        (Returned, Requested | Closed) => Some(Side::Staff),
        (from, Cancelled) if !from.is_final() => Some(Side::Staff),
        _ => None,
    }
}

/// Checks a move asked for by `side`.
pub fn check_move(
    from: EscalationStatus,
    to: EscalationStatus,
    side: Side,
) -> Result<(), DomainError> {
    match mover(from, to) {
        None => Err(DomainError::InvalidEscalationMove { from, to }),
        Some(allowed) if allowed == side => Ok(()),
        Some(_) => Err(DomainError::EscalationMoveNotPermitted { from, to }),
    }
}

/// The words a vendor who works by mail may start a reply with, and the move each asks for.
/// The mail to such a vendor lists them; a reply without one is the vendor's answer.
pub const MAIL_KEYWORDS: &[(&str, EscalationStatus)] = &[
    ("#ack", EscalationStatus::Acknowledged),
    ("#收到", EscalationStatus::Acknowledged),
    ("#working", EscalationStatus::InProgress),
    ("#处理中", EscalationStatus::InProgress),
    ("#question", EscalationStatus::InfoRequested),
    ("#提问", EscalationStatus::InfoRequested),
    ("#return", EscalationStatus::Returned),
    ("#退回", EscalationStatus::Returned),
];

/// The move a vendor's mailed reply asks for: the keyword its first line starts with
/// (`#ack`, `#working`, `#question`, `#return`, or the Chinese words), else `answered`.
pub fn mailed_move(reply: &str) -> EscalationStatus {
    let first = reply
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .replace('＃', "#")
        .to_lowercase();
    MAIL_KEYWORDS
        .iter()
        .find(|(word, _)| {
            first.strip_prefix(word).is_some_and(|rest| {
                !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .map_or(EscalationStatus::Answered, |(_, status)| *status)
}

/// A reminder to the vendor about the step it is due to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// The due time is near: a quarter of the time allowed remains (at least 5 minutes'
    /// and at most 4 hours' notice).
    DueSoon,
    /// The due time has passed.
    Overdue,
}

/// How long before a step's due time the vendor is reminded: a quarter of the time it was
/// given, between 5 minutes and 4 hours.
pub fn reminder_lead(given: chrono::Duration) -> chrono::Duration {
    (given / 4).clamp(chrono::Duration::minutes(5), chrono::Duration::hours(4))
}

/// The longest [`reminder_lead`] gives: how far ahead a sweep for reminders looks.
pub const REMINDER_LEAD_MAX_HOURS: i64 = 4;

/// An escalation: a case handed to one vendor, with its own thread and due times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// Its id.
    pub id: EscalationId,
    /// The ticket it was made from (never shown to the vendor).
    pub ticket: TicketId,
    /// The vendor it was handed to.
    pub vendor: VendorId,
    /// Where it stands.
    pub status: EscalationStatus,
    /// The title the vendor sees (the ticket's subject, redacted).
    pub subject: String,
    /// What the customer needs, what was tried, what is asked of the vendor (redacted).
    pub brief: String,
    /// The customer's details, when sharing them was chosen.
    pub contact: Option<SharedContact>,
    /// When it was handed over (or last sent again).
    pub requested_at: DateTime<Utc>,
    /// When the vendor is due to acknowledge it.
    pub acknowledge_by: DateTime<Utc>,
    /// When the vendor is due to answer it.
    pub answer_by: DateTime<Utc>,
    /// When the vendor first responded.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the vendor first answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the vendor handed it back.
    pub returned_at: Option<DateTime<Utc>>,
    /// How often the agent reopened an answer.
    pub reopened: i32,
    /// When anything last happened on it.
    pub updated_at: DateTime<Utc>,
}

/// The customer's details shared with a vendor.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedContact {
    /// Their name.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
}

impl Escalation {
    /// The next time the vendor is due to act, or `None` when the case is not in their hands.
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        match self.status {
            EscalationStatus::Requested => Some(self.acknowledge_by),
            EscalationStatus::Acknowledged | EscalationStatus::InProgress => Some(self.answer_by),
            _ => None,
        }
    }

    /// The reminder due at `now`, if any: `reminded` holds the due times a due-soon and an
    /// overdue reminder were last sent for, so each is sent once per due time.
    pub fn reminder(
        &self,
        reminded: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        now: DateTime<Utc>,
    ) -> Option<Reminder> {
        let due = self.due_at()?;
        let (soon_for, late_for) = reminded;
        if now >= due {
            return (late_for != Some(due)).then_some(Reminder::Overdue);
        }
        let lead = reminder_lead(due - self.requested_at);
        (now >= due - lead && soon_for != Some(due) && late_for != Some(due))
            .then_some(Reminder::DueSoon)
    }

    /// Whether the vendor is late at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.due_at().is_some_and(|due| due < now)
    }

    /// Moves the escalation to `to` on behalf of `side` at `now`, stamping the milestones the
    /// scorecard measures. Returns the status it left.
    pub fn move_to(
        &mut self,
        to: EscalationStatus,
        side: Side,
        now: DateTime<Utc>,
    ) -> Result<EscalationStatus, DomainError> {
        let from = self.status;
        check_move(from, to, side)?;
        if side == Side::Vendor && self.acknowledged_at.is_none() {
            self.acknowledged_at = Some(now);
        }
        match to {
            EscalationStatus::Answered if self.answered_at.is_none() => {
                self.answered_at = Some(now)
            }
            EscalationStatus::Returned => self.returned_at = Some(now),
            EscalationStatus::InProgress if from == EscalationStatus::Answered => {
                self.reopened += 1
            }
            _ => {}
        }
        self.status = to;
        self.updated_at = now;
        Ok(from)
    }

    /// Puts the case back in the vendor's hands after the agent answered their question: it
    /// was acknowledged, so the vendor works on it.
    pub fn question_answered(&mut self, now: DateTime<Utc>) -> bool {
        if self.status != EscalationStatus::InfoRequested {
            return false;
        }
        self.status = EscalationStatus::InProgress;
        self.updated_at = now;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::EscalationStatus::*;

    #[test]
    fn the_vendor_is_reminded_once_before_and_once_at_each_due_time() {
        use super::Reminder;
        use chrono::{Duration, TimeZone, Utc};
        let start = Utc
            .timestamp_opt(1_796_461_200, 0)
            .single()
            .unwrap_or_default();
        let mut e = super::Escalation {
            id: crate::ids::EscalationId::new(),
            ticket: crate::ids::TicketId::new(),
            vendor: crate::ids::VendorId::new(),
            status: Requested,
            subject: "s".into(),
            brief: "b".into(),
            contact: None,
            requested_at: start,
            acknowledge_by: start + Duration::hours(1),
            answer_by: start + Duration::hours(48),
            acknowledged_at: None,
            answered_at: None,
            returned_at: None,
            reopened: 0,
            updated_at: start,
        };
        let ack = e.acknowledge_by;
        // An hour to acknowledge: reminded 15 minutes before, then at the hour.
        assert_eq!(
            e.reminder((None, None), start + Duration::minutes(44)),
            None
        );
        assert_eq!(
            e.reminder((None, None), start + Duration::minutes(45)),
            Some(Reminder::DueSoon)
        );
        assert_eq!(
            e.reminder((Some(ack), None), start + Duration::minutes(50)),
            None
        );
        assert_eq!(e.reminder((Some(ack), None), ack), Some(Reminder::Overdue));
        assert_eq!(
            e.reminder((Some(ack), Some(ack)), ack + Duration::hours(3)),
            None
        );
        // A sweep that first looks after the due time sends only the overdue reminder.
        assert_eq!(
            e.reminder((None, Some(ack)), ack + Duration::minutes(1)),
            None
        );
        // Acknowledged, the answer's due time counts: 4 hours' notice at most.
        e.status = Acknowledged;
        let answer = e.answer_by;
        assert_eq!(
            e.reminder((Some(ack), Some(ack)), answer - Duration::hours(5)),
            None
        );
        assert_eq!(
            e.reminder((Some(ack), Some(ack)), answer - Duration::hours(4)),
            Some(Reminder::DueSoon)
        );
        e.status = Answered;
        assert_eq!(
            e.reminder((None, None), answer + Duration::hours(1)),
            None,
            "nothing is due"
        );
    }

    #[test]
    fn a_mailed_reply_answers_unless_its_first_line_says_otherwise() {
        use super::mailed_move;
        assert_eq!(mailed_move("The fix is firmware 2.1.4."), Answered);
        assert_eq!(mailed_move("\n  #ACK we are on it"), Acknowledged);
        assert_eq!(mailed_move("#working: parts ordered"), InProgress);
        assert_eq!(mailed_move("＃提问 请提供序列号"), InfoRequested);
        assert_eq!(mailed_move("#return not our product"), Returned);
        assert_eq!(mailed_move("#退回"), Returned);
        assert_eq!(mailed_move("#acknowledgement of receipt"), Answered);
        assert_eq!(mailed_move("Thanks.\n#return"), Answered);
    }
    use super::*;
    use crate::vendor::ResponseTargets;

    fn escalation(status: EscalationStatus) -> Escalation {
        let now = Utc::now();
        let targets = ResponseTargets {
            acknowledge_minutes: 60,
            answer_minutes: 600,
        };
        let (acknowledge_by, answer_by) = targets.due_times(now);
        Escalation {
            id: EscalationId::new(),
            ticket: TicketId::new(),
            vendor: VendorId::new(),
            status,
            subject: "Printer prints blank pages".into(),
            brief: "Firmware fault?".into(),
            contact: None,
            requested_at: now,
            acknowledge_by,
            answer_by,
            acknowledged_at: None,
            answered_at: None,
            returned_at: None,
            reopened: 0,
            updated_at: now,
        }
    }

    #[test]
    fn each_move_belongs_to_one_side() {
        let vendor = [
            (Requested, Acknowledged),
            (Requested, InProgress),
            (Acknowledged, InProgress),
            (InfoRequested, InProgress),
            (Requested, Answered),
            (Acknowledged, Answered),
            (InProgress, Answered),
            (InProgress, InfoRequested),
            (Acknowledged, InfoRequested),
            (Requested, InfoRequested),
            (Acknowledged, Returned),
            (Requested, Returned),
            (InProgress, Returned),
            (InfoRequested, Returned),
        ];
        let staff = [
            (Answered, Closed),
            (Answered, InProgress),
            (Returned, Requested),
            (Returned, Closed),
            (Requested, Cancelled),
            (InProgress, Cancelled),
            (Answered, Cancelled),
            (Returned, Cancelled),
        ];
        for from in EscalationStatus::ALL {
            for to in EscalationStatus::ALL {
                let expected = if vendor.contains(&(*from, *to)) {
                    Some(Side::Vendor)
                } else if staff.contains(&(*from, *to)) || (*to == Cancelled && !from.is_final()) {
                    Some(Side::Staff)
                } else {
                    None
                };
                assert_eq!(mover(*from, *to), expected, "{from} → {to}");
            }
        }
    }

    #[test]
    fn the_wrong_side_is_refused_and_missing_moves_are_invalid() {
        assert_eq!(
            check_move(Requested, Answered, Side::Staff),
            Err(DomainError::EscalationMoveNotPermitted {
                from: Requested,
                to: Answered
            })
        );
        assert_eq!(
            check_move(Answered, Closed, Side::Vendor),
            Err(DomainError::EscalationMoveNotPermitted {
                from: Answered,
                to: Closed
            })
        );
        assert_eq!(
            check_move(Closed, InProgress, Side::Staff),
            Err(DomainError::InvalidEscalationMove {
                from: Closed,
                to: InProgress
            })
        );
        assert!(check_move(Cancelled, Cancelled, Side::Staff).is_err());
    }

    #[test]
    fn milestones_are_stamped_once() -> Result<(), DomainError> {
        let mut e = escalation(Requested);
        let t1 = e.requested_at + chrono::Duration::minutes(5);
        e.move_to(InProgress, Side::Vendor, t1)?;
        assert_eq!(e.acknowledged_at, Some(t1));
        let t2 = t1 + chrono::Duration::minutes(5);
        e.move_to(Answered, Side::Vendor, t2)?;
        assert_eq!(e.answered_at, Some(t2));
        e.move_to(InProgress, Side::Staff, t2)?;
        assert_eq!(e.reopened, 1);
        let t3 = t2 + chrono::Duration::minutes(5);
        e.move_to(Answered, Side::Vendor, t3)?;
        assert_eq!(e.answered_at, Some(t2), "the first answer counts");
        assert_eq!(e.acknowledged_at, Some(t1));
        e.move_to(Closed, Side::Staff, t3)?;
        assert_eq!((e.status, e.updated_at), (Closed, t3));
        Ok(())
    }

    #[test]
    fn due_time_follows_whose_turn_it_is() -> Result<(), DomainError> {
        let mut e = escalation(Requested);
        assert_eq!(e.due_at(), Some(e.acknowledge_by));
        assert!(!e.is_overdue(e.requested_at));
        assert!(e.is_overdue(e.acknowledge_by + chrono::Duration::seconds(1)));
        e.move_to(Acknowledged, Side::Vendor, e.requested_at)?;
        assert_eq!(e.due_at(), Some(e.answer_by));
        e.move_to(InfoRequested, Side::Vendor, e.requested_at)?;
        assert_eq!(e.due_at(), None, "the agent's turn");
        assert!(e.question_answered(e.requested_at));
        assert_eq!(e.status, InProgress);
        assert!(!e.question_answered(e.requested_at));
        Ok(())
    }

    #[test]
    fn customers_are_on_no_side() {
        assert_eq!(Side::of(Role::Customer), None);
        assert_eq!(Side::of(Role::Agent), Some(Side::Staff));
        assert_eq!(Side::of(Role::Vendor), Some(Side::Vendor));
    }
}
