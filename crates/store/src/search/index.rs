//! The search index in each backend: an FTS5 table on SQLite, a `tsvector` column with a GIN
//! index on PostgreSQL, each holding one row per [`SearchEntry`] under its key, beside a
//! `search_entries` table naming the entry's message (and, on SQLite, holding its terms).
//!
//! A search first asks the index for the entries matching its words, up to
//! [`CANDIDATE_ENTRIES`]. When it finds fewer, the queue is filtered to those tickets. When
//! there are more, the words are common, and the index is never read whole:
//! - newest first, the index is read from its highest key down ([`newest_keys`]), since keys
//!   grow with ticket numbers, until the page is full (a requester's own few tickets, and a
//!   queue the words turn out to be rare in, are walked instead);
//! - in any other order, the queue is walked in its own order, asking each ticket whether it
//!   matches (a probe of its few entries under one key range), until the page is full.
//!
//! PostgreSQL is not asked to list the entries when its statistics of the index (the most
//! common lexemes `ANALYZE` finds) already call the words common: GIN builds the whole list of
//! a word's entries before it can say there are more than [`CANDIDATE_ENTRIES`], which costs
//! more than the search that follows.
//!
//! On SQLite the probe reads the terms kept in `search_entries` (with `instr`, see
//! [`SearchQuery::needles`]) rather than the FTS5 index, whose lookups cost more with every
//! segment written since the last merge.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Nullable, Text};

use super::entry::{Facets, SearchEntry, key_range, number_of};
use super::journal;
use super::query::SearchQuery;
use crate::connection::Db;
use crate::dialect::{BackendKind, pick};
use crate::prepared::{self, Statement};
use crate::schema::tickets;
use crate::{Backend, DbConnection, StoreError};
use kefu_domain::permissions::SearchScope;

/// The most matching entries a search lists before it walks the queue instead.
pub const CANDIDATE_ENTRIES: i64 = 4_000;
/// The matching entries, by PostgreSQL's statistics, above which a search's words are common
/// without asking GIN: a walk then finds a page within a few thousand entries, sooner than GIN
/// lists every match (it builds the whole list before it can say there are more than
/// [`CANDIDATE_ENTRIES`]).
const COMMON_ENTRIES: f64 = 20_000.0;
/// Rows per insert statement when writing entries.
const ROWS_PER_INSERT: usize = 500;

/// How the queue is narrowed to the tickets matching a search.
#[derive(Clone, Debug)]
pub enum TextMatch {
    /// Few tickets match: these, by number.
    Among(Vec<i64>),
    /// Many tickets match: each ticket the queue passes is asked, or the index is read newest
    /// first.
    Probe {
        /// The words.
        query: SearchQuery,
        /// What the searcher may read.
        scope: SearchScope,
        /// What the queue's filters say of every ticket in it.
        facets: Facets,
    },
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

#[derive(QueryableByName)]
struct Frequency {
    #[diesel(sql_type = Text)]
    lexeme: String,
    #[diesel(sql_type = Double)]
    share: f64,
    #[diesel(sql_type = Double)]
    entries: f64,
}

/// What PostgreSQL's statistics say of the index's most common lexemes (those `ANALYZE` and
/// autovacuum find in `search_entries.terms`): the share of entries holding each. Empty on
/// SQLite, whose index says cheaply whether a word has many entries.
#[derive(Clone, Debug, Default)]
pub struct TermStatistics {
    entries: f64,
    shares: HashMap<String, f64>,
}

impl TermStatistics {
    /// The share of entries holding `lexeme`, if it is among the most common.
    pub fn share(&self, lexeme: &str) -> Option<f64> {
        self.shares.get(lexeme).copied()
    }

