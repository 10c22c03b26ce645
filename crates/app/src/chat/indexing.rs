//! Chat lines are indexed for search a moment after their commit, the lines of a conversation
//! together, instead of inside the group commit that stores them.
//!
//! Indexing in the commit cost each line two more pages written at random places (its search
//! entry and its term counts sit beside its conversation's other lines) and a new segment of
//! the term index per commit; a busy gateway spent a third of its commit there. Done once a
//! second, a conversation's lines of that second share their pages, and a line is searchable
//! about a second after it is sent. Each conversation records how far it is indexed
//! (`chat_index_cursors`, written only under the ticket's search-entry lock, never a row a
//! group commit holds), so a node that stops before indexing leaves nothing out: the next
//! sweep of any node finds those lines.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use kefu_domain::ids::TicketId;
use kefu_domain::message::Message;
use kefu_store::chat::{conversations, lines};
use kefu_store::search::index as search_index;
use kefu_store::{dialect, tickets};

use crate::App;
use crate::error::AppError;
use crate::tickets::history;

/// How often lines written on this node are indexed.
pub const INDEX_EVERY: Duration = Duration::from_secs(1);
/// How often every conversation is checked for lines left unindexed (by a node that stopped).
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How long a pass (or a sweep) waits in all for the writer to be free of group commits
/// before it writes anyway.
const PATIENCE: Duration = Duration::from_millis(500);
/// The most transactions one sweep takes.
const SWEEP_PASSES_MAX: usize = 400;
/// Conversations indexed per transaction.
const TICKETS_PER_PASS: usize = 5;

/// Conversations with lines written on this node and not indexed yet.
#[derive(Debug, Default)]
pub struct Pending(Mutex<HashSet<TicketId>>);

impl Pending {
    /// Notes that lines were written in these conversations.
    pub(crate) fn add(&self, tickets: impl IntoIterator<Item = TicketId>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(tickets);
    }

    fn take(&self) -> Vec<TicketId> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .collect()
    }
}

/// Indexes the lines written on this node since the last pass; returns how many.
pub async fn index_pending(app: &App) -> Result<usize, AppError> {
    let tickets = app.chat_index.take();
    let result = index_lines(app, &tickets, Instant::now() + PATIENCE).await;
    if result.is_err() {
        app.chat_index.add(tickets);
    }
    result
}

/// Indexes the lines of every conversation that has some unindexed (left by a node that
/// stopped before its pass); returns how many.
pub async fn index_left_behind(app: &App) -> Result<usize, AppError> {
    let mut indexed = 0;
    let patience = Instant::now() + PATIENCE;
    // In conversation order, each once: busy conversations fall behind again while this runs,
    // and must not keep the sweep from the ones a stopped node left (the next sweep takes them).
    let mut after = None;
    for _ in 0..SWEEP_PASSES_MAX {
        let behind = app
            .store
            .read(move |conn| conversations::behind_on_index(conn, after, TICKETS_PER_PASS as i64))
            .await?;
        let Some(last) = behind.last().copied() else {
            return Ok(indexed);
        };
        after = Some(last);
        indexed += index_lines(app, &behind, patience).await?;
    }
    Ok(indexed)
}

/// Indexes the unindexed lines of these conversations, a transaction per
/// [`TICKETS_PER_PASS`], each in a quiet moment of the writer until `patience` runs out.
async fn index_lines(
    app: &App,
    tickets: &[TicketId],
    patience: Instant,
) -> Result<usize, AppError> {
    let mut indexed = 0;
    for chunk in tickets.chunks(TICKETS_PER_PASS) {
        let mut chunk = chunk.to_vec();
        chunk.sort_unstable_by_key(ToString::to_string);
        let started = Instant::now();
        let lines = app
            .store
            .write_when_idle(patience, move |conn| {
                // The lock on the tickets' search entries, not on the tickets: lines keep
                // being written meanwhile, and only those numbered when this pass looked are
                // taken (later ones are not committed yet, or not seen).
                let numbers = tickets::numbers(conn, &chunk)?;
                search_index::lock_entries(conn, &numbers)?;
                let cursors = conversations::index_cursors(conn, &chunk)?;
                let ranges: Vec<_> = cursors
                    .iter()
                    .map(|(ticket, (indexed, last))| (*ticket, *indexed, *last))
                    .collect();
                let found: Vec<Message> = lines::sent_between(conn, &ranges)?;
                let rows = tickets::find_many(conn, &chunk)?;
                let by_id: HashMap<TicketId, _> = rows.into_iter().map(|t| (t.id, t)).collect();
                let pairs: Vec<_> = found
                    .iter()
                    .filter_map(|m| by_id.get(&m.ticket).map(|t| (t, m)))
                    .collect();
                history::index_messages(conn, &pairs)?;
                // Entries and how far they reach commit together; lost in a crash, both are
                // written again by the next sweep, so the commit need not wait for the disk.
                let upto: Vec<_> = cursors.iter().map(|(t, (_, last))| (*t, *last)).collect();
                conversations::set_indexed(conn, &upto)?;
                dialect::commit_without_waiting(conn)?;
                Ok::<_, AppError>(pairs.len())
            })
            .await?;
        tracing::debug!(lines, elapsed = ?started.elapsed(), "indexed chat lines");
        indexed += lines;
    }
    Ok(indexed)
}

/// Keeps chat lines indexed while the server runs: this node's lines every second, and
/// anything another node left every minute (and at once, on start).
pub async fn keep_indexed(app: App) {
    let mut ticks = tokio::time::interval(INDEX_EVERY);
    let mut swept = None::<tokio::time::Instant>;
    loop {
        ticks.tick().await;
        if let Err(error) = index_pending(&app).await {
            tracing::warn!(%error, "indexing chat lines failed; retrying");
        }
        if swept.is_none_or(|at| at.elapsed() >= SWEEP_EVERY) {
            match index_left_behind(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(lines = n, "indexed chat lines left unindexed"),
                Err(error) => tracing::warn!(%error, "indexing chat lines left behind failed"),
            }
            swept = Some(tokio::time::Instant::now());
        }
    }
}
