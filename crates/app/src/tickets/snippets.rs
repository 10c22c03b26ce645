//! Search results' snippets: the words found, in the message (or subject) they were found in.

use std::collections::HashMap;

use kefu_api_types::tickets::{Snippet, SnippetPart, TicketResponse};
use kefu_store::search::SearchQuery;
use kefu_store::search::index::Hit;
use kefu_store::search::snippet::snippet;
use kefu_store::{DbConnection, StoreError, messages};

/// The most characters a snippet shows.
const SNIPPET_CHARS: usize = 160;

/// Gives each listed ticket the snippet of its best hit: the matching message if the viewer
/// may read it and the words are in it, or else the subject.
pub fn attach(
    conn: &mut DbConnection,
    items: &mut [TicketResponse],
    hits: &HashMap<i64, Hit>,
    words: &SearchQuery,
) -> Result<(), StoreError> {
    let ids: Vec<String> = items
        .iter()
        .filter_map(|t| hits.get(&t.number.get())?.message_id.clone())
        .collect();
    let bodies = messages::bodies(conn, &ids)?;
    for item in items {
        let message = hits
            .get(&item.number.get())
            .and_then(|hit| hit.message_id.as_ref())
            .and_then(|id| Some((id, bodies.get(id)?)));
        let mut found = None;
        if let Some((id, body)) = message
            && let Some(list) = snippet(body, words, SNIPPET_CHARS)
        {
            let id = id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("message id {id:?}")))?;
            found = Some(Snippet {
                message_id: Some(id),
                parts: parts(list),
            });
        }
        item.snippet = found.or_else(|| {
            Some(Snippet {
                message_id: None,
                parts: parts(snippet(&item.subject, words, SNIPPET_CHARS)?),
            })
        });
    }
    Ok(())
}

fn parts(list: Vec<kefu_store::search::SnippetPart>) -> Vec<SnippetPart> {
    list.into_iter()
        .map(|p| SnippetPart {
            text: p.text,
            highlight: p.highlight,
        })
        .collect()
}
