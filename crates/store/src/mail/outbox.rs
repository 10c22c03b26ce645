//! The outbox: what must leave Kefu, written in the transaction of the change that caused
//! it. A worker claims due rows for a while (so two nodes never send the same row at once,
//! and a worker that dies leaves them to be claimed again), then marks each sent, due again
//! later, or failed for good.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{MessageId, OutboxId, TicketId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::outbox;
use crate::{DbConnection, StoreError};

/// Where an outbox row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting to be sent (again).
    Pending,
    /// Delivered.
    Sent,
    /// Given up: the failure is permanent or attempts ran out.
    Failed,
}

impl DeliveryState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Result<Self, StoreError> {
        match value {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            other => Err(StoreError::Corrupt(format!("outbox state {other}"))),
        }
    }
}

/// An email waiting in (or gone from) the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Its id.
    pub id: OutboxId,
    /// The ticket it is about.
    pub ticket: Option<TicketId>,
    /// The message it carries.
    pub message: Option<MessageId>,
    /// What to send, as JSON (`kefu_mail::outbound::Outbound`).
    pub payload: String,
    /// Whether a machine sends it (capped per ticket).
    pub automatic: bool,
    /// Where it stands.
    pub state: DeliveryState,
    /// Failed attempts so far.
    pub attempts: i32,
    /// When it is next due.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
struct OutboxRow {
    id: String,
    kind: String,
    ticket_id: Option<String>,
    message_id: Option<String>,
    payload: String,
    automatic: bool,
    state: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    claimed_until: Option<NaiveDateTime>,
    last_error: Option<String>,
    sent_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    recipient: Option<String>,
}

impl TryFrom<OutboxRow> for OutboxEntry {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxEntry {
            id: parse(&row.id)?,
            ticket: parse_opt(row.ticket_id.as_deref())?,
            message: parse_opt(row.message_id.as_deref())?,
            payload: row.payload,
            automatic: row.automatic,
            state: DeliveryState::parse(&row.state)?,
            attempts: row.attempts,
            next_attempt_at: from_db(row.next_attempt_at),
            last_error: row.last_error,
            sent_at: row.sent_at.map(from_db),
            created_at: from_db(row.created_at),
        })
    }
}

/// Writes an email to the outbox, due now. `recipient` is the lookup key of the customer
/// address an automatic mail counts against (see [`automatic_to`]); staff mail has none.
pub fn enqueue(
    conn: &mut DbConnection,
    ticket: Option<TicketId>,
    message: Option<MessageId>,
    recipient: Option<&str>,
    payload: &str,
    automatic: bool,
    now: DateTime<Utc>,
) -> Result<OutboxId, StoreError> {
    let id = OutboxId::new();
    let row = OutboxRow {
        id: id.to_string(),
        kind: "email".to_owned(),
        ticket_id: ticket.map(|t| t.to_string()),
        message_id: message.map(|m| m.to_string()),
        payload: payload.to_owned(),
        automatic,
        state: DeliveryState::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: to_db(now),
        claimed_until: None,
        last_error: None,
        sent_at: None,
        created_at: to_db(now),
        recipient: recipient.map(str::to_owned),
    };
    crate::with_backend!(conn, c => diesel::insert_into(outbox::table).values(&row).execute(c))?;
    Ok(id)
}

/// Claims up to `limit` due rows for `lease`: no other worker takes them until it ends.
/// Run it in a write transaction.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
    lease: Duration,
) -> Result<Vec<OutboxEntry>, StoreError> {
    // One query, built for each backend (its selection is typed by the backend).
    macro_rules! due {
        () => {
            outbox::table
                .filter(outbox::state.eq(DeliveryState::Pending.as_str()))
                .filter(outbox::next_attempt_at.le(to_db(now)))
                .filter(
                    outbox::claimed_until
                        .is_null()
                        .or(outbox::claimed_until.lt(to_db(now))),
                )
                .order((outbox::next_attempt_at, outbox::id))
                .limit(limit)
                .select(OutboxRow::as_select())
        };
    }
    let rows: Vec<OutboxRow> = match conn {
        // Rows another node's worker is claiming are passed over, not waited for.
        DbConnection::Postgres(c) => due!().for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due!().load(c)?,
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::claimed_until.eq(Some(to_db(now + lease))))
        .execute(conn)?;
    rows.into_iter().map(OutboxEntry::try_from).collect()
}

/// When the next pending row falls due, if any.
pub fn next_due(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(outbox::table
        .filter(outbox::state.eq(DeliveryState::Pending.as_str()))
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first::<Option<NaiveDateTime>>(conn)?
        .map(from_db))
}

/// Marks rows delivered.
pub fn mark_sent(
    conn: &mut DbConnection,
    ids: &[OutboxId],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::state.eq(DeliveryState::Sent.as_str()),
            outbox::sent_at.eq(Some(to_db(at))),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: due again at `retry_at`, or failed for good without one.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: OutboxId,
    attempts: i32,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let state = if retry_at.is_some() {
        DeliveryState::Pending
    } else {
        DeliveryState::Failed
    };
    // A mail another worker delivered meanwhile stays delivered.
    diesel::update(
        outbox::table
            .find(id.to_string())
            .filter(outbox::state.ne(DeliveryState::Sent.as_str())),
    )
    .set((
        outbox::state.eq(state.as_str()),
        outbox::attempts.eq(attempts),
        outbox::last_error.eq(Some(error)),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if let Some(at) = retry_at {
        diesel::update(outbox::table.find(id.to_string()))
            .set(outbox::next_attempt_at.eq(to_db(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves every pending row no worker holds to fall due at `due_at` (a load test holds a
/// backlog back, then lets it go); how many rows it moved.
pub fn reschedule_unclaimed(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    due_at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::state.eq(DeliveryState::Pending.as_str()))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(to_db(now))),
            ),
    )
    .set(outbox::next_attempt_at.eq(to_db(due_at)))
    .execute(conn)?)
}

/// How many rows the outbox holds in each state.
pub fn count_by_state(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(outbox::table
        .group_by(outbox::state)
        .select((outbox::state, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?)
}

/// How many outbox rows were delivered.
pub fn sent_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(outbox::table
        .filter(outbox::state.eq(DeliveryState::Sent.as_str()))
        .count()
        .get_result(conn)?)
}

/// How many automatic mails to customers went to the address with lookup key `recipient`
/// since `since`, whatever ticket they were about.
pub fn automatic_to(
    conn: &mut DbConnection,
    recipient: &str,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(outbox::table
        .filter(outbox::recipient.eq(recipient))
        .filter(outbox::automatic.eq(true))
        .filter(outbox::created_at.ge(to_db(since)))
        .count()
        .get_result(conn)?)
}

/// The outbox rows of these messages (how their mail went).
pub fn of_messages(
    conn: &mut DbConnection,
    messages: &[MessageId],
) -> Result<Vec<OutboxEntry>, StoreError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = messages.iter().map(ToString::to_string).collect();
    outbox::table
        .filter(outbox::message_id.eq_any(ids))
        .select(OutboxRow::as_select())
        .load(conn)?
        .into_iter()
        .map(OutboxEntry::try_from)
        .collect()
}

/// An outbox row.
pub fn find(conn: &mut DbConnection, id: OutboxId) -> Result<Option<OutboxEntry>, StoreError> {
    outbox::table
        .find(id.to_string())
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?
        .map(OutboxEntry::try_from)
        .transpose()
}
