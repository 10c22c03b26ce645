//! People copied on a ticket's mail: they receive its replies, and their answers thread like
//! the requester's.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::TicketId;

use crate::convert::to_db;
use crate::schema::{customer_emails, ticket_participants, tickets};
use crate::{DbConnection, StoreError};

/// A person copied on a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    /// Their address.
    pub email: EmailAddress,
    /// Their name, as their mail gave it.
    pub name: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = ticket_participants)]
struct ParticipantRow {
    ticket_id: String,
    email_key: String,
    email: String,
    name: Option<String>,
    created_at: NaiveDateTime,
}

/// Adds people to a ticket; those already on it stay as they were.
pub fn add(
    conn: &mut DbConnection,
    ticket: TicketId,
    people: &[Participant],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let known = keys_of(conn, ticket)?;
    let room = kefu_domain::mail::MAX_PARTICIPANTS.saturating_sub(known.len());
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<ParticipantRow> = people
        .iter()
        .filter(|p| !known.contains(&p.email.lookup_key()) && seen.insert(p.email.lookup_key()))
        .map(|p| ParticipantRow {
            ticket_id: ticket.to_string(),
            email_key: p.email.lookup_key(),
            email: p.email.as_str().to_owned(),
            name: p.name.clone(),
            created_at: to_db(now),
        })
        .take(room)
        .collect();
    for row in &rows {
        // Someone added by a mail taken at the same moment is there already: that is fine.
        let inserted = crate::savepoint(conn, |c| {
            crate::with_backend!(c, c => diesel::insert_into(ticket_participants::table).values(row).execute(c))?;
            Ok(())
        });
        match inserted {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Removes a person from a ticket.
pub fn remove(
    conn: &mut DbConnection,
    ticket: TicketId,
    email: &EmailAddress,
) -> Result<(), StoreError> {
    diesel::delete(ticket_participants::table.find((ticket.to_string(), email.lookup_key())))
        .execute(conn)?;
    Ok(())
}

fn keys_of(conn: &mut DbConnection, ticket: TicketId) -> Result<Vec<String>, StoreError> {
    Ok(ticket_participants::table
        .filter(ticket_participants::ticket_id.eq(ticket.to_string()))
        .select(ticket_participants::email_key)
        .load(conn)?)
}

/// The people copied on a ticket, in the order they joined.
pub fn of_ticket(
    conn: &mut DbConnection,
    ticket: TicketId,
) -> Result<Vec<Participant>, StoreError> {
    Ok(ticket_participants::table
        .filter(ticket_participants::ticket_id.eq(ticket.to_string()))
        .order((
            ticket_participants::created_at,
            ticket_participants::email_key,
        ))
        .select((ticket_participants::email, ticket_participants::name))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .map(|(email, name)| Participant {
            email: EmailAddress::from_stored(email),
            name,
        })
        .collect())
}

/// Whether `email` takes part in `ticket`: one of its requester's addresses, or copied on it.
pub fn takes_part(
    conn: &mut DbConnection,
    ticket: TicketId,
    email: &EmailAddress,
) -> Result<bool, StoreError> {
    let key = email.lookup_key();
    let copied = diesel::select(diesel::dsl::exists(
        ticket_participants::table.find((ticket.to_string(), key.clone())),
    ))
    .get_result::<bool>(conn)?;
    if copied {
        return Ok(true);
    }
    let requester = diesel::select(diesel::dsl::exists(
        tickets::table
            .inner_join(
                customer_emails::table.on(customer_emails::customer_id.eq(tickets::requester_id)),
            )
            .filter(tickets::id.eq(ticket.to_string()))
            .filter(customer_emails::email_key.eq(key)),
    ))
    .get_result::<bool>(conn)?;
    Ok(requester)
}