    /// Whether the entries within `facets` holding all of the query's lexemes are more than
    /// [`COMMON_ENTRIES`], taking the lexemes as independent. A lexeme missing from the
    /// statistics is rarer than all of them, and so is the query.
    pub fn call_common(&self, query: &SearchQuery, facets: &Facets) -> bool {
        let Some(mut lexemes) = query.lexemes(facets) else {
            return false;
        };
        lexemes.sort_unstable();
        lexemes.dedup();
        let shares: Option<Vec<f64>> = lexemes
            .iter()
            .map(|l| self.shares.get(l).copied())
            .collect();
        shares.is_some_and(|s| self.entries * s.iter().product::<f64>() > COMMON_ENTRIES)
    }
}

/// Reads PostgreSQL's statistics of the index (empty on SQLite, or before the first
/// `ANALYZE`).
pub fn term_statistics(conn: &mut DbConnection) -> Result<TermStatistics, StoreError> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(TermStatistics::default());
    };
    let found: Vec<Frequency> = diesel::sql_query(
        "SELECT e.lexeme, CAST(s.most_common_elem_freqs[e.i] AS float8) AS share,
                CAST(c.reltuples AS float8) AS entries
         FROM pg_stats s
         JOIN pg_class c ON c.oid = CAST('search_entries' AS regclass)
         CROSS JOIN LATERAL unnest(CAST(CAST(s.most_common_elems AS text) AS text[]))
           WITH ORDINALITY AS e(lexeme, i)
         WHERE s.schemaname = current_schema() AND s.tablename = 'search_entries'
           AND s.attname = 'terms'",
    )
    .load(pg)?;
    Ok(TermStatistics {
        entries: found.first().map_or(0.0, |f| f.entries),
        shares: found.into_iter().map(|f| (f.lexeme, f.share)).collect(),
    })
}

#[derive(QueryableByName)]
struct MaybeKey {
    #[diesel(sql_type = Nullable<BigInt>)]
    value: Option<i64>,
}

#[derive(QueryableByName)]
struct EntryRow {
    #[diesel(sql_type = BigInt)]
    key: i64,
    #[diesel(sql_type = Bool)]
    public: bool,
}

/// Adds entries to the index (their keys must be new), and records the change in the journal
/// nodes' own indexes follow.
pub fn write(conn: &mut DbConnection, entries: &[SearchEntry]) -> Result<(), StoreError> {
    journal::record_ranges(conn, &changed_ranges(entries))?;
    insert(conn, entries)
}

/// Writes entries of messages just added (each after its ticket's last), and records each
/// one alone in the journal: followers read those entries back, not their whole tickets, so
/// a chat's line costs the same to index on line 2,000 as on line 10.
pub fn write_appended(conn: &mut DbConnection, entries: &[SearchEntry]) -> Result<(), StoreError> {
    let singles: Vec<(i64, i64)> = entries.iter().map(|e| (e.key, e.key)).collect();
    journal::record_ranges(conn, &singles)?;
    insert(conn, entries)
}

