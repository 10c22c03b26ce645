//! Field-service visits.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{TicketId, UserId, VendorId, VisitId};
use kefu_domain::visit::{Outcome, Technician, Visit, VisitStatus, VisitWindow};
use serde::{Deserialize, Serialize};

use crate::convert::{from_db, parse, to_db};
use crate::schema::visits;
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = visits, treat_none_as_null = true)]
struct VisitRow {
    id: String,
    ticket_id: String,
    vendor_id: Option<String>,
    technician_id: Option<String>,
    address: String,
    window_start: NaiveDateTime,
    window_end: NaiveDateTime,
    task: String,
    status: String,
    outcome: Option<String>,
    sequence: i32,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// How an outcome is kept, as JSON.
#[derive(Serialize, Deserialize)]
struct StoredOutcome {
    work: String,
    parts: Option<String>,
    signed_by: Option<String>,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<&Visit> for VisitRow {
    type Error = StoreError;

    fn try_from(v: &Visit) -> Result<Self, StoreError> {
        let (vendor_id, technician_id) = match v.technician {
            Technician::Partner(id) => (Some(id.to_string()), None),
            Technician::Staff(id) => (None, Some(id.to_string())),
        };
        let outcome = v
            .outcome
            .as_ref()
            .map(|o| {
                serde_json::to_string(&StoredOutcome {
                    work: o.work.clone(),
                    parts: o.parts.clone(),
                    signed_by: o.signed_by.clone(),
                    recorded_by: o.recorded_by.to_string(),
                    recorded_at: o.recorded_at,
                })
            })
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Self {
            id: v.id.to_string(),
            ticket_id: v.ticket.to_string(),
            vendor_id,
            technician_id,
            address: v.address.clone(),
            window_start: to_db(v.window.start),
            window_end: to_db(v.window.end),
            task: v.task.clone(),
            status: v.status.as_str().to_owned(),
            outcome,
            sequence: v.sequence,
            created_by: v.created_by.to_string(),
            created_at: to_db(v.created_at),
            updated_at: to_db(v.updated_at),
        })
    }
}

impl TryFrom<VisitRow> for Visit {
    type Error = StoreError;

    fn try_from(row: VisitRow) -> Result<Self, StoreError> {
        let technician = match (row.vendor_id, row.technician_id) {
            (Some(vendor), None) => Technician::Partner(parse(&vendor)?),
            (None, Some(user)) => Technician::Staff(parse(&user)?),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "visit {} has no technician",
                    row.id
                )));
            }
        };
        let outcome = row
            .outcome
            .as_deref()
            .map(|json| {
                let o: StoredOutcome =
                    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok::<_, StoreError>(Outcome {
                    work: o.work,
                    parts: o.parts,
                    signed_by: o.signed_by,
                    recorded_by: parse(&o.recorded_by)?,
                    recorded_at: o.recorded_at,
                })
            })
            .transpose()?;
        Ok(Visit {
            id: parse(&row.id)?,
            ticket: parse(&row.ticket_id)?,
            technician,
            address: row.address,
            window: VisitWindow {
                start: from_db(row.window_start),
                end: from_db(row.window_end),
            },
            task: row.task,
            status: VisitStatus::parse(&row.status)
                .map_err(|_| StoreError::Corrupt(format!("visit status {}", row.status)))?,
            outcome,
            sequence: row.sequence,
            created_by: parse(&row.created_by)?,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Adds a visit.
pub fn insert(conn: &mut DbConnection, visit: &Visit) -> Result<(), StoreError> {
    let row = VisitRow::try_from(visit)?;
    crate::with_backend!(conn, c => diesel::insert_into(visits::table).values(&row).execute(c))?;
    Ok(())
}

/// Saves every field of a visit.
pub fn save(conn: &mut DbConnection, visit: &Visit) -> Result<(), StoreError> {
    let row = VisitRow::try_from(visit)?;
    diesel::update(visits::table.find(visit.id.to_string()))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

/// One visit.
pub fn find(conn: &mut DbConnection, id: VisitId) -> Result<Visit, StoreError> {
    visits::table
        .find(id.to_string())
        .select(VisitRow::as_select())
        .first(conn)?
        .try_into()
}

/// A ticket's visits, earliest first.
pub fn for_ticket(conn: &mut DbConnection, ticket: TicketId) -> Result<Vec<Visit>, StoreError> {
    visits::table
        .filter(visits::ticket_id.eq(ticket.to_string()))
        .order((visits::window_start.asc(), visits::id.asc()))
        .select(VisitRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Visit::try_from)
        .collect()
}

/// Whose visits a calendar shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CalendarOf {
    /// Everyone's.
    #[default]
    All,
    /// One service partner's.
    Partner(VendorId),
    /// One of the business's technicians'.
    Staff(UserId),
}

/// The visits whose window overlaps `[from, to)`, earliest first (at most `limit`).
pub fn calendar(
    conn: &mut DbConnection,
    of: CalendarOf,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Visit>, StoreError> {
    let mut query = visits::table
        .filter(visits::window_start.lt(to_db(to)))
        .filter(visits::window_end.gt(to_db(from)))
        .order((visits::window_start.asc(), visits::id.asc()))
        .limit(limit)
        .select(VisitRow::as_select())
        .into_boxed();
    match of {
        CalendarOf::All => {}
        CalendarOf::Partner(v) => query = query.filter(visits::vendor_id.eq(v.to_string())),
        CalendarOf::Staff(u) => query = query.filter(visits::technician_id.eq(u.to_string())),
    }
    query.load(conn)?.into_iter().map(Visit::try_from).collect()
}
