//! The few statements that differ between PostgreSQL and SQLite, kept together.
//!
//! Ticket numbers come from a sequence on PostgreSQL (no lock held across transactions) and
//! from `MAX(number) + 1` on SQLite (writes are serialised there anyway). The search index's
//! statements are in [`crate::search::index`].

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kefu_domain::ids::{TicketId, UserId};

use crate::{Backend, DbConnection, StoreError};

/// The most bind parameters one statement may carry on both backends (SQLite's limit is
/// 32766, PostgreSQL's 65535).
const MAX_BIND_PARAMETERS: usize = 30_000;

/// How many rows of `columns` columns fit in one multi-row insert.
pub fn rows_per_statement(columns: usize) -> usize {
    (MAX_BIND_PARAMETERS / columns.max(1)).max(1)
}

/// Refreshes the query planner's statistics (after a bulk load).
pub fn analyze(conn: &mut DbConnection) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Postgres(pg) => pg.batch_execute("ANALYZE")?,
        DbConnection::Sqlite(sqlite) => sqlite.batch_execute("ANALYZE; PRAGMA optimize;")?,
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// Reserves `count` consecutive-or-increasing ticket numbers and returns them.
pub fn next_ticket_numbers(conn: &mut DbConnection, count: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(count).map_err(|_| StoreError::Corrupt("too many numbers".into()))?;
    let numbers: Vec<Number> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "SELECT nextval('ticket_numbers') AS value FROM generate_series(1, $1)",
        )
        .bind::<BigInt, _>(count)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            let rows: Vec<Number> =
                diesel::sql_query("SELECT COALESCE(MAX(number), 0) AS value FROM tickets")
                    .load(sqlite)?;
            let last = rows.first().map_or(0, |n| n.value);
            (1..=count).map(|i| Number { value: last + i }).collect()
        }
    };
    Ok(numbers.into_iter().map(|n| n.value).collect())
}

/// Locks a ticket's row until the transaction ends, so that concurrent changes to it queue up
/// instead of overwriting each other (PostgreSQL; SQLite's writers are serialised already).
pub fn lock_ticket(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Locks the rows of these tickets until the transaction ends, in id order (PostgreSQL;
/// SQLite's writers are serialised already): the order a group commit of chat lines locks
/// them in, so a writer that moves several chats never waits on one in a circle.
/// A ticket named twice is locked once.
pub fn lock_tickets_in_order(
    conn: &mut DbConnection,
    tickets: impl IntoIterator<Item = TicketId>,
) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        let ids: Vec<String> = tickets.into_iter().map(|t| t.to_string()).collect();
        if !ids.is_empty() {
            diesel::sql_query("SELECT 1 FROM tickets WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                .bind::<diesel::sql_types::Array<Text>, _>(ids)
                .execute(pg)?;
        }
    }
    Ok(())
}

/// Lets the current transaction commit without waiting for its log to reach the disk
/// (PostgreSQL's `synchronous_commit = off`; SQLite in WAL mode never waits at commit): for
/// what can be written again from the database itself, such as search entries, so a crash
/// loses the transaction whole and nothing else.
pub fn commit_without_waiting(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SET LOCAL synchronous_commit = off").execute(pg)?;
    }
    Ok(())
}

/// Locks the rows of the tickets numbered `first..=last` until the transaction ends
/// (PostgreSQL; SQLite's writers are serialised already).
pub fn lock_tickets_numbered(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT 1 FROM tickets WHERE number BETWEEN $1 AND $2 FOR UPDATE")
            .bind::<BigInt, _>(first)
            .bind::<BigInt, _>(last)
            .execute(pg)?;
    }
    Ok(())
}

/// Locks a user's row until the transaction ends (PostgreSQL; SQLite's writers are serialised
/// already), so checks made on what the user holds (their API tokens) stay true until commit.
pub fn lock_user(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Serialises changes to admin accounts until the transaction ends, so that two admins
/// cannot demote each other at once and leave none.
pub fn lock_admins(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7003404445566770001)").execute(pg)?;
    }
    Ok(())
}

