//! Keeping a ticket's clock in step with the ticket, in the transaction that changes it.

use chrono::{DateTime, Utc};
use kefu_domain::sla::{self, SlaClock};
use kefu_domain::ticket::Ticket;
use kefu_store::sla::clocks;
use kefu_store::{DbConnection, StoreError};

use super::book::{Book, BookCache};

pub use kefu_domain::sla::Activity;

/// Whether a change reclassified the ticket, so that another policy may cover it.
fn reclassified(before: &Ticket, after: &Ticket) -> bool {
    before.stage != after.stage
        || before.priority != after.priority
        || before.channel != after.channel
        || before.team != after.team
}

/// Starts the clock of a new ticket, if a policy covers it, and sets its due time.
pub(crate) fn start(
    conn: &mut DbConnection,
    book: &BookCache,
    ticket: &mut Ticket,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ticket.sla_due_at = None;
    let book = &*book.get(conn)?;
    let Some(policy) = sla::choose(&book.policies, ticket) else {
        return Ok(());
    };
    let clock = SlaClock::start(policy, ticket, now);
    write(conn, book, ticket, &clock)
}

/// Follows a change from `before` to `ticket`: another policy if it was reclassified, a
/// pause or resume with its status, a next response owed or given. Writes the clock and sets
/// the ticket's due time; reads nothing when the change cannot move the clock.
pub(crate) fn follow(
    conn: &mut DbConnection,
    book: &BookCache,
    before: &Ticket,
    ticket: &mut Ticket,
    activity: Activity,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let moved = before.status != ticket.status
        || before.first_responded_at != ticket.first_responded_at
        || activity != Activity::Quiet;
    let reclassified = reclassified(before, ticket);
    if !moved && !reclassified {
        return Ok(());
    }
    let book = &*book.get(conn)?;
    if book.policies.is_empty() {
        // No policy, so no clock: nothing to read.
        return Ok(());
    }
    let found = clocks::find(conn, ticket.id)?;
    let unchanged = found.clone();
    let stored = found.map(|s| s.clock);
    let chosen = if reclassified {
        sla::choose(&book.policies, ticket)
    } else {
        stored.as_ref().and_then(|c| book.policy(c.policy))
    };
    let mut clock = match (stored, chosen) {
        (None, None) => {
            ticket.sla_due_at = None;
            return Ok(());
        }
        (Some(_), None) if reclassified => {
            clocks::delete(conn, ticket.id)?;
            ticket.sla_due_at = None;
            return Ok(());
        }
        (Some(mut clock), Some(policy)) => {
            if clock.policy != policy.id {
                clock.adopt(policy);
            }
            clock
        }
        (Some(clock), None) => clock,
        (None, Some(policy)) => SlaClock::start(policy, before, now),
    };
    let calendar = book.calendar(clock.calendar);
    clock.follow(ticket, activity, &calendar, now);
    let schedule = clock.schedule(ticket, &calendar);
    ticket.sla_due_at = schedule.next_due();
    if unchanged.is_some_and(|u| u.clock == clock && u.schedule == schedule) {
        return Ok(());
    }
    clocks::save(conn, ticket.id, &clock, &schedule)
}

/// Works out the clock's schedule, writes both and sets the ticket's due time.
fn write(
    conn: &mut DbConnection,
    book: &Book,
    ticket: &mut Ticket,
    clock: &SlaClock,
) -> Result<(), StoreError> {
    let schedule = clock.schedule(ticket, &book.calendar(clock.calendar));
    clocks::save(conn, ticket.id, clock, &schedule)?;
    ticket.sla_due_at = schedule.next_due();
    Ok(())
}

/// Puts an open ticket under the policy that covers it now, with the policy's targets as they
/// are now (keeping the time it stood still): for an admin applying policies to open
/// tickets. Whether a policy now covers it.
pub(crate) fn reapply(
    conn: &mut DbConnection,
    book: &Book,
    ticket: &mut Ticket,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let stored = clocks::find(conn, ticket.id)?.map(|s| s.clock);
    let Some(policy) = sla::choose(&book.policies, ticket) else {
        if stored.is_some() {
            clocks::delete(conn, ticket.id)?;
        }
        ticket.sla_due_at = None;
        return Ok(false);
    };
    let clock = match stored {
        Some(mut clock) => {
            clock.adopt(policy);
            clock
        }
        None => SlaClock::start(policy, ticket, now),
    };
    write(conn, book, ticket, &clock)?;
    Ok(true)
}
