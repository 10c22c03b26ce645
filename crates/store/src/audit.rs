//! The audit log, newest first, paged by cursor.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_domain::audit::AuditEvent;

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::audit_events;
use crate::{DbConnection, StoreError};

/// A row of `audit_events`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
pub struct AuditEventRow {
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

impl TryFrom<AuditEventRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: AuditEventRow) -> Result<Self, StoreError> {
        Ok(AuditEvent {
            id: parse(&row.id)?,
            occurred_at: from_db(row.occurred_at),
            action: parse(&row.action)?,
            actor: parse_opt(row.actor_id.as_deref())?,
            actor_name: row.actor_name,
            target_kind: row.target_kind,
            target_id: row.target_id,
            target_label: row.target_label,
            ip: row.ip,
            detail: row
                .detail
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("audit detail: {e}")))?,
        })
    }
}

/// Appends an entry.
pub fn insert(conn: &mut DbConnection, event: &AuditEvent) -> Result<(), StoreError> {
    diesel::insert_into(audit_events::table)
        .values(AuditEventRow {
            id: event.id.to_string(),
            occurred_at: to_db(event.occurred_at),
            action: event.action.as_str().to_owned(),
            actor_id: event.actor.map(|a| a.to_string()),
            actor_name: event.actor_name.clone(),
            target_kind: event.target_kind.clone(),
            target_id: event.target_id.clone(),
            target_label: event.target_label.clone(),
            ip: event.ip.clone(),
            detail: event.detail.as_ref().map(ToString::to_string),
        })
        .execute(conn)?;
    Ok(())
}

/// Entries newest first, after the entry with id `before` (ids are time-ordered UUIDv7), at
/// most `limit`.
pub fn page(
    conn: &mut DbConnection,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut query = audit_events::table
        .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
        .limit(limit)
        .select(AuditEventRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        let at: Option<NaiveDateTime> = audit_events::table
            .find(before)
            .select(audit_events::occurred_at)
            .first(conn)
            .optional()?;
        let Some(at) = at else {
            return Err(StoreError::NotFound);
        };
        query = query.filter(
            audit_events::occurred_at
                .lt(at)
                .or(audit_events::occurred_at
                    .eq(at)
                    .and(audit_events::id.lt(before.to_owned()))),
        );
    }
    query
        .load(conn)?
        .into_iter()
        .map(AuditEvent::try_from)
        .collect()
}