fn insert(conn: &mut DbConnection, entries: &[SearchEntry]) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        match conn {
            DbConnection::Postgres(pg) => {
                diesel::sql_query(
                    "INSERT INTO search_entries (entry, message_id, public, terms)
                     SELECT k, m, p, CAST(t AS tsvector)
                     FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::text[])
                       AS e(k, m, p, t)",
                )
                .bind::<Array<BigInt>, _>(chunk.iter().map(|e| e.key).collect::<Vec<_>>())
                .bind::<Array<Nullable<Text>>, _>(
                    chunk
                        .iter()
                        .map(|e| e.message_id.as_deref())
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Bool>, _>(chunk.iter().map(|e| e.public).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(chunk.iter().map(SearchEntry::tsvector).collect::<Vec<_>>())
                .execute(pg)?;
            }
            DbConnection::Sqlite(sqlite) => {
                let rows = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
                let mut insert = diesel::sql_query(format!(
                    "INSERT INTO search_entries (entry, message_id, public, terms) VALUES {rows}"
                ))
                .into_boxed::<diesel::sqlite::Sqlite>();
                for entry in chunk {
                    // The subject's terms are kept once, on entry 0; probes read them from there.
                    let own = match entry.message_id {
                        None => &entry.subject_terms,
                        Some(_) => &entry.body_terms,
                    };
                    insert = insert
                        .bind::<BigInt, _>(entry.key)
                        .bind::<Nullable<Text>, _>(entry.message_id.clone())
                        .bind::<Bool, _>(entry.public)
                        .bind::<Text, _>(own.join(" "));
                }
                insert.execute(sqlite)?;
                let rows = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
                let mut insert = diesel::sql_query(format!(
                    "INSERT INTO search_terms (rowid, subject, body, public_body, facets, \
                     team_terms) VALUES {rows}"
                ))
                .into_boxed::<diesel::sqlite::Sqlite>();
                for entry in chunk {
                    let body = entry.body_terms.join(" ");
                    let public_body = if entry.public {
                        body.clone()
                    } else {
                        String::new()
                    };
                    insert = insert
                        .bind::<BigInt, _>(entry.key)
                        .bind::<Text, _>(entry.subject_terms.join(" "))
                        .bind::<Text, _>(body)
                        .bind::<Text, _>(public_body)
                        .bind::<Text, _>(entry.facets().join(" "))
                        .bind::<Text, _>(entry.team_terms().join(" "));
                }
                insert.execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Removes every entry of the tickets numbered `first..=last`, and records the change in the
/// journal.
pub fn remove_tickets(conn: &mut DbConnection, first: i64, last: i64) -> Result<(), StoreError> {
    let (low, high) = (key_range(first)?.0, key_range(last)?.1);
    journal::record(conn, low, high)?;
    match conn {
        DbConnection::Postgres(pg) => {
            diesel::sql_query("DELETE FROM search_entries WHERE entry BETWEEN $1 AND $2")
                .bind::<BigInt, _>(low)
                .bind::<BigInt, _>(high)
                .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query(
                "DELETE FROM search_terms WHERE rowid IN
                 (SELECT entry FROM search_entries WHERE entry BETWEEN ? AND ?)",
            )
            .bind::<BigInt, _>(low)
            .bind::<BigInt, _>(high)
            .execute(sqlite)?;
            diesel::sql_query("DELETE FROM search_entries WHERE entry BETWEEN ? AND ?")
                .bind::<BigInt, _>(low)
                .bind::<BigInt, _>(high)
                .execute(sqlite)?;
        }
    }
    Ok(())
}

/// The key ranges `entries` change, one per run of consecutive ticket numbers (a follower
/// reads a range's whole tickets again): a rebuild of many tickets records one range, writes
/// on scattered tickets one per ticket, not everything between them.
fn changed_ranges(entries: &[SearchEntry]) -> Vec<(i64, i64)> {
    let mut keys: Vec<i64> = entries.iter().map(|e| e.key).collect();
    keys.sort_unstable();
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    for key in keys {
        match ranges.last_mut() {
            Some((_, high)) if number_of(key) <= number_of(*high) + 1 => *high = key,
            _ => ranges.push((key, key)),
        }
    }
    ranges
}

/// Where the keys of the search-entry locks start, clear of the other advisory locks.
const ENTRY_LOCKS: i64 = 1 << 62;

/// Locks the search entries of tickets `numbers` until the transaction ends (PostgreSQL;
/// SQLite's writers are serialised already): whoever adds or rewrites a ticket's entries
/// takes this first, so positions are handed out once. It is not the ticket's row lock, so
/// indexing never holds up a chat line being written to the same ticket.
pub fn lock_entries(conn: &mut DbConnection, numbers: &[i64]) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn
        && !numbers.is_empty()
    {
        let mut keys: Vec<i64> = numbers.iter().map(|n| ENTRY_LOCKS | n).collect();
        keys.sort_unstable();
        keys.dedup();
        diesel::sql_query(
            "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k ORDER BY k",
        )
        .bind::<Array<BigInt>, _>(keys)
        .execute(pg)?;
    }
    Ok(())
}

/// The positions the next messages of tickets `numbers` take, by number, in one query.
pub fn next_positions(
    conn: &mut DbConnection,
    numbers: &[i64],
) -> Result<HashMap<i64, u32>, StoreError> {
    let mut positions = HashMap::new();
    for chunk in numbers.chunks(200) {
        let backend = conn.backend();
        let parts: Vec<String> = (0..chunk.len())
            .map(|i| match backend {
                crate::Backend::Postgres => format!(
                    "SELECT CAST(${} AS bigint) AS number, (SELECT MAX(entry) FROM search_entries \
                     WHERE entry BETWEEN ${} AND ${}) AS value",
                    3 * i + 1,
                    3 * i + 2,
                    3 * i + 3
                ),
                crate::Backend::Sqlite => {
                    "SELECT ? AS number, (SELECT MAX(entry) FROM search_entries \
                     WHERE entry BETWEEN ? AND ?) AS value"
                        .to_owned()
                }
            })
            .collect();
        let sql = parts.join(" UNION ALL ");
        let mut bounds = Vec::with_capacity(chunk.len());
        for number in chunk {
            bounds.push((*number, key_range(*number)?));
        }
        let rows: Vec<NumberedKey> = crate::with_backend!(conn, c => {
            let mut query = diesel::sql_query(sql.clone()).into_boxed();
            for (number, (low, high)) in &bounds {
                query = query
                    .bind::<BigInt, _>(*number)
                    .bind::<BigInt, _>(*low)
                    .bind::<BigInt, _>(*high);
            }
            query.load(c)
        })?;
        for row in rows {
            let low = key_range(row.number)?.0;
            let last = row.value.map_or(0, |key| key - low);
            let next = u32::try_from(last + 1).map_err(|_| {
                StoreError::Corrupt(format!("ticket #{} holds too many entries", row.number))
            })?;
            positions.insert(row.number, next);
        }
    }
    Ok(positions)
}

#[derive(QueryableByName)]
struct NumberedKey {
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    value: Option<i64>,
}

/// The position the next message of ticket `number` takes (after its last entry; 1 at least).
pub fn next_position(conn: &mut DbConnection, number: i64) -> Result<u32, StoreError> {
    let (low, high) = key_range(number)?;
    const SQL: (&str, &str) = (
        "SELECT MAX(entry) AS value FROM search_entries WHERE entry BETWEEN $1 AND $2",
        "SELECT MAX(entry) AS value FROM search_entries WHERE entry BETWEEN ? AND ?",
    );
    let rows: Vec<MaybeKey> = crate::with_backend!(conn, c => diesel::sql_query(pick(c.backend_kind(), SQL))
    .bind::<BigInt, _>(low)
    .bind::<BigInt, _>(high)
    .load(c))?;
    let last = rows
        .first()
        .and_then(|r| r.value)
        .map_or(0, |key| key - low);
    u32::try_from(last + 1)
        .map_err(|_| StoreError::Corrupt(format!("ticket #{number} holds too many entries")))
}

/// Asks the index how the queue should be narrowed to the tickets matching `query`; `facets`
/// (see [`super::entry`]) are what the queue's filters say of every ticket in it, so the index
/// counts only the entries the queue can show; PostgreSQL's `statistics`, when given, spare
/// it the count for words they call common.
pub fn resolve(
    conn: &mut DbConnection,
    query: &SearchQuery,
    scope: SearchScope,
    facets: &Facets,
    statistics: Option<&TermStatistics>,
) -> Result<TextMatch, StoreError> {
    let probe = || TextMatch::Probe {
        query: query.clone(),
        scope,
        facets: facets.clone(),
    };
    let keys: Vec<Key> = match conn {
        DbConnection::Postgres(pg) => {
            if statistics.is_some_and(|s| s.call_common(query, facets)) {
                return Ok(probe());
            }
            let tsquery = query.to_tsquery(facets);
            diesel::sql_query(format!(
                "SELECT entry AS value FROM search_entries
                 WHERE terms @@ CAST($1 AS tsquery){} LIMIT $2",
                public_only(scope, "")
            ))
            .bind::<Text, _>(tsquery)
            .bind::<BigInt, _>(CANDIDATE_ENTRIES + 1)
            .load(pg)?
        }
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT rowid AS value FROM search_terms WHERE search_terms MATCH ? LIMIT ?",
        )
        .bind::<Text, _>(query.to_fts5(scope, facets))
        .bind::<BigInt, _>(CANDIDATE_ENTRIES + 1)
        .load(sqlite)?,
    };
    if keys.len() as i64 > CANDIDATE_ENTRIES {
        return Ok(probe());
    }
    let mut numbers: Vec<i64> = keys.iter().map(|k| number_of(k.value)).collect();
    numbers.sort_unstable();
    numbers.dedup();
    Ok(TextMatch::Among(numbers))
}

fn public_only(scope: SearchScope, alias: &str) -> String {
    match scope {
        SearchScope::All => String::new(),
        SearchScope::Public => format!(" AND {alias}public"),
    }
}

/// Up to `limit` keys of the entries matching `query` (narrowed to `facets`) among the keys
/// `keys`, from the highest down: the newest tickets' first.
pub fn newest_keys(
    conn: &mut DbConnection,
    query: &SearchQuery,
    scope: SearchScope,
    facets: &Facets,
    keys: std::ops::Range<i64>,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    let found: Vec<Key> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(format!(
            "SELECT entry AS value FROM search_entries
             WHERE terms @@ CAST($1 AS tsquery){} AND entry >= $2 AND entry < $3
             ORDER BY entry DESC LIMIT $4",
            public_only(scope, "")
        ))
        .bind::<Text, _>(query.to_tsquery(facets))
        .bind::<BigInt, _>(keys.start)
        .bind::<BigInt, _>(keys.end)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT rowid AS value FROM search_terms
             WHERE search_terms MATCH ? AND rowid >= ? AND rowid < ?
             ORDER BY rowid DESC LIMIT ?",
        )
        .bind::<Text, _>(query.to_fts5(scope, facets))
        .bind::<BigInt, _>(keys.start)
        .bind::<BigInt, _>(keys.end)
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
    };
    Ok(found.into_iter().map(|k| k.value).collect())
}

