//! Settings of the whole helpdesk that admins change while it runs, as text by key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::convert::to_db;
use crate::schema::settings;
use crate::{DbConnection, StoreError, savepoint};

/// The region numbers without `+country` are read in (an ISO 3166-1 alpha-2 code).
pub const PHONE_REGION: &str = "phone_region";
/// How satisfaction surveys run (JSON: `kefu_domain::survey::SurveySettings`).
pub const SURVEYS: &str = "surveys";
/// Set to `rebuild` when the search index must be written again from the messages.
pub const SEARCH_INDEX: &str = "search_index";

/// The value stored under `key`, if any.
pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// Stores `value` under `key`, or removes the key when `value` is `None`.
pub fn set(
    conn: &mut DbConnection,
    key: &str,
    value: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(value) = value else {
        diesel::delete(settings::table.find(key)).execute(conn)?;
        return Ok(());
    };
    let updated = diesel::update(settings::table.find(key))
        .set((
            settings::value.eq(value),
            settings::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated > 0 {
        return Ok(());
    }
    match savepoint(conn, |c| insert_row(c, key, value, now)) {
        // Another node stored the key at the same moment: this write is the later one.
        Err(StoreError::Conflict(_)) => {
            diesel::update(settings::table.find(key))
                .set((
                    settings::value.eq(value),
                    settings::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// The value under `key`, storing `value` there first if the key is absent: the first node
/// to store it wins, and every node gets the same answer.
pub fn get_or_insert(
    conn: &mut DbConnection,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    if let Some(stored) = get(conn, key)? {
        return Ok(stored);
    }
    match savepoint(conn, |c| insert_row(c, key, value, now)) {
        Ok(()) => Ok(value.to_owned()),
        Err(StoreError::Conflict(_)) => {
            get(conn, key)?.ok_or_else(|| StoreError::Corrupt(format!("setting {key} vanished")))
        }
        Err(other) => Err(other),
    }
}

fn insert_row(
    conn: &mut DbConnection,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(settings::table)
        .values((
            settings::key.eq(key),
            settings::value.eq(value),
            settings::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
