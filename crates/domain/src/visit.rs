//! Field-service visits: an installation or repair at the customer's address, by a service
//! partner (a vendor) or one of the business's own technicians (an agent), in a time window.
//!
//! ```text
//!  proposed ──► confirmed ──► en_route ──► done
//!      │            │            │
//!      │            └────────────┴──► no_show (the customer was not there)
//!  (any but done / no_show) ──► cancelled (by an agent)
//! ```
//!
//! Agents propose, confirm, reschedule and cancel; the technician sets out, records the work
//! done (or that nobody was there).

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::ids::{TicketId, UserId, VendorId, VisitId};
use crate::string_enum::string_enum;
use crate::text;

/// The longest a visit's window may be.
pub const WINDOW_MAX_HOURS: i64 = 12;

/// The longest address, task or outcome text, in characters.
pub const TEXT_MAX: usize = 2_000;

string_enum! {
    /// Where a visit stands.
    "visit status", VisitStatus {
        /// Offered to the customer, not yet agreed.
        Proposed => "proposed",
        /// Agreed with the customer.
        Confirmed => "confirmed",
        /// The technician is on the way.
        EnRoute => "en_route",
        /// The work was done; final.
        Done => "done",
        /// The customer was not there; final.
        NoShow => "no_show",
        /// Called off; final.
        Cancelled => "cancelled",
    }
}

/// Who may move a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitSide {
    /// The business's agents (who also schedule).
    Staff,
    /// The technician doing it: the service partner's users, or the agent assigned.
    Technician,
}

impl VisitStatus {
    /// Whether nothing more happens to the visit.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::NoShow | Self::Cancelled)
    }
}

/// Which side may move a visit from `from` to `to`, or `None` when the lifecycle has no such
/// move. Staff confirm and cancel; the technician sets out and records how it ended.
pub fn mover(from: VisitStatus, to: VisitStatus) -> Option<VisitSide> {
    use VisitStatus::*;
    match (from, to) {
        (Proposed, Confirmed) => Some(VisitSide::Staff),
        (Confirmed, EnRoute) => Some(VisitSide::Technician),
        (EnRoute, Done) | (Confirmed | EnRoute, NoShow) => Some(VisitSide::Technician),
        (from, Cancelled) if !from.is_final() => Some(VisitSide::Staff),
        _ => None,
    }
}

/// Checks a move asked for by `side`.
pub fn check_move(from: VisitStatus, to: VisitStatus, side: VisitSide) -> Result<(), DomainError> {
    match mover(from, to) {
        Some(allowed) if allowed == side => Ok(()),
        Some(_) => Err(DomainError::InvalidVisitMove(format!(
            "the {} moves a visit from {from} to {to}",
            if side == VisitSide::Staff {
                "technician"
            } else {
                "business"
            }
        ))),
        None => Err(DomainError::InvalidVisitMove(format!(
            "a visit cannot go from {from} to {to}"
        ))),
    }
}

/// When a visit takes place: a window of up to [`WINDOW_MAX_HOURS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitWindow {
    /// Its start.
    pub start: DateTime<Utc>,
    /// Its end.
    pub end: DateTime<Utc>,
}

impl VisitWindow {
    /// A window from `start` to `end`: it ends after it starts, lasts at most
    /// [`WINDOW_MAX_HOURS`], and (when scheduled) does not end in the past.
    pub fn new(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if end <= start {
            return Err(DomainError::InvalidVisit(
                "the window must end after it starts".into(),
            ));
        }
        if end - start > Duration::hours(WINDOW_MAX_HOURS) {
            return Err(DomainError::InvalidVisit(format!(
                "a visit's window is at most {WINDOW_MAX_HOURS} hours"
            )));
        }
        if end <= now {
            return Err(DomainError::InvalidVisit(
                "the window is already over".into(),
            ));
        }
        Ok(Self { start, end })
    }
}

/// Who does a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Technician {
    /// A service partner; any of its users may act for it.
    Partner(VendorId),
    /// One of the business's own technicians (an agent).
    Staff(UserId),
}

/// What the technician recorded at the end of a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The work done (or why nobody was there).
    pub work: String,
    /// The parts used, if any.
    pub parts: Option<String>,
    /// The name of the person who signed for it, if anyone.
    pub signed_by: Option<String>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// Its id.
    pub id: VisitId,
    /// The ticket it is for.
    pub ticket: TicketId,
    /// Who does it.
    pub technician: Technician,
    /// Where.
    pub address: String,
    /// When.
    pub window: VisitWindow,
    /// What to do.
    pub task: String,
    /// Where it stands.
    pub status: VisitStatus,
    /// How it ended, once recorded.
    pub outcome: Option<Outcome>,
    /// How many times the customer was told of a change (the iCalendar `SEQUENCE`).
    pub sequence: i32,
    /// Who scheduled it.
    pub created_by: UserId,
    /// When it was scheduled.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// An address, task or outcome text: 1 to [`TEXT_MAX`] characters, lines allowed.
pub fn text_of(field: &'static str, value: &str) -> Result<String, DomainError> {
    text::clean(field, value, TEXT_MAX, true)
}

impl Visit {
    /// Moves the visit to `to` for `side` at `now`; returns the status it left.
    pub fn move_to(
        &mut self,
        to: VisitStatus,
        side: VisitSide,
        now: DateTime<Utc>,
    ) -> Result<VisitStatus, DomainError> {
        let from = self.status;
        check_move(from, to, side)?;
        self.status = to;
        self.updated_at = now;
        Ok(from)
    }

    /// Moves the visit to a new window: only before the technician sets out; a confirmed
    /// visit stays confirmed (the customer is told the new time).
    pub fn reschedule(
        &mut self,
        window: VisitWindow,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        if !matches!(self.status, VisitStatus::Proposed | VisitStatus::Confirmed) {
            return Err(DomainError::InvalidVisitMove(format!(
                "a visit that is {} cannot be moved to another time",
                self.status
            )));
        }
        self.window = window;
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::VisitStatus::*;
    use super::*;

    #[test]
    fn each_side_makes_its_own_moves() {
        assert_eq!(mover(Proposed, Confirmed), Some(VisitSide::Staff));
        assert_eq!(mover(Confirmed, EnRoute), Some(VisitSide::Technician));
        assert_eq!(mover(EnRoute, Done), Some(VisitSide::Technician));
        assert_eq!(mover(Confirmed, NoShow), Some(VisitSide::Technician));
        assert_eq!(mover(Proposed, Done), None);
        assert_eq!(mover(Done, Cancelled), None);
        assert_eq!(mover(EnRoute, Cancelled), Some(VisitSide::Staff));
        assert!(check_move(Confirmed, EnRoute, VisitSide::Staff).is_err());
        for from in VisitStatus::ALL {
            for to in VisitStatus::ALL {
                if from.is_final() {
                    assert_eq!(mover(*from, *to), None, "{from} is final");
                }
            }
        }
    }

    #[test]
    fn windows_are_sane() {
        let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(10);
        let h = Duration::hours;
        assert!(VisitWindow::new(now + h(1), now + h(3), now).is_ok());
        assert!(VisitWindow::new(now + h(3), now + h(1), now).is_err());
        assert!(VisitWindow::new(now + h(1), now + h(14), now).is_err());
        assert!(VisitWindow::new(now - h(5), now - h(3), now).is_err());
    }
}