/// The SQLite condition that entry `e`, beside its ticket's subject entry `s`, holds every term
/// of a query: one `instr` per needle (each given as SQL: a placeholder or a string) over the
/// terms the searcher may read.
fn sqlite_holds(scope: SearchScope, needles: impl IntoIterator<Item = String>) -> String {
    let body = match scope {
        SearchScope::All => "e.terms",
        SearchScope::Public => "CASE WHEN e.public THEN e.terms ELSE '' END",
    };
    needles
        .into_iter()
        .map(|needle| format!("instr(' ' || s.terms || ' ' || {body} || ' ', {needle}) > 0"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A filter on `tickets` keeping those that match.
pub fn filter(
    backend: Backend,
    text: &TextMatch,
) -> Box<dyn BoxableExpression<tickets::table, Db, SqlType = Bool>> {
    match (backend, text) {
        (_, TextMatch::Among(numbers)) => {
            Box::new(prepared::among_filter(backend, "tickets.number", numbers))
        }
        (Backend::Postgres, TextMatch::Probe { query, scope, .. }) => Box::new(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM search_entries e \
                 WHERE e.entry BETWEEN tickets.number * 4294967296 \
                 AND tickets.number * 4294967296 + 4294967295 AND e.terms @@ CAST(",
            )
            .bind::<Text, _>(query.to_tsquery(&Facets::default()))
            .sql(&format!(
                " AS tsquery){} OFFSET 0)",
                public_only(*scope, "e.")
            )),
        ),
        (Backend::Sqlite, TextMatch::Probe { query, scope, .. }) => {
            // The needles are written as SQL strings (quotes doubled): a filter made of text
            // and one bind per needle has a type per number of needles.
            let literals: Vec<String> = query
                .needles()
                .iter()
                .map(|needle| format!("'{}'", needle.replace('\'', "''")))
                .collect();
            let probe = match literals.as_slice() {
                // One word is in the subject or a message when it is in any entry the
                // searcher may read (the subject's is public): no need to pair each with it.
                [needle] => format!(
                    "EXISTS (SELECT 1 FROM search_entries e \
                     WHERE e.entry BETWEEN tickets.number * 4294967296 \
                     AND tickets.number * 4294967296 + 4294967295 \
                     AND instr(' ' || e.terms || ' ', {needle}) > 0{})",
                    public_only(*scope, "e.")
                ),
                _ => format!(
                    "EXISTS (SELECT 1 FROM search_entries s JOIN search_entries e \
                     ON e.entry BETWEEN s.entry AND s.entry + 4294967295 \
                     WHERE s.entry = tickets.number * 4294967296 AND {})",
                    sqlite_holds(*scope, literals)
                ),
            };
            Box::new(sql::<Bool>(&probe))
        }
    }
}

/// How a ticket matched a search.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The key of the entry to show: its newest matching message the searcher may read, or
    /// else its best entry.
    pub key: i64,
    /// How well it matches, for `sort=relevance`: the words all in the subject first, then the
    /// more messages hold them, the better.
    pub score: f64,
    /// The message to show a snippet of; `None` when only the subject matched for them.
    pub message_id: Option<String>,
}

/// What matched on one ticket: its subject, how many messages the searcher may read, and the
/// newest of them.
type Matched = (bool, u32, Option<i64>);

/// How each of the tickets `numbers` matched, for ranking and snippets, from the entries
/// themselves.
pub fn best_hits(
    conn: &mut DbConnection,
    query: &SearchQuery,
    scope: SearchScope,
    numbers: &[i64],
) -> Result<HashMap<i64, Hit>, StoreError> {
    let rows: Vec<EntryRow> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(format!(
            // Each ticket's entries are read by key (`OFFSET 0` keeps the planner from
            // turning the words into a scan of every matching entry first).
            "SELECT e.entry AS key, e.public
             FROM unnest($1::bigint[]) AS n(number)
             CROSS JOIN LATERAL (SELECT entry, public, terms FROM search_entries
               WHERE entry BETWEEN n.number * 4294967296 AND n.number * 4294967296 + 4294967295
               OFFSET 0) e
             WHERE e.terms @@ CAST($2 AS tsquery){}",
            public_only(scope, "e.")
        ))
        .bind::<Array<BigInt>, _>(numbers)
        .bind::<Text, _>(query.to_tsquery(&Facets::default()))
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            let needles = query.needles();
            let mut rows = Vec::new();
            for chunk in numbers.chunks(ROWS_PER_INSERT) {
                let marks = vec!["?"; chunk.len()].join(", ");
                let mut select = diesel::sql_query(format!(
                    "SELECT e.entry AS key, e.public
                     FROM search_entries s JOIN search_entries e
                       ON e.entry BETWEEN s.entry AND s.entry + 4294967295
                     WHERE s.entry IN ({marks}) AND {}",
                    sqlite_holds(scope, needles.iter().map(|_| "?".to_owned()))
                ))
                .into_boxed::<diesel::sqlite::Sqlite>();
                for number in chunk {
                    select = select.bind::<BigInt, _>(key_range(*number)?.0);
                }
                for needle in &needles {
                    select = select.bind::<Text, _>(needle.clone());
                }
                rows.extend(select.load::<EntryRow>(sqlite)?);
            }
            rows
        }
    };
    hits_of(rows.into_iter().map(|row| (row.key, row.public)), scope)
}

