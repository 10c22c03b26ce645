//! Addresses whose mail bounced for good.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::email::EmailAddress;

use crate::convert::{from_db, to_db};
use crate::schema::undeliverable_addresses;
use crate::{DbConnection, StoreError};

/// What the last permanent bounce said about an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undeliverable {
    /// The address.
    pub email: String,
    /// The status code (`5.1.1`).
    pub status: String,
    /// The receiving server's explanation.
    pub diagnostic: Option<String>,
    /// When it bounced.
    pub bounced_at: DateTime<Utc>,
}

/// Marks an address undeliverable (again).
pub fn record(
    conn: &mut DbConnection,
    email: &EmailAddress,
    status: &str,
    diagnostic: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let key = email.lookup_key();
    diesel::delete(undeliverable_addresses::table.find(&key)).execute(conn)?;
    crate::with_backend!(conn, c => diesel::insert_into(undeliverable_addresses::table)
        .values((
            undeliverable_addresses::email_key.eq(&key),
            undeliverable_addresses::email.eq(email.as_str()),
            undeliverable_addresses::status.eq(status),
            undeliverable_addresses::diagnostic.eq(diagnostic),
            undeliverable_addresses::bounced_at.eq(to_db(at)),
        ))
        .execute(c))?;
    Ok(())
}

/// Which of these addresses are undeliverable.
pub fn among(
    conn: &mut DbConnection,
    emails: &[EmailAddress],
) -> Result<Vec<Undeliverable>, StoreError> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = emails.iter().map(EmailAddress::lookup_key).collect();
    Ok(undeliverable_addresses::table
        .filter(undeliverable_addresses::email_key.eq_any(keys))
        .select((
            undeliverable_addresses::email,
            undeliverable_addresses::status,
            undeliverable_addresses::diagnostic,
            undeliverable_addresses::bounced_at,
        ))
        .load::<(String, String, Option<String>, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(email, status, diagnostic, at)| Undeliverable {
            email,
            status,
            diagnostic,
            bounced_at: from_db(at),
        })
        .collect())
}

/// Clears an address (mail from it arrived, so it works again).
pub fn clear(conn: &mut DbConnection, email: &EmailAddress) -> Result<(), StoreError> {
    diesel::delete(undeliverable_addresses::table.find(email.lookup_key())).execute(conn)?;
    Ok(())
}
