//! A conversation's numbered lines: each links a sequence number to its message on the
//! ticket, with the sender's own id for it so a line sent again is found, not stored twice.

use std::collections::HashMap;

use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use kefu_domain::chat::Sequence;
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::message::Message;

use crate::convert::parse;
use crate::messages::MessageRow;
use crate::prepared::Statement;
use crate::schema::{chat_lines, messages};
use crate::{DbConnection, StoreError};

/// One numbered line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The conversation's ticket.
    pub ticket: TicketId,
    /// Its number in the conversation.
    pub seq: Sequence,
    /// Its message on the ticket.
    pub message: MessageId,
    /// The sender's own id for it, if they gave one.
    pub client_id: Option<String>,
}

fn seq_column(seq: Sequence) -> i64 {
    i64::try_from(seq.get()).unwrap_or(i64::MAX)
}

fn seq_value(value: i64) -> Result<Sequence, StoreError> {
    u64::try_from(value)
        .map(Sequence::new)
        .map_err(|_| StoreError::Corrupt(format!("chat line seq {value}")))
}

/// Stores chat lines with their messages and moves each conversation's last number to its
/// last line there; on PostgreSQL in one statement (one round trip where three would wait on
/// a busy server). The conversations' rows must be locked (PostgreSQL) by the caller.
pub fn record(
    conn: &mut DbConnection,
    messages: &[Message],
    lines: &[Line],
) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn
        && !lines.is_empty()
    {
        let rows: Vec<MessageRow> = messages.iter().map(MessageRow::from).collect();
        let (tickets, seqs): (Vec<String>, Vec<i64>) = last_numbers(lines)
            .iter()
            .map(|(t, s)| (t.to_string(), seq_column(*s)))
            .unzip();
        Statement::<diesel::pg::Pg>::new(
            "WITH numbered AS (UPDATE conversations c SET last_seq = u.last_seq \
             FROM unnest(",
        )
        .bind::<Array<Text>, _>(tickets)
        .sql("::text[], ")
        .bind::<Array<BigInt>, _>(seqs)
        .sql(
            "::bigint[]) AS u (ticket_id, last_seq) WHERE c.ticket_id = u.ticket_id), written AS (",
        )
        .sql_of(crate::messages::unnested_insert(&rows))
        .sql(") ")
        .sql_of(unnested_insert(lines))
        .execute(pg)?;
        return Ok(());
    }
    crate::messages::insert_many(conn, messages)?;
    insert_many(conn, lines)?;
    match conn {
        DbConnection::Sqlite(sqlite) => set_last_seqs(sqlite, &last_numbers(lines)),
        // Without lines, no conversation's number moves.
        DbConnection::Postgres(_) => Ok(()),
    }
}

/// Each conversation's last number among `lines`.
fn last_numbers(lines: &[Line]) -> HashMap<TicketId, Sequence> {
    let mut last: HashMap<TicketId, Sequence> = HashMap::new();
    for line in lines {
        let seq = last.entry(line.ticket).or_insert(line.seq);
        *seq = (*seq).max(line.seq);
    }
    last
}

/// SQLite: moves each conversation's last number in one statement (`?N` names a parameter by
/// its position, so one serves in the CASE and in the IN list).
fn set_last_seqs(
    sqlite: &mut diesel::SqliteConnection,
    last: &HashMap<TicketId, Sequence>,
) -> Result<(), StoreError> {
    if last.is_empty() {
        return Ok(());
    }
    let cases: String = (0..last.len())
        .map(|i| format!(" WHEN ?{} THEN ?{}", 2 * i + 1, 2 * i + 2))
        .collect();
    let list: Vec<String> = (0..last.len()).map(|i| format!("?{}", 2 * i + 1)).collect();
    let mut query = diesel::sql_query(format!(
        "UPDATE conversations SET last_seq = CASE ticket_id{cases} ELSE last_seq END \
         WHERE ticket_id IN ({})",
        list.join(", ")
    ))
    .into_boxed::<diesel::sqlite::Sqlite>();
    for (ticket, seq) in last {
        query = query
            .bind::<Text, _>(ticket.to_string())
            .bind::<BigInt, _>(seq_column(*seq));
    }
    query.execute(sqlite)?;
    Ok(())
}