/// How tickets matched, from the keys of their matching entries (and whether each is public):
/// the words all in the subject first, then the more messages hold them, the better; the
/// snippet comes from the newest matching message the searcher may read, named by
/// [`name_messages`].
pub fn hits_of(
    entries: impl IntoIterator<Item = (i64, bool)>,
    scope: SearchScope,
) -> Result<HashMap<i64, Hit>, StoreError> {
    let mut found: HashMap<i64, Matched> = HashMap::new();
    for (key, public) in entries {
        let number = number_of(key);
        let (subject, messages, newest) = found.entry(number).or_default();
        // An internal entry matches a customer's search only through the subject's terms;
        // its message is not theirs to read.
        let readable = public || scope == SearchScope::All;
        if key == key_range(number)?.0 {
            *subject = true;
        } else if readable {
            *messages += 1;
            if newest.is_none_or(|newest| key > newest) {
                *newest = Some(key);
            }
        }
    }
    found
        .into_iter()
        .map(|(number, (subject, messages, newest))| {
            let score = if subject { 2.0 } else { 0.0 } + 1.0 - 1.0 / (1.0 + f64::from(messages));
            let key = match newest {
                Some(key) => key,
                None => key_range(number)?.0,
            };
            Ok((
                number,
                Hit {
                    key,
                    score,
                    message_id: None,
                },
            ))
        })
        .collect()
}

