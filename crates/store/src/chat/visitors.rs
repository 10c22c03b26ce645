//! Anonymous visitors of a widget, known by the hash of a key their browser keeps, and the
//! short-lived session tokens (hashes too) they open chat sockets with.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{CustomerId, VisitorId, WidgetId};

use crate::convert::{parse, parse_opt, to_db};
use crate::schema::{visitor_sessions, visitors};
use crate::{DbConnection, StoreError};

/// A visitor as a session finds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visitor {
    /// The visitor.
    pub id: VisitorId,
    /// The widget they chat through (none once an admin deleted it).
    pub widget: Option<WidgetId>,
    /// The customer record their chats are for, once they gave a name.
    pub customer: Option<CustomerId>,
}

type VisitorColumns = (visitors::id, visitors::widget_id, visitors::customer_id);
const COLUMNS: VisitorColumns = (visitors::id, visitors::widget_id, visitors::customer_id);

fn read(row: (String, Option<String>, Option<String>)) -> Result<Visitor, StoreError> {
    Ok(Visitor {
        id: parse(&row.0)?,
        widget: parse_opt(row.1.as_deref())?,
        customer: parse_opt(row.2.as_deref())?,
    })
}

/// The visitor of `widget` whose browser key hashes to `key_hash`, made on first use. A key
/// already used with another widget is a different visitor's: `Conflict`.
pub fn find_or_create(
    conn: &mut DbConnection,
    widget: WidgetId,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Visitor, StoreError> {
    let found = visitors::table
        .filter(visitors::key_hash.eq(key_hash))
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    if let Some(row) = found {
        let visitor = read(row)?;
        if visitor.widget != Some(widget) {
            return Err(StoreError::Conflict("visitor key of another widget".into()));
        }
        diesel::update(visitors::table.find(visitor.id.to_string()))
            .set(visitors::last_seen_at.eq(to_db(now)))
            .execute(conn)?;
        return Ok(visitor);
    }
    let visitor = Visitor {
        id: VisitorId::new(),
        widget: Some(widget),
        customer: None,
    };
    diesel::insert_into(visitors::table)
        .values((
            visitors::id.eq(visitor.id.to_string()),
            visitors::widget_id.eq(widget.to_string()),
            visitors::key_hash.eq(key_hash),
            visitors::created_at.eq(to_db(now)),
            visitors::last_seen_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(visitor)
}

/// Records the customer record a visitor's chats are for.
pub fn set_customer(
    conn: &mut DbConnection,
    visitor: VisitorId,
    customer: CustomerId,
) -> Result<(), StoreError> {
    diesel::update(visitors::table.find(visitor.to_string()))
        .set(visitors::customer_id.eq(customer.to_string()))
        .execute(conn)?;
    Ok(())
}

/// Stores a session token's hash for `visitor`, valid until `expires_at`.
pub fn insert_session(
    conn: &mut DbConnection,
    visitor: VisitorId,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(visitor_sessions::table)
        .values((
            visitor_sessions::token_hash.eq(token_hash),
            visitor_sessions::visitor_id.eq(visitor.to_string()),
            visitor_sessions::created_at.eq(to_db(now)),
            visitor_sessions::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The visitor whose unexpired session token hashes to `token_hash`.
pub fn by_session(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Visitor>, StoreError> {
    visitor_sessions::table
        .inner_join(visitors::table)
        .filter(visitor_sessions::token_hash.eq(token_hash))
        .filter(visitor_sessions::expires_at.gt(to_db(now)))
        .select(COLUMNS)
        .first(conn)
        .optional()?
        .map(read)
        .transpose()
}

/// Forgets expired visitor sessions; returns how many.
pub fn purge_sessions(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(visitor_sessions::table.filter(visitor_sessions::expires_at.le(to_db(now))))
            .execute(conn)?,
    )
}
