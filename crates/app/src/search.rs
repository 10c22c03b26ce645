//! The search index as a whole: rebuilding it from the tickets and their messages.
//!
//! The database is the source of truth and the index lives in it, so every node sees the same
//! index; a rebuild is needed only when an upgrade changes how texts are indexed (its
//! migration leaves a mark, and `kefu serve` then rebuilds on its own) or on request
//! (`kefu search reindex`).

use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{dialect, messages, settings, tickets};

use crate::{App, AppError};

/// Pages of index a tidy-up merges at most (about 4 MiB: a short write).
const TIDY_PAGES: i64 = 1_000;
/// Tickets rebuilt per transaction.
const BATCH: i64 = 1_000;
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
                let ids: Vec<_> = list.iter().map(|t| t.id).collect();
                let mut texts = messages::searchable_texts(conn, &ids)?;
                let mut entries = Vec::new();
                for ticket in &list {
                    let own = texts.remove(&ticket.id).unwrap_or_default();
                    entries.extend(SearchEntry::all_of(ticket, &own)?);
                }
                search_index::remove_tickets(conn, first, last)?;
                search_index::write(conn, &entries)?;
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

/// Merges a little of the index, so that lookups stay cheap as messages add small segments;
/// the server runs it every minute.
pub async fn tidy(app: &App) -> Result<(), AppError> {
    app.store
        .write(|conn| search_index::merge_some(conn, TIDY_PAGES))
        .await?;
    Ok(())
}