/// Names the message of each hit's entry (ranking needs only keys, so this is done for the
/// tickets shown); a hit whose entry names no message shows the subject.
pub fn name_messages(
    conn: &mut DbConnection,
    hits: &mut HashMap<i64, Hit>,
) -> Result<(), StoreError> {
    let keys: Vec<i64> = hits
        .iter()
        .filter(|(number, hit)| key_range(**number).is_ok_and(|(low, _)| hit.key != low))
        .map(|(_, hit)| hit.key)
        .collect();
    let ids = message_ids(conn, &keys)?;
    for (number, hit) in hits.iter_mut() {
        hit.message_id = ids.get(&hit.key).cloned();
        if hit.message_id.is_none() {
            hit.key = key_range(*number)?.0;
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct MessageOfEntry {
    #[diesel(sql_type = BigInt)]
    key: i64,
    #[diesel(sql_type = Nullable<Text>)]
    message_id: Option<String>,
}

/// The messages the entries `keys` index, by key.
fn message_ids(conn: &mut DbConnection, keys: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = conn.backend();
    let rows: Vec<MessageOfEntry> = crate::with_backend!(conn, c => {
        Statement::new("SELECT entry AS key, message_id FROM search_entries WHERE ")
            .sql_of(prepared::among(backend, "entry", keys))
            .load(c)?
    });
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((row.key, row.message_id?)))
        .collect())
}

/// Merges some of the SQLite index's segments (at most about `pages` pages of work), so that
/// each lookup reads few of them; run now and then, and after large writes. PostgreSQL's GIN
/// index keeps itself (autovacuum folds its pending list in).
pub fn merge_some(conn: &mut DbConnection, pages: i64) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(sqlite) = conn {
        diesel::sql_query("INSERT INTO search_terms (search_terms, rank) VALUES ('merge', ?)")
            .bind::<BigInt, _>(-pages.abs())
            .execute(sqlite)?;
    }
    Ok(())
}

