//! Triggers and scheduled automations, and the record of their runs.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{TicketId, TriggerId};
use kefu_domain::ticket::Status;
use kefu_domain::triggers::Trigger;

use crate::convert::{from_db, parse, to_db};
use crate::schema::{tickets, trigger_runs, triggers};
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = triggers)]
struct TriggerRow {
    id: String,
    name: String,
    position: i32,
    active: bool,
    event: String,
    conditions: String,
    actions: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A trigger with when it was made and last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerRecord {
    /// The trigger.
    pub trigger: Trigger,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("a trigger: {e}")))
}

fn row(record: &TriggerRecord) -> Result<TriggerRow, StoreError> {
    let t = &record.trigger;
    Ok(TriggerRow {
        id: t.id.to_string(),
        name: t.name.clone(),
        position: t.position,
        active: t.active,
        event: t.event.as_str().to_owned(),
        conditions: json(&t.conditions)?,
        actions: json(&t.actions)?,
        created_at: to_db(record.created_at),
        updated_at: to_db(record.updated_at),
    })
}

fn read(row: TriggerRow) -> Result<TriggerRecord, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("a trigger: {e}"));
    Ok(TriggerRecord {
        trigger: Trigger {
            id: parse(&row.id)?,
            name: row.name,
            position: row.position,
            active: row.active,
            event: parse(&row.event)?,
            conditions: serde_json::from_str(&row.conditions).map_err(corrupt)?,
            actions: serde_json::from_str(&row.actions).map_err(corrupt)?,
        },
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// Every trigger, by event and position.
pub fn list(conn: &mut DbConnection) -> Result<Vec<TriggerRecord>, StoreError> {
    triggers::table
        .order((triggers::event, triggers::position, triggers::id))
        .select(TriggerRow::as_select())
        .load(conn)?
        .into_iter()
        .map(read)
        .collect()
}

/// One trigger.
pub fn find(conn: &mut DbConnection, id: TriggerId) -> Result<TriggerRecord, StoreError> {
    read(
        triggers::table
            .find(id.to_string())
            .select(TriggerRow::as_select())
            .first(conn)?,
    )
}

/// Adds a trigger.
pub fn insert(conn: &mut DbConnection, record: &TriggerRecord) -> Result<(), StoreError> {
    diesel::insert_into(triggers::table)
        .values(row(record)?)
        .execute(conn)?;
    Ok(())
}

/// Writes a trigger anew.
pub fn update(conn: &mut DbConnection, record: &TriggerRecord) -> Result<(), StoreError> {
    let row = row(record)?;
    let changed = diesel::update(triggers::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a trigger and the record of its runs.
pub fn delete(conn: &mut DbConnection, id: TriggerId) -> Result<bool, StoreError> {
    diesel::delete(trigger_runs::table.filter(trigger_runs::trigger_id.eq(id.to_string())))
        .execute(conn)?;
    Ok(diesel::delete(triggers::table.find(id.to_string())).execute(conn)? > 0)
}

/// How many runs `ticket` took since `since`.
pub fn runs_since(
    conn: &mut DbConnection,
    ticket: TicketId,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(trigger_runs::table
        .filter(trigger_runs::ticket_id.eq(ticket.to_string()))
        .filter(trigger_runs::ran_at.ge(to_db(since)))
        .count()
        .get_result(conn)?)
}

/// Records a run under `key`; `false` if it was recorded before (it ran already).
pub fn record_run(
    conn: &mut DbConnection,
    trigger: TriggerId,
    ticket: TicketId,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let values = (
        trigger_runs::trigger_id.eq(trigger.to_string()),
        trigger_runs::ticket_id.eq(ticket.to_string()),
        trigger_runs::run_key.eq(key),
        trigger_runs::ran_at.eq(to_db(now)),
    );
    let written = match conn {
        DbConnection::Postgres(c) => diesel::insert_into(trigger_runs::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(trigger_runs::table)
            .values(values)
            .execute(c)?,
    };
    Ok(written > 0)
}

/// Up to `limit` tickets in one of `statuses` (any unsolved one when empty) with no activity
/// since `cutoff`, quietest first, after `after` (a page's last ticket), with their last
/// activity (walks `tickets_status_updated`).
pub fn quiet_tickets(
    conn: &mut DbConnection,
    statuses: &[Status],
    cutoff: DateTime<Utc>,
    after: Option<(DateTime<Utc>, TicketId)>,
    limit: i64,
) -> Result<Vec<(TicketId, DateTime<Utc>)>, StoreError> {
    let statuses: Vec<&str> = if statuses.is_empty() {
        Status::UNSOLVED.iter().map(|s| s.as_str()).collect()
    } else {
        statuses.iter().map(|s| s.as_str()).collect()
    };
    let mut query = tickets::table
        .filter(tickets::status.eq_any(statuses))
        .filter(tickets::updated_at.le(to_db(cutoff)))
        .into_boxed();
    if let Some((at, id)) = after {
        let at = to_db(at);
        query = query.filter(
            tickets::updated_at.gt(at).or(tickets::updated_at
                .eq(at)
                .and(tickets::id.gt(id.to_string()))),
        );
    }
    let rows: Vec<(String, NaiveDateTime)> = query
        .order((tickets::updated_at, tickets::id))
        .limit(limit)
        .select((tickets::id, tickets::updated_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, at)| Ok((parse(&id)?, from_db(at))))
        .collect()
}
