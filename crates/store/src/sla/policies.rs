//! SLA policies, in the order they are tried.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::SlaPolicyId;
use kefu_domain::sla::{Scope, SlaPolicy, Targets};

use crate::convert::{from_db, parse, to_db};
use crate::schema::{sla_policies, ticket_slas};
use crate::{DbConnection, StoreError};

/// A policy with when it was made and changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRecord {
    /// The policy.
    pub policy: SlaPolicy,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sla_policies, treat_none_as_null = true)]
struct PolicyRow {
    id: String,
    name: String,
    position: i32,
    calendar_id: String,
    scope: String,
    first_response_minutes: Option<i64>,
    next_response_minutes: Option<i64>,
    resolution_minutes: Option<i64>,
    call_back_minutes: Option<i64>,
    warn_percent: i16,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<&PolicyRecord> for PolicyRow {
    type Error = StoreError;

    fn try_from(record: &PolicyRecord) -> Result<Self, StoreError> {
        let p = &record.policy;
        Ok(Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            position: p.position,
            calendar_id: p.calendar.to_string(),
            scope: serde_json::to_string(&p.scope)
                .map_err(|e| StoreError::Corrupt(format!("a policy's scope: {e}")))?,
            first_response_minutes: p.targets.first_response,
            next_response_minutes: p.targets.next_response,
            resolution_minutes: p.targets.resolution,
            call_back_minutes: p.targets.call_back,
            warn_percent: i16::from(p.warn_percent),
            active: p.active,
            created_at: to_db(record.created_at),
            updated_at: to_db(record.updated_at),
        })
    }
}

impl TryFrom<PolicyRow> for PolicyRecord {
    type Error = StoreError;

    fn try_from(row: PolicyRow) -> Result<Self, StoreError> {
        let scope: Scope = serde_json::from_str(&row.scope)
            .map_err(|e| StoreError::Corrupt(format!("a policy's scope does not read: {e}")))?;
        Ok(Self {
            policy: SlaPolicy {
                id: parse(&row.id)?,
                name: row.name,
                position: row.position,
                calendar: parse(&row.calendar_id)?,
                scope,
                targets: Targets {
                    first_response: row.first_response_minutes,
                    next_response: row.next_response_minutes,
                    resolution: row.resolution_minutes,
                    call_back: row.call_back_minutes,
                },
                warn_percent: u8::try_from(row.warn_percent)
                    .map_err(|_| StoreError::Corrupt("a policy's warning share".into()))?,
                active: row.active,
            },
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Every policy, in the order they are tried.
pub fn list(conn: &mut DbConnection) -> Result<Vec<PolicyRecord>, StoreError> {
    sla_policies::table
        .select(PolicyRow::as_select())
        .order((
            sla_policies::position,
            sla_policies::created_at,
            sla_policies::id,
        ))
        .load(conn)?
        .into_iter()
        .map(PolicyRecord::try_from)
        .collect()
}

/// One policy.
pub fn find(conn: &mut DbConnection, id: SlaPolicyId) -> Result<PolicyRecord, StoreError> {
    sla_policies::table
        .find(id.to_string())
        .select(PolicyRow::as_select())
        .first(conn)?
        .try_into()
}

/// Adds a policy.
pub fn insert(conn: &mut DbConnection, record: &PolicyRecord) -> Result<(), StoreError> {
    diesel::insert_into(sla_policies::table)
        .values(PolicyRow::try_from(record)?)
        .execute(conn)?;
    Ok(())
}

/// Writes every field of a policy.
pub fn update(conn: &mut DbConnection, record: &PolicyRecord) -> Result<(), StoreError> {
    let row = PolicyRow::try_from(record)?;
    let changed = diesel::update(sla_policies::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// How many tickets' clocks run under the policy.
pub fn tickets_under(conn: &mut DbConnection, id: SlaPolicyId) -> Result<i64, StoreError> {
    Ok(ticket_slas::table
        .filter(ticket_slas::policy_id.eq(id.to_string()))
        .count()
        .get_result(conn)?)
}

/// Removes a policy no ticket's clock runs under.
pub fn delete(conn: &mut DbConnection, id: SlaPolicyId) -> Result<(), StoreError> {
    let removed = diesel::delete(sla_policies::table.find(id.to_string())).execute(conn)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
