//! Each ticket's SLA clock, and the sweep that fires its near breaches and breaches once.
//!
//! The clock's row keeps every running target's warning and due time, and `alert_at`, the
//! next of them still to fire. The sweep reads the rows whose `alert_at` has passed (locked
//! on PostgreSQL, so two nodes share the work), records each alert under a key that refuses
//! a second copy, and moves `alert_at` on, all without reading a calendar.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use kefu_domain::ids::{SlaPolicyId, TicketId};
use kefu_domain::sla::{AlertKind, Schedule, SlaClock, Target, Targets, Window};

use super::{or_never, unless_never};
use crate::connection::Db;
use crate::convert::{from_db, parse, to_db};
use crate::prepared::{self, Statement};
use crate::schema::{sla_events, ticket_slas, tickets};
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone)]
#[diesel(table_name = ticket_slas, treat_none_as_null = true)]
struct ClockRow {
    ticket_id: String,
    policy_id: String,
    calendar_id: String,
    first_response_minutes: Option<i64>,
    next_response_minutes: Option<i64>,
    resolution_minutes: Option<i64>,
    warn_percent: i16,
    awaiting_since: Option<NaiveDateTime>,
    awaiting_pause_base: i64,
    paused_at: Option<NaiveDateTime>,
    paused_seconds: i64,
    first_response_warn_at: Option<NaiveDateTime>,
    first_response_due_at: Option<NaiveDateTime>,
    next_response_warn_at: Option<NaiveDateTime>,
    next_response_due_at: Option<NaiveDateTime>,
    resolution_warn_at: Option<NaiveDateTime>,
    resolution_due_at: Option<NaiveDateTime>,
    alert_at: NaiveDateTime,
    call_back_minutes: Option<i64>,
    call_back_since: Option<NaiveDateTime>,
    call_back_pause_base: i64,
    call_back_warn_at: Option<NaiveDateTime>,
    call_back_due_at: Option<NaiveDateTime>,
}

fn window_of(warn: Option<NaiveDateTime>, due: Option<NaiveDateTime>) -> Option<Window> {
    Some(Window {
        warn_at: from_db(warn?),
        due_at: from_db(due?),
    })
}

fn columns_of(window: Option<Window>) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    (
        window.map(|w| to_db(w.warn_at)),
        window.map(|w| to_db(w.due_at)),
    )
}

impl ClockRow {
    fn schedule(&self) -> Schedule {
        Schedule {
            first_response: window_of(self.first_response_warn_at, self.first_response_due_at),
            next_response: window_of(self.next_response_warn_at, self.next_response_due_at),
            resolution: window_of(self.resolution_warn_at, self.resolution_due_at),
            call_back: window_of(self.call_back_warn_at, self.call_back_due_at),
        }
    }

    fn clock(&self) -> Result<SlaClock, StoreError> {
        Ok(SlaClock {
            policy: parse(&self.policy_id)?,
            calendar: parse(&self.calendar_id)?,
            targets: Targets {
                first_response: self.first_response_minutes,
                next_response: self.next_response_minutes,
                resolution: self.resolution_minutes,
                call_back: self.call_back_minutes,
            },
            warn_percent: u8::try_from(self.warn_percent)
                .map_err(|_| StoreError::Corrupt("a clock's warning share".into()))?,
            awaiting_since: self.awaiting_since.map(from_db),
            awaiting_pause_base: self.awaiting_pause_base,
            paused_at: self.paused_at.map(from_db),
            paused_seconds: self.paused_seconds,
            call_back_since: self.call_back_since.map(from_db),
            call_back_pause_base: self.call_back_pause_base,
        })
    }
}

/// A ticket's clock with its schedule as last worked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredClock {
    /// The clock.
    pub clock: SlaClock,
    /// Every running target's window.
    pub schedule: Schedule,
}

/// The clock of a ticket, if a policy covers it.
pub fn find(conn: &mut DbConnection, ticket: TicketId) -> Result<Option<StoredClock>, StoreError> {
    let row: Option<ClockRow> = ticket_slas::table
        .find(ticket.to_string())
        .select(ClockRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| {
        Ok(StoredClock {
            clock: row.clock()?,
            schedule: row.schedule(),
        })
    })
    .transpose()
}

