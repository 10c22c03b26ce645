//! Telephony: agents' extensions, the calls a provider reported, and the events taken (to tell
//! a repeat from a replay).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::call::CallDirection;
use kefu_domain::ids::{CallId, CustomerId, TicketId, UserId};
use kefu_domain::phone::PhoneNumber;
use kefu_domain::role::Role;
use kefu_domain::telephony::CALL_BACK_TAG;
use kefu_domain::telephony::{CallState, Extension};
use kefu_domain::ticket::Status;

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{agent_extensions, phone_calls, telephony_events, ticket_tags, tickets, users};
use crate::{DbConnection, StoreError, savepoint};

/// Every agent's extension, by extension.
pub fn extensions(conn: &mut DbConnection) -> Result<Vec<(Extension, UserId)>, StoreError> {
    let rows: Vec<(String, String)> = agent_extensions::table
        .order(agent_extensions::extension)
        .select((agent_extensions::extension, agent_extensions::user_id))
        .load(conn)?;
    rows.into_iter()
        .map(|(e, u)| Ok((Extension::parse(&e)?, parse(&u)?)))
        .collect()
}

/// Puts `list` in place of every extension.
pub fn replace_extensions(
    conn: &mut DbConnection,
    list: &[(Extension, UserId)],
) -> Result<(), StoreError> {
    diesel::delete(agent_extensions::table).execute(conn)?;
    let rows: Vec<_> = list
        .iter()
        .map(|(e, u)| {
            (
                agent_extensions::extension.eq(e.as_str()),
                agent_extensions::user_id.eq(u.to_string()),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::with_backend!(conn, c => diesel::insert_into(agent_extensions::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// The agent whose desk `extension` rings on, while they are active staff.
pub fn agent_at(
    conn: &mut DbConnection,
    extension: &Extension,
) -> Result<Option<UserId>, StoreError> {
    let staff = [Role::Agent.as_str(), Role::Admin.as_str()];
    let id: Option<String> = agent_extensions::table
        .inner_join(users::table.on(users::id.eq(agent_extensions::user_id)))
        .filter(agent_extensions::extension.eq(extension.as_str()))
        .filter(users::active.eq(true))
        .filter(users::role.eq_any(staff))
        .select(agent_extensions::user_id)
        .first(conn)
        .optional()?;
    parse_opt(id.as_deref())
}

/// The customer's unsolved ticket owing them a call back, else their unsolved ticket changed
/// last, if any (walks `tickets_requester_updated`).
pub fn open_ticket_of(
    conn: &mut DbConnection,
    customer: CustomerId,
) -> Result<Option<TicketId>, StoreError> {
    let statuses: Vec<&str> = Status::UNSOLVED.iter().map(|s| s.as_str()).collect();
    let owing: Option<String> = tickets::table
        .inner_join(ticket_tags::table.on(ticket_tags::ticket_id.eq(tickets::id)))
        .filter(tickets::requester_id.eq(customer.to_string()))
        .filter(tickets::status.eq_any(&statuses))
        .filter(ticket_tags::tag.eq(CALL_BACK_TAG))
        .order((tickets::updated_at.desc(), tickets::id.desc()))
        .select(tickets::id)
        .first(conn)
        .optional()?;
    if let Some(id) = owing {
        return Ok(Some(parse(&id)?));
    }
    let id: Option<String> = tickets::table
        .filter(tickets::requester_id.eq(customer.to_string()))
        .filter(tickets::status.eq_any(statuses))
        .order((tickets::updated_at.desc(), tickets::id.desc()))
        .select(tickets::id)
        .first(conn)
        .optional()?;
    parse_opt(id.as_deref())
}

/// A call the provider reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneCall {
    /// Its id (the call log's, once logged).
    pub id: CallId,
    /// The provider's id for it.
    pub provider_call_id: String,
    /// The ticket it is on.
    pub ticket: TicketId,
    /// The customer on the line.
    pub customer: CustomerId,
    /// Who called whom.
    pub direction: CallDirection,
    /// The calling number.
    pub from: PhoneNumber,
    /// The called number.
    pub to: PhoneNumber,
    /// The extension it rang or was made on.
    pub extension: Option<Extension>,
    /// The agent on it.
    pub agent: Option<UserId>,
    /// Where it stands.
    pub state: CallState,
    /// When it began ringing (or, unreported, was first heard of).
    pub started_at: DateTime<Utc>,
    /// When it was picked up.
    pub answered_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// How long the talk lasted, in seconds.
    pub duration_seconds: Option<i32>,
    /// Where the provider keeps its recording.
    pub recording_url: Option<String>,
    /// When it was first reported.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = phone_calls, treat_none_as_null = true)]
struct CallRow {
    id: String,
    provider_call_id: String,
    ticket_id: String,
    customer_id: String,
    direction: String,
    from_number: String,
    to_number: String,
    extension: Option<String>,
    agent_id: Option<String>,
    state: String,
    started_at: NaiveDateTime,
    answered_at: Option<NaiveDateTime>,
    ended_at: Option<NaiveDateTime>,
    duration_seconds: Option<i32>,
    recording_url: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<&PhoneCall> for CallRow {
    fn from(c: &PhoneCall) -> Self {
        Self {
            id: c.id.to_string(),
            provider_call_id: c.provider_call_id.clone(),
            ticket_id: c.ticket.to_string(),
            customer_id: c.customer.to_string(),
            direction: c.direction.as_str().to_owned(),
            from_number: c.from.as_str().to_owned(),
            to_number: c.to.as_str().to_owned(),
            extension: c.extension.as_ref().map(|e| e.as_str().to_owned()),
            agent_id: c.agent.map(|a| a.to_string()),
            state: c.state.as_str().to_owned(),
            started_at: to_db(c.started_at),
            answered_at: c.answered_at.map(to_db),
            ended_at: c.ended_at.map(to_db),
            duration_seconds: c.duration_seconds,
            recording_url: c.recording_url.clone(),
            created_at: to_db(c.created_at),
            updated_at: to_db(c.updated_at),
        }
    }
}

impl TryFrom<CallRow> for PhoneCall {
    type Error = StoreError;

    fn try_from(r: CallRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse(&r.id)?,
            provider_call_id: r.provider_call_id,
            ticket: parse(&r.ticket_id)?,
            customer: parse(&r.customer_id)?,
            direction: parse(&r.direction)?,
            from: PhoneNumber::from_stored(r.from_number),
            to: PhoneNumber::from_stored(r.to_number),
            extension: r.extension.as_deref().map(Extension::parse).transpose()?,
            agent: parse_opt(r.agent_id.as_deref())?,
            state: parse(&r.state)?,
            started_at: from_db(r.started_at),
            answered_at: r.answered_at.map(from_db),
            ended_at: r.ended_at.map(from_db),
            duration_seconds: r.duration_seconds,
            recording_url: r.recording_url,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

/// The call the provider calls `provider_call_id`, locked until the transaction ends on
/// PostgreSQL (SQLite's writers are serialised already).
pub fn find_for_update(
    conn: &mut DbConnection,
    provider_call_id: &str,
) -> Result<Option<PhoneCall>, StoreError> {
    macro_rules! by_id {
        () => {
            phone_calls::table
                .filter(phone_calls::provider_call_id.eq(provider_call_id))
                .select(CallRow::as_select())
        };
    }
    let row: Option<CallRow> = match conn {
        DbConnection::Postgres(c) => by_id!().for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => by_id!().first(c).optional()?,
    };
    row.map(PhoneCall::try_from).transpose()
}

/// Writes a call the first time; a [`StoreError::Conflict`] when another request wrote the
/// same provider call at the same moment.
pub fn insert(conn: &mut DbConnection, call: &PhoneCall) -> Result<(), StoreError> {
    let row = CallRow::from(call);
    savepoint(conn, |c| {
        Ok(diesel::insert_into(phone_calls::table)
            .values(&row)
            .execute(c)?)
    })?;
    Ok(())
}

/// Writes a call anew.
pub fn save(conn: &mut DbConnection, call: &PhoneCall) -> Result<(), StoreError> {
    let row = CallRow::from(call);
    diesel::update(phone_calls::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

/// What became of an event taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// It is new.
    New,
    /// An event with its id was taken before (a provider's retry): it changes nothing.
    Repeat,
    /// Its very signature was seen before: somebody replayed a request.
    Replayed,
}

/// Records event `id` signed `signature` at `now`, forgetting what is older than `forget`.
pub fn take_event(
    conn: &mut DbConnection,
    id: &str,
    signature: &str,
    now: DateTime<Utc>,
    forget: DateTime<Utc>,
) -> Result<Taken, StoreError> {
    diesel::delete(telephony_events::table.filter(telephony_events::received_at.lt(to_db(forget))))
        .execute(conn)?;
    let seen: i64 = telephony_events::table
        .filter(telephony_events::signature.eq(signature))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(Taken::Replayed);
    }
    let values = (
        telephony_events::event_id.eq(id),
        telephony_events::signature.eq(signature),
        telephony_events::received_at.eq(to_db(now)),
    );
    let written = match conn {
        DbConnection::Postgres(c) => diesel::insert_into(telephony_events::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(telephony_events::table)
            .values(values)
            .execute(c)?,
    };
    Ok(if written == 1 {
        Taken::New
    } else {
        Taken::Repeat
    })
}