/// Refreshes PostgreSQL's statistics of the index's terms, by which it judges which words are
/// common (after a rebuild; autovacuum keeps them afterwards). SQLite's index needs none.
pub fn analyze(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("ANALYZE search_entries").execute(pg)?;
    }
    Ok(())
}

/// Merges the SQLite index into one segment (after a bulk load).
pub fn optimize(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(sqlite) = conn {
        diesel::sql_query("INSERT INTO search_terms (search_terms) VALUES ('optimize')")
            .execute(sqlite)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_call_words_common_by_their_shares_and_the_facets() {
        let statistics = TermStatistics {
            entries: 1_000_000.0,
            shares: HashMap::from([("退货".to_owned(), 0.03), ("_stage_x".to_owned(), 0.3)]),
        };
        let query = |q: &str| SearchQuery::parse(q).unwrap_or_else(|| panic!("a query: {q}"));
        let none = Facets::default();
        assert!(
            statistics.call_common(&query("退货"), &none),
            "30,000 entries"
        );
        let stage = Facets {
            team: None,
            stage: Some("_stage_x".into()),
        };
        assert!(
            !statistics.call_common(&query("退货"), &stage),
            "9,000 at that stage"
        );
        assert!(
            !statistics.call_common(&query("退货 发票"), &none),
            "发票 is rarer"
        );
        assert!(
            !statistics.call_common(&query("退*"), &none),
            "a prefix is never looked up"
        );
        let team = Facets {
            team: Some("_team_y".into()),
            stage: None,
        };
        assert!(
            !statistics.call_common(&query("退货"), &team),
            "not joined to the team"
        );
    }
}