impl ClockRow {
    /// The row of a ticket's clock and schedule, its next alert at `alert_at`.
    fn of(
        ticket: TicketId,
        clock: &SlaClock,
        schedule: &Schedule,
        alert_at: Option<DateTime<Utc>>,
    ) -> Self {
        let (first_response_warn_at, first_response_due_at) = columns_of(schedule.first_response);
        let (next_response_warn_at, next_response_due_at) = columns_of(schedule.next_response);
        let (resolution_warn_at, resolution_due_at) = columns_of(schedule.resolution);
        let (call_back_warn_at, call_back_due_at) = columns_of(schedule.call_back);
        ClockRow {
            ticket_id: ticket.to_string(),
            policy_id: clock.policy.to_string(),
            calendar_id: clock.calendar.to_string(),
            first_response_minutes: clock.targets.first_response,
            next_response_minutes: clock.targets.next_response,
            resolution_minutes: clock.targets.resolution,
            warn_percent: i16::from(clock.warn_percent),
            awaiting_since: clock.awaiting_since.map(to_db),
            awaiting_pause_base: clock.awaiting_pause_base,
            paused_at: clock.paused_at.map(to_db),
            paused_seconds: clock.paused_seconds,
            first_response_warn_at,
            first_response_due_at,
            next_response_warn_at,
            next_response_due_at,
            resolution_warn_at,
            resolution_due_at,
            alert_at: or_never(alert_at),
            call_back_minutes: clock.targets.call_back,
            call_back_since: clock.call_back_since.map(to_db),
            call_back_pause_base: clock.call_back_pause_base,
            call_back_warn_at,
            call_back_due_at,
        }
    }
}

/// Writes a ticket's clock and schedule. Alerts already due fire at the next sweep (once:
/// those fired before are refused by their key).
pub fn save(
    conn: &mut DbConnection,
    ticket: TicketId,
    clock: &SlaClock,
    schedule: &Schedule,
) -> Result<(), StoreError> {
    let first_alert = schedule.alerts().into_iter().map(|(_, _, at, _)| at).min();
    let row = ClockRow::of(ticket, clock, schedule, first_alert);
    crate::with_backend!(conn, c => diesel::insert_into(ticket_slas::table)
        .values(&row)
        .on_conflict(ticket_slas::ticket_id)
        .do_update()
        .set(&row)
        .execute(c))?;
    Ok(())
}