/// PostgreSQL: the statement inserting `lines` as one array per column, a text that is the
/// same however many lines there are, so it stays prepared.
fn unnested_insert(lines: &[Line]) -> Statement<'static, diesel::pg::Pg> {
    fn column<T>(lines: &[Line], value: impl Fn(&Line) -> T) -> Vec<T> {
        lines.iter().map(value).collect()
    }
    Statement::<diesel::pg::Pg>::new(
        "INSERT INTO chat_lines (ticket_id, seq, message_id, client_id) SELECT * FROM unnest(",
    )
    .bind::<Array<Text>, _>(column(lines, |l| l.ticket.to_string()))
    .sql("::text[], ")
    .bind::<Array<BigInt>, _>(column(lines, |l| seq_column(l.seq)))
    .sql("::bigint[], ")
    .bind::<Array<Text>, _>(column(lines, |l| l.message.to_string()))
    .sql("::text[], ")
    .bind::<Array<Nullable<Text>>, _>(column(lines, |l| l.client_id.clone()))
    .sql("::text[])")
}

/// Stores numbered lines (their messages must be stored first).
pub fn insert_many(conn: &mut DbConnection, lines: &[Line]) -> Result<(), StoreError> {
    if lines.is_empty() {
        return Ok(());
    }
    if let DbConnection::Postgres(pg) = conn {
        unnested_insert(lines).execute(pg)?;
        return Ok(());
    }
    for chunk in lines.chunks(crate::dialect::rows_per_statement(4)) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|l| {
                (
                    chat_lines::ticket_id.eq(l.ticket.to_string()),
                    chat_lines::seq.eq(seq_column(l.seq)),
                    chat_lines::message_id.eq(l.message.to_string()),
                    chat_lines::client_id.eq(l.client_id.clone()),
                )
            })
            .collect();
        crate::with_backend!(conn, c => diesel::insert_into(chat_lines::table).values(rows).execute(c))?;
    }
    Ok(())
}

/// Lines found by (conversation, client id): their number and message.
pub type StoredLines = HashMap<(TicketId, String), (Sequence, MessageId)>;

#[derive(QueryableByName)]
struct StoredRow {
    #[diesel(sql_type = Text)]
    ticket_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    client_id: Option<String>,
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    message_id: String,
}

/// The lines already stored under these (conversation, client id) pairs, by pair.
pub fn by_client_ids_many(
    conn: &mut DbConnection,
    pairs: &[(TicketId, &str)],
) -> Result<StoredLines, StoreError> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    // One lookup per pair: with `ticket_id IN (…) AND client_id IN (…)` the index would be
    // probed for every ticket with every client id.
    let mut rows: Vec<StoredRow> = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(crate::dialect::rows_per_statement(2)) {
        let tickets: Vec<String> = chunk.iter().map(|(t, _)| t.to_string()).collect();
        let ids: Vec<&str> = chunk.iter().map(|(_, id)| *id).collect();
        match conn {
            DbConnection::Postgres(pg) => rows.extend(
                diesel::sql_query(
                    "SELECT l.ticket_id, l.client_id, l.seq, l.message_id FROM chat_lines l \
                     WHERE (l.ticket_id, l.client_id) IN \
                       (SELECT * FROM unnest($1::text[], $2::text[]))",
                )
                .bind::<Array<Text>, _>(&tickets)
                .bind::<Array<Text>, _>(&ids)
                .load::<StoredRow>(pg)?,
            ),
            DbConnection::Sqlite(sqlite) => {
                let values = vec!["(?, ?)"; chunk.len()].join(", ");
                let mut query = diesel::sql_query(format!(
                    "SELECT l.ticket_id, l.client_id, l.seq, l.message_id FROM chat_lines l \
                     WHERE (l.ticket_id, l.client_id) IN (VALUES {values})"
                ))
                .into_boxed::<diesel::sqlite::Sqlite>();
                for (ticket, id) in tickets.iter().zip(&ids) {
                    query = query.bind::<Text, _>(ticket).bind::<Text, _>(*id);
                }
                rows.extend(query.load::<StoredRow>(sqlite)?);
            }
        }
    }
    let asked: std::collections::HashSet<(TicketId, &str)> = pairs.iter().copied().collect();
    let mut found = HashMap::new();
    for StoredRow {
        ticket_id,
        client_id,
        seq,
        message_id: message,
    } in rows
    {
        let (Some(client), Ok(ticket)) = (client_id, parse::<TicketId>(&ticket_id)) else {
            continue;
        };
        if asked.contains(&(ticket, client.as_str())) {
            found.insert((ticket, client), (seq_value(seq)?, parse(&message)?));
        }
    }
    Ok(found)
}

