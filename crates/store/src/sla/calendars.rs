//! Business calendars: a time zone, weekly hours and dated exceptions, kept as JSON beside
//! the calendar's name.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::calendar::{self, BusinessCalendar, Exception, Hours};
use kefu_domain::ids::CalendarId;

use crate::convert::{from_db, parse, to_db};
use crate::schema::{calendars, sla_policies, ticket_slas};
use crate::{DbConnection, StoreError};

/// A calendar with its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarRecord {
    /// Its id.
    pub id: CalendarId,
    /// What admins call it ("Shanghai office").
    pub name: String,
    /// The hours it counts.
    pub calendar: BusinessCalendar,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendars)]
struct CalendarRow {
    id: String,
    name: String,
    time_zone: String,
    week: String,
    exceptions: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("a calendar's {what} does not read: {e}"))
}

impl TryFrom<&CalendarRecord> for CalendarRow {
    type Error = StoreError;

    fn try_from(record: &CalendarRecord) -> Result<Self, StoreError> {
        let exceptions: Vec<&Exception> = record.calendar.exceptions().collect();
        Ok(Self {
            id: record.id.to_string(),
            name: record.name.clone(),
            time_zone: record.calendar.zone().name().to_owned(),
            week: serde_json::to_string(record.calendar.week()).map_err(|e| corrupt("week", e))?,
            exceptions: serde_json::to_string(&exceptions).map_err(|e| corrupt("holidays", e))?,
            created_at: to_db(record.created_at),
            updated_at: to_db(record.updated_at),
        })
    }
}

impl TryFrom<CalendarRow> for CalendarRecord {
    type Error = StoreError;

    fn try_from(row: CalendarRow) -> Result<Self, StoreError> {
        let week: [Vec<Hours>; 7] =
            serde_json::from_str(&row.week).map_err(|e| corrupt("week", e))?;
        let exceptions: Vec<Exception> =
            serde_json::from_str(&row.exceptions).map_err(|e| corrupt("holidays", e))?;
        let zone = calendar::zone_of(&row.time_zone)?;
        Ok(Self {
            id: parse(&row.id)?,
            name: row.name,
            calendar: BusinessCalendar::new(zone, week, exceptions)?,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Every calendar, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<CalendarRecord>, StoreError> {
    calendars::table
        .select(CalendarRow::as_select())
        .order((calendars::name, calendars::id))
        .load(conn)?
        .into_iter()
        .map(CalendarRecord::try_from)
        .collect()
}

/// One calendar.
pub fn find(conn: &mut DbConnection, id: CalendarId) -> Result<CalendarRecord, StoreError> {
    calendars::table
        .find(id.to_string())
        .select(CalendarRow::as_select())
        .first(conn)?
        .try_into()
}

/// Adds a calendar.
pub fn insert(conn: &mut DbConnection, record: &CalendarRecord) -> Result<(), StoreError> {
    diesel::insert_into(calendars::table)
        .values(CalendarRow::try_from(record)?)
        .execute(conn)?;
    Ok(())
}

/// Writes a calendar's name, zone, hours and exceptions.
pub fn update(conn: &mut DbConnection, record: &CalendarRecord) -> Result<(), StoreError> {
    let row = CalendarRow::try_from(record)?;
    let changed = diesel::update(calendars::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// How many policies count on the calendar.
pub fn policies_using(conn: &mut DbConnection, id: CalendarId) -> Result<i64, StoreError> {
    Ok(sla_policies::table
        .filter(sla_policies::calendar_id.eq(id.to_string()))
        .count()
        .get_result(conn)?)
}

/// How many tickets' clocks count on the calendar.
pub fn clocks_using(conn: &mut DbConnection, id: CalendarId) -> Result<i64, StoreError> {
    Ok(ticket_slas::table
        .filter(ticket_slas::calendar_id.eq(id.to_string()))
        .count()
        .get_result(conn)?)
}

/// Removes a calendar no policy counts on.
pub fn delete(conn: &mut DbConnection, id: CalendarId) -> Result<(), StoreError> {
    let removed = diesel::delete(calendars::table.find(id.to_string())).execute(conn)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
