//! Search entries read back from the database as they are now, with their terms made again
//! from the tickets' subjects and the messages' bodies: what a node's own index
//! ([`super::node_index`]) is built and kept from.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::entry::{SearchEntry, key_range, number_of, stage_facet, team_facet};
use super::terms::terms_of;
use crate::convert::{parse, parse_opt};
use crate::dialect::{BackendKind, pick};
use crate::schema::tickets;
use crate::{DbConnection, StoreError};
use kefu_domain::ids::TeamId;
use kefu_domain::ticket::Stage;

#[derive(QueryableByName)]
struct StoredRow {
    #[diesel(sql_type = BigInt)]
    key: i64,
    #[diesel(sql_type = Nullable<Text>)]
    message_id: Option<String>,
    #[diesel(sql_type = Bool)]
    public: bool,
    #[diesel(sql_type = Nullable<Text>)]
    body: Option<String>,
}

/// What every entry of a ticket shares: its subject's terms and its facets.
struct Shared {
    subject_terms: Vec<String>,
    team: String,
    stage: String,
}

/// The entries with keys `low..=high`, in key order.
pub fn between(
    conn: &mut DbConnection,
    low: i64,
    high: i64,
) -> Result<Vec<SearchEntry>, StoreError> {
    let shared = shared_of(
        tickets::table
            .filter(tickets::number.between(number_of(low), number_of(high)))
            .select(TICKET_COLUMNS)
            .load(conn)?,
    )?;
    const SQL: (&str, &str) = (
        "SELECT e.entry AS key, e.message_id, e.public, m.body
         FROM search_entries e LEFT JOIN messages m ON m.id = e.message_id
         WHERE e.entry BETWEEN $1 AND $2 ORDER BY e.entry",
        "SELECT e.entry AS key, e.message_id, e.public, m.body
         FROM search_entries e LEFT JOIN messages m ON m.id = e.message_id
         WHERE e.entry BETWEEN ? AND ? ORDER BY e.entry",
    );
    let stored: Vec<StoredRow> = crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
            .bind::<BigInt, _>(low)
            .bind::<BigInt, _>(high)
            .load(c))?;
    Ok(entries_of(stored, &shared))
}

/// The entries with these keys (those that exist), in key order: the messages a group commit
/// appended, read back in one statement however many tickets they are on.
pub fn with_keys(conn: &mut DbConnection, keys: &[i64]) -> Result<Vec<SearchEntry>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut numbers: Vec<i64> = keys.iter().map(|k| number_of(*k)).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let shared = shared_of(
        tickets::table
            .filter(tickets::number.eq_any(numbers))
            .select(TICKET_COLUMNS)
            .load(conn)?,
    )?;
    let mut stored: Vec<StoredRow> = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(500) {
        let backend = conn.backend();
        let marks: Vec<String> = (1..=chunk.len())
            .map(|i| match backend {
                crate::Backend::Postgres => format!("${i}"),
                crate::Backend::Sqlite => "?".to_owned(),
            })
            .collect();
        let sql = format!(
            "SELECT e.entry AS key, e.message_id, e.public, m.body
             FROM search_entries e LEFT JOIN messages m ON m.id = e.message_id
             WHERE e.entry IN ({}) ORDER BY e.entry",
            marks.join(", ")
        );
        let rows: Vec<StoredRow> = crate::with_backend!(conn, c => {
            let mut query = diesel::sql_query(sql.clone()).into_boxed();
            for key in chunk {
                query = query.bind::<BigInt, _>(*key);
            }
            query.load(c)
        })?;
        stored.extend(rows);
    }
    stored.sort_unstable_by_key(|row| row.key);
    Ok(entries_of(stored, &shared))
}

type TicketRow = (i64, String, Option<String>, String);

const TICKET_COLUMNS: (
    tickets::number,
    tickets::subject,
    tickets::team_id,
    tickets::stage,
) = (
    tickets::number,
    tickets::subject,
    tickets::team_id,
    tickets::stage,
);

/// What the entries of these tickets share, by ticket number.
fn shared_of(rows: Vec<TicketRow>) -> Result<HashMap<i64, Shared>, StoreError> {
    let mut shared = HashMap::with_capacity(rows.len());
    for (number, subject, team, stage) in rows {
        let team: Option<TeamId> = parse_opt(team.as_deref())?;
        let stage: Stage = parse(&stage)?;
        shared.insert(
            number,
            Shared {
                subject_terms: terms_of([subject.as_str()]),
                team: team_facet(team),
                stage: stage_facet(stage),
            },
        );
    }
    Ok(shared)
}

/// Entries from their stored rows and their tickets' shared parts. An entry whose ticket is
/// gone (it cannot be: tickets are never deleted) is left out.
fn entries_of(stored: Vec<StoredRow>, shared: &HashMap<i64, Shared>) -> Vec<SearchEntry> {
    stored
        .into_iter()
        .filter_map(|row| {
            let ticket = shared.get(&number_of(row.key))?;
            Some(SearchEntry {
                key: row.key,
                public: row.public,
                subject_terms: ticket.subject_terms.clone(),
                body_terms: match (&row.message_id, &row.body) {
                    (Some(_), Some(body)) => terms_of([body.as_str()]),
                    _ => Vec::new(),
                },
                message_id: row.message_id,
                team: ticket.team.clone(),
                stage: ticket.stage.clone(),
            })
        })
        .collect()
}

/// The entries of the tickets numbered `first..=last`.
pub fn of_tickets(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
) -> Result<Vec<SearchEntry>, StoreError> {
    between(conn, key_range(first)?.0, key_range(last)?.1)
}
