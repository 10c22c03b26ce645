//! Call logs.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_domain::call::{CallDetails, CallLog};
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::phone::PhoneNumber;

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::call_logs;
use crate::{DbConnection, StoreError};

/// A row of `call_logs`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = call_logs, treat_none_as_default_value = false)]
pub struct CallLogRow {
    pub id: String,
    pub ticket_id: String,
    pub message_id: String,
    pub direction: String,
    pub from_number: String,
    pub to_number: String,
    pub started_at: NaiveDateTime,
    pub duration_seconds: i32,
    pub outcome: String,
    pub notes: Option<String>,
    pub logged_by: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<&CallLog> for CallLogRow {
    fn from(c: &CallLog) -> Self {
        CallLogRow {
            id: c.id.to_string(),
            ticket_id: c.ticket.to_string(),
            message_id: c.message.to_string(),
            direction: c.details.direction.as_str().to_owned(),
            from_number: c.details.from.as_str().to_owned(),
            to_number: c.details.to.as_str().to_owned(),
            started_at: to_db(c.details.started_at),
            duration_seconds: c.details.duration_seconds,
            outcome: c.details.outcome.as_str().to_owned(),
            notes: c.details.notes.clone(),
            logged_by: c.logged_by.map(|u| u.to_string()),
            created_at: to_db(c.created_at),
        }
    }
}

impl TryFrom<CallLogRow> for CallLog {
    type Error = StoreError;

    fn try_from(row: CallLogRow) -> Result<Self, StoreError> {
        Ok(CallLog {
            id: parse(&row.id)?,
            ticket: parse(&row.ticket_id)?,
            message: parse(&row.message_id)?,
            details: CallDetails {
                direction: parse(&row.direction)?,
                from: PhoneNumber::from_stored(row.from_number),
                to: PhoneNumber::from_stored(row.to_number),
                started_at: from_db(row.started_at),
                duration_seconds: row.duration_seconds,
                outcome: parse(&row.outcome)?,
                notes: row.notes,
            },
            logged_by: parse_opt(row.logged_by.as_deref())?,
            created_at: from_db(row.created_at),
        })
    }
}

/// Inserts call logs in one statement.
pub fn insert_many(conn: &mut DbConnection, list: &[CallLog]) -> Result<(), StoreError> {
    if list.is_empty() {
        return Ok(());
    }
    let rows: Vec<CallLogRow> = list.iter().map(CallLogRow::from).collect();
    for chunk in rows.chunks(crate::dialect::rows_per_statement(12)) {
        crate::with_backend!(conn, c => diesel::insert_into(call_logs::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Inserts one call log.
pub fn insert(conn: &mut DbConnection, call: &CallLog) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(call))
}

/// The calls logged on a ticket, earliest first.
pub fn for_ticket(conn: &mut DbConnection, ticket: TicketId) -> Result<Vec<CallLog>, StoreError> {
    call_logs::table
        .filter(call_logs::ticket_id.eq(ticket.to_string()))
        .order(call_logs::started_at.asc())
        .select(CallLogRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CallLog::try_from)
        .collect()
}

/// The calls behind these timeline entries.
pub fn for_messages(
    conn: &mut DbConnection,
    messages: &[MessageId],
) -> Result<Vec<CallLog>, StoreError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = messages.iter().map(ToString::to_string).collect();
    call_logs::table
        .filter(call_logs::message_id.eq_any(keys))
        .select(CallLogRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CallLog::try_from)
        .collect()
}