/// Records when a user last saw a ticket, whether or not they had seen it before.
pub fn upsert_seen(
    conn: &mut DbConnection,
    user: &str,
    ticket: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use diesel::sql_types::Timestamp;
    const SQL: (&str, &str) = (
        "INSERT INTO ticket_reads (user_id, ticket_id, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, ticket_id) DO UPDATE SET seen_at = EXCLUDED.seen_at",
        "INSERT INTO ticket_reads (user_id, ticket_id, seen_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id, ticket_id) DO UPDATE SET seen_at = excluded.seen_at",
    );
    crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
        .bind::<Text, _>(user)
        .bind::<Text, _>(ticket)
        .bind::<Timestamp, _>(at)
        .execute(c))?;
    Ok(())
}

/// Makes sure a throttle bucket row exists (full, as of `at`) and locks it until the
/// transaction ends, so that concurrent sign-ins take their tokens one after another.
pub fn lock_throttle_bucket(
    conn: &mut DbConnection,
    key: &str,
    full: f64,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use diesel::sql_types::{Double, Timestamp};
    const SQL: (&str, &str) = (
        "INSERT INTO login_throttle (key, allowance, checked_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO NOTHING",
        "INSERT INTO login_throttle (key, allowance, checked_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO NOTHING",
    );
    crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
        .bind::<Text, _>(key)
        .bind::<Double, _>(full)
        .bind::<Timestamp, _>(at)
        .execute(c))?;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT 1 FROM login_throttle WHERE key = $1 FOR UPDATE")
            .bind::<Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Adds a phone number to a customer unless it is there already.
pub fn insert_phone(
    conn: &mut DbConnection,
    customer: &str,
    phone: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    use diesel::sql_types::Timestamp;
    const SQL: (&str, &str) = (
        "INSERT INTO customer_phones (customer_id, phone, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id, phone) DO NOTHING",
        "INSERT INTO customer_phones (customer_id, phone, created_at) VALUES (?, ?, ?)
         ON CONFLICT (customer_id, phone) DO NOTHING",
    );
    crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
        .bind::<Text, _>(customer)
        .bind::<Text, _>(phone)
        .bind::<Timestamp, _>(at)
        .execute(c))?;
    Ok(())
}

/// The PostgreSQL or the SQLite spelling of a statement (they differ in placeholders).
pub(crate) fn pick(backend: Backend, sql: (&'static str, &'static str)) -> &'static str {
    match backend {
        Backend::Postgres => sql.0,
        Backend::Sqlite => sql.1,
    }
}

/// Which backend a concrete connection type speaks.
pub(crate) trait BackendKind {
    fn backend_kind(&self) -> Backend;
}

impl BackendKind for diesel::PgConnection {
    fn backend_kind(&self) -> Backend {
        Backend::Postgres
    }
}

impl BackendKind for diesel::SqliteConnection {
    fn backend_kind(&self) -> Backend {
        Backend::Sqlite
    }
}

/// A row of a raw ticket statement: its number only.
#[derive(QueryableByName)]
struct NumberRow {
    #[diesel(sql_type = BigInt)]
    number: i64,
}

/// The team queue's first page as `viewer` reads it, with the values written in: unsolved
/// tickets of `team`, newest update first, 51 rows (a page and one to tell whether there is
/// more) with the names they refer to — the statement the queue page runs, for the
/// benchmark's baseline.
pub fn team_queue_text(backend: Backend, team: &str, viewer: UserId) -> String {
    let team = team.replace('\'', "''");
    let page = format!(
        "SELECT id, number, subject, stage, channel, status, priority, priority_rank, \
         requester_id, assignee_id, team_id, created_by, created_at, updated_at, \
         first_responded_at, solved_at FROM tickets WHERE unsolved = TRUE \
         AND team_id = '{team}' ORDER BY updated_at DESC, id DESC LIMIT 51"
    );
    crate::ticket_names::page_text(backend, &page, viewer, "t.updated_at DESC, t.id DESC")
}

/// Runs a raw `SELECT … number …` over tickets and returns the numbers it gave, in order: the
/// benchmark's in-process baseline (the same statement the queue page runs, without HTTP),
/// kept prepared like the page's own statement (and like `pgbench -M prepared`).
pub fn run_ticket_statement(
    conn: &mut DbConnection,
    statement: &str,
) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<NumberRow> = crate::with_backend!(conn, c => {
        crate::prepared::Statement::of_fixed_text(statement.to_owned()).load(c)
    })?;
    Ok(rows.into_iter().map(|row| row.number).collect())
}
