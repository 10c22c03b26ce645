//! Phone calls logged on tickets.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::ids::{CallId, MessageId, TicketId, UserId};
use crate::phone::PhoneNumber;
use crate::string_enum::string_enum;

string_enum! {
    /// Who called whom.
    "call direction", CallDirection {
        /// The customer called the business.
        Inbound => "inbound",
        /// The business called the customer.
        Outbound => "outbound",
    }
}

string_enum! {
    /// How the call ended.
    "call outcome", CallOutcome {
        /// Somebody picked up and talked.
        Answered => "answered",
        /// Nobody picked up.
        Missed => "missed",
        /// A voicemail was left.
        Voicemail => "voicemail",
        /// The caller asked to be called back.
        CallbackRequested => "callback_requested",
    }
}

/// The longest call that can be logged, in seconds (a day).
pub const MAX_DURATION_SECONDS: i32 = 86_400;
/// The longest call notes, in characters.
pub const NOTES_MAX: usize = 10_000;

/// A call's details, checked to be consistent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallDetails {
    /// Who called whom.
    pub direction: CallDirection,
    /// The calling number.
    pub from: PhoneNumber,
    /// The called number.
    pub to: PhoneNumber,
    /// When the call began.
    pub started_at: DateTime<Utc>,
    /// How long it lasted, in seconds.
    pub duration_seconds: i32,
    /// How it ended.
    pub outcome: CallOutcome,
    /// What was said or agreed.
    pub notes: Option<String>,
}

impl CallDetails {
    /// Checks that the details fit together: distinct numbers, a start that is not in the
    /// future, a duration between 0 and a day, and no talk time on a missed call; trims the
    /// notes.
    pub fn validated(self, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let invalid = |why: &str| Err(DomainError::InvalidCall(why.to_owned()));
        if self.from == self.to {
            return invalid("the calling and the called number are the same");
        }
        if self.started_at > now + Duration::minutes(5) {
            return invalid("the call cannot start in the future");
        }
        if !crate::time::is_storable(self.started_at) {
            return invalid("the call's start time is not a real date");
        }
        if !(0..=MAX_DURATION_SECONDS).contains(&self.duration_seconds) {
            return invalid("the duration must be between 0 and 86400 seconds");
        }
        if self.outcome == CallOutcome::Missed && self.duration_seconds != 0 {
            return invalid("a missed call has a duration of 0");
        }
        let notes = self
            .notes
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(|n| crate::text::clean("notes", n, NOTES_MAX, true))
            .transpose()?;
        Ok(Self { notes, ..self })
    }

    /// The customer's number: the caller on inbound calls, the called party on outbound.
    pub fn customer_number(&self) -> &PhoneNumber {
        match self.direction {
            CallDirection::Inbound => &self.from,
            CallDirection::Outbound => &self.to,
        }
    }
}

/// A call logged on a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLog {
    /// The call's id.
    pub id: CallId,
    /// The ticket it is logged on.
    pub ticket: TicketId,
    /// Its entry on the ticket's timeline.
    pub message: MessageId,
    /// What happened.
    pub details: CallDetails,
    /// The agent who logged it, if one did.
    pub logged_by: Option<UserId>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> PhoneNumber {
        PhoneNumber::from_stored(s.to_owned())
    }

    fn call(
        duration: i32,
        outcome: CallOutcome,
        started_ago: i64,
    ) -> Result<CallDetails, DomainError> {
        let now = Utc::now();
        CallDetails {
            direction: CallDirection::Inbound,
            from: number("+8613800138000"),
            to: number("+862155550100"),
            started_at: now - Duration::seconds(started_ago),
            duration_seconds: duration,
            outcome,
            notes: Some("  wants a refund  ".into()),
        }
        .validated(now)
    }

    #[test]
    fn consistent_calls_are_accepted() {
        let details = call(125, CallOutcome::Answered, 300);
        assert_eq!(
            details.as_ref().map(|d| d.notes.as_deref()),
            Ok(Some("wants a refund"))
        );
        assert_eq!(
            details.map(|d| d.customer_number().to_string()),
            Ok("+8613800138000".into())
        );
        assert!(call(0, CallOutcome::Missed, 10).is_ok());
    }

    #[test]
    fn contradictions_are_refused() {
        assert!(call(-1, CallOutcome::Answered, 10).is_err());
        assert!(call(MAX_DURATION_SECONDS + 1, CallOutcome::Answered, 10).is_err());
        assert!(call(30, CallOutcome::Missed, 10).is_err());
        assert!(call(30, CallOutcome::Answered, -3600).is_err());
        let same = CallDetails {
            direction: CallDirection::Outbound,
            from: number("+8613800138000"),
            to: number("+8613800138000"),
            started_at: Utc::now(),
            duration_seconds: 10,
            outcome: CallOutcome::Answered,
            notes: None,
        }
        .validated(Utc::now());
        assert!(same.is_err());
    }
}
