//! Integration webhooks an admin set up, with the secret their calls are signed with.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::IntegrationId;
use kefu_domain::integration::{Integration, IntegrationEvent};

use crate::convert::{from_db, parse, to_db};
use crate::schema::integrations;
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = integrations)]
struct IntegrationRow {
    id: String,
    name: String,
    url: String,
    secret: String,
    events: String,
    active: bool,
    allow_private: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// An integration with its secret and when it was made and last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationRecord {
    /// The integration.
    pub integration: Integration,
    /// The secret its calls are signed with.
    pub secret: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

fn row(record: &IntegrationRecord) -> IntegrationRow {
    let i = &record.integration;
    IntegrationRow {
        id: i.id.to_string(),
        name: i.name.clone(),
        url: i.url.clone(),
        secret: record.secret.clone(),
        events: i
            .events
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        active: i.active,
        allow_private: i.allow_private,
        created_at: to_db(record.created_at),
        updated_at: to_db(record.updated_at),
    }
}

fn read(row: IntegrationRow) -> Result<IntegrationRecord, StoreError> {
    Ok(IntegrationRecord {
        integration: Integration {
            id: parse(&row.id)?,
            name: row.name,
            url: row.url,
            events: row
                .events
                .split_whitespace()
                .map(IntegrationEvent::parse)
                .collect::<Result<_, _>>()?,
            active: row.active,
            allow_private: row.allow_private,
        },
        secret: row.secret,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// Every integration, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<IntegrationRecord>, StoreError> {
    integrations::table
        .order((integrations::name, integrations::id))
        .select(IntegrationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(read)
        .collect()
}

/// One integration.
pub fn find(conn: &mut DbConnection, id: IntegrationId) -> Result<IntegrationRecord, StoreError> {
    read(
        integrations::table
            .find(id.to_string())
            .select(IntegrationRow::as_select())
            .first(conn)?,
    )
}

/// Adds an integration.
pub fn insert(conn: &mut DbConnection, record: &IntegrationRecord) -> Result<(), StoreError> {
    diesel::insert_into(integrations::table)
        .values(row(record))
        .execute(conn)?;
    Ok(())
}

/// Writes an integration anew.
pub fn update(conn: &mut DbConnection, record: &IntegrationRecord) -> Result<(), StoreError> {
    let row = row(record);
    let changed = diesel::update(integrations::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes an integration and its calls.
pub fn delete(conn: &mut DbConnection, id: IntegrationId) -> Result<bool, StoreError> {
    use crate::schema::webhook_deliveries;
    diesel::delete(
        webhook_deliveries::table.filter(webhook_deliveries::integration_id.eq(id.to_string())),
    )
    .execute(conn)?;
    Ok(diesel::delete(integrations::table.find(id.to_string())).execute(conn)? > 0)
}