/// The lines of `ticket` already stored under these client ids, by client id.
pub fn by_client_ids(
    conn: &mut DbConnection,
    ticket: TicketId,
    client_ids: &[&str],
) -> Result<HashMap<String, (Sequence, MessageId)>, StoreError> {
    let pairs: Vec<(TicketId, &str)> = client_ids.iter().map(|id| (ticket, *id)).collect();
    Ok(by_client_ids_many(conn, &pairs)?
        .into_iter()
        .map(|((_, client), found)| (client, found))
        .collect())
}

/// The lines of `ticket` after `after`, in order, at most `limit`, with their messages.
pub fn after(
    conn: &mut DbConnection,
    ticket: TicketId,
    after: Sequence,
    limit: i64,
) -> Result<Vec<(Sequence, Message)>, StoreError> {
    let rows: Vec<(i64, MessageRow)> = chat_lines::table
        .inner_join(messages::table)
        .filter(chat_lines::ticket_id.eq(ticket.to_string()))
        .filter(chat_lines::seq.gt(seq_column(after)))
        .order(chat_lines::seq)
        .limit(limit)
        .select((chat_lines::seq, MessageRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(seq, row)| Ok((seq_value(seq)?, row.try_into()?)))
        .collect()
}

/// The lines clients sent in these conversations after `from` up to `to` (each
/// conversation's range), with their messages, in order: the lines a pass of the search
/// indexer takes. (Lines without a client id were indexed when written.)
pub fn sent_between(
    conn: &mut DbConnection,
    ranges: &[(TicketId, Sequence, Sequence)],
) -> Result<Vec<Message>, StoreError> {
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    // A hundred ranges per statement: each is a term of one OR, which SQLite nests.
    for chunk in ranges.chunks(100) {
        let rows: Vec<MessageRow> = crate::with_backend!(conn, c => {
            let mut query = chat_lines::table
                .inner_join(messages::table)
                .filter(chat_lines::client_id.is_not_null())
                .into_boxed();
            let mut ranges = chunk.iter().map(|(ticket, from, to)| {
                chat_lines::ticket_id
                    .eq(ticket.to_string())
                    .and(chat_lines::seq.gt(seq_column(*from)))
                    .and(chat_lines::seq.le(seq_column(*to)))
            });
            if let Some(first) = ranges.next() {
                let any: Box<dyn BoxableExpression<_, _, SqlType = diesel::sql_types::Bool>> =
                    ranges.fold(Box::new(first), |any, next| Box::new(any.or(next)));
                query = query.filter(any);
            }
            query
                .order((chat_lines::ticket_id, chat_lines::seq))
                .select(MessageRow::as_select())
                .load(c)
        })?;
        for row in rows {
            found.push(row.try_into()?);
        }
    }
    Ok(found)
}
