//! The ticket status state machine: which moves exist, and who may make them.
//!
//! ```text
//!  new ──► open ◄──► pending
//!   │       ▲ ▲         ▲
//!   │       │ └──► on_hold
//!   ▼       ▼       ▼
//!  (any unsolved) ──► solved ──► closed (final)
//!                       │
//!                       └──► open (reopened)
//! ```

use crate::DomainError;
use crate::role::Role;
use crate::ticket::Status;

/// Whether the state machine has a move from `from` to `to` at all (for anybody).
pub fn transition_exists(from: Status, to: Status) -> bool {
    use Status::*;
    match (from, to) {
        (Closed, _) | (_, New) => false,
        (a, b) if a == b => false,
        (New | Open | Pending | OnHold, Open | Pending | OnHold | Solved) => true,
        (Solved, Open | Closed) => true,
        _ => false,
    }
}

/// Checks a status change asked for by someone with `role`.
///
/// Staff may make any move that exists. A customer may only mark their ticket solved or reopen
/// a solved one. Vendors change ticket statuses only through escalations.
pub fn check_transition(from: Status, to: Status, role: Role) -> Result<(), DomainError> {
    if from == Status::Closed {
        return Err(DomainError::TicketClosed);
    }
    if !transition_exists(from, to) {
        return Err(DomainError::InvalidTransition { from, to });
    }
    let permitted = match role {
        Role::Admin | Role::Agent => true,
        Role::Customer => matches!(
            (from, to),
            (Status::Solved, Status::Open) | (_, Status::Solved)
        ),
        Role::Vendor => false,
    };
    if permitted {
        Ok(())
    } else {
        Err(DomainError::TransitionNotPermitted { from, to })
    }
}

/// The status a ticket moves to when its requester writes: waiting on them ends, a solved
/// ticket reopens. A closed ticket takes no replies.
pub fn after_customer_reply(current: Status) -> Result<Status, DomainError> {
    match current {
        Status::Closed => Err(DomainError::TicketClosed),
        Status::Pending | Status::Solved => Ok(Status::Open),
        other => Ok(other),
    }
}

/// The status a ticket moves to when it gets an assignee: someone now works on a new ticket.
pub fn after_assignment(current: Status) -> Status {
    match current {
        Status::New => Status::Open,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn staff_moves_follow_the_diagram() {
        let allowed = [
            (New, Open),
            (New, Pending),
            (New, OnHold),
            (New, Solved),
            (Open, Pending),
            (Open, OnHold),
            (Open, Solved),
            (Pending, Open),
            (Pending, OnHold),
            (Pending, Solved),
            (OnHold, Open),
            (OnHold, Pending),
            (OnHold, Solved),
            (Solved, Open),
            (Solved, Closed),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = allowed.contains(&(*from, *to));
                assert_eq!(
                    check_transition(*from, *to, Role::Agent).is_ok(),
                    expected,
                    "agent moving {from} → {to}"
                );
                assert_eq!(
                    check_transition(*from, *to, Role::Admin).is_ok(),
                    expected,
                    "admin moving {from} → {to}"
                );
            }
        }
    }

    #[test]
    fn closed_tickets_are_final() {
        for to in Status::ALL {
            assert_eq!(
                check_transition(Closed, *to, Role::Admin),
                Err(DomainError::TicketClosed)
            );
        }
        assert_eq!(after_customer_reply(Closed), Err(DomainError::TicketClosed));
    }

    #[test]
    fn nothing_goes_back_to_new_or_skips_solved_on_the_way_to_closed() {
        assert_eq!(
            check_transition(Open, New, Role::Admin),
            Err(DomainError::InvalidTransition {
                from: Open,
                to: New
            })
        );
        assert_eq!(
            check_transition(Open, Closed, Role::Admin),
            Err(DomainError::InvalidTransition {
                from: Open,
                to: Closed
            })
        );
    }

    #[test]
    fn customers_may_only_solve_or_reopen() {
        assert!(check_transition(Open, Solved, Role::Customer).is_ok());
        assert!(check_transition(Pending, Solved, Role::Customer).is_ok());
        assert!(check_transition(Solved, Open, Role::Customer).is_ok());
        assert_eq!(
            check_transition(Open, Pending, Role::Customer),
            Err(DomainError::TransitionNotPermitted {
                from: Open,
                to: Pending
            })
        );
        assert_eq!(
            check_transition(Solved, Closed, Role::Customer),
            Err(DomainError::TransitionNotPermitted {
                from: Solved,
                to: Closed
            })
        );
    }

    #[test]
    fn vendors_change_no_ticket_status() {
        assert_eq!(
            check_transition(Open, Solved, Role::Vendor),
            Err(DomainError::TransitionNotPermitted {
                from: Open,
                to: Solved
            })
        );
    }

    #[test]
    fn a_customer_reply_ends_waiting_and_reopens() {
        assert_eq!(after_customer_reply(Pending), Ok(Open));
        assert_eq!(after_customer_reply(Solved), Ok(Open));
        assert_eq!(after_customer_reply(New), Ok(New));
        assert_eq!(after_customer_reply(OnHold), Ok(OnHold));
    }

    #[test]
    fn assigning_a_new_ticket_opens_it() {
        assert_eq!(after_assignment(New), Open);
        assert_eq!(after_assignment(Pending), Pending);
    }
}
