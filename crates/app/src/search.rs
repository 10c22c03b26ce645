//! The search index as a whole: rebuilding its entries from the tickets and their messages,
//! and keeping this node's own index of them.
//!
//! The database is the source of truth: it holds every ticket's search entries, so every node
//! starts from the same ones. Rebuilding them is needed only when an upgrade changes how texts
//! are indexed (its migration leaves a mark, and `kefu serve` then rebuilds on its own) or on
//! request (`kefu search reindex`).
//!
//! Each node serving searches also keeps its own index of those entries on its disk
//! ([`kefu_store::search::node_index`]): built when it has none, then following the journal
//! of changes every write of entries records. A rebuild of the entries reaches every node's
//! index through that journal.

use std::path::Path;
use std::sync::Arc;

use kefu_store::chat::conversations;
use kefu_store::search::index as search_index;
use kefu_store::search::node_index::JOURNAL_RETENTION;
use kefu_store::search::{NodeIndex, SearchEntry, journal};
use kefu_store::{dialect, messages, settings, tickets};

use crate::{App, AppError};

/// Pages of index a tidy-up merges at most (about 4 MiB: a short write).
const TIDY_PAGES: i64 = 1_000;
/// Tickets rebuilt per transaction.
const BATCH: i64 = 1_000;
/// Tickets added to a node's own index per read while building it.
const NODE_BATCH: i64 = 2_000;
/// The mark a migration leaves when the index must be rebuilt.
const REBUILD: &str = "rebuild";

/// Whether an upgrade left the index to be rebuilt.
pub async fn rebuild_pending(app: &App) -> Result<bool, AppError> {
    let mark = app
        .store
        .read(|conn| settings::get(conn, settings::SEARCH_INDEX))
        .await?;
    Ok(mark.as_deref() == Some(REBUILD))
}

/// Writes every ticket's search entries again from its subject and messages, a batch of
/// tickets per transaction, and clears the rebuild mark; calls `progress(done, total)` after
/// each batch. Searches and new messages keep working meanwhile.
pub async fn reindex(app: &App, progress: impl Fn(u64, u64)) -> Result<u64, AppError> {
    let total = app.store.read(tickets::count_all).await? as u64;
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let batch = app
            .store
            .write(move |conn| {
                let list = tickets::numbered_after(conn, after, BATCH)?;
                let (Some(first), Some(last)) = (list.first(), list.last()) else {
                    return Ok::<_, AppError>(None);
                };
                let (first, last) = (first.number.get(), last.number.get());
                // New messages on these tickets wait, so none is indexed twice or lost.
                dialect::lock_tickets_numbered(conn, first, last)?;
                let numbers: Vec<i64> = list.iter().map(|t| t.number.get()).collect();
                search_index::lock_entries(conn, &numbers)?;
                let ids: Vec<_> = list.iter().map(|t| t.id).collect();
                let mut texts = messages::searchable_texts(conn, &ids)?;
                let mut entries = Vec::new();
                for ticket in &list {
                    let own = texts.remove(&ticket.id).unwrap_or_default();
                    entries.extend(SearchEntry::all_of(ticket, &own)?);
                }
                search_index::remove_tickets(conn, first, last)?;
                search_index::write(conn, &entries)?;
                conversations::mark_indexed(conn, &ids)?;
                Ok(Some((last, list.len() as u64)))
            })
            .await?;
        let Some((last, count)) = batch else {
            break;
        };
        after = last;
        done += count;
        progress(done, total.max(done));
    }
    app.store.write(search_index::analyze).await?;
    app.store
        .write(|conn| settings::set(conn, settings::SEARCH_INDEX, None, kefu_domain::time::now()))
        .await?;
    Ok(done)
}

/// Merges a little of the index, so that lookups stay cheap as messages add small segments,
/// and drops the journal's changes older than every node needs; the server runs it every
/// minute.
pub async fn tidy(app: &App) -> Result<(), AppError> {
    app.store
        .write(|conn| search_index::merge_some(conn, TIDY_PAGES))
        .await?;
    let before = kefu_domain::time::now()
        - chrono::TimeDelta::from_std(JOURNAL_RETENTION).unwrap_or(chrono::TimeDelta::MAX);
    app.store
        .write(move |conn| journal::prune(conn, before))
        .await?;
    Ok(())
}

/// Opens this node's own index in `dir` and gives it to the store, whose searches use it once
/// it is built ([`build_node_index`]).
pub async fn open_node_index(app: &App, dir: &Path) -> Result<Arc<NodeIndex>, AppError> {
    let dir = dir.to_owned();
    let index = tokio::task::spawn_blocking(move || NodeIndex::open(&dir))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    let index = Arc::new(index);
    app.store.attach_node_index(Arc::clone(&index))?;
    Ok(index)
}

/// Builds this node's own index from every ticket's entries if it is not built (new, of
/// another version, or too long without reading the journal), calling `progress(done, total)`
/// with ticket numbers after each batch; searches use the database's index meanwhile.
/// Returns how many entries it added (0 when it was built already).
pub async fn build_node_index(
    app: &App,
    index: &Arc<NodeIndex>,
    progress: impl Fn(u64, u64),
) -> Result<u64, AppError> {
    if index.is_built() {
        return Ok(0);
    }
    let building = Arc::clone(index);
    app.store
        .read(move |conn| building.start_build(conn))
        .await?;
    let last = app.store.read(tickets::last_number).await?;
    let mut added = 0u64;
    let mut first = 1i64;
    while first <= last {
        let upto = (first + NODE_BATCH - 1).min(last);
        let building = Arc::clone(index);
        added += app
            .store
            .read(move |conn| building.build_tickets(conn, first, upto))
            .await? as u64;
        progress(upto as u64, last as u64);
        first = upto + 1;
    }
    let building = Arc::clone(index);
    tokio::task::spawn_blocking(move || building.finish_build())
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    Ok(added)
}

/// Applies to this node's own index the changes other writes made since it last looked;
/// the server runs it every second, and searches run it too before reading the index.
pub async fn follow_node_index(app: &App, index: &Arc<NodeIndex>) -> Result<usize, AppError> {
    let following = Arc::clone(index);
    Ok(app.store.read(move |conn| following.catch_up(conn)).await?)
}