/// Inserts the clocks of tickets written in bulk (demo data), each with its next alert after
/// `now`: what was due before is history, not news.
pub fn insert_many(
    conn: &mut DbConnection,
    clocks: &[(TicketId, SlaClock, Schedule)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows: Vec<ClockRow> = clocks
        .iter()
        .map(|(ticket, clock, schedule)| {
            ClockRow::of(*ticket, clock, schedule, schedule.next_alert_after(now))
        })
        .collect();
    for chunk in rows.chunks(crate::dialect::rows_per_statement(23)) {
        crate::with_backend!(conn, c => diesel::insert_into(ticket_slas::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Removes a ticket's clock (no policy covers it any more).
pub fn delete(conn: &mut DbConnection, ticket: TicketId) -> Result<(), StoreError> {
    diesel::delete(ticket_slas::table.find(ticket.to_string())).execute(conn)?;
    Ok(())
}

/// The tickets whose clocks run under a policy, after `after` in id order, at most `limit`.
pub fn tickets_under(
    conn: &mut DbConnection,
    policy: SlaPolicyId,
    after: Option<TicketId>,
    limit: i64,
) -> Result<Vec<TicketId>, StoreError> {
    let mut query = ticket_slas::table
        .filter(ticket_slas::policy_id.eq(policy.to_string()))
        .select(ticket_slas::ticket_id)
        .order(ticket_slas::ticket_id)
        .limit(limit)
        .into_boxed::<Db>();
    if let Some(after) = after {
        query = query.filter(ticket_slas::ticket_id.gt(after.to_string()));
    }
    query
        .load::<String>(conn)?
        .iter()
        .map(|id| parse(id))
        .collect()
}

/// A near breach or breach that fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The ticket.
    pub ticket: TicketId,
    /// The policy its clock runs under.
    pub policy: SlaPolicyId,
    /// Which target.
    pub target: Target,
    /// Near breach or breach.
    pub kind: AlertKind,
    /// The target's due time.
    pub due_at: DateTime<Utc>,
    /// When it fired.
    pub fired_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, Clone)]
#[diesel(table_name = sla_events)]
struct EventRow {
    ticket_id: String,
    target: String,
    kind: String,
    due_at: NaiveDateTime,
    policy_id: String,
    fired_at: NaiveDateTime,
}

impl TryFrom<EventRow> for Alert {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Self {
            ticket: parse(&row.ticket_id)?,
            policy: parse(&row.policy_id)?,
            target: parse(&row.target)?,
            kind: parse(&row.kind)?,
            due_at: from_db(row.due_at),
            fired_at: from_db(row.fired_at),
        })
    }
}

/// The alerts a ticket's clocks fired, oldest first.
pub fn alerts_of(conn: &mut DbConnection, ticket: TicketId) -> Result<Vec<Alert>, StoreError> {
    sla_events::table
        .filter(sla_events::ticket_id.eq(ticket.to_string()))
        .select(EventRow::as_select())
        .order((sla_events::fired_at, sla_events::target, sla_events::kind))
        .load(conn)?
        .into_iter()
        .map(Alert::try_from)
        .collect()
}

/// Rows read per sweep statement.
const SWEEP_CHUNK: usize = 5_000;

/// Fires every near breach and breach due at `now` on up to `limit` clocks, and moves their
/// `alert_at` on: the alerts this call fired (another node's are not repeated). Call it in a
/// transaction.
pub fn sweep(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Alert>, StoreError> {
    macro_rules! due {
        () => {
            ticket_slas::table
                .filter(ticket_slas::alert_at.le(to_db(now)))
                .order(ticket_slas::alert_at)
                .limit(limit)
                .select(ClockRow::as_select())
        };
    }
    let due_rows: Vec<ClockRow> = match conn {
        DbConnection::Postgres(c) => {
            let clocks: Vec<ClockRow> = due!().for_update().skip_locked().load(c)?;
            // Their tickets are locked as well, without waiting: a change to a ticket locks it
            // before its clock, so a sweep that waited for a ticket while holding its clock
            // could deadlock with it. A clock whose ticket is busy is left for the next sweep.
            let ids: Vec<&str> = clocks.iter().map(|c| c.ticket_id.as_str()).collect();
            let free: std::collections::HashSet<String> = tickets::table
                .filter(tickets::id.eq_any(&ids))
                .select(tickets::id)
                .for_update()
                .skip_locked()
                .load(c)?
                .into_iter()
                .collect();
            clocks
                .into_iter()
                .filter(|clock| free.contains(&clock.ticket_id))
                .collect()
        }
        DbConnection::Sqlite(c) => due!().load(c)?,
    };
    let mut fired = Vec::new();
    for chunk in due_rows.chunks(SWEEP_CHUNK) {
        let events: Vec<EventRow> = chunk
            .iter()
            .flat_map(|row| {
                row.schedule()
                    .alerts()
                    .into_iter()
                    .filter(|(_, _, at, _)| *at <= now)
                    .map(|(target, kind, _, due)| EventRow {
                        ticket_id: row.ticket_id.clone(),
                        target: target.as_str().to_owned(),
                        kind: kind.as_str().to_owned(),
                        due_at: to_db(due),
                        policy_id: row.policy_id.clone(),
                        fired_at: to_db(now),
                    })
            })
            .collect();
        fired.extend(record(conn, &events)?);
        move_alerts_on(conn, chunk, now)?;
    }
    fired.into_iter().map(Alert::try_from).collect()
}

/// Inserts the events, skipping those recorded before: the ones this call recorded.
fn record(conn: &mut DbConnection, events: &[EventRow]) -> Result<Vec<EventRow>, StoreError> {
    let mut inserted = Vec::new();
    match conn {
        DbConnection::Postgres(pg) => {
            for chunk in events.chunks(crate::dialect::rows_per_statement(6)) {
                let rows: Vec<EventRow> = diesel::insert_into(sla_events::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .returning(EventRow::as_returning())
                    .get_results(pg)?;
                inserted.extend(rows);
            }
        }
        // SQLite runs a batch with RETURNING row by row anyway, and a row it skips returns
        // nothing: each is inserted on its own, and counted.
        DbConnection::Sqlite(sqlite) => {
            for event in events {
                let added = diesel::insert_into(sla_events::table)
                    .values(event)
                    .on_conflict_do_nothing()
                    .execute(sqlite)?;
                if added == 1 {
                    inserted.push(event.clone());
                }
            }
        }
    }
    Ok(inserted)
}

/// The statement setting a clock's next alert after a time bound eight times (once per
/// instant): the text between the binds, then its end. PostgreSQL's LEAST skips NULLs;
/// SQLite's MIN of several values is NULL if any is, so there each instant not after the time
/// reads as the end of time.
const NEXT_ALERT_POSTGRES: [&str; 9] = [
    "UPDATE ticket_slas SET alert_at = COALESCE(LEAST(\
     CASE WHEN first_response_warn_at > ",
    " THEN first_response_warn_at END, CASE WHEN first_response_due_at > ",
    " THEN first_response_due_at END, CASE WHEN next_response_warn_at > ",
    " THEN next_response_warn_at END, CASE WHEN next_response_due_at > ",
    " THEN next_response_due_at END, CASE WHEN resolution_warn_at > ",
    " THEN resolution_warn_at END, CASE WHEN resolution_due_at > ",
    " THEN resolution_due_at END, CASE WHEN call_back_warn_at > ",
    " THEN call_back_warn_at END, CASE WHEN call_back_due_at > ",
    " THEN call_back_due_at END), '9999-12-31 00:00:00') WHERE ",
];
const NEXT_ALERT_SQLITE: [&str; 9] = [
    "UPDATE ticket_slas SET alert_at = MIN(\
     COALESCE(CASE WHEN first_response_warn_at > ",
    " THEN first_response_warn_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN first_response_due_at > ",
    " THEN first_response_due_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN next_response_warn_at > ",
    " THEN next_response_warn_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN next_response_due_at > ",
    " THEN next_response_due_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN resolution_warn_at > ",
    " THEN resolution_warn_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN resolution_due_at > ",
    " THEN resolution_due_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN call_back_warn_at > ",
    " THEN call_back_warn_at END, '9999-12-31 00:00:00'), \
     COALESCE(CASE WHEN call_back_due_at > ",
    " THEN call_back_due_at END, '9999-12-31 00:00:00')) WHERE ",
];

/// Sets each swept clock's `alert_at` to its next alert after `now`, worked out by the
/// database from the row's own instants: one statement whose cost grows with the rows.
fn move_alerts_on(
    conn: &mut DbConnection,
    rows: &[ClockRow],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.ticket_id.clone()).collect();
    let backend = conn.backend();
    let pieces = match backend {
        crate::Backend::Postgres => NEXT_ALERT_POSTGRES,
        crate::Backend::Sqlite => NEXT_ALERT_SQLITE,
    };
    crate::with_backend!(conn, c => {
        let mut statement = Statement::new(pieces[0]);
        for piece in &pieces[1..] {
            statement = statement.bind::<Timestamp, _>(to_db(now)).sql(piece);
        }
        statement
            .sql_of(prepared::among(backend, "ticket_id", &ids))
            .execute(c)
    })?;
    Ok(())
}

/// When the next alert falls due anywhere, if one is waiting: how long the sweep may sleep.
pub fn next_alert(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<NaiveDateTime> = ticket_slas::table
        .select(diesel::dsl::min(ticket_slas::alert_at))
        .first(conn)?;
    Ok(at.and_then(unless_never))
}
